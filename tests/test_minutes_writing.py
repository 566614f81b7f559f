"""The minutes' tables and paragraphs written in one go (minutes/wordxml.py) give the document python-docx's
element-by-element writing gave: the same parts, byte for byte, on the worked example's minutes and subject
list."""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest

from nine_young_people import AS_OF
from peermap_xl import checks, minutes
from peermap_xl.minutes import word
from peermap_xl.minutes.blocks import Picture, Table
from peermap_xl.minutes.fit import fitted
from peermap_xl.minutes.sections import PROMPTS
from peermap_xl.record.reading import read_network

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DAY = dt.date(2026, 9, 16)


# --- the writer as it was: python-docx, cell by cell (kept here to compare with) ------------------------


def old_add(doc, block) -> None:
    from docx.shared import RGBColor

    if isinstance(block, minutes.Heading):
        style = "Title" if block.level == 0 else f"Heading {block.level}"
        heading = old_styled(doc, doc.add_paragraph(block.text), style)
        for r in heading.runs:
            r.font.color.rgb = RGBColor.from_string(word._BLUE)
    elif isinstance(block, minutes.Banner):
        word._banner(doc, block.text)
    elif isinstance(block, minutes.Para):
        paragraph = doc.add_paragraph()
        paragraph.add_run(block.text).bold = block.bold
        paragraph.paragraph_format.keep_with_next = block.bold or None
    elif isinstance(block, minutes.Bullets):
        for item in block.items:
            old_styled(doc, doc.add_paragraph(item), "List Bullet")
    elif isinstance(block, Table):
        old_table(doc, block)
    elif isinstance(block, Picture):
        word._picture(doc, block)


def old_styled(doc, paragraph, name: str):
    paragraph.style = doc.styles[name]
    return paragraph


def old_table(doc, block: Table) -> None:
    from docx.shared import Cm

    columns = len(block.header or block.rows[0])
    table = doc.add_table(rows=0, cols=columns)
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    widths = block.widths or ((5.0, 12.0) if columns == 2 else (17.0 / columns,) * columns)
    lines = ([block.header] if block.header else []) + block.rows
    widths = fitted(widths, lines, word.CELL_POINTS, 0 if block.header else None, 0 if block.key_column else None)
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    for i, values in enumerate(lines):
        row = table.add_row()
        row._tr.get_or_add_trPr().append(docx.oxml.OxmlElement("w:cantSplit"))
        if block.header and i == 0:
            row._tr.get_or_add_trPr().append(docx.oxml.OxmlElement("w:tblHeader"))
        cells = row.cells
        for j, value in enumerate(values):
            bold = (block.header and i == 0) or (block.key_column and j == 0)
            old_cell(cells[j], str(value), Cm(widths[j]), bool(bold), (i - (1 if block.header else 0)) in block.flagged)
    doc.add_paragraph()


def old_cell(cell, text: str, width, bold: bool, flagged: bool) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    cell.text = text
    cell.width = width
    for paragraph in cell.paragraphs:
        paragraph.paragraph_format.space_before, paragraph.paragraph_format.space_after = Pt(1), Pt(2)
        for r in paragraph.runs:
            r.bold = bold
            r.font.size = Pt(word.CELL_POINTS)
    if flagged:
        shade = docx.oxml.OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:fill"), "FFC7CE")
        cell._tc.get_or_add_tcPr().append(shade)


# --- helpers ----------------------------------------------------------------------------------------------


def png(path: Path, width: int = 40, height: int = 20) -> Path:
    """A small grey PNG (the map's place in the document: pictures are written by python-docx either way)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def parts(blocks: list, path: Path) -> dict[str, bytes]:
    word.to_docx(blocks, path, "OFFICIAL-SENSITIVE", DAY, "Peer Mapping Minutes")
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def old_and_new(blocks: list, folder: Path, monkeypatch) -> tuple[dict, dict]:
    new = parts(blocks, folder / "new.docx")
    with monkeypatch.context() as m:
        m.setattr(word, "_add", old_add)
        m.setattr(word, "_paragraph", lambda doc: doc.add_paragraph())
        old = parts(blocks, folder / "old.docx")
    return old, new


def with_maps(blocks: list, folder: Path) -> list:
    """The blocks with the map pages the minutes carry (two landscape pages, then one in the text)."""
    picture = png(folder / "map.png")
    at = next(i for i, b in enumerate(blocks) if isinstance(b, minutes.Heading) and b.text.startswith("Young people"))
    return blocks[:at] + [Picture(picture, "The map", landscape=True, title="The map"),
                          Picture(picture, "Group 1", landscape=True), Picture(picture, "Inline")] + blocks[at:]


def example_blocks(book: Path, kind: str, anonymise: bool, folder: Path) -> list:
    network = read_network(book)
    if kind == "subject list":
        return minutes.invite_content(network, None, anonymise, issued=dt.date(2026, 9, 7))
    return with_maps(minutes.content(network, None, anonymise), folder)


# --- the same document ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["minutes", "subject list"])
@pytest.mark.parametrize("anonymise", [False, True])
def test_the_worked_example_is_written_byte_for_byte_as_before(example_book, tmp_path, monkeypatch, kind, anonymise):
    old, new = old_and_new(example_blocks(example_book, kind, anonymise, tmp_path), tmp_path, monkeypatch)
    assert sorted(new) == sorted(old)
    assert [name for name in old if old[name] != new[name]] == []
    body = docx.Document(str(tmp_path / "new.docx")).element.body
    tables = body.findall(f"{W}tbl")
    assert len(tables) >= 10 and body.find(f".//{W}tblHeader") is not None  # there was something to compare
    assert body.find(f".//{W}b") is not None and body.find(f".//{W}br") is not None or kind == "subject list"
    assert body.find(f".//{W}tcPr/{W}shd") is not None or kind == "minutes"  # the list flags undated people


def test_the_nine_young_people_minutes_are_written_as_before(case_master, tmp_path, monkeypatch):
    blocks = with_maps(minutes.content(read_network(case_master), None), tmp_path)
    old, new = old_and_new(blocks, tmp_path, monkeypatch)
    assert old["word/document.xml"] == new["word/document.xml"]
    assert old["word/document.xml"].count(b"<w:br/>") > 0  # Figure 1 entries, one a line


def test_awkward_text_widths_and_flags_are_written_as_before(tmp_path, monkeypatch):
    """Tabs, line breaks (\\n, \\r, \\r\\n), spaces at either end, XML's own characters, empty cells, a short
    row, flagged rows, a key column and a header row; headings, paragraphs and bullets, empty ones too."""
    awkward = ["a\tb", "one\ntwo", "x\r\ny", "\rlead", " padded ", "&<>\"'", "", "   ", "\u00e9\u2013\u201cq\u201d",
               "tab at end\t", 7]
    texts = [a for a in awkward if isinstance(a, str)]
    blocks = [minutes.Heading(text, level) for level in (0, 1, 2, 3) for text in texts[level::3]]
    blocks += [minutes.Para(text, bold) for bold in (False, True) for text in texts]
    blocks += [minutes.Bullets(texts), minutes.Banner(" Errors & <more> "), minutes.Bullets([])]
    blocks += [Table(["ID", "Text", "More"], [awkward[i:i + 3] for i in range(0, 9, 3)] + [["short"], awkward[9:]],
                    flagged={1, 3}, widths=(2.0, 10.0, 5.0)),
              Table(None, [["Key", "value\nsecond line"], ["Empty", ""]], key_column=True),
              Table(None, [["a", "b", "c", "d"]], flagged={0})]
    old, new = old_and_new(blocks, tmp_path, monkeypatch)
    assert old["word/document.xml"] == new["word/document.xml"]
    table = docx.Document(str(tmp_path / "new.docx")).tables[0]
    assert [c.text for c in table.rows[4].cells] == ["short", "", ""]  # the short row's empty cells kept
    assert table.rows[1].cells[0].text == "a\tb" and table.rows[1].cells[2].text == "x\n\ny"


def test_a_row_longer_than_its_table_is_refused_not_cut_short(tmp_path):
    with pytest.raises(ValueError, match="3 values for 2 columns"):
        parts([Table(["A", "B"], [["1", "2", "3"]])], tmp_path / "long.docx")


# --- the prompts: only the rules the minutes show, the same findings ---------------------------------------


def test_the_minutes_prompts_are_those_of_every_rule(example_book, case_master):
    for book, day in ((example_book, DAY), (case_master, AS_OF)):
        network = read_network(book)
        for anonymise in (False, True):
            every = [f for f in checks.run_checks(network, day, anonymise) if f.rule in PROMPTS]
            assert checks.run_checks(network, day, anonymise, only=PROMPTS) == every
            meeting = minutes.Meeting(network, anonymise=anonymise)
            alone = meeting.findings_of(PROMPTS)  # only the prompts' rules run
            assert meeting.findings and meeting.findings_of(PROMPTS) == alone  # or taken from every rule's
    assert {f.rule for f in every} >= {"consider-peer-assessment", "key-individual"}  # some to compare
