"""Reading and writing the workbook open in Excel, through xlwings: the twin of file.py and edit.py.

It finds the same tables, hands the model the same cell values with the same
row numbers, and writes back only values, colours, pictures and sheets (what
xlwings supports in desktop Excel and in its remote engine alike).
"""

from __future__ import annotations

from peermap_xl.book import raw
from peermap_xl.book.plan import AddRows, PlacePicture, Plan, ReplaceSheet, SetCell
from peermap_xl.book.raw import RawBook, RawTable
from peermap_xl.contract import schema


def _values(area) -> list[list]:
    """A range's values, always as rows of cells."""
    return area.options(ndim=2).value or []


def read_raw(book) -> RawBook:
    tables = {}
    for sheet in book.sheets:
        for table in sheet.tables:
            tables.setdefault(table.name.replace(" ", "").casefold(), (sheet, table))
    sheets = {schema.normalise_header(sheet.name): sheet for sheet in book.sheets}
    found = RawBook(source=book.name, sheet_names=tuple(sheet.name for sheet in book.sheets))
    for wanted in raw.WANTED:
        hit = tables.get(wanted.replace(" ", "").casefold())
        if hit:
            sheet, table = hit
            area = table.range
            rows = _values(area)
            found.tables[wanted] = raw.table_from_rows(sheet.name, rows, area.row, area.column,
                                                       area.row + len(rows) - 1)
        elif schema.normalise_header(wanted) in sheets:
            sheet = sheets[schema.normalise_header(wanted)]
            used = sheet.used_range
            rows = _values(used)
            header = raw.find_header_row(rows, wanted)
            if header is None:
                found.tables[wanted] = RawTable(sheet.name, [], [])
                continue
            found.tables[wanted] = raw.table_from_rows(sheet.name, rows[header - 1:], used.row + header - 1,
                                                       used.column, None)
    return found


def apply(book, plan: Plan) -> None:
    """Carry out every edit of `plan` on the open workbook (values, colours, links, pictures, sheets)."""
    steps = plan.edits
    i = 0
    while i < len(steps):
        step = steps[i]
        if isinstance(step, SetCell):  # a run of cells down one column: one call to Excel
            run = [step]
            while i + len(run) < len(steps) and _continues(run[-1], steps[i + len(run)]):
                run.append(steps[i + len(run)])
            cells = book.sheets[step.sheet].range((step.row, step.column), (run[-1].row, step.column))
            cells.value = [[as_text(s.value)] for s in run]
            i += len(run)
            continue
        if isinstance(step, AddRows):
            _add_rows(book, step)
        elif isinstance(step, ReplaceSheet):
            _replace_sheet(book, step)
        elif isinstance(step, PlacePicture):
            _place_picture(book, step)
        i += 1


def _continues(last: SetCell, nxt) -> bool:
    return (isinstance(nxt, SetCell) and nxt.sheet == last.sheet and nxt.column == last.column
            and nxt.row == last.row + 1)


_FORMULA_START = ("=", "+", "-", "@")


def as_text(value):
    """A value as Excel keeps it: text that Excel would read as a formula or a number gets the leading
    apostrophe that makes it text (Excel hides the apostrophe)."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_START) or _looks_numeric(value):
        return "'" + value
    return value


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _sheet(book, name: str):
    names = [s.name for s in book.sheets]
    return book.sheets[name] if name in names else book.sheets.add(name, after=book.sheets[-1])


def _add_rows(book, step: AddRows) -> None:
    sheet = _sheet(book, step.sheet)
    if step.headers and sheet.range((step.header_row, 1)).value in (None, ""):
        cols = [step.columns.get(schema.normalise_header(h)) for h in step.headers]
        sheet.range((step.header_row, min(c for c in cols if c))).value = [list(step.headers)]
    for row, first, values in _blocks(step):  # blocks of neighbouring cells, one call each; nothing else touched
        sheet.range((row, first)).value = values
    last = max((row for row, _ in step.rows), default=0)
    for table in sheet.tables:
        if table.range.row == step.header_row and table.range.last_cell.row < last:
            table.resize(sheet.range((table.range.row, table.range.column), (last, table.range.last_cell.column)))


def _blocks(step: AddRows) -> list[tuple[int, int, list[list]]]:
    """The rows' cells as (first row, first column, rows of values): each row's runs of neighbouring
    columns, a run continuing the same columns' run of the row above joining its block (one call to Excel
    for a block of rows, not one a row)."""
    blocks: list[tuple[int, int, list[list]]] = []
    open_: dict[tuple[int, int], tuple[int, int, list[list]]] = {}  # (first column, width): block ending above
    for row, record in step.rows:
        cells = {step.columns[k]: as_text(v) for h, v in record.items()
                 if (k := schema.normalise_header(h)) in step.columns}
        now = {}
        for first, values in _runs(cells):
            block = open_.get((first, len(values)))
            if block is not None and block[0] + len(block[2]) == row:
                block[2].append(values)
            else:
                block = (row, first, [values])
                blocks.append(block)
            now[(first, len(values))] = block
        open_ = now
    return blocks


def _runs(cells: dict[int, object]) -> list[tuple[int, list]]:
    """{column: value} as (first column, values) runs of neighbouring columns."""
    runs: list[tuple[int, list]] = []
    for col in sorted(cells):
        if runs and runs[-1][0] + len(runs[-1][1]) == col:
            runs[-1][1].append(cells[col])
        else:
            runs.append((col, [cells[col]]))
    return runs


COLOURS = {"error": "#FFC7CE", "warning": "#FFE699", "info": "#DDEBF7", "flagged": "#FFC7CE", "header": "#BDD7EE",
           "key": "#DDEBF7", "keyed": "#DDEBF7"}
BOLD = ("title", "heading", "subheading", "header", "key", "keyed")  # their first cell (all of it for header)


def _replace_sheet(book, step: ReplaceSheet):
    """Clear a sheet peermap writes (adding it if missing) and fill it with the plan's lines from A1."""
    sheet = _sheet(book, step.name)
    sheet.clear()
    width = max((len(line.values) for line in step.lines), default=1)
    if step.lines:
        sheet.range((1, 1)).value = [[as_text(v) for v in line.values] + [None] * (width - len(line.values))
                                     for line in step.lines]
    for r, line in enumerate(step.lines, start=1):
        colour = COLOURS.get(line.style)
        if colour:
            cells = (r, 1) if line.style in ("error", "warning", "info", "keyed") else ((r, 1), (r, width))
            (sheet.range(*cells) if isinstance(cells[0], tuple) else sheet.range(cells)).color = colour
        if line.link:
            sheet.range((r, len(line.values))).add_hyperlink("#" + line.link, str(line.values[-1]))
    _lay_out(sheet, step, width)
    sheet.visible = not step.hidden
    return sheet


def _lay_out(sheet, step: ReplaceSheet, width: int) -> None:
    """What the file applier gives the same sheet: column widths, wrapped text, bold headings, merged
    cells and row heights (a sheet cleared in Excel has lost them)."""
    for col, chars in enumerate(step.widths, start=1):
        sheet.range((1, col)).column_width = chars
    if step.wrap and step.lines:
        sheet.range((1, 1), (len(step.lines), width)).wrap_text = True
    for r, line in enumerate(step.lines, start=1):
        if line.style in BOLD and line.values:
            sheet.range((r, 1), (r, width if line.style == "header" else 1)).font.bold = True
        for first, last in line.merges:
            sheet.range((r, first), (r, last)).merge()
        if line.height:
            sheet.range((r, 1)).row_height = line.height


def _place_picture(book, step: PlacePicture) -> None:
    import tempfile
    from pathlib import Path

    sheet = _sheet(book, step.sheet)
    with tempfile.TemporaryDirectory() as folder:
        picture = Path(folder) / f"{step.name}.png"
        picture.write_bytes(step.png)
        sheet.pictures.add(picture, name=step.name, update=True, anchor=sheet.range(step.anchor),
                           width=step.width, height=step.height)
