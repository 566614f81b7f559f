"""Cell references and ranges ("B12", "A1:S31"), read as openpyxl reads them, without importing openpyxl
(`peermap check` does not need it: see tests/test_latency.py)."""

from __future__ import annotations

import re
from functools import cache

_DIGITS = "0123456789"
#: openpyxl's pattern for a range (utils.cell.ABSOLUTE_RE): "A1", "A1:S31", "$A$1", "A:C", "1:3".
_RANGE = re.compile(r"""^
[$]?(?P<min_col>[A-Za-z]{1,3})?
[$]?(?P<min_row>\d+)?
(:[$]?(?P<max_col>[A-Za-z]{1,3})?
[$]?(?P<max_row>\d+)?)?
$""", re.VERBOSE)
#: The last column a reference may name (ZZZ), as openpyxl reads them; Excel's own last is XFD.
LAST_COLUMN = 18278


@cache
def column_number(letters: str) -> int:
    """ "A" -> 1, "xfd" -> 16384, up to ZZZ; ValueError for anything else."""
    if not 0 < len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        raise ValueError("not a column")
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


@cache
def column_letter(number: int) -> str:
    """1 -> "A", 16384 -> "XFD"; ValueError outside 1..ZZZ."""
    if not 1 <= number <= LAST_COLUMN:
        raise ValueError("not a column")
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def coordinate_column(coordinate: str) -> int:
    """The column of a cell reference ("B12" -> 2), split where openpyxl splits it (at the first ASCII digit,
    the rest a whole number); ValueError for a reference that is none."""
    letters = coordinate.rstrip(_DIGITS)
    known = _COLUMNS.get(letters)
    if known is not None and letters != coordinate:  # the usual "AB12": known letters, then digits only
        return known
    cut = next((i for i, c in enumerate(coordinate) if c in _DIGITS), len(coordinate) - 1)
    int(coordinate[cut:])  # ValueError where openpyxl's coordinate_to_tuple raises one
    found = column_number(coordinate[:cut])
    if coordinate[:cut].isupper():
        _COLUMNS[coordinate[:cut]] = found
    return found


#: {letters: column} for the column letters met so far (upper case, as Excel writes them).
_COLUMNS: dict[str, int] = {}


def range_boundaries(text: str) -> tuple[int | None, int | None, int | None, int | None]:
    """(first column, first row, last column, last row) of a range, as openpyxl's range_boundaries gives them
    (a whole column or row leaves the other pair None); ValueError for a range that is none."""
    found = _RANGE.match(text)
    if not found:
        raise ValueError("not a range")
    min_col, min_row, _, max_col, max_row = found.groups()
    if found.group(3):  # a colon: both ends must be alike
        cols, rows = (min_col, max_col), (min_row, max_row)
        if not (all(cols + rows) or all(cols) and not any(rows) or all(rows) and not any(cols)):
            raise ValueError("not a range")
    min_col = column_number(min_col) if min_col is not None else None
    min_row = int(min_row) if min_row is not None else None
    max_col = column_number(max_col) if max_col is not None else min_col
    max_row = int(max_row) if max_row is not None else min_row
    return min_col, min_row, max_col, max_row
