"""Changing a workbook file with openpyxl, keeping its macros, tables and formats."""

from __future__ import annotations

import datetime as dt
import io
from copy import copy
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import get_column_letter, range_boundaries

from peermap_xl import schema
from peermap_xl.book import safe
from peermap_xl.book.file import check_is_workbook

DATE_FORMAT = "dd/mm/yyyy"


def open_for_edit(path: str | Path) -> openpyxl.Workbook:
    path = Path(path)
    check_is_workbook(path)
    return openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", keep_links=True)


def save(wb: openpyxl.Workbook, path: str | Path, backup: bool = True) -> None:
    """Save atomically, keeping the previous version as a backup, and the Peer Map ribbon tab with it."""
    from peermap_xl import excel

    had_ribbon = wb.vba_archive is not None and excel.RIBBON_2010[0] in wb.vba_archive.namelist()

    def write(temp: Path) -> None:
        wb.save(temp)
        if had_ribbon:  # openpyxl drops the 2010 ribbon's relationship: put it back
            temp.write_bytes(excel.add_ribbon(temp.read_bytes()))

    safe.write_atomically(Path(path), write, backup=backup)


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
    while row > r0 and all(_typed_blank(ws.cell(row, c).value) for c in range(c0, c1 + 1)):
        row -= 1
    headers = {schema.normalise_header(ws.cell(r0, c).value): c for c in range(c0, c1 + 1)}
    put_records(ws, r0, headers, [(row + i, record) for i, record in enumerate(records, start=1)])


def _typed_blank(value) -> bool:
    """Nothing typed: empty, or a formula Excel fills (a table's calculated column)."""
    return value in (None, "") or (isinstance(value, str) and value.startswith("="))


def put_records(ws, header_row: int, columns: dict[str, int], rows: list[tuple[int, dict]]) -> None:
    """Write records ({header: value}) at the given rows; a table on those headers grows to hold them.

    `columns` maps normalised headers to worksheet columns; headers the sheet lacks are skipped.
    """
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
                    write_cell(ws, row, c0 + i, "=" + formula.attr_text)


def write_cell(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row, col)
    column_style = ws.column_dimensions[get_column_letter(col)]
    if not cell.has_style and column_style is not None:
        cell._style = copy(column_style._style)
    cell.value = value
    if isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = DATE_FORMAT


def set_network_values(wb: openpyxl.Workbook, values: dict[str, object]) -> None:
    """Fill the Value column of the Network table for the named fields."""
    ws = wb[schema.NETWORK]
    rows = {schema.normalise_header(ws.cell(r, 1).value): r
            for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}
    for name, value in values.items():
        write_cell(ws, rows[schema.normalise_header(name)], 2, value)


def record_checks(path: str | Path, as_of, *, backup: bool = True, progress=None):
    """Check the workbook file and record the findings in it (atomically, keeping a backup)."""
    from peermap_xl import progress as progress_
    from peermap_xl.book.file import read_network
    from peermap_xl.checks.record import plan

    show = progress or progress_.quiet
    path = Path(path)
    safe.ensure_closed(path)
    show(0, 4, "Reading the workbook")
    network = read_network(path)
    show(1, 4, "Checking the data")
    record = plan(network, as_of)
    show(2, 4, "Recording the findings")
    wb = open_for_edit(path)
    write_check_record(wb, network, record)
    show(3, 4, "Saving the workbook")
    save(wb, path, backup=backup)
    show(4, 4, "Done")
    return record


def write_check_record(wb: openpyxl.Workbook, network, record) -> None:
    """Put what the Check button records into the workbook: IDs, Flags, suggested gaps, the Checks sheet."""
    from peermap_xl.checks.record import CHECKS_HEADERS, CHECKS_SHEET, checks_rows

    for sheet_name, row, record_id in record.filled_ids:
        layout = network.layout[sheet_name]
        write_cell(wb[layout.sheet], row, layout.column("ID"), record_id)
    links = network.layout.get(schema.LINKS.name)
    if links and links.column("Flags"):
        for row, text in record.flags.items():
            wb[links.sheet].cell(row, links.column("Flags")).value = text
    if record.new_gaps:
        gaps = network.layout[schema.GAPS.name]
        put_records(wb[gaps.sheet], gaps.header_row, gaps.columns, record.new_gaps)
    _write_checks_sheet(wb, CHECKS_SHEET, record.title, CHECKS_HEADERS, checks_rows(network, record))


_SEVERITY_FILLS = {"error": "FFC7CE", "warning": "FFE699", "info": "DDEBF7"}
_CHECKS_WIDTHS = (10, 12, 6, 8, 18, 90, 26, 8, 16)


def _write_checks_sheet(wb, name: str, title: str, headers, rows) -> None:
    """Replace the Checks sheet's contents: a title, the headers, one row per finding with a link."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws = wb[name] if name in wb.sheetnames else wb.create_sheet(name)
    ws.delete_rows(1, ws.max_row)
    ws.auto_filter.ref = None
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14, color="1F4E78")
    ws["A2"] = ("Written by peermap check. Click a Go to cell to jump to the row. "
                "Check again after changes: this sheet is replaced each time.")
    ws["A2"].font = Font(italic=True, color="595959")
    header_row = 4
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(header_row, col, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E78")
        ws.column_dimensions[get_column_letter(col)].width = _CHECKS_WIDTHS[col - 1]
    # Styles are registered once and copied: setting them cell by cell is slow on long lists.
    styles = {}
    for name, fill in (*_SEVERITY_FILLS.items(), ("text", None), ("link", None)):
        sample = ws.cell(header_row + 1, 1)
        sample.alignment = Alignment(wrap_text=True, vertical="top")
        sample.fill = PatternFill("solid", fgColor=fill) if fill else PatternFill()
        sample.font = Font(color="0563C1", underline="single") if name == "link" else Font()
        styles[name] = copy(sample._style)
    for r, (values, address) in enumerate(rows, start=header_row + 1):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(r, col, value)
            cell._style = copy(styles[values[0] if col == 1 else "text"])
        if address:
            link = ws.cell(r, len(values))
            link.hyperlink = Hyperlink(ref=link.coordinate, location=address, display=values[-1])
            link._style = copy(styles["link"])
    ws.freeze_panes = f"A{header_row + 1}"
    if rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{header_row + len(rows)}"


MAP_SHEET = "Map"
MAP_WIDTH_ON_SHEET = 1000  # pixels


def write_map(wb: openpyxl.Workbook, picture: bytes, drawn: dict, as_of) -> None:
    """Put the map picture on the Map sheet (replacing the last one) and keep where everyone was drawn."""
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font

    ws = wb[MAP_SHEET] if MAP_SHEET in wb.sheetnames else wb.create_sheet(MAP_SHEET)
    ws._images = []
    ws["A1"] = f"Map dated {as_of:%d/%m/%Y}"
    ws["A1"].font = Font(bold=True, size=14, color="1F4E78")
    ws["A2"] = "Drawn by peermap map. Draw it again after changes: this picture is replaced each time."
    ws["A2"].font = Font(italic=True, color="595959")
    image = Image(io.BytesIO(picture))
    scale = MAP_WIDTH_ON_SHEET / drawn["figure"]["width"]
    image.width, image.height = MAP_WIDTH_ON_SHEET, round(drawn["figure"]["height"] * scale)
    ws.add_image(image, "A4")

    from peermap_xl.draw.network_map import kept_positions

    name = schema.MAP_LAYOUT.name
    kept = wb[name] if name in wb.sheetnames else wb.create_sheet(name)
    kept.sheet_state = "hidden"
    kept.delete_rows(1, kept.max_row)
    for line in kept_positions(drawn, as_of):
        kept.append(line)
    for row in range(2, kept.max_row + 1):
        kept.cell(row, 4).number_format = DATE_FORMAT


def write_minutes_sheet(wb: openpyxl.Workbook, lines: list[list]) -> None:
    """Replace the Minutes sheet's contents with the minutes, one line a row."""
    from openpyxl.styles import Alignment, Font

    ws = wb["Minutes"] if "Minutes" in wb.sheetnames else wb.create_sheet("Minutes")
    ws.delete_rows(1, ws.max_row)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(lines, start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            cell.alignment = wrap
        if len(values) == 1 and r > 1 and not lines[r - 2]:
            ws.cell(r, 1).font = Font(bold=True, size=13, color="1F4E78")
    ws["A1"].font = Font(bold=True, size=16, color="1F4E78")
    ws.column_dimensions["A"].width = 40
    for letter in "BCDEFG":
        ws.column_dimensions[letter].width = 28


def add_session(wb: openpyxl.Workbook, network, record: dict) -> int:
    """Add a row to the Sessions table; returns its worksheet row."""
    layout = network.layout[schema.SESSIONS.name]
    row = network.next_row(schema.SESSIONS.name)
    put_records(wb[layout.sheet], layout.header_row, layout.columns, [(row, record)])
    return row


def set_setting(wb: openpyxl.Workbook, network, name: str, value) -> None:
    """Set a field's Value on the Network table, wherever the workbook keeps it."""
    layout = network.layout.get(schema.NETWORK)
    if layout is None:
        set_network_values(wb, {name: value})
        return
    key = schema.Column(name).key
    row = network.setting_rows.get(key) or max([layout.header_row, *network.setting_rows.values()]) + 1
    ws = wb[layout.sheet]
    ws.cell(row, layout.column("Field") or 1, name)
    write_cell(ws, row, layout.column("Value") or 2, value)


def append_history(wb: openpyxl.Workbook, network, records: list[dict]) -> None:
    """Add a snapshot's rows below those already on the History sheet."""
    sheet = schema.HISTORY
    layout = network.layout.get(sheet.name)
    ws = wb[sheet.name] if sheet.name in wb.sheetnames else wb.create_sheet(sheet.name)
    if layout is None or not layout.columns:
        header_row = schema.FIRST_HEADER_ROW[sheet.name]
        for col, column in enumerate(sheet.columns, start=1):
            ws.cell(header_row, col, column.header).font = openpyxl.styles.Font(bold=True)
        columns = {schema.normalise_header(c.header): i for i, c in enumerate(sheet.columns, start=1)}
    else:
        header_row, columns = layout.header_row, layout.columns
    put_records(ws, header_row, columns, list(enumerate(records, start=network.next_row(sheet.name))))
