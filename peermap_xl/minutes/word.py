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
from peermap_xl.minutes.wordxml import FLAG_FILL, paragraph_xml, table_xml

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
    if isinstance(block, Heading):
        style = _style_id(doc, "Title" if block.level == 0 else f"Heading {block.level}")
        _append_xml(doc, paragraph_xml(block.text, style, f'<w:color w:val="{_BLUE}"/>'))
    elif isinstance(block, Banner):
        _banner(doc, block.text)
    elif isinstance(block, Para):  # a bold label stays with what it labels
        _append_xml(doc, paragraph_xml(block.text, None, "<w:b/>" if block.bold else '<w:b w:val="0"/>',
                                       keep_with_next=block.bold, always_a_run=True))
    elif isinstance(block, Bullets):
        style = _style_id(doc, "List Bullet")
        for item in block.items:
            _append_xml(doc, paragraph_xml(item, style))
    elif isinstance(block, Table):
        _table(doc, block)
    elif isinstance(block, Picture):
        _picture(doc, block)


def _style_id(doc, name: str, kind: str = "paragraph") -> str | None:
    """The ID of a style, looked up once per document: python-docx looks it up (and works out the default
    style of its type, over every style) each time a style is set, which for the minutes of a large network
    (a Figure 1 table and heading per young person) was a third of writing them."""
    from docx.enum.style import WD_STYLE_TYPE

    known = doc.__dict__.setdefault("_style_ids", {})
    if name not in known:
        known[name] = doc.part.get_style_id(doc.styles[name], getattr(WD_STYLE_TYPE, kind.upper()))
    return known[name]


def _banner(doc, text: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    paragraph = _paragraph(doc)
    run = paragraph.add_run(text)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(11), RGBColor.from_string(_RED)
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:fill"), FLAG_FILL)
    paragraph._p.get_or_add_pPr().append(shade)


def _picture(doc, block: Picture) -> None:
    """The map on a landscape page of its own, under its heading; the pages after it portrait again."""
    from docx.enum.section import WD_SECTION
    from docx.shared import Cm

    width = PORTRAIT_CM[0] - 4.0
    if block.landscape:  # straight after another map: onto the page its section break opened, not a blank one
        after_map = getattr(doc, "_peermap_after_map", None) == len(doc.element.body)
        section = doc.sections[-1] if after_map else doc.add_section(WD_SECTION.NEW_PAGE)
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
        doc._peermap_after_map = len(doc.element.body)


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
    """The table, written in one go (wordxml.py), then an empty paragraph."""
    from docx.shared import Cm

    columns = len(block.header or block.rows[0])
    widths = block.widths or ((5.0, 12.0) if columns == 2 else (17.0 / columns,) * columns)
    lines = ([block.header] if block.header else []) + block.rows
    widths = fitted(widths, lines, CELL_POINTS, 0 if block.header else None, 0 if block.key_column else None)
    _append_xml(doc, table_xml(lines, [Cm(w).twips for w in widths], _style_id(doc, "Table Grid", "table"),
                               CELL_POINTS, bool(block.header), block.key_column, block.flagged))
    _paragraph(doc)  # an empty paragraph: the next table stays a table apart


def _paragraph(doc):
    """As `doc.add_paragraph()`, without python-docx's search of the body for where it goes."""
    from docx.oxml import OxmlElement
    from docx.text.paragraph import Paragraph

    p = OxmlElement("w:p")
    _append(doc, p)
    return Paragraph(p, doc._body)


def _append_xml(doc, xml: str) -> None:
    from docx.oxml.parser import parse_xml

    _append(doc, parse_xml(xml))


def _append(doc, element) -> None:
    """`element` at the end of the body, before its last section's properties (as python-docx inserts a block,
    without its search of the body for them: that search reads every block before it, so a document with a
    Figure 1 per young person took time growing with the square of their number)."""
    from docx.oxml.ns import qn

    body = doc.element.body
    last = next(body.iterchildren(reversed=True), None)
    if last is not None and last.tag == qn("w:sectPr"):
        last.addprevious(element)
    else:
        body.append(element)
