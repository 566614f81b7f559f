"""The young person's voice: their own map, dated by the direct work, beside the professionals' links."""

import datetime as dt

from peermap_xl import minutes
from peermap_xl.minutes import voice
from test_checks import GOOD_LINK, HUB, B, network

D = dt.date
A = {"ID": "S01", "Name": "Male A", "Type": "Young person", "Risk level": "High", "Allocated worker": "SW"}
C = {"ID": "S03", "Name": "Male C", "Type": "Young person", "Risk level": "Medium", "Allocated worker": "SW"}
E = {"ID": "S04", "Name": "Male E", "Type": "Young person", "Risk level": "Low", "Allocated worker": "SW"}
A_TO_C = {**GOOD_LINK, "ID": "L02", "To": "S03"}
WORK = (
    {"Young person": "Male A", "Peer": "Male B (best friend)", "Closeness": 1, "Influence": "Positive",
     "Would help if in trouble": "Yes", "Notes": "Known since primary", "Strategy": "Meet at the youth hub",
     "Date": D(2026, 9, 20), "Worker": "Youth worker"},
    {"Young person": "Male A", "Peer": "Cousin", "Closeness": 2, "Influence": "Positive",
     "Would help if in trouble": "Yes", "Date": D(2026, 9, 18), "Worker": "Youth worker"},
    {"Young person": "Male A", "Peer": "Male E", "Closeness": 4, "Influence": "Negative",
     "Would help if in trouble": "No", "Date": D(2026, 9, 20), "Worker": "Youth worker"},
)


def one_heard_one_not():
    """Male A has done his own map; Male C, at medium risk, has not."""
    return network(subjects=(A, B, C, E), contexts=(HUB,), links=(GOOD_LINK, A_TO_C), direct_work=WORK)


def test_the_direct_work_is_dated_by_its_latest_row():
    net = one_heard_one_not()
    assert voice.direct_work_date(net, "S01") == D(2026, 9, 20)
    assert voice.direct_work_date(net, "S03") is None


def test_the_young_persons_map_compared_with_the_professionals_links():
    found = voice.compare(one_heard_one_not(), "S01")
    assert [r["peer"] for r in found.pop("could not be matched")] == ["Cousin"]  # nobody on the record
    assert found == {"not on the map": [], "not linked": ["S04"], "not named": ["S03"]}


def text_of(blocks) -> str:
    out = []
    for b in blocks:
        if isinstance(b, minutes.Table):
            out += [" | ".join(r) for r in b.rows]
        elif isinstance(b, minutes.Bullets):
            out += b.items
        else:
            out.append(b.text)
    return "\n".join(out)


def test_the_view_carries_closeness_influence_help_strategy_and_the_comparison():
    blocks = voice.sections(one_heard_one_not())
    assert blocks[0].text == voice.HEADING and blocks[1].text == "Male A"
    text = text_of(blocks)
    assert "Direct work on 20/09/2026 with Youth worker" in text
    assert "Male B | 1 | Positive | Yes | Known since primary" in text  # "Male B (best friend)" is on the map
    assert "Meet at the youth hub" in text
    assert "Named by Male A, could not be matched to anyone on the record: Cousin." in text
    assert "Named by Male A, on the map but not linked to them: Male E." in text
    assert "Linked to Male A on the map, not named by them: Male C." in text
    assert "No direct work recorded yet with: Male C." in text


def test_the_anonymised_view_withholds_the_young_persons_own_words():
    text = text_of(voice.sections(one_heard_one_not(), anonymise=True))
    for words in ("Known since primary", "Meet at the youth hub", "Cousin", "Youth worker", "Male"):
        assert words not in text
    assert "could not be matched to anyone on the record: 1 peer(s)" in text and "YP1" in text


def test_the_young_persons_map_is_dated_by_the_direct_work(book):
    from peermap_xl.operations import draw_ego

    picture, _ = draw_ego(book, "Male A")
    assert picture.name == "Peer Map (young person) - Male A - 2026-09-20.png"


def test_the_minutes_carry_the_young_persons_view_after_figure_one(book):
    import datetime as dt

    from peermap_xl.operations import record_session
    from peermap_xl.record.reading import read_network

    record_session(book, "Review", dt.date(2026, 10, 1))  # the direct work was done on 20/09, after M02 (16/09)
    net = read_network(book)
    blocks = minutes.content(net)
    headings = [b.text for b in blocks if isinstance(b, minutes.Heading) and b.level == 1]
    assert headings.index(voice.HEADING) == headings.index("Young people (Figure 1)") + 1
    text = text_of(blocks[[getattr(b, "text", None) for b in blocks].index(voice.HEADING):])
    assert "Named by Male A, could not be matched to anyone on the record: Cousin." in text
    assert "Linked to Male A on the map, not named by them: Unknown adult male, Female B, Male E." in text
    assert "Leave the youth hub at a different time from Male D's group." in text


def test_a_peer_taken_off_the_map_is_asked_about_not_lost():
    removed = {**E, "Status": "Removed"}
    net = network(subjects=(A, B, C, removed), contexts=(HUB,), links=(GOOD_LINK, A_TO_C), direct_work=WORK)
    found = voice.compare(net, "S01")
    assert found["not on the map"] == ["S04"] and found["not linked"] == []
    assert "Named by Male A, taken off the map: Male E. Should they be back on it?" in text_of(voice.sections(net))
