"""The Excel door, through xlwings' own API: its remote engine runs the buttons against a payload
built from the real template filled with the worked example, and we assert what they send back."""

import datetime as dt
import os
import sys

import pandas as pd
import pytest
import xlwings as xw
from xlwings_payload import payload

from conftest import ROOT
from peermap_xl import buttons, formulas, schema
from peermap_xl.book import file, live

sys.path.insert(0, str(ROOT / "udfs"))
import peermap_udfs  # noqa: E402

D = dt.date


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Files the buttons write go beside the workbook: for the remote engine, the current folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def example_payload(example_book):
    return payload(example_book)


def book_of(data) -> xw.Book:
    return xw.Book(json=data)


def actions(book, func=None, sheet=None):
    names = [s["name"] for s in book.api["sheets"]] if hasattr(book, "api") else None
    found = book.json()["actions"]
    if func:
        found = [a for a in found if a["func"] == func]
    if sheet is not None:
        found = [a for a in found if a["sheet_position"] == names.index(sheet)]
    return found


def alerts(book) -> list[str]:
    return [a["args"][0] for a in actions(book, "alert")]


def test_live_frames_equal_the_file_readers(example_book, example_payload):
    from_file = file.read_network(example_book)
    from_excel = live.read_network(book_of(example_payload))
    assert from_excel.settings == from_file.settings
    for sheet in schema.DATA_SHEETS:
        pd.testing.assert_frame_equal(from_excel.frames[sheet.name], from_file.frames[sheet.name],
                                      check_dtype=False, obj=sheet.name)


def test_check_writes_flags_checks_and_suggested_questions(here, example_payload):
    book = book_of(example_payload)
    buttons.check(book)
    [summary] = alerts(book)
    assert summary.startswith("0 errors, ") and "see the Checks sheet" in summary
    links = next(s for s in example_payload["sheets"] if s["name"] == "Links")
    flags_column = links["values"][0].index("Flags")  # 0-based, as the remote engine counts
    flags = [a for a in actions(book, "setValues", "Links") if a["start_column"] == flags_column]
    assert len(flags) == 1 and flags[0]["start_row"] == 1  # R2 down
    column = [row[0] for row in flags[0]["values"]]
    assert column[6 - 2] == "STALE" and column[17 - 2] == "ANECDOTAL" and column[2 - 2] in (None, "")
    checks = actions(book, "setValues", "Checks")
    assert checks and checks[0]["values"][0][0].startswith("Checks as of ")
    assert checks[0]["values"][3] == ["Severity", "Sheet", "Row", "ID", "Column", "Message", "Rule", "Code", "Go to"]
    findings = len(checks[0]["values"]) - 4
    links = actions(book, "addHyperlink", "Checks")
    assert len(links) == findings and links[0]["args"][0].startswith("#'")
    gaps = [a for a in actions(book, "setValues", "Gaps") if a["start_column"] == 1]
    assert "Who is the unknown adult male?" in [a["values"][0][0] for a in gaps]
    assert actions(book, "resizeTable", "Gaps")


def test_draw_map_puts_a_picture_named_for_the_map_on_the_map_sheet(here, example_payload):
    book = book_of(example_payload)
    buttons.draw_map(book)
    [picture] = actions(book, "addPicture", "Map")
    assert [a["args"] for a in actions(book, "setPictureName", "Map")][0][-1] == "PeerMap"
    assert any(p.name.startswith("Peer Map - City Road peer network - ") for p in here.iterdir())
    assert "Map drawn" in alerts(book)[0]
    assert picture["args"]


def test_minutes_are_written_beside_and_previewed(here, example_payload):
    book = book_of(example_payload)
    buttons.minutes(book)
    assert (here / "Peer Mapping Minutes Peer Network - County line to Plymouth - 2026-09-16.docx").exists()
    [preview] = actions(book, "setValues", "Minutes")
    assert preview["values"][0][0] == "Peer Mapping Minutes Peer Network \u2013 County line to Plymouth"


def test_review_adds_a_session_and_a_snapshot(here, example_payload):
    book = book_of(example_payload)
    buttons.review(book)
    session = [a for a in actions(book, "setValues", "Sessions")]
    assert {a["start_row"] for a in session} == {3} and ["M03"] in [a["values"][0] for a in session]
    assert actions(book, "setValues", "History")
    assert alerts(book)[0].startswith("Review M03 recorded. No earlier snapshot")


def test_young_persons_map_for_the_selected_row(here, example_payload):
    sheets = [s["name"] for s in example_payload["sheets"]]
    chosen = {**example_payload, "book": {**example_payload["book"], "selection": "B3",
                                          "active_sheet_index": sheets.index("Direct work")}}
    book = book_of(chosen)
    buttons.young_persons_map(book)
    assert "The young person's map is drawn" in alerts(book)[0]
    assert any(p.name.startswith("Peer Map (young person) - Male A") for p in here.iterdir())
    elsewhere = book_of(example_payload)
    buttons.young_persons_map(elsewhere)
    assert alerts(elsewhere) == ["Select a row of the young person on the Direct work sheet, then press the "
                                 "button again."]


def test_bad_data_gives_a_short_alert_and_changes_nothing(here, example_payload):
    broken = {**example_payload, "sheets": [dict(s) for s in example_payload["sheets"]]}
    links = next(s for s in broken["sheets"] if s["name"] == "Links")
    links["values"] = [["To" if v == "From" else v for v in links["values"][0]]] + links["values"][1:]
    book = book_of(broken)
    buttons.check(book)
    assert alerts(book) == ["City Road peer network (example).xlsm: the 'Links' sheet has no 'From' column. "
                            "Add it to the header row (row 1 of the table), then try again."]
    assert [a["func"] for a in actions(book)] == ["alert"]
    log = (here / "peermap.log").read_text()
    assert "check: stopped (WorkbookError)" in log and "From" not in log


def test_the_runpython_entries_pass_the_calling_workbook(here, example_payload):
    book = book_of(example_payload)
    xw.Book.set_mock_caller(book)
    buttons.run_check()
    assert alerts(book)[0].startswith("0 errors, ")


def test_anonymised_pack(here, example_payload):
    book = book_of(example_payload)
    buttons.anonymised_pack(book)
    folder = next(p for p in here.iterdir() if p.name.startswith("Anonymised pack - "))
    names = sorted(p.name for p in folder.iterdir())
    assert names[0].startswith("Peer Map - anonymised - ") and "anonymised" in names[1]


# --- worksheet functions ------------------------------------------------------------------


def test_stale_as_a_worksheet_function():
    assert formulas.stale(D(2026, 7, 3), 90, D(2026, 10, 1)) is False  # exactly 90 days: not stale
    assert formulas.stale(D(2026, 7, 2), 90, D(2026, 10, 1)) is True
    assert formulas.stale("02/07/2026", 90, D(2026, 10, 1)) is True  # UK text
    assert formulas.stale(None) == "" and formulas.stale("yesterday") == ""
    assert peermap_udfs.PEERMAP_STALE(dt.datetime(2000, 1, 1)) is True


@pytest.mark.parametrize("source, information, expected", [
    ("1 Reliable", "A Known directly", "Strong: reliable source, known directly"),
    (1.0, "B", "Strong: reliable source, known indirectly and corroborated"),
    ("2", "C Known indirectly", "Moderate: untested source, known indirectly"),
    ("3", "A", "Weak: unreliable source, known directly"),
    ("1", "D", "Weak: reliable source, not known"),
    ("1", "E", "Do not rely on it: reliable source, suspected false"),
    (None, "A", "Not graded: give a source grade (1-3) and an information grade (A-E)"),
])
def test_grade_in_plain_words(source, information, expected):
    assert formulas.grade(source, information) == expected == peermap_udfs.PEERMAP_GRADE(source, information)


def test_review_due():
    assert formulas.review_due(D(2026, 9, 16)) == D(2026, 12, 16)
    assert peermap_udfs.PEERMAP_REVIEW_DUE(dt.datetime(2026, 11, 30), 3) == D(2027, 2, 28)
    assert formulas.review_due("") == ""


def test_links_counts_current_links_on_the_map(example_payload):
    book = book_of(example_payload)
    assert peermap_udfs.PEERMAP_LINKS("Male A", book.sheets[0]["A1"]) == 13  # L27 touches a removed person
    assert peermap_udfs.PEERMAP_LINKS("s07", book.sheets[0]["A1"]) == 4
    assert peermap_udfs.PEERMAP_LINKS("Nobody", book.sheets[0]["A1"]) == 0


def test_xlwings_decorators_leave_plain_functions_on_linux():
    assert os.name != "nt"
    assert callable(peermap_udfs.PEERMAP_GRADE) and peermap_udfs.PEERMAP_GRADE("1", "A").startswith("Strong")
