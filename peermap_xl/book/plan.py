"""A plan of edits: what an operation changes in a workbook, worked out without touching a file.

Operations (peermap_xl/operations.py) compute a `Plan`; `book/edit.py` applies it to a
file with openpyxl, `book/live.py` to the workbook open in Excel through xlwings. The
two doors therefore write the same cells, rows, sheets and pictures. Every text value
is stored as text by both appliers, whatever it starts with ("=", "+", "-", "@").

Sheets are named as the workbook spells them; rows and columns are worksheet numbers
(1 = row 1, column A).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Styles a ReplaceSheet line may ask for; each applier gives them the same look.
TITLE, NOTE, HEADER, HEADING, SUBHEADING, TEXT, KEY = "title", "note", "header", "heading", "subheading", "text", "key"
ERROR, WARNING, INFO, FLAGGED = "error", "warning", "info", "flagged"
KEYED = "keyed"  # a table row named by its first cell: that cell as KEY, the rest as TEXT
STYLES = (TITLE, NOTE, HEADER, HEADING, SUBHEADING, TEXT, KEY, ERROR, WARNING, INFO, FLAGGED, KEYED)


@dataclass(frozen=True)
class SetCell:
    """Put one value in one cell (a date is shown dd/mm/yyyy)."""

    sheet: str
    row: int
    column: int
    value: object


@dataclass(frozen=True)
class AddRows:
    """Write records ({header: value}) at the given worksheet rows of a table; the table grows to hold them.

    `columns` maps normalised headers to worksheet columns; headers the sheet lacks are skipped.
    """

    sheet: str
    header_row: int
    columns: dict[str, int]
    rows: tuple[tuple[int, dict], ...]
    headers: tuple[str, ...] = ()  # for a sheet that does not exist yet: its header row, written first


@dataclass(frozen=True)
class Line:
    """One row of a sheet peermap writes: values from column A, a style, and optionally a link
    from its last cell to a cell of the workbook ("'Links'!P7")."""

    values: tuple
    style: str = TEXT
    link: str | None = None
    merges: tuple[tuple[int, int], ...] = ()  # (first, last) columns merged into one cell, for long text
    height: float | None = None  # the row's height in points (None: the sheet's usual height)


@dataclass(frozen=True)
class ReplaceSheet:
    """Replace everything on a sheet peermap owns (adding it at the end if missing), keeping its place."""

    name: str
    lines: tuple[Line, ...]
    widths: tuple[float, ...] = ()  # column widths in characters, from column A
    freeze_below: int | None = None  # freeze the rows up to and including this one
    filter_row: int | None = None  # an AutoFilter on this header row, over the lines below it
    hidden: bool = False
    wrap: bool = True  # wrap text in the cells
    landscape: bool = True  # print setup: A4 landscape, fitted to the page width


@dataclass(frozen=True)
class PlacePicture:
    """Put a picture on a sheet (replacing peermap's earlier one of the same name)."""

    sheet: str
    png: bytes
    anchor: tuple[int, int]  # (row, column) of the top-left cell
    width: int  # pixels on the sheet
    height: int
    name: str = "PeerMap"


Edit = SetCell | AddRows | ReplaceSheet | PlacePicture


@dataclass
class Plan:
    """The edits of one operation, in the order they are applied."""

    edits: list[Edit] = field(default_factory=list)

    def add(self, edit: Edit) -> Plan:
        self.edits.append(edit)
        return self

    def extend(self, other: Plan) -> Plan:
        self.edits.extend(other.edits)
        return self

    def __bool__(self) -> bool:
        return bool(self.edits)

    def of(self, kind: type) -> list:
        return [e for e in self.edits if isinstance(e, kind)]

    def cells(self) -> dict[tuple[str, int, int], object]:
        """{(sheet, row, column): value} of every cell the plan writes into existing sheets."""
        out: dict[tuple[str, int, int], object] = {}
        for e in self.edits:
            if isinstance(e, SetCell):
                out[(e.sheet, e.row, e.column)] = e.value
            elif isinstance(e, AddRows):
                for row, record in e.rows:
                    for header, value in record.items():
                        col = e.columns.get(_key(header))
                        if col:
                            out[(e.sheet, row, col)] = value
        return out


def _key(header: str) -> str:
    from peermap_xl.contract.schema import normalise_header

    return normalise_header(header)


def is_date(value) -> bool:
    return isinstance(value, (dt.date, dt.datetime))
