"""The meeting cycle's record: a snapshot at every session, identity changes that keep the record."""

import datetime as dt

import openpyxl

from peermap_xl import history
from peermap_xl.book.file import read_network
from peermap_xl.operations import record_session, write_minutes

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
    assert recorded["changes"] is not None
    assert "New link: L31 (Male E \u2013 Male F), friend" in recorded["changes"]


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
    sessions = {row[0] for a in writes for row in a["values"] if row and row[0] not in ("Session", None, "")}
    assert sessions == {"M02"}
