"""What is due next: every deadline of the cycle, its date, days left and owner, overdue first."""

import datetime as dt

from conftest import run_peermap
from peermap_xl.contract import schema
from peermap_xl.examples import city_road
from peermap_xl.record import due, history
from test_checks import AS_OF, network

D = dt.date
LEAD = {"Lead practitioner": "CS lead", "Recorder": "Business support",
        "Date concern identified": D(2026, 8, 24)}
HELD = {"ID": "M01", "Date": D(2026, 9, 3), "Type": "Internal mapping", "Subject list sent": D(2026, 8, 27)}
NEXT = {"ID": "M02", "Date": AS_OF + dt.timedelta(days=8), "Type": "Multi-agency mapping"}


def deadlines(**sheets):
    return due.deadlines(network(settings_=LEAD, **sheets), AS_OF)


def test_a_subject_list_due_tomorrow_is_listed_with_its_owner():
    found = {d.what.split(" (")[0].split(" on ")[0]: d for d in deadlines(sessions=(HELD, NEXT))}
    listed = found["Send the subject list for session M02"]
    assert listed.due == D(2026, 10, 2) and listed.days_left(AS_OF) == 1 and listed.owner == "CS lead"
    assert listed.when(AS_OF) == "in 1 day"
    assert found["Hold session M02"].due == NEXT["Date"]


def test_minutes_not_uploaded_fall_to_the_recorder_and_overdue_comes_first():
    action = {"ID": "A01", "Action": "Visit", "Owner": "YOT", "Due": AS_OF + dt.timedelta(days=3)}
    found = deadlines(sessions=(HELD, NEXT), actions=(action,))
    minutes = found[0]
    assert minutes.what.startswith("Upload the minutes of session M01") and minutes.owner == "Business support"
    assert minutes.due == D(2026, 9, 17) and minutes.when(AS_OF) == "OVERDUE by 14 days"
    assert [d.due for d in found[1:]] == sorted(d.due for d in found[1:])
    assert all(d.days_left(AS_OF) >= 0 for d in found[1:] if d.due is not None)
    assert any(d.id == "A01" and d.owner == "YOT" for d in found)


def test_a_sent_list_and_uploaded_minutes_are_not_due():
    sent = {**NEXT, "Subject list sent": AS_OF}
    uploaded = {**HELD, "Minutes uploaded": D(2026, 9, 10)}
    whats = [d.what for d in deadlines(sessions=(uploaded, sent))]
    assert not any("subject list" in w or "minutes" in w for w in whats)


def test_the_first_sessions_are_due_from_the_concern_and_from_each_other():
    [first] = [d for d in deadlines(sessions=()) if "first internal" in d.what]
    assert first.due == D(2026, 9, 7) and first.sheet == "Network"
    [second] = [d for d in deadlines(sessions=(HELD,)) if "first multi-agency" in d.what]
    assert second.due == D(2026, 9, 17)


def test_a_significant_incident_since_the_last_session_makes_a_review_due():
    incident = {"ID": "I01", "Date": D(2026, 9, 26), "What happened": "Stabbing", "Where": "C01",
                "Significant": "Yes"}
    [review] = [d for d in deadlines(sessions=(HELD,), incidents=(incident,)) if d.id == "I01"]
    assert review.due == D(2026, 9, 26) and "Review the map" in review.what
    assert not [d for d in deadlines(sessions=(HELD, NEXT), incidents=(incident,)) if d.id == "I01"]


def test_a_closed_network_has_only_its_minutes_left():
    found = due.deadlines(network(settings_={**LEAD, "Status": "Closed"}, sessions=(HELD, NEXT)), AS_OF)
    assert [d.what.split(" on ")[0] for d in found] == ["Upload the minutes of session M01 (internal mapping)"]


def test_peermap_due_prints_the_example_overdue_first(example_book):
    result = run_peermap("due", example_book, "--as-of", city_road.AS_OF.isoformat())
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    overdue = [i for i, line in enumerate(lines) if "OVERDUE" in line]
    assert overdue == list(range(len(overdue))) and overdue
    assert any("significant incident I04" in line for line in lines)
    undated = [line for line in lines if due.NO_DATE in line]
    assert undated and lines[-len(undated):] == undated  # the undated ones last
    assert result.stdout.rstrip().endswith(f"{len(lines)} deadlines, {len(overdue)} overdue, {len(undated)} with "
                                           "no due date (set one).")


def test_the_next_review_is_the_one_the_meeting_agreed_else_counted_from_the_last_session():
    agreed = {**HELD, "Next review": D(2026, 11, 20)}
    [review] = [d for d in deadlines(sessions=(agreed,)) if "next review" in d.what]
    assert review.due == D(2026, 11, 20) and "agreed at session M01" in review.what
    [counted] = [d for d in deadlines(sessions=(HELD,)) if "next review" in d.what]
    assert counted.due == D(2026, 12, 3) and "3 months after" in counted.what
    assert not [d for d in deadlines(sessions=(HELD, NEXT)) if "next review" in d.what]  # a session is booked


def start_here_block(path):
    import openpyxl

    ws = openpyxl.load_workbook(path)["Start here"]
    row, col = due.SHEET_CELL
    return [[ws.cell(r, c).value for c in range(col, col + 4)] for r in range(row, row + due.SHEET_ROWS)]


def test_check_write_puts_due_next_on_start_here_and_replaces_it(book):
    from peermap_xl.operations import check_book as record_checks

    record_checks(book, city_road.AS_OF)
    block = start_here_block(book)
    assert block[0][0] == "Due next as of 01/10/2026 (written by Check)" and block[1] == list(due.HEADERS)
    listed = [r for r in block[2:] if r[2]]
    assert listed[0][1].startswith("OVERDUE") and any("next review" in r[2] for r in listed)
    record_checks(book, D(2027, 1, 5))  # everything overdue by then; the earlier block is replaced, not added to
    again = [r for r in start_here_block(book)[2:] if r[2]]
    assert len(again) == len(listed) and all(r[1].startswith("OVERDUE") or r[1] == due.NO_DATE for r in again)


def test_the_check_button_writes_due_next_on_start_here(tmp_path, monkeypatch, example_book):
    import xlwings as xw
    from xlwings_payload import payload

    from peermap_xl import buttons

    monkeypatch.chdir(tmp_path)
    book = xw.Book(json=payload(example_book))
    buttons.check(book)
    names = [s["name"] for s in book.api["sheets"]]
    writes = [a for a in book.json()["actions"] if a["func"] == "setValues"
              and a["sheet_position"] == names.index("Start here")]
    row, col = due.SHEET_CELL
    assert sorted((w["start_row"] + 1, w["start_column"] + 1) for w in writes) == [(row, col + i) for i in range(4)]
    [dates] = [w for w in writes if w["start_column"] + 1 == col]  # one call to Excel per column
    assert dates["values"][0][0].startswith("Due next as of ") and len(dates["values"]) == due.SHEET_ROWS


def test_a_session_held_today_and_recorded_has_only_its_minutes_left():
    today = {"ID": "M02", "Date": AS_OF, "Type": "Review"}
    whats = [d.what for d in deadlines(sessions=(HELD, today))]
    assert any(w.startswith("Hold session M02") for w in whats)  # booked for today, not yet held
    assert any(w.startswith("Send the subject list for session M02") for w in whats)
    recorded = {**today, "Decisions": "Stay on the map"}
    whats = [d.what for d in deadlines(sessions=(HELD, recorded))]
    assert not any("session M02" in w and not w.startswith("Upload the minutes") for w in whats)
    assert any(w.startswith("Upload the minutes of session M02") for w in whats)


def test_a_session_with_a_snapshot_is_held_even_before_its_date():
    ahead = {**NEXT, "Type": "Review"}
    net = network(settings_=LEAD, sessions=(HELD, ahead))
    assert any(d.id == "M02" and d.what.startswith("Send the subject list") for d in due.deadlines(net, AS_OF))
    net.history = history.as_frame(history.snapshot(net, "M02", NEXT["Date"])).rename(
        columns={c.header: c.key for c in schema.HISTORY.columns})
    steps = [d.what for d in due.deadlines(net, AS_OF) if d.id == "M02"]
    assert [w.split(" ")[0] for w in steps if not w.startswith("Hold the next review")] == ["Upload"]


def test_open_actions_and_questions_without_a_date_or_owner_come_last():
    dated = {"ID": "A01", "Action": "Visit", "Owner": "YOT", "Due": AS_OF + dt.timedelta(days=3)}
    undated = {"ID": "A02", "Action": "Context assessment of the park"}
    question = {"ID": "G01", "Question": "Who runs the line?", "Status": "Open"}
    found = deadlines(sessions=(HELD,), actions=(undated, dated), gaps=(question,))
    assert [d.id for d in found[-2:]] == ["A02", "G01"]
    a02, g01 = found[-2:]
    assert a02.due is None and a02.owner == due.NO_OWNER and a02.when(AS_OF) == due.NO_DATE
    assert g01.owner == due.NO_OWNER
    assert next(d for d in found if d.id == "A01").owner == "YOT"
    report = due.report(network(settings_=LEAD, sessions=(HELD,), actions=(undated,)), AS_OF)
    assert any("Action A02" in line and due.NO_DATE in line and f"[{due.NO_OWNER}]" in line for line in report)
    rows_ = due.sheet_rows(network(settings_=LEAD, sessions=(HELD,), actions=(undated,)), AS_OF)
    assert [None, due.NO_DATE] == [r[:2] for r in rows_ if r[2] and "A02" in r[2]][0]
