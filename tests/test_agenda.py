"""The review agenda: each young person and place, what changed, what is open, a decision line."""

import datetime as dt

from test_cycle import NEW_LINK, add_link

from peermap_xl import agenda, minutes
from peermap_xl.book.file import read_network
from peermap_xl.operations import record_session, write_minutes

D = dt.date


def agenda_of(blocks) -> dict[str, list[str]]:
    """{person or place: the agenda's bullets and lines under them}."""
    start = [getattr(b, "text", None) for b in blocks].index(agenda.HEADING)
    out, current = {}, None
    for b in blocks[start + 1:]:
        if isinstance(b, minutes.Heading) and b.level == 1:
            break
        if isinstance(b, minutes.Heading):
            current = out.setdefault(b.text, [])
        elif current is not None:
            current += b.items if isinstance(b, minutes.Bullets) else [b.text]
    return out


def test_a_reviews_minutes_walk_the_team_through_each_young_person_and_place(book, tmp_path):
    write_minutes(book, out=tmp_path, write=True)  # the snapshot of M02
    add_link(book, NEW_LINK)  # Male E - Male F, after M02
    record_session(book, "Review", D(2026, 10, 1))
    net = read_network(book)
    walked = agenda_of(minutes.content(net, "M03"))
    young = [r["name"] for r in net.active_subjects.to_dict("records") if r["type"] == "Young person"]
    places = list(net.active_contexts["name"])
    assert list(walked) == young + places
    assert "New link L31." in walked["Male E"] and "New link L31." in walked["Male F"]
    assert "No change recorded since the last snapshot." in walked["Male B"]
    stabbing = "Incident I04 26/09/2026, weapon, at Estate park (significant): Male E stabbed in the leg"
    assert any(line.startswith(stabbing) for line in walked["Male E"])  # after M02's snapshot (16/09)
    assert not any(line.startswith("Incident I03") for line in walked["Male E"])  # before it
    assert any(line.startswith("Action A07: Substance misuse sessions") for line in walked["Male A"])
    assert all(lines[-1] == agenda.DECISION for lines in walked.values())


def test_only_a_reviews_minutes_carry_the_agenda(example_book):
    blocks = minutes.content(read_network(example_book), "M02")  # a multi-agency mapping session
    assert agenda.HEADING not in [getattr(b, "text", None) for b in blocks]
