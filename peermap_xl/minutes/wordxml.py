"""The minutes' tables and paragraphs as WordprocessingML, each written as one string and parsed once.

python-docx builds a table element by element, each child placed by searching its parent's children
(a cell's text, width, bold, size and spacing: some forty lookups a cell; a paragraph's style, some thirty);
for the minutes of a large network, with a heading and a Figure 1 table per young person, that was most of
the time it took to write them. Here each row is text joined once and the table (or paragraph) is parsed in
one call of lxml's parser (python-docx's own, so the elements are its classes), giving the elements
python-docx would have built. A table:

- w:tblPr: the table style, automatic width, fixed layout (columns keep their widths), python-docx's
  w:tblLook; w:tblGrid: one w:gridCol per column (LibreOffice follows these);
- each row: w:trPr/w:cantSplit (a row, one person's or place's, is never split across two pages), and
  w:tblHeader on a header row (repeated at the top of every page the table runs onto);
- each cell: w:tcW (Word follows these), w:shd on a flagged row; one paragraph spaced 1 pt before and
  2 pt after, one run of `points` in bold (header row, key column) or not, its text split as python-docx
  splits it (a tab a w:tab, a line break a w:br, w:t keeping its spaces where it has them at an end).

A paragraph (`paragraph_xml`): w:pPr with its style (or empty), w:keepNext when it stays with the next;
one run with its properties and text, or none when there is no text (as `doc.add_paragraph(text)`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: What python-docx turns into elements of their own inside a run (`_RunContentAppender`).
_SPECIAL = re.compile(r"([\t\r\n])")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
#: Shading of what is flagged: an overdue row, a banner of errors.
FLAG_FILL = "FFC7CE"
#: Space before and after a cell's paragraph, in points.
CELL_SPACING_PT = (1, 2)
_LOOK = ('<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
         'w:noVBand="1" w:val="04A0"/>')


def run_content(text: str) -> str:
    """A run's content for `text`, as python-docx's `run.text = text` writes it."""
    if not _SPECIAL.search(text):
        return _t(text)
    parts = []
    for piece in _SPECIAL.split(text):
        parts.append("<w:tab/>" if piece == "\t" else "<w:br/>" if piece in ("\r", "\n") else _t(piece))
    return "".join(parts)


def _t(text: str) -> str:
    if not text:
        return ""
    space = ' xml:space="preserve"' if len(text.strip()) < len(text) else ""
    return f"<w:t{space}>{text.translate(_ESCAPES)}</w:t>"


def _cell_parts(twips: int, flagged: bool, bold: bool, points: float) -> tuple[str, str]:
    """What comes before and after a cell's run content."""
    shade = f'<w:shd w:val="clear" w:fill="{FLAG_FILL}"/>' if flagged else ""
    before, after = (round(p * 20) for p in CELL_SPACING_PT)  # twentieths of a point
    weight = "<w:b/>" if bold else '<w:b w:val="0"/>'
    return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/>{shade}</w:tcPr>'
            f'<w:p><w:pPr><w:spacing w:before="{before}" w:after="{after}"/></w:pPr>'
            f'<w:r><w:rPr>{weight}<w:sz w:val="{round(points * 2)}"/></w:rPr>', "</w:r></w:p></w:tc>")


def _row(values: Sequence, parts: list[tuple[str, str]], header: bool, twips: Sequence[int]) -> str:
    """A row; a row with fewer values than columns ends in empty cells, as python-docx's `add_row` leaves them."""
    if len(values) > len(parts):
        raise ValueError(f"A table row has {len(values)} values for {len(parts)} columns.")
    cells = "".join(f"{start}{run_content(str(value))}{end}" for value, (start, end) in zip(values, parts))
    empty = "".join(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/></w:tcPr><w:p/></w:tc>'
                    for w in twips[len(values):])
    return f"<w:tr><w:trPr><w:cantSplit/>{'<w:tblHeader/>' if header else ''}</w:trPr>{cells}{empty}</w:tr>"


def table_xml(lines: list[Sequence], twips: Sequence[int], style_id: str | None, points: float,
              header: bool, key_column: bool, flagged: set[int]) -> str:
    """The w:tbl of `lines` (the header first when `header`), with column widths `twips`; rows of the body
    whose index is in `flagged` shaded."""
    from docx.oxml.ns import nsdecls

    style = f'<w:tblStyle w:val="{_attribute(style_id)}"/>' if style_id else ""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    plain, marked = ([_cell_parts(w, flag, key_column and j == 0, points) for j, w in enumerate(twips)]
                     for flag in (False, True))
    rows = []
    for i, values in enumerate(lines):
        if header and i == 0:
            rows.append(_row(values, [_cell_parts(w, False, True, points) for w in twips], True, twips))
        else:
            rows.append(_row(values, marked if i - header in flagged else plain, False, twips))
    return (f'<w:tbl {nsdecls("w")}><w:tblPr>{style}<w:tblW w:type="auto" w:w="0"/><w:tblLayout w:type="fixed"/>'
            f'{_LOOK}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>')


def _attribute(value: str) -> str:
    return value.translate(_ESCAPES).replace('"', "&quot;")


def paragraph_xml(text: str, style_id: str | None = None, run_properties: str | None = None,
                  keep_with_next: bool = False, always_a_run: bool = False) -> str:
    """A w:p of `text` in the style `style_id`; its run with `run_properties` (w:rPr's content, e.g. "<w:b/>").
    Without text, a run only when `always_a_run` (as python-docx's `add_run("")`)."""
    from docx.oxml.ns import nsdecls

    style = f'<w:pStyle w:val="{_attribute(style_id)}"/>' if style_id else ""
    keep = "<w:keepNext/>" if keep_with_next else ""
    properties = f"<w:pPr>{style}{keep}</w:pPr>" if style or keep else "<w:pPr/>"
    run = ""
    if text or always_a_run:
        rpr = f"<w:rPr>{run_properties}</w:rPr>" if run_properties else ""
        run = f"<w:r>{rpr}{run_content(text)}</w:r>"
    return f'<w:p {nsdecls("w")}>{properties}{run}</w:p>'
