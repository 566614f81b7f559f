"""Cell values as a workbook holds them, before typing: what both readers hand the model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from peermap_xl import schema

#: Excel's day zero for serial dates in the usual (1900) date system.
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


@dataclass
class RawTable:
    sheet: str  # the worksheet's name as the workbook spells it
    headers: list[str]  # as typed, in the workbook's order
    rows: list[tuple[int, list]]  # (worksheet row number, cell values in header order)
    header_row: int = 1  # the worksheet row of the headers
    first_col: int = 1  # the worksheet column (1 = A) of the first header


@dataclass
class RawBook:
    source: str  # the file name, for messages
    epoch: dt.datetime = EXCEL_EPOCH  # day zero of the workbook's serial dates
    tables: dict[str, RawTable] = field(default_factory=dict)  # keyed by the contract's sheet name
    sheet_names: tuple[str, ...] = ()  # every worksheet, as the workbook spells it


HEADER_SEARCH_ROWS = 30
#: Every table a reader looks for, by the contract's sheet name.
WANTED = (schema.NETWORK, schema.LISTS_SHEET, schema.MAP_LAYOUT.name, schema.HISTORY.name,
          *(s.name for s in schema.DATA_SHEETS))


def known_headers(wanted: str) -> set[str]:
    """The headers a sheet of the contract may have, normalised."""
    if wanted == schema.NETWORK:
        return {"field", "value"}
    if wanted == schema.LISTS_SHEET:
        return {schema.normalise_header(k) for k in schema.LISTS}
    internal = {schema.MAP_LAYOUT.name: schema.MAP_LAYOUT, schema.HISTORY.name: schema.HISTORY}
    sheet = internal.get(wanted) or schema.sheet(wanted)
    return {schema.normalise_header(c.header) for c in sheet.all_columns}


def find_header_row(rows: Iterable[Sequence], wanted: str) -> int | None:
    """Which of the first rows (1 = the first given) holds most of the sheet's headers."""
    known = known_headers(wanted)
    best_row, best_hits = None, 1
    for number, values in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        hits = sum(1 for v in values if v is not None and schema.normalise_header(v) in known)
        if hits > best_hits:
            best_row, best_hits = number, hits
    return best_row


def table_from_rows(sheet: str, rows: Iterable[Sequence], header_row: int, first_col: int,
                    table_end: int | None) -> RawTable:
    """The header (the first row given) and the non-blank rows below it.

    Rows typed just below a table that did not grow (as in LibreOffice) are
    read too, up to the first blank row.
    """
    rows = iter(rows)
    header_values = tuple(next(rows, ()))
    width = len(header_values)
    while width and header_values[width - 1] in (None, ""):
        width -= 1
    headers = ["" if v is None else str(v) for v in header_values[:width]]
    body = []
    for number, values in enumerate(rows, start=header_row + 1):
        values = list(values[:width]) + [None] * (width - len(values))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            if table_end is not None and number > table_end:
                break
            continue
        body.append((number, values))
    return RawTable(sheet=sheet, headers=headers, rows=body, header_row=header_row, first_col=first_col)
