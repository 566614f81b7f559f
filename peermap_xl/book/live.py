"""Reading and writing the workbook open in Excel, through xlwings: the twin of file.py and edit.py.

It finds the same tables, hands the model the same cell values with the same
row numbers, and writes back only values, colours, pictures and sheets (what
xlwings supports in desktop Excel and in its remote engine alike).
"""

from __future__ import annotations

from peermap_xl import schema
from peermap_xl.book import raw
from peermap_xl.book.raw import RawBook, RawTable


def read_network(book):
    """The open workbook as a peermap_xl.model.Network."""
    from peermap_xl import model

    return model.build(read_raw(book))


def _values(area) -> list[list]:
    """A range's values, always as rows of cells."""
    return area.options(ndim=2).value or []


def read_raw(book) -> RawBook:
    tables = {}
    for sheet in book.sheets:
        for table in sheet.tables:
            tables.setdefault(table.name.replace(" ", "").casefold(), (sheet, table))
    sheets = {schema.normalise_header(sheet.name): sheet for sheet in book.sheets}
    found = RawBook(source=book.name)
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


def replace_sheet(book, name: str, lines: list[list]):
    """Clear a sheet peermap writes (adding it if missing) and fill it with rows from A1."""
    sheet = book.sheets[name] if name in [s.name for s in book.sheets] else book.sheets.add(name, after=book.sheets[-1])
    sheet.clear_contents()
    width = max((len(line) for line in lines), default=1)
    if lines:
        sheet.range((1, 1)).value = [list(line) + [None] * (width - len(line)) for line in lines]
    return sheet


def write_check_record(book, network, record) -> None:
    """The Check button's writes: IDs, Flags, suggested gaps, the Checks sheet with links to the cells."""
    from peermap_xl.checks.record import CHECKS_HEADERS, CHECKS_SHEET, checks_rows

    for sheet_name, row, record_id in record.filled_ids:
        layout = network.layout[sheet_name]
        book.sheets[layout.sheet].range((row, layout.column("ID"))).value = record_id
    links = network.layout.get(schema.LINKS.name)
    if links and links.column("Flags") and record.flags:
        first, last, column = min(record.flags), max(record.flags), links.column("Flags")
        cells = book.sheets[links.sheet].range((first, column), (last, column))
        old = _values(cells)
        cells.value = [[record.flags[r] if r in record.flags else old[r - first][0]] for r in range(first, last + 1)]
    if record.new_gaps:
        gaps = network.layout[schema.GAPS.name]
        sheet = book.sheets[gaps.sheet]
        for row, values in record.new_gaps:
            for header, value in values.items():
                column = gaps.column(header)
                if column:
                    sheet.range((row, column)).value = value
        last = max(row for row, _ in record.new_gaps)
        for table in sheet.tables:
            if table.range.row == gaps.header_row and table.range.last_cell.row < last:
                table.resize(sheet.range((table.range.row, table.range.column),
                                         (last, table.range.last_cell.column)))
    for sheet_name, row, header, record_id in record.earlier_names or ():
        layout = network.layout[sheet_name]
        book.sheets[layout.sheet].range((row, layout.column(header))).value = record_id
    if record.due_next and schema.START_SHEET in [s.name for s in book.sheets]:
        from peermap_xl.due import SHEET_CELL

        book.sheets[schema.START_SHEET].range(SHEET_CELL).value = record.due_next
    rows = checks_rows(network, record)
    lines = [[record.title], ["Written by peermap. Click a Go to cell to jump to the row. Check again after "
                              "changes: this sheet is replaced each time."], [], list(CHECKS_HEADERS)]
    lines += [values for values, _ in rows]
    sheet = replace_sheet(book, CHECKS_SHEET, lines)
    colours = {"error": "#FFC7CE", "warning": "#FFE699", "info": "#DDEBF7"}
    for i, (values, address) in enumerate(rows, start=5):
        sheet.range((i, 1)).color = colours[values[0]]
        if address:
            sheet.range((i, len(values))).add_hyperlink("#" + address, values[-1])
