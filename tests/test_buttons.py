"""The Excel door, through xlwings' own API: its remote engine runs the buttons against a payload
built from the real template filled with the worked example, and we assert what they send back."""

import copy
import datetime as dt
import os
import sys

import pandas as pd
import pytest
import xlwings as xw
from xlwings_payload import payload

from conftest import ROOT
from peermap_xl import buttons, formulas
from peermap_xl.book import live
from peermap_xl.contract import domain, schema
from peermap_xl.record import reading

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
    """The workbook as Excel sends it for one click (a copy: the remote engine records its writes in it)."""
    return xw.Book(json=copy.deepcopy(data))


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
    from_file = reading.read_network(example_book)
    from_excel = reading.read_live_network(book_of(example_payload))
    assert from_excel.settings == from_file.settings
    for sheet in schema.DATA_SHEETS:
        pd.testing.assert_frame_equal(from_excel.frames[sheet.name], from_file.frames[sheet.name],
                                      check_dtype=False, obj=sheet.name)


def test_check_writes_flags_checks_and_suggested_questions(here, example_payload):
    book = book_of(example_payload)
    buttons.check(book)
    [summary] = alerts(book)
    assert summary.startswith("0 errors, ") and "see the Checks sheet" in summary
    network = reading.read_live_network(book_of(example_payload))
    links = network.layout["Links"]
    flags = [a for a in actions(book, "setValues", "Links") if a["start_column"] == links.column("Flags") - 1]
    assert len(flags) == 1 and flags[0]["start_row"] == links.header_row  # the first link down, in one call
    written = dict(zip(network.links["id"], (row[0] for row in flags[0]["values"])))
    assert written["L05"] == "STALE" and written["L16"] == "ANECDOTAL" and written["L01"] in (None, "")
    checks = actions(book, "setValues", "Checks")
    assert checks and checks[0]["values"][0][0].startswith("Checks as of ")
    assert checks[0]["values"][3] == ["Severity", "Sheet", "Row", "ID", "Column", "Message", "Rule", "Code", "Go to"]
    findings = len(checks[0]["values"]) - 4
    links = actions(book, "addHyperlink", "Checks")
    assert len(links) == findings and links[0]["args"][0].startswith("#'")
    gaps = network.layout["Gaps"]
    written = [a for a in actions(book, "setValues", "Gaps") if a["start_column"] < gaps.column("Question")]
    questions = [row[gaps.column("Question") - 1 - a["start_column"]] for a in written for row in a["values"]]
    assert "Who is the unknown female?" in questions  # (who S02 is, G01 asks already)
    assert actions(book, "resizeTable", "Gaps")


def test_check_works_on_the_real_date(real_calendar, here, example_payload):
    """Check pressed today, whatever today is (the other tests fix the day): it says which day it checked as of,
    and nothing that depends on the day is asserted."""
    book = book_of(example_payload)
    buttons.check(book)
    assert "see the Checks sheet" in alerts(book)[0]
    checks = actions(book, "setValues", "Checks")
    assert checks[0]["values"][0][0].startswith(f"Checks as of {dt.date.today():%d/%m/%Y}")


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
    ids = reading.read_live_network(book_of(example_payload)).layout["Sessions"].column("ID")
    assert {a["start_row"] for a in session} == {3}
    assert ["M03"] == [a["values"][0][0] for a in session if a["start_column"] == ids - 1]
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


def edited(data: dict, sheet: str, row: int, header: str, value) -> dict:
    """The payload Excel sends after a person typed `value` into `header` of a sheet's worksheet row."""
    sheets = [dict(s) for s in data["sheets"]]
    target = next(s for s in sheets if s["name"] == sheet)
    values = [list(r) for r in target["values"]]
    values[row - 1][values[0].index(header)] = value
    target["values"] = values
    return {**data, "sheets": sheets}


def stale_cell(book) -> xw.Range:
    """A cell of the workbook, as Excel's `caller` for a function typed into it."""
    return book.sheets["Links"]["V2"]


def test_stale_uses_the_networks_setting_and_an_as_of_date(example_payload):
    book = book_of(example_payload)
    seen, as_of = dt.datetime(2026, 7, 2), dt.datetime(2026, 10, 1)  # 91 days
    assert peermap_udfs.PEERMAP_STALE(seen, as_of, caller=stale_cell(book)) is True  # the example: 90 days
    assert peermap_udfs.PEERMAP_STALE(dt.datetime(2026, 7, 3), as_of, caller=stale_cell(book)) is False
    network_sheet = next(s for s in example_payload["sheets"] if s["name"] == "Network")
    row = 1 + [r[0] for r in network_sheet["values"]].index("Stale after (days)")
    for setting, expected in ((120, False), (30, True), ("", True), (0, True)):  # blank or out of range: 90
        changed = book_of(edited(example_payload, "Network", row, "Value", setting))
        assert peermap_udfs.PEERMAP_STALE(seen, as_of, caller=stale_cell(changed)) is expected, setting
    assert peermap_udfs.PEERMAP_STALE(seen, as_of, 120, caller=stale_cell(book)) is False  # a days override


def test_stale_is_judged_as_of_today_like_excels_today():
    today = domain.today()
    assert formulas.stale(today - dt.timedelta(days=91)) is True
    assert formulas.stale(today - dt.timedelta(days=90)) is False
    assert formulas.stale(today - dt.timedelta(days=31), 30) is True
    assert formulas.stale("02/07/2026", 90, D(2026, 10, 1)) is True  # UK text
    assert formulas.stale(None) == "" and formulas.stale("yesterday") == ""
    assert peermap_udfs.PEERMAP_STALE(dt.datetime(2000, 1, 1)) is True  # no workbook behind it: 90 days


def test_stale_agrees_with_the_checks_on_every_link_of_the_example(example_book, example_payload):
    from peermap_xl.checks import run_checks

    network = reading.read_network(example_book)
    as_of = D(2026, 10, 1)
    flagged = {f.id for f in run_checks(network, as_of) if f.rule == "stale-link"}
    book = book_of(example_payload)
    live = network.live_links
    assert flagged and len(flagged) < len(live)
    for link in live.to_dict("records"):
        seen = link["last_seen"] if pd.notna(link["last_seen"]) else link["first_recorded"]
        if pd.isna(seen):
            continue
        said = peermap_udfs.PEERMAP_STALE(seen.to_pydatetime(), dt.datetime(2026, 10, 1), caller=stale_cell(book))
        assert said is (link["id"] in flagged), link["id"]


def test_stale_recalculates_like_today_and_links_takes_the_tables():
    """Excel recalculates a volatile function at every recalculation (TODAY() is one), and a function whenever
    a range passed to it changes: read from the xlwings decorators and signatures."""
    import ast
    import inspect

    tree = ast.parse((ROOT / "udfs" / "peermap_udfs.py").read_text())
    decorators = {node.name: [ast.unparse(d) for d in node.decorator_list]
                  for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert "xw.func(volatile=True)" in decorators["PEERMAP_STALE"]
    assert list(inspect.signature(peermap_udfs.PEERMAP_LINKS).parameters) == ["name", "subjects", "contexts", "links"]
    for table in ("subjects", "contexts", "links"):
        assert f"xw.arg('{table}', ndim=2)" in decorators["PEERMAP_LINKS"]


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


def tables_of(book) -> list:
    """What Excel passes for Subjects[#All], Contexts[#All], Links[#All]."""
    return [book.sheets[name].tables[name].range.options(ndim=2).value for name in ("Subjects", "Contexts", "Links")]


def test_links_counts_current_links_on_the_map(example_payload):
    tables = tables_of(book_of(example_payload))
    assert peermap_udfs.PEERMAP_LINKS("Male A", *tables) == 13  # L27 touches a removed person
    assert peermap_udfs.PEERMAP_LINKS("s07", *tables) == 4
    assert peermap_udfs.PEERMAP_LINKS("Male A (S01)", *tables) == 13  # as the pick list offers him
    assert peermap_udfs.PEERMAP_LINKS("Nobody", *tables) == 0


def test_links_follows_an_edit_to_links(example_payload):
    links = next(s for s in example_payload["sheets"] if s["name"] == "Links")
    row = 1 + [r[0] for r in links["values"]].index("L01")  # L01: Male A stays at 123 City Road
    before = peermap_udfs.PEERMAP_LINKS("Male A", *tables_of(book_of(example_payload)))
    historic = book_of(edited(example_payload, "Links", row, "Status", "Historic"))
    assert peermap_udfs.PEERMAP_LINKS("Male A", *tables_of(historic)) == before - 1
    moved = book_of(edited(example_payload, "Links", row, "From", "Male B (S03)"))
    assert peermap_udfs.PEERMAP_LINKS("Male A", *tables_of(moved)) == before - 1
    assert peermap_udfs.PEERMAP_LINKS("Male B", *tables_of(moved)) == (
        peermap_udfs.PEERMAP_LINKS("Male B", *tables_of(book_of(example_payload))) + 1)


def test_xlwings_decorators_leave_plain_functions_on_linux():
    assert os.name != "nt"
    assert callable(peermap_udfs.PEERMAP_GRADE) and peermap_udfs.PEERMAP_GRADE("1", "A").startswith("Strong")


def test_rows_added_in_excel_go_in_blocks_of_neighbouring_cells():
    from peermap_xl.book.plan import AddRows

    step = AddRows("History", 1, {"a": 1, "b": 2, "c": 3}, (
        (5, {"A": "x", "B": "=1"}), (6, {"A": "y", "B": 2}), (7, {"A": "z", "B": None}),  # one block of three
        (9, {"A": "after a gap"}),  # a row apart: another block
        (10, {"A": "p", "C": "q"}),  # columns apart: two runs, the first continuing the block above
        (11, {"A": "r", "B": "s", "C": "t"})))  # wider than the runs above it: its own
    assert live._blocks(step) == [(5, 1, [["x", "'=1"], ["y", 2], ["z", None]]), (9, 1, [["after a gap"], ["p"]]),
                                  (10, 3, [["q"]]), (11, 1, [["r", "s", "t"]])]


def test_a_snapshot_written_in_excel_goes_in_a_few_calls_not_one_a_row(here, example_payload):
    book = book_of(example_payload)
    buttons.review(book)
    calls = actions(book, "setValues", "History")
    rows = {a["start_row"] + i for a in calls for i in range(len(a["values"]))}
    assert len(rows) > 20 and len(calls) <= len(rows) / 5  # one call a block of neighbouring rows
