"""Booked, held, cancelled (issue 26 item 1): only a held session counts as held, anywhere.

The guidance advises booking the next session at the end of this one; these tests book it on the worked example
(M01 internal 03/09, M02 multi-agency 16/09, today 01/10/2026) and read what each output makes of it.
"""

import datetime as dt

import docx
import pytest

from conftest import AS_OF, change, run_peermap
from peermap_xl import minutes
from peermap_xl.contract import domain, schema
from peermap_xl.draw import network_map
from peermap_xl.minutes import meeting
from peermap_xl.record import due, history
from peermap_xl.record.reading import read_network


def book_session(path, day: dt.date, status: str | None, kind: str = "Review") -> None:
    """A new Sessions row, as a practitioner types it at the end of a meeting."""
    change(path, [("Sessions", 1, "Date", dt.datetime.combine(day, dt.time())), ("Sessions", 1, "Type", kind),
                  ("Sessions", 1, "Status", status)])


def sessions_by_id(path) -> dict:
    net = read_network(path)
    return {s["id"]: s for s in net.sessions.to_dict("records")}


def document_text(path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_the_status_column_is_in_the_template_with_its_list():
    column = schema.SESSIONS.column("Status")
    assert column.list == "Session status"
    assert set(schema.LISTS["Session status"]) == {domain.SESSION_BOOKED, domain.SESSION_HELD,
                                                  domain.SESSION_CANCELLED}


@pytest.mark.parametrize("status", [domain.SESSION_BOOKED, None])
def test_a_session_booked_ahead_counts_nowhere_as_held(book, status):
    book_session(book, AS_OF + dt.timedelta(days=14), status)
    net = read_network(book)
    assert list(net.sessions_held()["id"]) == ["M01", "M02"]
    assert minutes.pick_session(net, None)["id"] == "M02"  # the minutes: the last meeting, not the next
    assert minutes.pick_session(net, None, upcoming=True)["id"] == "M03"  # the subject list: the next
    assert net.next_review().session_id == "M02"
    m01 = net.sessions.iloc[0]["date"].date()
    assert meeting.later_than(net, m01).get("sessions") == 1  # "1 session held since" M01: M02, not M03
    assert "Hold session M03 (review)" in [d.what for d in due.deadlines(net, AS_OF)]


def test_one_next_review_in_the_minutes_text_and_on_their_map(book):
    book_session(book, AS_OF + dt.timedelta(days=14), domain.SESSION_BOOKED)
    net = read_network(book)
    m = minutes.Meeting(net, None)
    text_review = net.next_review(as_of_session=m.session["id"]).due
    map_review = network_map.next_review(m.network, m.day)
    assert map_review == text_review == dt.date(2026, 12, 16)
    assert f"Next review: {text_review:%d/%m/%Y}" in network_map.scene(m.network, m.day).dated


def test_a_session_still_marked_booked_after_its_day_is_not_held_and_asks(book):
    book_session(book, AS_OF - dt.timedelta(days=2), domain.SESSION_BOOKED)
    net = read_network(book)
    assert "M03" not in set(net.sessions_held()["id"])
    [ask] = [d for d in due.deadlines(net, AS_OF) if d.id == "M03"]
    assert ask.overdue(AS_OF) and "Held" in ask.what and "Cancelled" in ask.what


def test_writing_the_minutes_of_a_booked_session_marks_it_held_and_keeps_its_snapshot(book):
    day = AS_OF - dt.timedelta(days=2)
    book_session(book, day, domain.SESSION_BOOKED)
    done = run_peermap("minutes", book, "--session", "M03", "--write")
    assert done.returncode == 0, done.stderr
    after = read_network(book)
    assert sessions_by_id(book)["M03"]["status"] == domain.SESSION_HELD
    assert history.of_session(after, "M03") is not None
    assert "M03" in set(after.sessions_held()["id"])


def test_a_cancelled_session_has_no_minutes_and_counts_for_nothing(book):
    book_session(book, AS_OF - dt.timedelta(days=2), domain.SESSION_CANCELLED)
    net = read_network(book)
    assert "M03" not in set(net.sessions_held()["id"])
    assert minutes.pick_session(net, None)["id"] == "M02"
    assert not [d for d in due.deadlines(net, AS_OF) if d.id == "M03"]
    refused = run_peermap("minutes", book, "--session", "M03")
    assert refused.returncode == 2 and "Cancelled" in refused.stderr and len(refused.stderr.splitlines()) == 1
    done = run_peermap("minutes", book)
    assert done.returncode == 0, done.stderr
    [written] = list(book.parent.glob("**/Peer Mapping Minutes*.docx"))
    assert "16/09/2026" in document_text(written)  # M02's minutes, the latest held


def test_recording_a_review_on_its_booked_day_fills_the_booked_row(book):
    book_session(book, AS_OF, domain.SESSION_BOOKED)
    before = sessions_by_id(book)
    done = run_peermap("review", book, "--date", AS_OF.isoformat(), "--chair", "Amira Clarke")
    assert done.returncode == 0, done.stderr
    after = sessions_by_id(book)
    assert set(after) == set(before)  # no second row for the same meeting
    assert after["M03"]["status"] == domain.SESSION_HELD and after["M03"]["chair"] == "Amira Clarke"
    assert not domain.blank(after["M03"]["next_review"])
    assert history.of_session(read_network(book), "M03") is not None


def test_a_review_on_another_day_than_the_booked_one_adds_its_own_row(book):
    book_session(book, AS_OF + dt.timedelta(days=7), domain.SESSION_BOOKED)
    done = run_peermap("review", book, "--date", AS_OF.isoformat())
    assert done.returncode == 0, done.stderr
    after = sessions_by_id(book)
    assert after["M03"]["status"] == domain.SESSION_BOOKED and after["M04"]["status"] == domain.SESSION_HELD


# --- the subject list reaches the right agency (issue 26 item 5) ---------------------------------------------


def reading_order(path) -> str:
    out = []
    for block in docx.Document(str(path)).iter_inner_content():
        if isinstance(block, docx.table.Table):
            out += [" | ".join(c.text for c in row.cells) for row in block.rows]
        else:
            out.append(block.text)
    return "\n".join(out)


def test_each_agency_is_asked_what_is_about_its_area_and_nobody_misses_an_unassigned_question(book):
    book_session(book, AS_OF + dt.timedelta(days=10), domain.SESSION_BOOKED)
    change(book, [("Subjects", 1, "Name", "Marcus Bell"), ("Subjects", 1, "Type", "Young person"),
                  ("Subjects", 1, "Borough", "Southend-on-Sea"),
                  ("Contacts", 1, "Name", "Jo Reeve"), ("Contacts", 1, "Agency", "Southend-on-Sea CSC"),
                  ("Contacts", 1, "Invite to", "Internal; Multi-agency; Review"),
                  ("Gaps", 1, "Question", "What do Southend-on-Sea services know about Marcus Bell?"),
                  ("Gaps", 2, "Question", "Who drives the car seen at the park?")])
    net = read_network(book)
    area, unassigned = (net.gaps.iloc[-2]["id"], net.gaps.iloc[-1]["id"])
    done = run_peermap("invite", book, "--date", AS_OF.isoformat())
    assert done.returncode == 0, done.stderr
    [listed] = list(book.parent.glob("Peer Mapping Subject List*.docx"))
    text = reading_order(listed)
    southend = text.split("\nSouthend-on-Sea CSC\n", 1)[1]
    asked = southend.split("Questions for Southend-on-Sea CSC", 1)[1].split("\n\n", 1)[0]
    assert f"{area} | What do Southend-on-Sea services know about Marcus Bell?" in southend
    assert "No open questions for your agency yet" not in asked.split("\n")[1]
    rest = text.split("\nQuestions not yet assigned to an invited agency\n", 1)[1]
    assert f"{unassigned} | Who drives the car seen at the park?" in rest
    assert f"{area} |" not in rest  # asked of Southend: not said to be unassigned


# --- minutes never overwritten silently (issue 26 item 6) ---------------------------------------------------


def test_minutes_written_again_keep_the_earlier_file_as_it_was(book):
    first = run_peermap("minutes", book, "--session", "M02")
    assert first.returncode == 0, first.stderr
    [written] = list(book.parent.glob("Peer Mapping Minutes*.docx"))
    was = written.read_bytes()
    second = run_peermap("minutes", book, "--session", "M02")
    assert second.returncode == 0, second.stderr
    earlier = written.with_name(f"{written.stem} (earlier 1).docx")
    assert earlier.read_bytes() == was and f"kept, unchanged, as {earlier.name}" in second.stdout
    third = run_peermap("minutes", book, "--session", "M02")
    assert written.with_name(f"{written.stem} (earlier 2).docx").exists() and earlier.read_bytes() == was
    assert "(earlier 2)" in third.stdout


def test_a_failed_rewrite_leaves_the_minutes_as_they_were_and_no_second_name(book, monkeypatch):
    from peermap_xl import operations

    assert run_peermap("minutes", book, "--session", "M02").returncode == 0
    [written] = list(book.parent.glob("Peer Mapping Minutes*.docx"))
    was = written.read_bytes()

    def fails(*args, **kwargs):
        raise OSError("disk full (test)")

    monkeypatch.setattr(operations, "minutes_document", fails)
    with pytest.raises(OSError):
        operations.write_minutes(book, "M02")
    assert written.read_bytes() == was
    assert [p.name for p in book.parent.glob("*.docx")] == [written.name]


def test_a_session_booked_for_today_is_todays_meeting(book):
    """On its day a booked session is the meeting taking place: the map's next review comes from it, and `due`
    does not also ask for the review it is."""
    book_session(book, AS_OF, domain.SESSION_BOOKED)
    net = read_network(book)
    assert "M03" in set(net.sessions_held(on=AS_OF)["id"])
    assert "M03" not in set(net.sessions_held(on=AS_OF + dt.timedelta(days=1))["id"])  # still Booked the day after
    assert network_map.next_review(net, AS_OF) == domain.review_after(AS_OF, 3)
    whats = [d.what for d in due.deadlines(net, AS_OF)]
    assert "Hold session M03 (review)" in whats and not [w for w in whats if "next review" in w]


def test_a_closure_on_the_day_a_review_was_booked_closes_in_its_row(book):
    book_session(book, AS_OF, domain.SESSION_BOOKED)
    change(book, [("Sessions", "M03", "Chair", "Sam Taylor")])
    before = sessions_by_id(book)
    closed = run_peermap("close", book, "--date", AS_OF.isoformat(), "--reason", "Risks reduced", "--force")
    assert closed.returncode == 0, closed.stderr
    after = sessions_by_id(book)
    assert set(after) == set(before)
    assert (after["M03"]["type"], after["M03"]["status"], after["M03"]["chair"]) == ("Closure", "Held", "Sam Taylor")
    assert "the chair" not in closed.stdout  # it was on the booked row


def test_minutes_written_again_later_tell_the_session_as_it_was(book, monkeypatch):
    """A practitioner's case: session 1's minutes written again two weeks on took in a link and an action
    status recorded after it. With its snapshot kept, they are the session's, whenever they are written."""
    from peermap_xl import operations

    monkeypatch.setenv(domain.TODAY_VARIABLE, "2026-09-16")  # at M02, its minutes recorded (its snapshot kept)
    operations.write_minutes(book, "M02", write=True)
    assert history.of_session(read_network(book), "M02") is not None
    monkeypatch.setenv(domain.TODAY_VARIABLE, AS_OF.isoformat())
    change(book, [("Links", 1, "From", "S01"), ("Links", 1, "To", "S04"), ("Links", 1, "Relationship", "Associate"),
                  ("Links", 1, "First recorded", dt.datetime(2026, 9, 25)), ("Actions", "A01", "Status", "Done")])
    net = read_network(book)
    new_link = net.links.iloc[-1]["id"]
    again = operations.write_minutes(book, "M02")
    text = reading_order(again)
    assert new_link not in text
    [a01] = [line for line in text.split("\nActions\n", 1)[1].splitlines() if line.startswith("A01 |")]
    assert a01.endswith(" | In progress")  # as it stood at M02, not Done as recorded since


# --- a hostile pass on the session cycle -------------------------------------------------------------------


def test_a_status_peermap_cannot_read_is_not_held_and_never_overwritten(book):
    change(book, [("Sessions", "M02", "Status", "Canceled")])
    net = read_network(book)
    assert "M02" not in set(net.sessions_held()["id"])
    refused = run_peermap("minutes", book, "--session", "M02", "--write")
    assert refused.returncode == 2 and "not Booked, Held or Cancelled" in refused.stderr
    assert sessions_by_id(book)["M02"]["status"] == "Canceled"  # as typed: the check (PM106) says what to do


def test_a_cancelled_sessions_snapshot_is_not_the_last_snapshot(book):
    book_session(book, AS_OF - dt.timedelta(days=3), None)
    assert run_peermap("minutes", book, "--session", "M03", "--write").returncode == 0  # M03's snapshot kept
    change(book, [("Sessions", "M03", "Status", "Cancelled")])
    net = read_network(book)
    assert history.of_session(net, "M03") is not None
    assert history.latest_before(net, AS_OF, "M04") is None  # nothing but M03's, which did not take place


def test_a_review_on_its_booked_day_keeps_the_review_agreed_before(book):
    book_session(book, AS_OF, domain.SESSION_BOOKED)
    done = run_peermap("review", book, "--date", AS_OF.isoformat())
    assert done.returncode == 0, done.stderr
    assert "This review was due on 16/12/2026 (agreed at session M02" in done.stdout
    assert sessions_by_id(book)["M03"]["next_review"].date() == dt.date(2026, 12, 16)


def test_two_sessions_on_one_day_keep_a_minutes_file_each(book):
    book_session(book, AS_OF, None)
    book_session(book, AS_OF, None, kind="Multi-agency mapping")
    for session in ("M03", "M04"):
        done = run_peermap("minutes", book, "--session", session)
        assert done.returncode == 0 and "earlier" not in done.stdout, done.stdout
    names = sorted(p.name for p in book.parent.glob("Peer Mapping Minutes*.docx"))
    assert [n[-10:] for n in names] == ["(M03).docx", "(M04).docx"]


def test_sending_the_list_again_keeps_the_day_it_first_went(book):
    sent = sessions_by_id(book)["M02"]["subject_list_sent"]
    assert run_peermap("invite", book, "--session", "M02", "--date", AS_OF.isoformat()).returncode == 0
    assert sessions_by_id(book)["M02"]["subject_list_sent"] == sent


def test_a_meeting_ahead_is_booked_not_recorded(book):
    before = book.read_bytes()
    for argv in (["review", book, "--date", "2027-03-01"],
                 ["close", book, "--date", "2027-01-01", "--reason", "Risks reduced", "--force"]):
        refused = run_peermap(*argv)
        assert refused.returncode == 2 and "still ahead" in refused.stderr
    early = run_peermap("close", book, "--date", "2026-09-10", "--reason", "Risks reduced", "--force")
    assert early.returncode == 2 and "before session M02" in early.stderr
    assert book.read_bytes() == before
