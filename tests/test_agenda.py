"""The review agenda: each young person and place, what changed, what is open, a decision line."""

import datetime as dt

from test_cycle import NEW_LINK, add_link

from conftest import change
from peermap_xl import minutes
from peermap_xl.minutes import agenda
from peermap_xl.operations import record_session, write_minutes
from peermap_xl.record.reading import read_network

D = dt.date


def agenda_of(blocks, parts: list | None = None) -> dict[str, list[str]]:
    """{person or place: the agenda's bullets and lines under them}; the parts' headings appended to `parts`."""
    start = [getattr(b, "text", None) for b in blocks].index(agenda.HEADING)
    out, current = {}, None
    for b in blocks[start + 1:]:
        if isinstance(b, minutes.Heading) and b.level == 1:
            break
        if isinstance(b, minutes.Heading) and b.level == 2:
            current = None
            (parts if parts is not None else []).append(b.text)
        elif isinstance(b, minutes.Heading):
            current = out.setdefault(b.text, [])
        elif current is not None:
            current += b.items if isinstance(b, minutes.Bullets) else [b.text]
    return out


def test_a_reviews_minutes_walk_the_team_through_each_person_and_place(book, tmp_path):
    write_minutes(book, out=tmp_path, write=True)  # the snapshot of M02
    add_link(book, NEW_LINK)  # Male E - Male F, after M02
    record_session(book, "Review", D(2026, 10, 1))
    net = read_network(book)
    parts: list[str] = []
    walked = agenda_of(minutes.content(net, "M03"), parts)
    people = net.active_subjects.to_dict("records")
    of = {kind: [r["name"] for r in people if r["type"] == kind] for kind in ("Young person", "Adult", "Unknown")}
    places = list(net.active_contexts["name"])
    assert of["Adult"] and of["Unknown"]  # the example has both: they are reassessed too
    removed = [r for r in net.subjects.to_dict("records") if r["status"] == "Removed"]  # Male H, on 20/09
    assert [r["name"] for r in removed] == ["Male H"]
    assert list(walked) == of["Young person"] + of["Adult"] + of["Unknown"] + places + ["Male H"]
    assert parts == list(agenda.PEOPLE) + [agenda.PLACES, agenda.REMOVED]  # after M02's snapshot (16/09)
    assert walked["Male H"] == [f"Removed from the network on 20/09/2026: {removed[0]['status_reason']}."]
    assert "New link L31." in walked["Male E"] and "New link L31." in walked["Male F"]
    assert "No change recorded since the last snapshot." in walked["Male B"]
    stabbing = "Incident I04 26/09/2026, weapon, at Estate park (significant): Male E stabbed in the leg"
    assert any(line.startswith(stabbing) for line in walked["Male E"])  # after M02's snapshot (16/09)
    assert not any(line.startswith("Incident I03") for line in walked["Male E"])  # before it
    assert any(line.startswith("Action A07: Substance misuse sessions") for line in walked["Male A"])
    assert all(lines[-1] == agenda.DECISION for who, lines in walked.items() if who != "Male H")


def test_only_a_reviews_minutes_carry_the_agenda(example_book):
    blocks = minutes.content(read_network(example_book), "M02")  # a multi-agency mapping session
    assert agenda.HEADING not in [getattr(b, "text", None) for b in blocks]


def test_the_agenda_says_who_was_removed_since_the_last_snapshot_and_when(case_book):
    record_session(case_book, "Review", D(2026, 10, 1))  # M03: Tariq (S06) still on the network
    change(case_book, [("Subjects", "S06", "Status", "Removed"), ("Subjects", "S06", "Status date", D(2026, 10, 15)),
                       ("Subjects", "S06", "Status reason", "Tariq moved to Leeds")])
    record_session(case_book, "Review", D(2026, 11, 1))  # M04
    net = read_network(case_book)
    parts: list[str] = []
    walked = agenda_of(minutes.content(net, "M04"), parts)
    assert parts == list(agenda.PEOPLE) + [agenda.PLACES, agenda.REMOVED]
    assert walked["TB"] == ["Removed from the network on 15/10/2026: TB moved to Leeds."]  # his name as his label
    assert "RP" not in walked  # Ryan was removed before M03's snapshot: not news at this review
    assert "Question G03: Who is B and does JMo owe him money?" in walked["B"]  # a street name is a name
    assert walked["B"][-1] == agenda.DECISION and walked["Unknown adult male"][-1] == agenda.DECISION
    shared = agenda_of(minutes.content(net, "M04", anonymise=True))
    removed = [lines for lines in shared.values() if lines[0].startswith("Removed from the network")]
    assert removed == [["Removed from the network on 15/10/2026. (Reason withheld in the anonymised version.)"]]
