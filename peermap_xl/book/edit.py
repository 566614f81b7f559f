"""Changing a workbook file with openpyxl: one load, a plan of edits applied, one atomic save.

`open_for_edit` loads the workbook once (record/reading.py reads the network from that load); `apply`
carries out a `plan.Plan`; `save` writes it back atomically with a backup, carrying over
the package parts openpyxl drops (the ribbon). Text is always stored as text.
"""

from __future__ import annotations

import io
import zipfile
from copy import copy
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.utils.cell import get_column_letter, range_boundaries

from peermap_xl.book import kept, package, parts, raw, safe
from peermap_xl.book.file import check_is_workbook
from peermap_xl.book.plan import AddRows, Line, PlacePicture, Plan, ReplaceSheet, SetCell, is_date
from peermap_xl.contract import schema
from peermap_xl.contract.errors import WorkbookError

DATE_FORMAT = "dd/mm/yyyy"


def open_for_edit(path: str | Path) -> openpyxl.Workbook:
    """The workbook to change; the parts openpyxl would not read are kept aside for `save` to put back
    (the VBA project whatever the file's extension). Cells openpyxl cannot type (a date cell holding
    2026-02-31, serial 60) are kept as the file holds them (book/kept.py)."""
    path = Path(path)
    check_is_workbook(path)
    with zipfile.ZipFile(path) as zipped:
        parts.refuse_padding(zipped, path.name)
    try:
        with package.openpyxl_notes(), kept.loading():
            return openpyxl.load_workbook(path, keep_vba=True, keep_links=True)
    except Exception as exc:  # openpyxl raises many types for a damaged package
        raise WorkbookError(f"{path.name} could not be read as a workbook ({type(exc).__name__}). "
                            "Open it in Excel, save it as .xlsm, and try again.") from None


def read_raw(wb: openpyxl.Workbook, source: str) -> raw.RawBook | None:
    """The contract's tables from a loaded workbook; None when a table holds a formula cell."""
    tables = {}
    for ws in wb.worksheets:
        for table in ws.tables.values():
            tables.setdefault(schema.normalise_header(table.name).replace(" ", ""),
                              (ws, raw.table_range(table.name, table.ref, table.totalsRowCount)))
    sheets = {schema.normalise_header(ws.title): ws for ws in wb.worksheets}
    book = raw.RawBook(source=source, epoch=wb.epoch, sheet_names=tuple(wb.sheetnames))
    for wanted in raw.WANTED:
        found = _read_table(tables, sheets, wanted, book.ranges)
        if found is not None:
            if _has_formula(found):
                return None
            book.tables[wanted] = found
    return book


def _read_table(tables, sheets, wanted: str, notes: list[raw.RangeNote]) -> raw.RawTable | None:
    """As book/file.py reads it (raw.TableReader): by its headers, every row present, slips noted."""
    ws, table = tables.get(schema.normalise_header(wanted).replace(" ", ""), (None, None))
    ws = ws or sheets.get(schema.normalise_header(wanted))
    if ws is None:
        return None
    return raw.TableReader(ws.title, lambda: _present(ws)).read(wanted, table, notes)


def _present(ws):
    """(row, {column: value}) for each row of a loaded worksheet, blank cells left out; a cell kept as
    the file holds it (book/kept.py) is read as book/file.py reads it, for the model to report (PM107)."""
    for row in ws.iter_rows():
        if row:
            yield row[0].row, {cell.column: kept.reading(cell.value) for cell in row if cell.value is not None}


#: Formula columns of the contract ("From name"): Excel fills them, no reader needs their values.
_FILLED_BY_EXCEL = {schema.normalise_header(c.header) for s in schema.DATA_SHEETS for c in s.columns
                    if c.kind == schema.FORMULA}


def _has_formula(table: raw.RawTable) -> bool:
    data = [i for i, h in enumerate(table.headers) if schema.normalise_header(h) not in _FILLED_BY_EXCEL]
    return any(isinstance(values[i], str) and values[i].startswith("=")
               for _, values in table.rows for i in data if i < len(values))


def sheet_named(wb: openpyxl.Workbook, name: str):
    """The sheet called `name` whatever its case (its name is never changed), or a new one with its code name."""
    for ws in wb.worksheets:
        if ws.title.casefold() == name.casefold():
            return ws
    ws = wb.create_sheet(name)
    ws.sheet_properties.codeName = schema.code_name(name)
    return ws


def save(wb: openpyxl.Workbook, path: str | Path, backup: bool = True, original: bytes | None = None) -> None:
    """Save atomically, keeping the previous version as a backup and the parts openpyxl drops.

    `original`: the package the workbook was loaded from (default: the file at `path`).
    """
    path = Path(path)
    if original is None and path.is_file() and zipfile.is_zipfile(path):
        original = path.read_bytes()

    def write(temp: Path) -> None:
        with package.openpyxl_notes(), kept.saving():
            wb.save(temp)
        if original is not None:  # what openpyxl drops put back, or the save refused naming it
            temp.write_bytes(package.carry_through(original, package.carry_over(original, temp.read_bytes())))
        from peermap_xl.book import vba_modules  # the VBA project's content is the Excel door's (excel.py)

        vba_modules.add_document_modules(temp, [ws.sheet_properties.codeName for ws in wb.worksheets])

    safe.write_atomically(path, write, backup=backup)


# --- applying a plan ---------------------------------------------------------------------------


def apply(wb: openpyxl.Workbook, plan: Plan) -> None:
    """Carry out every edit of `plan` on the loaded workbook."""
    for step in plan.edits:
        if isinstance(step, SetCell):
            if wb[step.sheet].cell(step.row, step.column).data_type != "f":  # a formula is never overwritten
                write_cell(wb[step.sheet], step.row, step.column, step.value)
        elif isinstance(step, AddRows):
            _add_rows(wb, step)
        elif isinstance(step, ReplaceSheet):
            _replace_sheet(wb, step)
        elif isinstance(step, PlacePicture):
            _place_picture(wb, step)
        else:
            raise TypeError(type(step).__name__)


def write_cell(ws, row: int, col: int, value) -> None:
    """One value into one cell, styled like its column; text stays text whatever it starts with."""
    cell = ws.cell(row, col)
    if isinstance(cell, MergedCell):
        raise WorkbookError(f"Cell {get_column_letter(col)}{row} on the '{ws.title}' sheet is part of merged "
                            "cells, where peermap needs to write. Unmerge them, then try again.")
    column_style = ws.column_dimensions[get_column_letter(col)]
    if not cell.has_style and column_style is not None:
        cell._style = copy(column_style._style)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula: "=HYPERLINK(...)" typed as a name is stored as text
    if is_date(value):
        cell.number_format = DATE_FORMAT


def _add_rows(wb: openpyxl.Workbook, step: AddRows) -> None:
    ws = sheet_named(wb, step.sheet)
    if step.headers and all(ws.cell(step.header_row, c).value in (None, "") for c in step.columns.values()):
        for header in step.headers:
            col = step.columns.get(schema.normalise_header(header))
            if col:
                write_cell(ws, step.header_row, col, header)
                ws.cell(step.header_row, col).font = openpyxl.styles.Font(bold=True)
    put_records(ws, step.header_row, step.columns, list(step.rows))


def put_records(ws, header_row: int, columns: dict[str, int], rows: list[tuple[int, dict]]) -> None:
    """Write records ({header: value}) at the given rows; a table on those headers grows to hold them."""
    for row, record in rows:
        for header, value in record.items():
            col = columns.get(schema.normalise_header(header))
            if col:
                write_cell(ws, row, col, value)
    last = max((row for row, _ in rows), default=0)
    for table in ws.tables.values():
        c0, r0, c1, r1 = range_boundaries(table.ref)
        if r0 == header_row and last > r1:
            table.ref = f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{last}"
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref
            _fill_calculated_columns(ws, table, r1 + 1, last)


def _fill_calculated_columns(ws, table, first: int, last: int) -> None:
    """Rows a table grew by get its calculated columns' formulas, as Excel gives them ("From name")."""
    c0 = range_boundaries(table.ref)[0]
    for i, column in enumerate(table.tableColumns):
        formula = column.calculatedColumnFormula
        if formula is not None and getattr(formula, "attr_text", None):
            for row in range(first, last + 1):
                if ws.cell(row, c0 + i).value in (None, ""):
                    write_cell(ws, row, c0 + i, None)  # the column's style
                    ws.cell(row, c0 + i).value = "=" + formula.attr_text  # a formula, written as one


def _typed_blank(cell) -> bool:
    """Nothing typed: empty, or a formula Excel fills (a table's calculated column)."""
    return cell.value in (None, "") or cell.data_type == "f"


def _place_picture(wb: openpyxl.Workbook, step: PlacePicture) -> None:
    from openpyxl.drawing.image import Image

    ws = sheet_named(wb, step.sheet)
    ws._images = []  # a sheet peermap owns: one picture, the latest
    image = Image(io.BytesIO(step.png))
    image.width, image.height = step.width, step.height
    ws.add_image(image, f"{get_column_letter(step.anchor[1])}{step.anchor[0]}")


def _replace_sheet(wb: openpyxl.Workbook, step: ReplaceSheet) -> None:
    """Empty a sheet peermap owns without deleting row by row (a far stray cell costs nothing), keeping
    its place among the sheets and its code name, then write the lines."""
    from openpyxl.worksheet.cell_range import MultiCellRange

    ws = sheet_named(wb, step.name)
    ws._cells.clear()
    ws._hyperlinks = []
    ws._images = []
    ws.merged_cells = MultiCellRange()
    ws.row_dimensions.clear()
    ws.auto_filter.ref = None
    ws.freeze_panes = None
    ws.sheet_state = "hidden" if step.hidden else "visible"
    styles = _SheetStyles(ws, step.wrap)
    for r, line in enumerate(step.lines, start=1):
        _write_line(ws, r, line, styles)
    for col, width in enumerate(step.widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    if step.freeze_below:
        ws.freeze_panes = f"A{step.freeze_below + 1}"
    if step.filter_row and len(step.lines) > step.filter_row:
        width = max(len(line.values) for line in step.lines[step.filter_row - 1:])
        ws.auto_filter.ref = f"A{step.filter_row}:{get_column_letter(width)}{len(step.lines)}"
    if step.landscape:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_line(ws, r: int, line: Line, styles: _SheetStyles) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    for c, value in enumerate(line.values, start=1):
        if value is None or value == "":
            continue
        write_cell(ws, r, c, value)
        ws.cell(r, c)._style = styles.of(line.style, c, is_date(value))
    if line.link and line.values:
        cell = ws.cell(r, len(line.values))
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=line.link, display=str(line.values[-1]))
        cell._style = styles.of("link", 1, False)
    for first, last in line.merges:
        ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
    if line.height:
        ws.row_dimensions[r].height = line.height


# How each line style looks (both appliers use the same colours: see book/live.py).
FILLS = {"error": "FFC7CE", "warning": "FFE699", "info": "DDEBF7", "flagged": "FFC7CE", "header": "1F4E78",
         "key": "DDEBF7", "keyed": "DDEBF7"}
FONTS = {"title": dict(bold=True, size=16, color="1F4E78"), "heading": dict(bold=True, size=13, color="1F4E78"),
         "subheading": dict(bold=True, size=11, color="1F4E78"), "note": dict(italic=True, color="595959"),
         "header": dict(bold=True, color="FFFFFF"), "key": dict(bold=True), "link": dict(color="0563C1",
                                                                                            underline="single")}
FIRST_CELL_ONLY = ("error", "warning", "info", "keyed")  # styles that mark a line's first cell only


class _SheetStyles:
    """Cell styles registered once per style and copied: setting them cell by cell is slow on long sheets."""

    def __init__(self, ws, wrap: bool):
        self.ws, self.wrap, self.cache = ws, wrap, {}

    def of(self, style: str, column: int, date: bool):
        from openpyxl.styles import Alignment, Font, PatternFill

        key = (style, column == 1 and style in FIRST_CELL_ONLY, date)
        if key not in self.cache:
            sample = self.ws.cell(self.ws.max_row + 1, 1)  # styled once, its style kept, then dropped
            sample.alignment = Alignment(wrap_text=self.wrap and style not in ("title", "heading"), vertical="top")
            fill = FILLS.get(style) if style in ("header", "key", "flagged") or key[1] else None
            sample.fill = PatternFill("solid", fgColor=fill) if fill else PatternFill()
            sample.font = Font(**FONTS.get("key" if style == "keyed" and key[1] else style, {}))
            sample.number_format = DATE_FORMAT if date else "General"
            self.cache[key] = copy(sample._style)
            del self.ws._cells[(sample.row, sample.column)]
        return copy(self.cache[key])


# --- building workbooks (the worked example, synthetic networks) -------------------------------


def set_network_values(wb: openpyxl.Workbook, values: dict[str, object]) -> None:
    """Fill the Value column of the Network table for the named fields."""
    ws = wb[schema.NETWORK]
    rows = {schema.normalise_header(ws.cell(r, 1).value): r
            for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}
    for name, value in values.items():
        write_cell(ws, rows[schema.normalise_header(name)], 2, value)


def table_of(wb: openpyxl.Workbook, sheet: schema.Sheet):
    """(worksheet, table) for a sheet of the contract."""
    ws = wb[sheet.name]
    wanted = sheet.table.casefold()
    for table in ws.tables.values():
        if table.name.casefold() == wanted:
            return ws, table
    raise KeyError(sheet.table)


def append_records(wb: openpyxl.Workbook, sheet: schema.Sheet, records: list[dict]) -> None:
    """Write records ({header: value}) into the first empty rows of the sheet's table."""
    ws, table = table_of(wb, sheet)
    c0, r0, c1, r1 = range_boundaries(table.ref)
    row = r1
    while row > r0 and all(_typed_blank(ws.cell(row, c)) for c in range(c0, c1 + 1)):
        row -= 1
    headers = {schema.normalise_header(ws.cell(r0, c).value): c for c in range(c0, c1 + 1)}
    put_records(ws, r0, headers, [(row + i, record) for i, record in enumerate(records, start=1)])
