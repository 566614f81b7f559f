"""A worksheet's rows, streamed once with lxml: (worksheet row, {column: value}) for each row that holds a value.

Values are read as openpyxl's read-only worksheet parser reads them (data only: a
formula's cached value), and then as peermap needs them: a number in a date format
becomes the date Excel shows (raw.excel_date), or stays the number where Excel shows
no date; a cell that cannot be typed (a date cell holding 2026-02-31, a number that is
none) is kept as typed; a formula saved with no value is raw.NOT_CALCULATED.

The parser resolves no entities, loads no DTD and reaches no network; a part that
declares a document type at all is refused (book/parts.py refuses one in the first
megabyte of every part; this covers one placed later). Only <row> elements are kept
while parsing, each dropped once read, so memory stays that of one row.
"""

from __future__ import annotations

from peermap_xl.book import raw
from peermap_xl.book.refs import coordinate_column

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, DIMENSION, SHEET_DATA = _MAIN + "row", _MAIN + "dimension", _MAIN + "sheetData"
VALUE, FORMULA, INLINE = _MAIN + "v", _MAIN + "f", _MAIN + "is"
TEXT, RUN = _MAIN + "t", _MAIN + "r"


class DamagedPart(Exception):
    """A worksheet that no program could have written whole (the reader says the workbook is damaged)."""


def number(text: str) -> int | float:
    """A number cell's text as openpyxl casts it: a float where it has a point or an exponent."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def inline_text(inline) -> str | None:
    """The text of an inline string (<is>), as openpyxl reads it: its <t> texts, then those of its runs (<r>)."""
    if inline is None:
        return None
    if len(inline) == 1 and inline[0].tag == TEXT:  # the usual <is><t>text</t></is>
        return inline[0].text or ""
    plain, runs = [], []
    for child in inline:
        if child.tag == TEXT:
            plain.append(child.text or "")
        elif child.tag == RUN:
            runs += [t.text or "" for t in child if t.tag == TEXT]
    return "".join(plain + runs)


class Cells:
    """How one workbook's cells read: its shared strings, its date styles and its date system."""

    def __init__(self, strings, date_styles: set[int], epoch):
        self.strings, self.date_styles, self.epoch = strings, date_styles, epoch

    def row(self, element) -> dict[int, object]:
        """{column: value} of a <row>, blank cells left out (a later cell in the same column wins)."""
        out, column = {}, 0
        for cell in element:
            column, value = self.cell(cell, column)
            if value is not None:
                out[column] = value
        return out

    def cell(self, cell, column: int) -> tuple[int, object]:
        """(column, value) of a <c>, given the column of the cell before it (for a cell with no reference)."""
        kind, coordinate = cell.get("t"), cell.get("r")
        if kind == "inlineStr":
            column = coordinate_column(coordinate) if coordinate else column + 1
            only = cell[0] if len(cell) == 1 else None
            return column, inline_text(only if only is not None and only.tag == INLINE else cell.find(INLINE))
        value_element = formula = None
        for child in cell:  # the first <v> and <f>, as find() would give them
            if child.tag == VALUE:
                value_element = child if value_element is None else value_element
            elif child.tag == FORMULA:
                formula = child if formula is None else formula
        found = None if value_element is None else value_element.text or ""  # as findtext(VALUE) gives it
        style = None
        try:
            style = cell.get("s", 0)
            style = int(style) if style else 0
            column = coordinate_column(coordinate) if coordinate else column + 1
            value = self._value(kind, found or None)
        except ValueError:  # a date cell that is no date (2026-02-31), a number that is none: kept as typed
            style = None
            if coordinate:
                column = coordinate_column(coordinate)
            value = found
        if value is None and formula is not None and (value_element is None or kind != "str"):
            return column, raw.NOT_CALCULATED  # a formula saved with no value: unknown, not blank (Excel's "": str)
        if value is not None and style in self.date_styles:
            value = raw.excel_date(value, self.epoch) or value
        return column, value

    def _value(self, kind: str | None, text: str | None):
        """A cell's value by its type, as openpyxl reads it (the steps above are in its order: where a
        ValueError stops them, the column stands where its parser's counter stood)."""
        if text is None or kind == "str":
            return text
        if kind in (None, "n"):
            return number(text)
        if kind == "s":
            try:
                return self.strings[int(text)]
            except IndexError:
                raise DamagedPart("a cell refers to a shared string that is not there") from None
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601  # rare (strict ISO dates): openpyxl's own reading

            return from_ISO8601(text)
        return text  # an error ("#N/A") or a type Excel does not write: as typed


def read_rows(stream, cells: Cells) -> tuple[list[tuple[int, dict[int, object]]], str | None]:
    """([(worksheet row, {column: value})] for every row holding a value, in the file's order; the sheet's
    stored <dimension>). Nothing after the cells is read."""
    from lxml import etree

    rows, dimension, counter, checked = [], None, 0, False
    events = etree.iterparse(stream, events=("end",), tag=(ROW, DIMENSION, SHEET_DATA), resolve_entities=False,
                             no_network=True, load_dtd=False, remove_comments=True, remove_pis=True)
    for _, element in events:
        if not checked:
            refuse_doctype(element)
            checked = True
        if element.tag == ROW:
            r = element.get("r")
            counter = int(float(r)) if r else counter + 1
            values = cells.row(element)
            if values:
                rows.append((counter, values))
            _drop(element)
        elif element.tag == DIMENSION:
            dimension = element.get("ref")
        else:
            break
    return rows, dimension


def _drop(element) -> None:
    """A row read, dropped from the tree with the rows before it."""
    element.clear()
    parent = element.getparent()
    while element.getprevious() is not None:
        del parent[0]


def refuse_doctype(element) -> None:
    from defusedxml import DTDForbidden

    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise DTDForbidden(info.root_name, info.system_url, info.public_id)
