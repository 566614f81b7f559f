"""The blocks as a Word document: marking and page numbers on every page, the map on a landscape page.

python-docx's own template carries a `stylesWithEffects` part out of step with its styles,
which Word's app-compatibility checks report; it is left out of every document written here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from peermap_xl.book.safe import shorten
from peermap_xl.minutes.blocks import Banner, Bullets, Heading, Para, Picture, Table
from peermap_xl.minutes.fit import fitted

_RED = "C00000"
_BLUE = "1F4E78"
#: The map's page: A3 landscape, so that labels drawn at 9 pt on a 15-inch figure print at 8 pt or more.
MAP_PAGE_CM = (42.0, 29.7)
MAP_MARGIN_CM = 1.5  # top and bottom (room for the marking); 1 cm at the sides
MAP_SIDE_MARGIN_CM = 1.0
#: Room on the map's page for its heading (the map's own frame carries its date and legend: no caption).
MAP_PAGE_TEXT_CM = 2.6
PORTRAIT_CM = (21.0, 29.7)
#: The size of the text in table cells.
CELL_POINTS = 9


def to_docx(blocks: list, path: Path, marking: str, when: dt.date, doc_title: str) -> None:
    """Write the blocks as a Word document, with the marking and page numbers on every page."""
    from docx import Document

    doc = Document()
    _page(doc.sections[0], PORTRAIT_CM, 2.0)
    _styles(doc)
    _marking(doc.sections[0], marking)
    for block in blocks:
        _add(doc, block)
    _properties(doc, doc_title, marking, when)
    _drop_styles_with_effects(doc)
    doc.save(str(path))


def _page(section, size_cm: tuple[float, float], margin_cm: float) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    width, height = size_cm
    section.orientation = WD_ORIENT.LANDSCAPE if width > height else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(width), Cm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margin_cm))


def _styles(doc) -> None:
    from docx.shared import Pt

    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10.5)


def _marking(section, marking: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import RGBColor

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run(marking)
    run.bold, run.font.color.rgb = True, RGBColor.from_string(_RED)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run(f"{marking}    Page ")
    run.bold, run.font.color.rgb = True, RGBColor.from_string(_RED)
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _add(doc, block) -> None:
    from docx.shared import RGBColor

    if isinstance(block, Heading):
        heading = doc.add_heading(block.text, block.level)
        for r in heading.runs:
            r.font.color.rgb = RGBColor.from_string(_BLUE)
    elif isinstance(block, Banner):
        _banner(doc, block.text)
    elif isinstance(block, Para):
        paragraph = doc.add_paragraph()
        paragraph.add_run(block.text).bold = block.bold
        paragraph.paragraph_format.keep_with_next = block.bold or None  # a label stays with what it labels
    elif isinstance(block, Bullets):
        for item in block.items:
            doc.add_paragraph(item, style="List Bullet")
    elif isinstance(block, Table):
        _table(doc, block)
    elif isinstance(block, Picture):
        _picture(doc, block)


def _banner(doc, text: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(11), RGBColor.from_string(_RED)
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:fill"), "FFC7CE")
    paragraph._p.get_or_add_pPr().append(shade)


def _picture(doc, block: Picture) -> None:
    """The map on a landscape page of its own, under its heading; the pages after it portrait again."""
    from docx.enum.section import WD_SECTION
    from docx.shared import Cm

    width = PORTRAIT_CM[0] - 4.0
    if block.landscape:
        section = doc.add_section(WD_SECTION.NEW_PAGE)
        _page(section, MAP_PAGE_CM, MAP_MARGIN_CM)
        section.left_margin = section.right_margin = Cm(MAP_SIDE_MARGIN_CM)
        width = map_width_cm(block.path)
    if block.title:
        _add(doc, Heading(block.title))
    doc.add_picture(str(block.path), width=Cm(width))
    doc.inline_shapes[-1]._inline.docPr.set("name", "Peer network map")
    doc.inline_shapes[-1]._inline.docPr.set("descr", block.caption)
    if not block.landscape:  # the map's own page frame already says its date and has its legend
        doc.add_paragraph(block.caption).runs[0].italic = True
    if block.landscape:
        _page(doc.add_section(WD_SECTION.NEW_PAGE), PORTRAIT_CM, 2.0)


def map_width_cm(picture: Path) -> float:
    """As wide as the map's page allows, and no taller than it leaves room for."""
    from docx.image.image import Image

    image = Image.from_file(str(picture))
    across = MAP_PAGE_CM[0] - 2 * MAP_SIDE_MARGIN_CM
    down = MAP_PAGE_CM[1] - 2 * MAP_MARGIN_CM - MAP_PAGE_TEXT_CM
    return min(across, down * image.px_width / image.px_height)


def _properties(doc, doc_title: str, marking: str, when: dt.date) -> None:
    props = doc.core_properties
    props.title, props.subject = shorten(doc_title, 255), "Peer mapping minutes"  # Word's limit
    props.author, props.last_modified_by, props.comments, props.category = "", "", "", ""
    props.keywords = marking
    moment = dt.datetime.combine(when, dt.time())
    props.created, props.modified, props.last_printed, props.revision = moment, moment, moment, 1


def _drop_styles_with_effects(doc) -> None:
    """Remove the template's stylesWithEffects part (Word 2010's copy of styles.xml, here out of step)."""
    part = doc.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(rel_id)


def _field(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "1":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        run._r.append(element)


def _table(doc, block: Table) -> None:
    from docx.shared import Cm

    columns = len(block.header or block.rows[0])
    table = doc.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    table.autofit = False
    widths = block.widths or ((5.0, 12.0) if columns == 2 else (17.0 / columns,) * columns)
    lines = ([block.header] if block.header else []) + block.rows
    widths = fitted(widths, lines, CELL_POINTS, 0 if block.header else None, 0 if block.key_column else None)
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)  # the grid, which LibreOffice follows; the cells below, which Word follows
    for i, values in enumerate(lines):
        row = table.add_row()
        if block.header and i == 0:
            _repeat_on_every_page(row)
        cells = row.cells
        for j, value in enumerate(values):
            bold = (block.header and i == 0) or (block.key_column and j == 0)
            _cell(cells[j], str(value), Cm(widths[j]), bool(bold), (i - (1 if block.header else 0)) in block.flagged)
    doc.add_paragraph()


def _repeat_on_every_page(row) -> None:
    """The header row repeated at the top of every page the table runs onto (w:tblHeader)."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _cell(cell, text: str, width, bold: bool, flagged: bool) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    cell.text = text
    cell.width = width
    for paragraph in cell.paragraphs:
        paragraph.paragraph_format.space_before, paragraph.paragraph_format.space_after = Pt(1), Pt(2)
        for r in paragraph.runs:
            r.bold = bold
            r.font.size = Pt(CELL_POINTS)
    if flagged:
        shade = OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:fill"), "FFC7CE")
        cell._tc.get_or_add_tcPr().append(shade)
