"""The worksheet reader peermap used before book/rows.py (openpyxl's WorkSheetParser over defusedxml's iterparse),
kept here as the reference the new reader is held to: the same RawBook from every workbook."""

from __future__ import annotations

from defusedxml.ElementTree import iterparse
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import DIMENSION_TAG, ROW_TAG, VALUE_TAG, WorkSheetParser
from openpyxl.worksheet._reader import INLINE_STRING as INLINE_TAG
from openpyxl.xml.constants import SHEET_MAIN_NS

from peermap_xl.book import raw

DATA_TAG = f"{{{SHEET_MAIN_NS}}}sheetData"
TEXT_TAG, RUN_TEXT = f"{{{SHEET_MAIN_NS}}}t", f"{{{SHEET_MAIN_NS}}}r/{{{SHEET_MAIN_NS}}}t"
FORMULA_TAG = f"{{{SHEET_MAIN_NS}}}f"


class RowParser(WorkSheetParser):
    """Rows as {column: value}, as peermap's reader read them up to this change."""

    def __init__(self, src, cells):
        super().__init__(src, cells.strings, data_only=True, epoch=cells.epoch, date_formats=set())
        self.book_date_formats = cells.date_styles
        self.dimension = None

    def rows(self):
        data = None
        for event, element in iterparse(self.source, events=("start", "end")):
            if event == "start":
                if element.tag == DATA_TAG:
                    data = element
            elif element.tag == ROW_TAG:
                number, cells = self.parse_row(element)
                if data is not None:
                    data.clear()
                yield number, {c["column"]: c["value"] for c in cells if c["value"] is not None}
            elif element.tag == DIMENSION_TAG:
                self.dimension = element.get("ref")
            elif element.tag == DATA_TAG:
                return

    def parse_row(self, row):
        r = row.get("r")
        self.row_counter = int(float(r)) if r else self.row_counter + 1
        self.col_counter = 0
        return self.row_counter, [self.parse_cell(c) for c in row]

    def parse_cell(self, element):
        if element.get("t") == "inlineStr":
            coordinate = element.get("r")
            self.col_counter = coordinate_to_tuple(coordinate)[1] if coordinate else self.col_counter + 1
            text = element.find(INLINE_TAG)
            return {"column": self.col_counter, "value": None if text is None else "".join(
                t.text or "" for t in (*text.findall(TEXT_TAG), *text.findall(RUN_TEXT)))}
        try:
            cell = super().parse_cell(element)
        except ValueError:
            coordinate = element.get("r")
            column = coordinate_to_tuple(coordinate)[1] if coordinate else self.col_counter
            cell = {"column": column, "value": element.findtext(VALUE_TAG)}
        if cell["value"] is None and element.find(FORMULA_TAG) is not None and (
                element.find(VALUE_TAG) is None or element.get("t") != "str"):
            cell["value"] = raw.NOT_CALCULATED
        if cell["value"] is not None and cell.get("style_id") in self.book_date_formats:
            cell["value"] = raw.excel_date(cell["value"], self.epoch) or cell["value"]
        return cell


def cells(package, path):
    """book/file._cells, done the old way: openpyxl's read-only load gave the shared strings, date styles and epoch."""
    import openpyxl

    from peermap_xl.book.rows import Cells

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        strings = next((ws._shared_strings for ws in wb.worksheets), [])
        return Cells(strings, wb._date_formats - wb._timedelta_formats, wb.epoch)
    finally:
        wb.close()


def read_rows(stream, cells):
    """book/rows.read_rows, done the old way: every row holding a value, and the sheet's dimension."""
    parser = RowParser(stream, cells)
    found = [(number, values) for number, values in parser.rows() if values]
    return found, parser.dimension
