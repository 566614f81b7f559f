"""Cell values as a workbook holds them, before typing: what both readers hand the model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from peermap_xl.book.refs import column_letter, range_boundaries
from peermap_xl.contract import schema

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


class _NotCalculated:
    """The value of a formula cell saved with no calculated value (by a program that does not calculate):
    unknown, never blank. The model reports it (UNCALCULATED) and never numbers over it."""

    def __repr__(self) -> str:
        return "NOT_CALCULATED"


NOT_CALCULATED = _NotCalculated()
#: The kind of model.Problem for such a cell.
UNCALCULATED = "formula without a value"


@dataclass
class RawBook:
    source: str  # the file name, for messages
    epoch: dt.datetime = EXCEL_EPOCH  # day zero of the workbook's serial dates
    tables: dict[str, RawTable] = field(default_factory=dict)  # keyed by the contract's sheet name
    sheet_names: tuple[str, ...] = ()  # every worksheet, as the workbook spells it
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


# --- reading a table from the rows a sheet holds (both file readers) --------------------------

#: Excel's last column, XFD: cells beyond it are not read.
MAX_COLUMN = 16384
#: (worksheet row, {column: value}) for each row present, blank cells left out, in the file's order.
SparseRows = Iterable[tuple[int, dict[int, object]]]


@dataclass(frozen=True)
class TableRange:
    """An Excel Table as the file states it."""

    name: str
    ref: str  # its range, without a totals row
    stated_ref: str  # its range as stored


def table_range(name: str, ref: str, totals_rows: object = 0) -> TableRange:
    """The range of a table's header and records: its stored range less any totals row."""
    if totals_rows in (None, 0, "0"):
        return TableRange(name, ref, ref)
    c0, r0, c1, r1 = range_boundaries(ref)
    return TableRange(name, f"{column_letter(c0)}{r0}:{column_letter(c1)}{max(r0, r1 - 1)}", ref)


class TableReader:
    """A table of the contract read from the rows a sheet holds, whatever its stated ranges say.

    `rows()` gives a fresh pass over the sheet's rows each call (a pass may stop
    early); `dimension()` the sheet's stored size, once a full pass has run
    (None where it has none, or where the rows come from a loaded workbook).
    Where the stated ranges leave data out, it is read all the same and a
    RangeNote says so.
    """

    def __init__(self, sheet: str, rows, dimension=lambda: None):
        self.sheet, self.rows, self.dimension = sheet, rows, dimension

    def read(self, wanted: str, table: TableRange | None, notes: list[RangeNote]) -> RawTable:
        """The table: its header row, and every non-blank row below it."""
        header_row, header = self._header(wanted, table, notes)
        if header_row is None:
            return RawTable(sheet=self.sheet, headers=[], rows=[])
        columns = _columns(header, wanted, table, self.sheet, header_row, notes)
        body, last_row, last_col = [], 0, 0
        for number, cells in self.rows():
            if not cells:  # a row with formatting only
                continue
            last_row, last_col = max(last_row, number), max(last_col, max(cells))
            if number <= header_row:
                continue
            values = [cells.get(c) for c in columns]
            if any(not (v is None or (isinstance(v, str) and not v.strip())) for v in values):
                body.append((number, values))
        self._note_overflow(table, body, columns, last_row, last_col, notes)
        headers = ["" if header.get(c) is None else str(header[c]) for c in columns]
        return RawTable(sheet=self.sheet, headers=headers, rows=body, header_row=header_row,
                        first_col=columns[0] if columns else 1, columns=columns)

    def _header(self, wanted: str, table: TableRange | None, notes: list[RangeNote]):
        """(header row, {column: header}) as the table's range says, or else as the first rows show."""
        stated = range_boundaries(table.ref)[1] if table else None
        early = {}
        for number, cells in self.rows():
            if number <= HEADER_SEARCH_ROWS or number == stated:
                early[number] = cells
            if number >= max(HEADER_SEARCH_ROWS, stated or 0):
                break
        if stated is not None and _hits(early.get(stated, {}), known_headers(wanted)) > 1:
            return stated, early[stated]
        width = min(MAX_COLUMN, max((max(c) for c in early.values() if c), default=0))
        found = find_header_row(([cells.get(c) for c in range(1, width + 1)]
                                 for cells in (early.get(n, {}) for n in range(1, HEADER_SEARCH_ROWS + 1))), wanted)
        if found is not None and table is not None:
            notes.append(RangeNote(self.sheet, found, TABLE_HEADER, table.stated_ref, f"row {found}", table.name))
        return found, early.get(found, {})

    def _note_overflow(self, table, body, columns, last_row, last_col, notes) -> None:
        """Notes where the sheet's stored size, or the table's range, leaves out rows that were read."""
        dimension = self.dimension()
        if dimension and last_row:
            try:
                _, _, dim_col, dim_row = range_boundaries(dimension)
            except (ValueError, TypeError):
                dim_col = dim_row = 0
            if last_row > (dim_row or 0) or last_col > (dim_col or 0):
                first = next((n for n, _ in body if n > (dim_row or 0)), last_row)
                notes.append(RangeNote(self.sheet, first, DIMENSION, dimension,
                                       f"A1:{column_letter(min(last_col, MAX_COLUMN))}{last_row}"))
        if table is not None and body:
            c0, r0, c1, r1 = range_boundaries(table.ref)
            beyond = [n for n, _ in body if n > r1]
            if beyond:
                found = f"{column_letter(min(columns[0], c0))}{r0}:{column_letter(max(columns[-1], c1))}"
                notes.append(RangeNote(self.sheet, beyond[0], TABLE_ROWS, table.stated_ref,
                                       f"{found}{body[-1][0]}", table.name))


def _hits(cells: dict, known: set[str]) -> int:
    return sum(1 for v in cells.values() if v is not None and schema.normalise_header(v) in known)


def _columns(header: dict, wanted: str, table, sheet: str, header_row: int, notes: list[RangeNote]) -> list[int]:
    """The worksheet columns to read: the table's range, widened to take in any of the contract's headers.

    A table whose range slipped a column is read by its headers (so IDs are never
    renumbered for want of the ID column); the slip is noted.
    """
    known = known_headers(wanted)
    named = sorted({c for c, v in header.items() if v is not None and c <= MAX_COLUMN
                    and schema.normalise_header(v) in known})
    present = [c for c, v in header.items() if v is not None and str(v).strip() and c <= MAX_COLUMN]
    if table is None:
        return sorted(present)
    c0, r0, c1, r1 = range_boundaries(table.ref)
    inside = [c for c in present if c0 <= c <= c1]
    outside = [c for c in named if not c0 <= c <= c1]
    if not outside:
        return sorted(inside)
    columns = sorted(set(inside) | set(outside))
    notes.append(RangeNote(sheet, header_row, TABLE_COLUMNS, table.stated_ref,
                           f"{column_letter(columns[0])}{header_row}:{column_letter(columns[-1])}{r1}",
                           table.name))
    return columns
