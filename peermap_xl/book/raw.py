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
    columns: list[int] | None = None  # the worksheet column of each header, where not first_col onwards


@dataclass(frozen=True)
class RangeNote:
    """Data found outside the range a file states for a sheet or table: read, and reported."""

    sheet: str  # the worksheet's name as the workbook spells it
    row: int  # the first worksheet row concerned
    kind: str  # one of RANGE_KINDS
    stated: str  # the range as the file states it ("A1", "A1:S10")
    found: str  # the range of what was read ("A1:S31")
    table: str = ""  # the Excel Table's name, for the table kinds


#: Sheet size stated too small; rows below a table; a table's columns or header row not where its range says.
DIMENSION, TABLE_ROWS, TABLE_COLUMNS, TABLE_HEADER = "dimension", "table rows", "table columns", "table header"
RANGE_KINDS = (DIMENSION, TABLE_ROWS, TABLE_COLUMNS, TABLE_HEADER)


@dataclass
class RawBook:
    source: str  # the file name, for messages
    epoch: dt.datetime = EXCEL_EPOCH  # day zero of the workbook's serial dates
    tables: dict[str, RawTable] = field(default_factory=dict)  # keyed by the contract's sheet name
    ranges: list[RangeNote] = field(default_factory=list)  # where the file's stated ranges left data out


def excel_date(serial: object, epoch: dt.datetime = EXCEL_EPOCH) -> dt.datetime | None:
    """The date (and time) Excel shows for a serial number; None where Excel shows no date.

    In the 1900 date system Excel counts a 29 February 1900 that never was
    (serial 60, kept from Lotus 1-2-3): serials 1 to 59 fall a day later than a
    count from 30/12/1899 gives, 60 is no real date, and Excel shows no date
    (####, or "00/01/1900" for 0) for serials below 1. In the 1904 system day 0
    is 01/01/1904 and there are no negative dates.
    """
    if isinstance(serial, bool) or not isinstance(serial, (int, float)) or serial != serial:
        return None
    if epoch == EXCEL_EPOCH:
        if serial < 1 or 60 <= serial < 61:
            return None
        if serial < 60:
            serial += 1
    elif serial < 0:
        return None
    try:
        day, fraction = divmod(serial, 1)
        moment = epoch + dt.timedelta(days=int(day), seconds=round(fraction * 86400))
    except OverflowError:
        return None
    return moment


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
