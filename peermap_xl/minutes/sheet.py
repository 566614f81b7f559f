"""The Minutes sheet: the document laid out on a worksheet grid, as the .docx is laid out on a page.

Headings are styled, paragraphs and bullets run across the page, tables keep their columns (a
two-column table gets a shaded first column), and each row is as tall as its longest text, so the
sheet prints as the document reads. `book/edit.py` and `book/live.py` apply the Lines it gives.
"""

from __future__ import annotations

import math

from peermap_xl.book.plan import Line
from peermap_xl.minutes.blocks import Banner, Bullets, Heading, Para, Picture, Table

#: The preview's columns (characters): wide enough for the 7-column tables, about an A4 landscape page.
PREVIEW_WIDTHS = (8.0, 30.0, 20.0, 22.0, 20.0, 14.0, 16.0)
_LINE_POINTS = 15.0  # one line of 11-point text
_KEY_SPAN = 2  # a two-column table's first column (the name of the row) spans A:B, its text C:G


def to_rows(blocks: list) -> list:
    """The blocks as the Minutes sheet shows them: plan Lines with their styles, merged cells and heights.

    Headings are styled, paragraphs and bullets run across the page, wrapped, and tables keep their
    columns (a two-column table gets a shaded first column); each row is as tall as its longest text.
    """
    out: list = []
    for block in blocks:
        if isinstance(block, Heading):
            if out:
                out.append(_spacer())
            out.append(_across(block.text, "title" if block.level == 0 else "heading" if block.level == 1
                               else "subheading"))
        elif isinstance(block, Banner):  # a warning the reader must see first
            out.append(_across(block.text, "flagged"))
        elif isinstance(block, Para):
            out.append(_across(block.text, "key" if block.bold else "text"))
        elif isinstance(block, Bullets):
            out += [_across("\u2022 " + item, "text") for item in block.items]
        elif isinstance(block, Table):
            out += _table_lines(block)
        elif isinstance(block, Picture):
            if block.title:
                out += [_spacer(), _across(block.title, "heading")]
            out.append(_across(block.caption + " The map itself is on the Map sheet.", "note"))
    return out


def _spacer() -> Line:
    return Line((), "text", height=8.0)


def _across(text: str, style: str) -> Line:
    """One text over the whole width of the page."""
    return _line([text], [len(PREVIEW_WIDTHS)], style)


def _table_lines(table: Table) -> list:
    columns = len(table.header or (table.rows[0] if table.rows else []))
    if columns == 2:
        spans = [_KEY_SPAN, len(PREVIEW_WIDTHS) - _KEY_SPAN]
    else:
        spans = [1] * (columns - 1) + [len(PREVIEW_WIDTHS) - columns + 1]
    lines = [_line(table.header, spans, "header")] if table.header else []
    for i, row in enumerate(table.rows):
        cells = list(row) + [""] * (len(spans) - len(row))
        if len(row) == 1:  # a table's single line ("nothing recorded yet")
            cells, row_spans = list(row), [len(PREVIEW_WIDTHS)]
        else:
            row_spans = spans
        style = "flagged" if i in table.flagged else "keyed" if columns == 2 else "text"
        lines.append(_line(cells, row_spans, style))
    return lines


def _line(texts: list, spans: list[int], style: str) -> Line:
    """A Line with each text at the start of its span, the spans merged, and room for the longest text."""
    values, merges, lines_needed, column = [], [], 1, 1
    for text, span in zip(texts, spans):
        values += [text] + [None] * (span - 1)
        if span > 1:
            merges.append((column, column + span - 1))
        chars = sum(PREVIEW_WIDTHS[column - 1:column - 1 + span]) * (0.75 if style in ("title", "heading") else 1.0)
        lines_needed = max(lines_needed, _lines_for(str(text or ""), chars))
        column += span
    scale = {"title": 1.6, "heading": 1.3, "subheading": 1.1}.get(style, 1.0)
    return Line(tuple(values), style, merges=tuple(merges), height=round(lines_needed * _LINE_POINTS * scale + 3, 1))


def _lines_for(text: str, chars: float) -> int:
    """How many lines `text` wraps to in a cell `chars` characters wide (a little pessimistic)."""
    fit = max(1, int(chars * 1.1))  # proportional text: a little more than one character a unit of width
    return sum(max(1, math.ceil(len(part) / fit)) for part in text.split("\n"))
