"""Prompts that know the record (issue 27): an assessment prompt is quiet once an action of that type (open, in
progress or done) is about those people or that place, and `peermap rules` says so. Fire/quiet pairs, as
tests/test_checks.py has them for every rule."""

from peermap_xl.checks import RULES
from tests.test_checks import found, group, link, network


def assessment(kind: str, about: str, status: str = "Open", aid: str = "A01") -> dict:
    return {"ID": aid, "Action": f"{kind} as agreed", "Type": kind, "About": about, "Owner": "SW", "Status": status}


def with_actions(net_maker, *actions):
    base = net_maker()
    return network(subjects=tuple(_rows(base.subjects)), links=tuple(_links(base.links)), actions=actions)


def _rows(frame):
    return [{"ID": r.id, "Name": r.name, "Type": r.type, "Allocated worker": "SW", "Risk level": r.risk_level}
            for r in frame.itertuples()]


def _links(frame):
    return [link(ID=r.id, From=r.from_id, To=r.to_id, Nature=r.nature) for r in frame.itertuples()]


def test_a_peer_assessment_prompt_is_quiet_once_one_is_agreed_in_progress_or_done():
    assert len(found(group(3), "consider-peer-assessment")) == 1
    for status in ("Open", "In progress", "Done"):
        net = with_actions(lambda: group(3), assessment("Peer assessment", "S01; S02; S03", status))
        assert found(net, "consider-peer-assessment") == [], status


def test_a_peer_assessment_prompt_returns_when_cancelled_or_about_fewer_or_of_another_type():
    cancelled = with_actions(lambda: group(3), assessment("Peer assessment", "S01; S02; S03", "Cancelled"))
    assert len(found(cancelled, "consider-peer-assessment")) == 1
    fewer = with_actions(lambda: group(3), assessment("Peer assessment", "S01; S02"))
    assert len(found(fewer, "consider-peer-assessment")) == 1  # S03 is joined to the group and not assessed
    other = with_actions(lambda: group(3), assessment("Context assessment", "S01; S02; S03"))
    assert len(found(other, "consider-peer-assessment")) == 1


def _place(*actions):
    people = tuple({"ID": f"S0{i}", "Name": f"YP {i}", "Type": "Young person", "Risk level": "Medium"}
                   for i in (1, 2, 3))
    park = {"ID": "C01", "Name": "Park", "Type": "Park or open space", "Nature": "Mixed"}
    seen = tuple(link(ID=f"L{n}", From=p["ID"], To="C01", Relationship="Seen at", Nature="Risky")
                 for n, p in enumerate(people))
    return network(subjects=people, contexts=(park,), links=seen, actions=actions)


def test_a_context_assessment_prompt_is_quiet_once_one_is_on_actions():
    assert len(found(_place(), "consider-context-assessment")) == 1
    for status in ("Open", "In progress", "Done"):
        assert found(_place(assessment("Context assessment", "C01", status)), "consider-context-assessment") == []
    assert len(found(_place(assessment("Context assessment", "C01", "Cancelled")), "consider-context-assessment")) == 1
    assert len(found(_place(assessment("Peer assessment", "C01")), "consider-context-assessment")) == 1


def test_peermap_rules_says_when_the_assessment_prompts_are_quiet():
    said = {r.slug: r.explanation for r in RULES}
    for slug in ("consider-peer-assessment", "consider-context-assessment", "incidents-at-place"):
        assert "open, in progress or done" in said[slug], slug
