"""The meeting cycle's record: a snapshot at every session, identity changes that keep the record."""

import datetime as dt

import openpyxl

from peermap_xl.operations import record_session, write_minutes
from peermap_xl.record import history
from peermap_xl.record.reading import read_network

D = dt.date


def sessions_in_history(path) -> list[str]:
    net = read_network(path)
    snapshots = net.history[net.history["record"] != history.KNOWN_AS]
    return list(dict.fromkeys(snapshots["session"]))


def add_link(path, values: dict) -> None:
    """Type a link below the Links table, as a practitioner would."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb["Links"]
    headers = {c.value: c.column for c in ws[1]}
    row = ws.max_row + 1
    for header, value in values.items():
        ws.cell(row, headers[header], value)
    wb.save(path)


NEW_LINK = {"ID": "L31", "From": "Male E", "To": "Male F", "Relationship": "Friend", "Nature": "Risky",
            "Evidence": "Evidenced", "Source": "Police", "First recorded": D(2026, 9, 27)}


def test_recording_the_minutes_of_the_latest_session_keeps_its_snapshot_once(book, tmp_path):
    assert sessions_in_history(book) == []
    write_minutes(book, out=tmp_path, write=True)
    assert sessions_in_history(book) == ["M02"]
    write_minutes(book, out=tmp_path, write=True)
    assert sessions_in_history(book) == ["M02"]
    write_minutes(book, "M01", out=tmp_path, write=True)  # M01's record has moved on since: no snapshot
    assert sessions_in_history(book) == ["M02"]


def test_the_first_review_compares_with_the_snapshot_of_the_last_session(book, tmp_path):
    write_minutes(book, out=tmp_path, write=True)
    add_link(book, NEW_LINK)
    recorded = record_session(book, "Review", D(2026, 10, 1))
    assert recorded.changes is not None
    assert "New link: L31 (Male E \u2013 Male F), friend" in recorded.changes


def test_minutes_of_a_session_use_that_sessions_snapshot(book, tmp_path):
    write_minutes(book, out=tmp_path, write=True)  # M02
    add_link(book, NEW_LINK)
    record_session(book, "Review", D(2026, 10, 1))  # M03, compared with M02
    net = read_network(book)
    [m02] = [s for s in net.sessions.to_dict("records") if s["id"] == "M02"]
    [m03] = [s for s in net.sessions.to_dict("records") if s["id"] == "M03"]
    assert history.changes_for(net, m02) is None  # nothing before M02's snapshot
    assert any("L31" in line for line in history.changes_for(net, m03))
    add_link(book, {**NEW_LINK, "ID": "L32", "From": "Male G"})  # after M03: not in M03's minutes
    net = read_network(book)
    assert not any("L32" in line for line in history.changes_for(net, m03))


def test_the_minutes_button_keeps_the_snapshot_of_the_latest_session(tmp_path, monkeypatch, example_book):
    import xlwings as xw
    from xlwings_payload import payload

    from peermap_xl import buttons

    monkeypatch.chdir(tmp_path)
    book = xw.Book(json=payload(example_book))
    buttons.minutes(book)
    names = [s["name"] for s in book.api["sheets"]]
    writes = [a for a in book.json()["actions"] if a["func"] == "setValues"
              and a["sheet_position"] == names.index("History")]
    sessions = {row[0] for a in writes if a["start_column"] == 0 for row in a["values"]}  # the Session column
    rows = {a["start_row"] + i for a in writes if a["start_column"] == 0 for i in range(len(a["values"]))}
    assert sessions - {"Session"} == {"M02"} and len(rows) > 50


# --- identity changes that keep the record -------------------------------------------------------------


def set_cells(path, sheet: str, key: str, changes: dict) -> None:
    """Change cells of the row whose first column is `key`, by header."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[sheet]
    headers = {c.value: c.column for c in ws[1]}
    [row] = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == key]
    for header, value in changes.items():
        ws.cell(row, headers[header], value)
    wb.save(path)


def renamed_unknown(book, tmp_path):
    """The unknown adult male's links typed by name, a session's snapshot, then he is identified."""
    for link in ("L02", "L03", "L16"):
        set_cells(book, "Links", link, {"From": "Unknown adult male"})
    write_minutes(book, out=tmp_path, write=True)  # the snapshot of M02 keeps his name then
    set_cells(book, "Subjects", "S02", {"Name": "Adult T", "Type": "Adult"})
    return book


def test_links_typed_by_an_unknowns_street_name_keep_pointing_at_him_once_identified(book, tmp_path):
    from peermap_xl.checks import run_checks

    net = read_network(renamed_unknown(book, tmp_path))
    links = net.links.set_index("id")
    assert list(links.loc[["L02", "L03", "L16"], "from_id"]) == ["S02", "S02", "S02"]
    assert not [f for f in run_checks(net, D(2026, 10, 1)) if f.severity == "error"]


def test_check_write_fills_the_current_pick_and_keeps_the_earlier_name_on_history(book, tmp_path):
    from peermap_xl.operations import check_book as record_checks

    record_checks(renamed_unknown(book, tmp_path), D(2026, 10, 1))
    wb = openpyxl.load_workbook(book)
    links = wb["Links"]
    column = [c.value for c in links[1]].index("From") + 1
    typed = {links.cell(r, 1).value: links.cell(r, column).value for r in range(2, links.max_row + 1)}
    assert (typed["L02"], typed["L03"], typed["L16"]) == ("Adult T (S02)",) * 3  # the pick, readable
    assert typed["L05"] == "S01"  # untouched
    net = read_network(book)
    kept = net.history[net.history["record"] == history.KNOWN_AS]
    assert list(zip(kept["id"], kept["name"])) == [("S02", "Unknown adult male")]
    record_checks(book, D(2026, 10, 1))
    again = read_network(book).history
    assert len(again[again["record"] == history.KNOWN_AS]) == 1


def test_the_next_review_does_not_report_an_identified_persons_links_as_new(book, tmp_path):
    recorded = record_session(renamed_unknown(book, tmp_path), "Review", D(2026, 10, 1))
    assert recorded.changes is not None
    assert not [line for line in recorded.changes if "L02" in line or "L03" in line or "L16" in line]


def typed_cells(path, sheet: str, header: str) -> dict:
    ws = openpyxl.load_workbook(path)[sheet]
    column = [c.value for c in ws[1]].index(header) + 1
    return {ws.cell(r, 1).value: ws.cell(r, column).value for r in range(2, ws.max_row + 1)}


def test_check_write_keeps_picks_readable_and_brings_a_renamed_pick_up_to_date(book):
    from peermap_xl.operations import check_book as record_checks

    set_cells(book, "Links", "L05", {"From": "Male A (S01)"})
    set_cells(book, "Links", "L06", {"To": "Old name (S01)"})  # picked before Male A was renamed
    set_cells(book, "Incidents", "I01", {"Where": "Plymouth house (C02)", "Who": "Male A (S01); Male C"})
    record_checks(book, D(2026, 10, 1))
    assert typed_cells(book, "Links", "From")["L05"] == "Male A (S01)"
    assert typed_cells(book, "Links", "To")["L06"] == "Male A (S01)"
    assert typed_cells(book, "Incidents", "Where")["I01"] == "Plymouth house (C02)"
    assert typed_cells(book, "Incidents", "Who")["I01"] == "Male A (S01); Male C"
