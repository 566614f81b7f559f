"""Cell values as a workbook holds them, before typing: what both readers hand the model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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
