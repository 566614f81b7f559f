"""Decision support (information): what the map suggests the network consider, and why."""

from __future__ import annotations

from collections.abc import Iterator

from peermap_xl.checks.core import INFO, Context, Hit, rows, rule
from peermap_xl.contract import schema
from peermap_xl.contract.domain import weak_grounds
from peermap_xl.record import labels

SUBJECTS, CONTEXTS, LINKS = schema.SUBJECTS.name, schema.CONTEXTS.name, schema.LINKS.name

#: A peer group: at least this many young people joined by risky, evidenced, current peer links.
PEER_GROUP_SIZE = 3
#: Relationships that are family, not peer, links.
FAMILY = {"Sibling", "Cousin", "Family"}
#: A place (marked Risky or Mixed) with risky links to at least this many young people at high or medium risk.
CONTEXT_GROUP_SIZE = 3
#: Places whose nature allows a context assessment to be suggested.
CONCERNING_PLACES = {"Risky", "Mixed"}
#: Report the person on the most routes when at least this share of routes between others pass through them.
BROKER_SHARE = 0.2
#: A bridge is reported when, without the person, at least two parts of this many records are left.
BRIDGED_PART = 2
#: Name at most this many people when saying who lies on each side of a person.
NAMED_PER_SIDE = 4
_CONCERN = {"High", "Medium"}


def _row(ctx, subject_id: str) -> int:
    """The first Subjects row with this ID (two rows sharing one is reported by duplicate-id)."""
    return ctx.subject_rows[subject_id]


def _names(ctx, ids) -> str:
    return ", ".join(ctx.label(i) for i in ids)


def _by_risk(ctx, ids) -> list[str]:
    """Highest risk first, then in the order of the Subjects sheet."""
    order = ctx.risk_order
    return sorted(ids, key=lambda i: order.get(i, (3, 0)))


def assessed(ctx, kind: str) -> set[str]:
    """The people and places an action of type `kind` ("Peer assessment", "Context assessment") is about, open,
    in progress or done (not cancelled): the record already holds that decision."""
    actions = ctx.network.actions
    chosen = actions[(actions["type"] == kind) & (actions["status"] != "Cancelled")]
    return {rid for about in chosen["about"] for ref in about for rid in ctx.network.resolve(ref)}


def _links_text(ids) -> str:
    ids = sorted(ids, key=labels.id_order)
    return f"link{'s' if len(ids) > 1 else ''} {', '.join(ids)}"


@rule("PM601", "consider-peer-assessment", INFO, "Young people joined by risky links, one at high risk",
      f""""If clear links are identified between young people following peer mapping, and the risks
      are significant, then a peer assessment should be undertaken." peermap reads "clear links" as
      risky peer links (not family ones, not protective or neutral ones) that are evidenced, well
      graded and current (not stale), and suggests a peer assessment when such links join at least
      {PEER_GROUP_SIZE} young people of whom at least one is at high risk. It names only the young
      people those links join. It is quiet once a Peer assessment action (open, in progress or done) is
      about every one of them; a young person newly joined to the group brings it back.""")
def consider_peer_assessment(ctx: Context) -> Iterator[Hit]:
    from peermap_xl.record import graph

    young = set(ctx.young_people["id"])
    risk = dict(zip(ctx.young_people["id"], ctx.young_people["risk_level"]))
    clear: dict[frozenset, str] = {}  # {the two young people: the (last) clear link between them}
    for link in rows(ctx.network.live_links):
        ends = {link["from_id"], link["to_id"]}
        if (ends <= young and link["nature"] == "Risky" and link["relationship"] not in FAMILY
                and link["evidence"] == "Evidenced" and not weak_grounds(link) and not ctx.is_stale(link)):
            clear[frozenset(ends)] = link["id"]
    joined = [tuple(ends) * (3 - len(ends)) for ends in clear]  # a link to oneself: its one end twice
    done = assessed(ctx, "Peer assessment")
    for group in graph.components(graph.adjacency((p for ends in joined for p in ends), joined)):
        high = [p for p in group if risk.get(p) == "High"]
        if len(group) >= PEER_GROUP_SIZE and high and not set(group) <= done:
            members = _by_risk(ctx, group)
            evidence = {link for ends, link in clear.items() if ends <= group}
            yield Hit(SUBJECTS, _row(ctx, members[0]), members[0], "Risk level",
                      f"Consider a peer assessment of {len(group)} young people ({_names(ctx, members)}): "
                      f"risky, evidenced, current links join them ({_links_text(evidence)}), and {len(high)} "
                      f"{'is' if len(high) == 1 else 'are'} at high risk.")


@rule("PM602", "consider-context-assessment", INFO, "A risky place with risky links to several young people",
      f""""If concerns identified following peer mapping relate to a location or highlight concerns
      about a particular school or an organisation (and threshold is met) then context assessments
      should also be undertaken." peermap suggests one for a place or online space marked Risky or
      Mixed with risky links to at least {CONTEXT_GROUP_SIZE} young people at high or medium risk.
      Protective and neutral links (a young person who attends a school) are not counted. It is quiet once a
      Context assessment action about that place is open, in progress or done.""")
def consider_context_assessment(ctx: Context) -> Iterator[Hit]:
    concern = {pid for pid, r in zip(ctx.young_people["id"], ctx.young_people["risk_level"]) if r in _CONCERN}
    linked: dict[str, dict[str, str]] = {}
    for link in rows(ctx.network.live_links):
        if link["nature"] != "Risky":
            continue
        for place, person in ((link["from_id"], link["to_id"]), (link["to_id"], link["from_id"])):
            if person in concern:
                linked.setdefault(place, {})[person] = link["id"]
    done = assessed(ctx, "Context assessment")
    for place in rows(ctx.network.active_contexts):
        people = linked.get(place["id"], {})
        if len(people) >= CONTEXT_GROUP_SIZE and place["nature"] in CONCERNING_PLACES and place["id"] not in done:
            yield Hit(CONTEXTS, place["row"], place["id"], "Nature",
                      f"Consider a context assessment of {ctx.who(place)} (marked {place['nature'].lower()}): "
                      f"it has risky links to {len(people)} young people at high or medium risk "
                      f"({_names(ctx, _by_risk(ctx, people))}; {_links_text(people.values())}).")


@rule("PM603", "key-individual", INFO, "A person who leads others, or through whom most links between others run",
      """The guidance asks "Who are followers/leaders in the group?" and for "the amount of influence
      and control individuals have within a network". peermap names people recorded as leading at
      least two others (from the links' Influence), and the person through whom the recorded links
      between others run most often, saying only what the links show.""")
def key_individual(ctx: Context) -> Iterator[Hit]:
    from peermap_xl.record import graph

    g = ctx.graph
    led = graph.leaders(g)
    share = graph.brokers(g)
    people = [n for n in g if g.nodes[n]["kind"] != graph.PLACE]
    top = max(people, key=lambda n: (share[n], n), default=None)
    for person in sorted(people, key=lambda n: g.nodes[n]["row"]):
        parts = []
        if len(led.get(person, ())) >= 2:
            followers = _names(ctx, _by_risk(ctx, led[person]))
            parts.append(f"is recorded as leading {len(led[person])} people ({followers})")
        if person == top and share[person] >= BROKER_SHARE:
            parts.append("is on more of the recorded routes between others than anyone else")
        if parts:
            yield Hit(SUBJECTS, _row(ctx, person), person, "Role in group",
                      f"{person} {ctx.label(person)} {' and '.join(parts)}.")


@rule("PM604", "bridge", INFO, "A person who is the only recorded link between parts of the network",
      f"""A person who is the only recorded connection between parts of the network is where a
      safeguarding intervention, or a disruption, changes most. Check that the links through them
      are current and evidenced. peermap reports it when at least two of the parts hold
      {BRIDGED_PART} or more people or places, and words it as what the links show, never as a
      judgement of the person (a victim may be the only link between two groups).""")
def bridge(ctx: Context) -> Iterator[Hit]:
    from peermap_xl.record import graph

    g = ctx.graph
    adjacent = g.neighbours()
    part_of = {n: part for part in graph.components(adjacent) for n in part}
    for person in sorted(graph.cut_points(adjacent), key=lambda n: g.nodes[n]["row"]):
        if g.nodes[person]["kind"] == graph.PLACE:
            continue
        sides = sorted(graph.components(adjacent, part_of[person] - {person}), key=lambda c: (-len(c), min(c)))
        if sum(len(side) >= BRIDGED_PART for side in sides) < 2:
            continue  # only a lone person or place hangs off them: nothing the network needs told
        named = [f"({_side(ctx, side)})" for side in sides]
        said = (f"one part of the network {named[0]} and another {named[1]}" if len(named) == 2 else
                f"{len(named)} parts of the network: {', '.join(named[:-1])} and {named[-1]}")
        yield Hit(SUBJECTS, _row(ctx, person), person, "Name",
                  f"{person} {ctx.label(person)} is the only recorded link between {said}.")


def _side(ctx, side: set[str]) -> str:
    order = sorted(side, key=lambda n: (ctx.risk_order.get(n, (4, 0)), labels.id_order(n)))
    named = _names(ctx, order[:NAMED_PER_SIDE])
    more = len(order) - NAMED_PER_SIDE
    return f"{named} and {more} other{'s' if more > 1 else ''}" if more > 0 else named
@rule("PM605", "protective-relationship", INFO, "A current protective link to build on",
      """"Are there protective features about the group or are they solely negative/risky?" Mapping
      "can also identify positive elements in the group that can be strengthened/used during
      intervention": each current protective link is one.""")
def protective_relationship(ctx: Context) -> Iterator[Hit]:
    for link in rows(ctx.network.live_links):
        if link["nature"] == "Protective" and not ctx.is_stale(link):
            yield Hit(LINKS, link["row"], link["id"], "Nature",
                      f"{ctx.link_label(link)} is protective ({_relationship(ctx, link)}): "
                      "build on it in the plan.")


def _relationship(ctx, link) -> str:
    plain = (link["relationship"] or "link").lower()
    return ctx.label(labels.choose(plain, labels.choice_text(link["relationship"], "Relationship").lower() or "link"))
