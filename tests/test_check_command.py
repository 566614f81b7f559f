"""`peermap check` and `peermap rules` as a user runs them, and what --write does to the workbook."""

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import jsonschema
import openpyxl
from openpyxl.drawing.image import Image
from PIL import Image as PILImage

from conftest import ROOT, run_peermap
from peermap_xl.book import safe
from peermap_xl.checks import RULES
from peermap_xl.examples import city_road
from peermap_xl.record import due

AS_OF = city_road.AS_OF.isoformat()
GOLDEN = Path(__file__).parent / "golden" / "city_road_check.txt"


def test_the_worked_example_gives_the_reviewed_findings(example_book):
    result = run_peermap("check", example_book, "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")


def test_json_follows_the_published_schema(example_book):
    result = run_peermap("check", example_book, "--as-of", AS_OF, "--json")
    findings = json.loads(result.stdout)
    schema = json.loads((ROOT / "docs" / "findings.schema.json").read_text())
    jsonschema.validate(findings, schema)
    golden_rows = [line for line in GOLDEN.read_text().splitlines() if line.startswith("  ")]
    assert len(findings) == len(golden_rows)
    stale = next(f for f in findings if f["rule"] == "stale-link")
    assert stale == {"rule": "stale-link", "code": "PM201", "severity": "warning", "sheet": "Links", "row": 6,
                     "id": "L05", "column": "Last seen", "message": stale["message"]}


def test_anonymised_findings_name_nobody(example_book):
    result = run_peermap("check", example_book, "--as-of", AS_OF, "--anonymise")
    assert result.returncode == 0
    assert "YP1" in result.stdout and "LOC2" in result.stdout
    for name in ("Male A", "Female B", "Unknown adult male", "Plymouth house", "123 City Road"):
        assert name not in result.stdout


def test_errors_in_the_data_give_exit_code_1(book):
    wb = openpyxl.load_workbook(book, keep_vba=True)
    links = wb["Links"]
    to = next(c.column for c in links[1] if c.value == "To")
    links.cell(2, to).value = "Male Z"  # L01's To: nobody of that name
    wb.save(book)
    result = run_peermap("check", book, "--as-of", AS_OF)
    assert result.returncode == 1
    assert "error    row 2    To" in result.stdout and "[PM103 unknown-endpoint]" in result.stdout
    assert "Fix the errors first" in result.stdout


def test_bad_dates_and_input_give_exit_code_2(tmp_path, book):
    result = run_peermap("check", book, "--as-of", "10/01/2026 ")  # fine: 10 January
    assert result.returncode in (0, 1)
    result = run_peermap("check", book, "--as-of", "2026-13-01")
    assert result.returncode == 2 and "is not a date: write it as dd/mm/yyyy" in result.stderr
    (tmp_path / "notes.xlsm").write_text("not a workbook")
    assert run_peermap("check", tmp_path / "notes.xlsm").returncode == 2


def test_rules_lists_the_catalogue_with_explanations():
    result = run_peermap("rules")
    assert result.returncode == 0
    assert result.stdout.count("\nPM") + result.stdout.startswith("PM") == len(RULES)
    one = run_peermap("rules", "stale-link").stdout
    assert one.startswith("PM201  stale-link  (warning)") and "recent or historic" in one
    assert run_peermap("rules", "PM201").stdout == one


# --- --write -----------------------------------------------------------------------


def snapshot(path) -> dict:
    """Everything a person sees in the workbook: cell values, tables, validations, formats, images."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": [[c.value for c in row] for row in ws.iter_rows()],
            "tables": {t.name: t.ref for t in ws.tables.values()},
            "validations": sorted((str(dv.sqref), dv.formula1 or "") for dv in ws.data_validations.dataValidation),
            "formats": sorted((str(cf.sqref), r.formula[0]) for cf in ws.conditional_formatting for r in cf.rules),
            "images": len(ws._images),
            "hyperlinks": [c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink],
        }
    return out


def add_picture(path):
    wb = openpyxl.load_workbook(path, keep_vba=True)
    png = io.BytesIO()
    PILImage.new("RGB", (40, 30), "navy").save(png, "PNG")
    wb["Map"].add_image(Image(png), "B4")
    wb.save(path)


def test_write_records_the_findings_and_keeps_the_workbook_whole(book):
    add_picture(book)
    before = snapshot(book)
    original = hashlib.sha256(book.read_bytes()).hexdigest()
    result = run_peermap("check", book, "--as-of", AS_OF, "--write")
    assert result.returncode == 0, result.stderr
    assert "7 question(s) suggested on Gaps" in result.stdout  # not who S02 is (G01 asks), nor C02 twice
    backup = safe.backup_path(book)
    assert hashlib.sha256(backup.read_bytes()).hexdigest() == original
    after = snapshot(book)
    for sheet in before:
        if sheet == "Start here":  # Check writes the Due next block beside the text (tests/test_due.py)
            def text(cells):
                return [row[:due.SHEET_CELL[1] - 1] for row in cells if any(row[:due.SHEET_CELL[1] - 1])]
            assert text(after[sheet]["cells"]) == text(before[sheet]["cells"])
        elif sheet not in ("Checks", "Links", "Gaps"):
            assert after[sheet] == before[sheet], sheet
        assert after[sheet]["validations"] == before[sheet]["validations"], sheet
        assert after[sheet]["formats"] == before[sheet]["formats"], sheet
        assert after[sheet]["images"] == before[sheet]["images"], sheet
    assert after["Map"]["images"] == 1
    assert after["Gaps"]["tables"]["Gaps"] == "A1:J15"  # grew by the 7 suggestions
    assert macros(book) == macros(backup) and "PeerMap.bas" in macros(book)
    with zipfile.ZipFile(book) as package:
        rels = package.read("_rels/.rels").decode()
        assert "customUI/customUI14.xml" in rels and "customUI/customUI.xml" in rels


def macros(path) -> dict:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    found = {name: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    return found


def test_write_twice_changes_nothing_more(book):
    assert run_peermap("check", book, "--as-of", AS_OF, "--write").returncode == 0
    first = snapshot(book)
    second_run = run_peermap("check", book, "--as-of", AS_OF, "--write")
    assert "no new questions suggested." in second_run.stdout and "withdrawn" not in second_run.stdout
    assert snapshot(book) == first


def test_flags_name_what_is_wrong_with_each_link(book):
    run_peermap("check", book, "--as-of", AS_OF, "--write")
    ws = openpyxl.load_workbook(book)["Links"]
    column = next(c.column for c in ws[1] if c.value == "Flags")
    flags = {ws.cell(r, 1).value: ws.cell(r, column).value for r in range(2, 32)}
    assert flags["L05"] == "STALE"
    assert flags["L16"] == "ANECDOTAL"
    assert flags["L29"] == "STALE; ANECDOTAL; GRADES DISAGREE"
    assert flags["L15"] == "UNSOURCED"
    assert flags["L27"] == "REMOVED END"
    assert flags["L01"] is None


def test_suggested_questions_are_marked_suggested(book):
    run_peermap("check", book, "--as-of", AS_OF, "--write")
    ws = openpyxl.load_workbook(book)["Gaps"]
    at = {c.value: c.column - 1 for c in ws[1]}
    rows = list(ws.iter_rows(min_row=2))
    suggested = {r[at["Question"]].value: r for r in rows if r[at["Origin"]].value == "Suggested"}
    assert "Who is the unknown female?" in suggested
    assert "What do Kent services know about Male C?" in suggested
    assert "Who is the unknown adult male?" not in suggested  # G01 asks who the adult at 123 City Road is
    row = suggested["Who is the unknown female?"]
    assert row[at["ID"]].value == "G08" and row[at["About"]].value == "S15"
    assert row[at["Status"]].value == "Suggested"  # a proposal until the meeting agrees it
    raised = row[at["Raised on"]]
    assert raised.value.date() == city_road.AS_OF and raised.number_format == "dd/mm/yyyy"


def test_checks_sheet_links_go_to_the_cell_of_each_finding(book):
    run_peermap("check", book, "--as-of", AS_OF, "--write")
    wb = openpyxl.load_workbook(book)
    checks = wb["Checks"]
    # (the 7 suggested questions are proposals, so no "nobody assigned" warnings for them)
    assert checks["A1"].value == "Checks as of 01/10/2026: 0 errors, 30 warnings, 25 for information"
    headers = [c.value for c in checks[4]]
    assert headers == ["Severity", "Sheet", "Row", "ID", "Column", "Message", "Rule", "Code", "Go to"]
    rows = list(checks.iter_rows(min_row=5))
    assert len(rows) == 55
    for row in rows:
        severity, sheet, number, record_id, column = (c.value for c in row[:5])
        link = row[8].hyperlink
        target_sheet, cell = link.location.split("!")
        target = wb[target_sheet.strip("'")][cell]
        assert target_sheet.strip("'") == sheet and target.row == number
        header = wb[sheet].cell(1, target.column).value
        if sheet != "Network":
            assert header == column, (sheet, number, column)
        if record_id and sheet != "Direct work":
            assert wb[sheet].cell(number, 1).value == record_id


def test_write_fills_in_blank_ids(book):
    wb = openpyxl.load_workbook(book, keep_vba=True)
    wb["Actions"]["A3"] = None
    wb.save(book)
    run_peermap("check", book, "--as-of", AS_OF, "--write")
    assert openpyxl.load_workbook(book)["Actions"]["A3"].value == "A08"


def test_write_refuses_a_workbook_open_in_excel(book):
    before = book.read_bytes()
    safe.lock_file(book).write_text("")
    result = run_peermap("check", book, "--as-of", AS_OF, "--write")
    assert result.returncode == 2 and "is open in Excel" in result.stderr
    assert book.read_bytes() == before and not safe.backup_path(book).exists()


def test_write_on_a_workbook_made_by_another_tool(tmp_path, example_book):
    from test_reader import header_only_copy

    path = header_only_copy(tmp_path / "export.xlsx", example_book)
    result = run_peermap("check", path, "--as-of", AS_OF, "--write")
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(path)
    links = wb["LINKS"]
    flags_col = next(c.column for c in links[2] if c.value and c.value.strip().lower() == "flags")
    ids = {links.cell(r, c.column).value: r for c in links[2] if c.value == "ID" for r in range(3, 33)}
    assert links.cell(ids["L05"], flags_col).value == "STALE"
    assert wb["Checks"].max_row == 4 + 55
