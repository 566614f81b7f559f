"""Suggestions are proposals (issue 26 item 3): peermap's questions wait for the meeting, repeat nothing asked,
and are taken back when they no longer hold. On the worked example (today 01/10/2026)."""

import docx

from conftest import AS_OF, change, run_peermap
from peermap_xl import operations
from peermap_xl.contract import domain
from peermap_xl.record.reading import read_network


def suggested(book) -> dict:
    gaps = read_network(book).gaps
    return {g["id"]: g for g in gaps.to_dict("records") if g["origin"] == "Suggested"}


def check_write(book):
    done = run_peermap("check", book, "--write", "--as-of", AS_OF.isoformat())
    assert done.returncode in (0, 1), done.stderr
    return done


def test_suggested_questions_wait_for_the_meeting(book):
    before = read_network(book)
    check_write(book)
    after = read_network(book)
    made = suggested(book)
    assert made and all(g["status"] == domain.QUESTION_SUGGESTED for g in made.values())
    assert set(after.open_questions["id"]) == set(before.open_questions["id"])  # none of them is open
    found = run_peermap("check", book, "--json", "--as-of", AS_OF.isoformat()).stdout
    assert not any(f'"id": "{rid}"' in found for rid in made)  # no "nobody assigned" for a proposal
    assert operations.still_open(after, AS_OF)["questions"] == operations.still_open(before, AS_OF)["questions"]


def test_a_question_already_asked_is_not_suggested_again(book):
    """G01 asks who the adult at 123 City Road (S02) is: peermap does not suggest "Who is the unknown adult
    male?" about S02 beside it."""
    check_write(book)
    about_s02 = [g for g in suggested(book).values() if "S02" in g["about"]]
    assert about_s02 == []
    texts = [g["question"] for g in suggested(book).values()]
    assert len(texts) == len(set(texts))


def test_a_suggestion_that_no_longer_holds_is_withdrawn_and_the_meetings_choices_stay(book):
    check_write(book)
    made = suggested(book)
    [who] = [rid for rid, g in made.items() if g["question"].startswith("Who is")]  # the unknown female
    person = next(iter(made[who]["about"]))
    [agreed, dismissed] = [rid for rid in made if rid != who][:2]
    change(book, [("Subjects", person, "Name", "Jade Fox"), ("Subjects", person, "Type", "Young person"),
                  ("Gaps", agreed, "Status", "Open"), ("Gaps", agreed, "Assigned to", "PC Dan Ross"),
                  ("Gaps", dismissed, "Status", "Dismissed")])
    done = check_write(book)
    assert "1 suggestion(s) withdrawn" in done.stdout
    now = suggested(book)
    assert now[who]["status"] == domain.QUESTION_WITHDRAWN and "Withdrawn by peermap" in now[who]["answer"]
    assert now[agreed]["status"] == "Open" and now[dismissed]["status"] == "Dismissed"
    assert set(now) == set(made)  # a dismissed question is not suggested again; nothing is deleted
    still = [g for rid, g in now.items() if person in g["about"] and rid != who]
    assert still and all("Jade Fox" in g["question"] and "unknown" not in g["question"] for g in still)


def test_the_minutes_list_suggestions_apart_from_the_meetings_questions(book):
    check_write(book)
    made = suggested(book)
    assert run_peermap("review", book, "--date", AS_OF.isoformat()).returncode == 0  # M03, on the day
    done = run_peermap("minutes", book, "--session", "M03")
    assert done.returncode == 0, done.stderr
    [written] = list(book.parent.glob("Peer Mapping Minutes*.docx"))
    document = docx.Document(str(written))
    tables = {}
    heading = None
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            tables.setdefault(heading, []).extend(r.cells[0].text for r in block.rows)
        elif block.style.name.startswith("Heading"):
            heading = block.text
    assert set(made) <= set(tables["Questions peermap suggests (not yet agreed)"])
    assert not set(made) & set(tables["Information gaps"])


def test_a_withdrawn_suggestion_comes_back_when_it_holds_again_and_a_second_run_changes_nothing(book):
    check_write(book)
    change(book, [("Subjects", "S04", "Borough", "Essex")])
    check_write(book)
    change(book, [("Subjects", "S04", "Borough", "Kent")])
    check_write(book)
    about_s04 = [g for g in suggested(book).values() if "S04" in g["about"]]
    waiting = [g["question"] for g in about_s04 if g["status"] == domain.QUESTION_SUGGESTED]
    assert waiting == ["What do Kent services know about Male C?"]
    assert {g["status"] for g in about_s04 if "Essex" in g["question"]} == {domain.QUESTION_WITHDRAWN}
    assert all("no longer holds" in g["answer"] for g in about_s04 if g["status"] == domain.QUESTION_WITHDRAWN)
    before = {rid: (g["question"], g["status"]) for rid, g in suggested(book).items()}
    again = check_write(book)
    assert "no new questions suggested." in again.stdout and "withdrawn" not in again.stdout
    assert {rid: (g["question"], g["status"]) for rid, g in suggested(book).items()} == before  # nothing reworded
