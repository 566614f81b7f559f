"""Changing a workbook file with openpyxl, keeping its macros, tables and formats."""

from __future__ import annotations

import datetime as dt
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


def save(wb: openpyxl.Workbook, path: str | Path) -> None:
    """Save atomically, keeping the previous version as a backup."""
    safe.write_atomically(Path(path), wb.save)


def table_of(wb: openpyxl.Workbook, sheet: schema.Sheet):
    """(worksheet, table) for a sheet of the contract."""
    ws = wb[sheet.name]
    wanted = sheet.table.casefold()
    for table in ws.tables.values():
        if table.name.casefold() == wanted:
            return ws, table
    raise KeyError(sheet.table)


def append_records(wb: openpyxl.Workbook, sheet: schema.Sheet, records: list[dict]) -> list[int]:
    """Write records ({header: value}) into the first empty rows of the sheet's table.

    The table grows to hold them, and each new cell takes its column's format.
    Returns the worksheet rows written.
    """
    ws, table = table_of(wb, sheet)
    c0, r0, c1, r1 = range_boundaries(table.ref)
    headers = {schema.normalise_header(ws.cell(r0, c).value): c for c in range(c0, c1 + 1)}
    row = r1
    while row > r0 and all(ws.cell(row, c).value in (None, "") for c in range(c0, c1 + 1)):
        row -= 1
    written = []
    for record in records:
        row += 1
        for header, value in record.items():
            col = headers[schema.normalise_header(header)]
            write_cell(ws, row, col, value)
        written.append(row)
    if written and row > r1:
        ref = f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{row}"
        table.ref = ref
        if table.autoFilter is not None:
            table.autoFilter.ref = ref
    return written


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
