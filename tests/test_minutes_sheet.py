"""The Minutes sheet laid out as the document is: headings, tables, wrapped text, rows tall enough, print-ready."""

import copy
import subprocess

import openpyxl
import pytest
import xlwings as xw
from xlwings_payload import payload

from conftest import need_tool, run_peermap
from peermap_xl import buttons, minutes
from peermap_xl.minutes import Bullets, Heading, Para, Table

PAGE = len(minutes.PREVIEW_WIDTHS)
BLOCKS = [
    Heading("Peer Mapping Minutes Peer Network - County line", 0),
    Heading("Meeting details"),
    Table(None, [["Date", "16/09/2026"], ["Attendees", "; ".join(f"Worker {i} (Agency {i})" for i in range(12))]],
          key_column=True),
    Para("Main concerns", bold=True),
    Bullets(["Male A: missing episodes", "x" * 400]),
    Heading("Male A", 2),
    Table(None, [["Current linked contexts", "123 City Road\nPlymouth house\nYouth hub"]], key_column=True),
    Heading("Actions"),
    Table(["ID", "Action", "About", "Owner", "Agency", "Due", "Status"],
          [["A01", "Police check", "S01", "PC", "Police", "30/09/2026", "Open"]], flagged={0}),
    Table(["ID", "Question"], [["Nothing recorded yet."]]),
]


def test_headings_paragraphs_and_tables_each_have_their_layout():
    lines = minutes.to_rows(BLOCKS)
    styles = [line.style for line in lines]
    assert styles[:3] == ["title", "text", "heading"]  # a little space before each heading
    assert lines[1].values == () and lines[1].height < 15
    details = lines[3:5]
    assert [line.style for line in details] == ["keyed", "keyed"]
    assert all(line.merges == ((1, 2), (3, PAGE)) for line in details)  # the name of the row, then its text
    assert details[0].values[:3] == ("Date", None, "16/09/2026")
    assert details[1].height > details[0].height  # twelve attendees wrap onto more lines
    concerns = lines[5]
    assert concerns.style == "key" and concerns.merges == ((1, PAGE),)
    bullets = lines[6:8]
    assert bullets[0].values[0] == "\u2022 Male A: missing episodes" and bullets[1].height >= 3 * 15
    contexts = next(line for line in lines if line.values and line.values[0] == "Current linked contexts")
    assert contexts.height >= 3 * 15  # one line for each place
    header = next(line for line in lines if line.style == "header")
    assert header.values == ("ID", "Action", "About", "Owner", "Agency", "Due", "Status") and header.merges == ()
    assert lines[lines.index(header) + 1].style == "flagged"
    nothing = lines[-1]
    assert nothing.values[0] == "Nothing recorded yet." and nothing.merges == ((1, PAGE),)
    assert all(len(line.values) in (0, PAGE) for line in lines)


def test_the_file_gets_merged_wrapped_rows_and_a_printable_page(book):
    assert run_peermap("minutes", book, "--write").returncode == 0
    ws = openpyxl.load_workbook(book)["Minutes"]
    assert ws["A1"].font.bold and ws["A1"].font.size == 16
    merged = {str(m) for m in ws.merged_cells.ranges}
    row_of = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    details = row_of["Attendees"]
    assert f"A{details}:B{details}" in merged and f"C{details}:G{details}" in merged
    assert ws.cell(details, 3).alignment.wrap_text and ws.row_dimensions[details].height > 15
    heading = row_of["Information gaps"]
    assert ws.cell(heading, 1).font.bold and ws.cell(heading + 1, 1).value == "ID"
    assert ws.cell(heading + 1, 7).value == "Status" and ws.cell(heading + 1, 1).font.color.rgb.endswith("FFFFFF")
    widths = [ws.column_dimensions[c].width for c in "ABCDEFG"]
    assert widths == list(minutes.PREVIEW_WIDTHS)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert "OFFICIAL-SENSITIVE" in ws.oddHeader.center.text


def test_the_minutes_button_lays_the_sheet_out_in_excel_too(example_book, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    book = xw.Book(json=copy.deepcopy(payload(example_book)))
    buttons.minutes(book)
    sheets = [s["name"] for s in payload(example_book)["sheets"]]
    sent = [a for a in book.json()["actions"] if a["sheet_position"] == sheets.index("Minutes")]
    funcs = {a["func"] for a in sent}
    assert {"rangeMerge", "setRowHeight", "setWrapText", "setColumnWidth", "setFontProperty"} <= funcs
    widths = [a["args"] for a in sent if a["func"] == "setColumnWidth"]
    assert widths == [[w] for w in minutes.PREVIEW_WIDTHS]


@pytest.mark.libreoffice
def test_libreoffice_prints_the_minutes_sheet_on_whole_pages(soffice, book, tmp_path):
    assert run_peermap("minutes", book, "--write").returncode == 0
    wb = openpyxl.load_workbook(book, keep_vba=True)
    for ws in wb.worksheets:
        ws.sheet_state = "visible" if ws.title == "Minutes" else "hidden"
    wb.active = wb.sheetnames.index("Minutes")
    only = tmp_path / "minutes.xlsm"
    wb.save(only)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(only)], capture_output=True, timeout=180)
    text = subprocess.run([need_tool("pdftotext"), "-layout", str(tmp_path / "minutes.pdf"), "-"],
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    assert 3 <= len([p for p in pages if p.strip()]) <= 12
    assert all("OFFICIAL-SENSITIVE" in page for page in pages if page.strip())
    at = [text.index(h) for h in ("Meeting details", "Young people (Figure 1)", "Information gaps", "Actions",
                                  "Decisions", "Narrative")]
    assert at == sorted(at)  # the sections in the document's order, each heading on a line of its own
