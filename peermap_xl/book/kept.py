"""Cells openpyxl cannot type, kept exactly as the file holds them (the edit path: book/edit.py).

openpyxl's full load raises on a cell typed as a date that is no date (`t="d"` holding
2026-02-31, as other tools write it), or a number that is none; and it turns a date-formatted
serial that Excel shows no date for (60, the 29/02/1900 that never was; a negative serial;
one below 1 or past 9999) into a date it then saves as another serial (60 becomes 59).
While peermap loads a workbook to change it (`loading`), such a cell is kept as the file
holds it (a `Kept`): read as book/file.py reads it, for the model to report (PM107), and
written back as it was (`saving`), never blanked or "corrected".
"""

from __future__ import annotations

from contextlib import contextmanager

#: Cell types whose stored text is kept as it is: not the shared or inline strings, which openpyxl
#: rewrites (an index into the old string table means nothing in the new one).
_KEPT_TYPES = ("n", "d", "b", "e")


class Kept(str):
    """A cell's stored value (the text of its <v>) with its stored type (its `t`, None where it had none)."""

    type: str | None

    def __new__(cls, text: str, type: str | None):
        kept = super().__new__(cls, text)
        kept.type = type
        return kept

    def reading(self):
        """The value book/file.py reads from the same cell: the number for a number, else the text."""
        if self.type in (None, "n"):
            try:  # as openpyxl casts a number
                return float(self) if "." in self or "e" in self.lower() else int(self)
            except ValueError:
                return str(self)
        return str(self)


def reading(value):
    """What a reader hands the model for a loaded cell's value (a Kept one: as book/file.py reads it)."""
    return value.reading() if isinstance(value, Kept) else value


@contextmanager
def loading():
    """openpyxl's full load, keeping the cells it cannot type (see the module's text)."""
    from openpyxl.worksheet import _reader

    original = _reader.WorkSheetParser
    _reader.WorkSheetParser = _keeping_parser(original)
    try:
        yield
    finally:
        _reader.WorkSheetParser = original


@contextmanager
def saving():
    """openpyxl's save, writing each Kept cell back with its stored type and text."""
    from openpyxl.cell import _writer

    original = _writer._set_attributes

    def set_attributes(cell, styled=None):
        if not isinstance(cell._value, Kept):
            return original(cell, styled)
        attributes = {"r": cell.coordinate}
        if styled:
            attributes["s"] = f"{cell.style_id}"
        if cell._value.type:
            attributes["t"] = cell._value.type
        return str(cell._value), attributes

    _writer._set_attributes = set_attributes
    try:
        yield
    finally:
        _writer._set_attributes = original


def _keeping_parser(base):
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG

    from peermap_xl.book import raw

    class KeepingParser(base):
        def parse_cell(self, element):
            stored_type, text = element.get("t"), element.findtext(VALUE_TAG)
            if text is None or (stored_type or "n") not in _KEPT_TYPES or element.find(FORMULA_TAG) is not None:
                return super().parse_cell(element)
            style_id = int(element.get("s", 0))
            if (stored_type or "n") == "n" and style_id in self.date_formats - self.timedelta_formats \
                    and _shows_no_date(text, self.epoch, raw.excel_date):
                return self._kept(element, text, stored_type, style_id)
            try:
                return super().parse_cell(element)
            except (ValueError, OverflowError):  # a date cell that is no date (2026-02-31), a number that is none
                return self._kept(element, text, stored_type, style_id)

        def _kept(self, element, text, stored_type, style_id):
            from openpyxl.utils.cell import coordinate_to_tuple

            coordinate = element.get("r")
            if coordinate:
                row, self.col_counter = coordinate_to_tuple(coordinate)
            else:
                self.col_counter += 1
                row = self.row_counter
            return {"row": row, "column": self.col_counter, "value": Kept(text, stored_type),
                    "data_type": "d" if stored_type == "d" else "n", "style_id": style_id}

    return KeepingParser


def _shows_no_date(text: str, epoch, excel_date) -> bool:
    """Whether a date-formatted serial is one Excel shows no date for (or no number at all)."""
    try:
        return excel_date(float(text), epoch) is None
    except ValueError:
        return True
