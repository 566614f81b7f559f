"""Decision support (information): what the map suggests the network consider, and why."""

from __future__ import annotations

from collections.abc import Iterator

from peermap_xl import schema
from peermap_xl.checks.core import INFO, Context, Hit, rows, rule
from peermap_xl.domain import weak_grounds

SUBJECTS, CONTEXTS, LINKS = schema.SUBJECTS.name, schema.CONTEXTS.name, schema.LINKS.name

#: A peer group: at least this many young people joined by evidenced, current peer links.
PEER_GROUP_SIZE = 3
#: Relationships that are family, not peer, links.
FAMILY = {"Sibling", "Cousin", "Family"}
#: A place linked to at least this many young people at high or medium risk.
CONTEXT_GROUP_SIZE = 3
#: A person who connects at least this share of the shortest paths between others.
BROKER_SHARE = 0.2
_CONCERN = {"High", "Medium"}


def _names(ctx, ids) -> str:
    return ", ".join(ctx.label(i) for i in ids)


def _by_risk(ctx, ids) -> list[str]:
    """Highest risk first, then in the order of the Subjects sheet."""
    order = ctx.risk_order
    return sorted(ids, key=lambda i: order.get(i, (3, 0)))


@rule("PM601", "consider-peer-assessment", INFO, "Young people with clear links and significant risk",
      f""""If clear links are identified between young people following peer mapping, and the risks
      are significant, then a peer assessment should be undertaken." peermap reads "clear links" as
      peer links (not family ones) that are evidenced, well graded and current (not stale), and
      suggests a peer assessment when such links join at least {PEER_GROUP_SIZE} young people of whom
      at least one is at high risk: a group, not a pair, with a risk the network has agreed is high.""")
def consider_peer_assessment(ctx: Context) -> Iterator[Hit]:
    import networkx as nx  # here, so that listing the rules stays quick

    young = set(ctx.young_people["id"])
    risk = dict(zip(ctx.young_people["id"], ctx.young_people["risk_level"]))
    clear = nx.Graph()
    for link in rows(ctx.network.live_links):
        ends = {link["from_id"], link["to_id"]}
        if (ends <= young and link["relationship"] not in FAMILY and link["evidence"] == "Evidenced"
                and not weak_grounds(link) and not ctx.is_stale(link)):
            clear.add_edge(*ends)
    for group in nx.connected_components(clear):
        high = [p for p in group if risk.get(p) == "High"]
        if len(group) >= PEER_GROUP_SIZE and high:
            members = _by_risk(ctx, group)
            lead = ctx.young_people.set_index("id").loc[members[0]]
            yield Hit(SUBJECTS, lead["row"], members[0], "Risk level",
                      f"Consider a peer assessment: {len(group)} young people ({_names(ctx, members)}) are "
                      f"joined by evidenced, current links, and {len(high)} "
                      f"{'is' if len(high) == 1 else 'are'} at high risk.")


@rule("PM602", "consider-context-assessment", INFO, "A place linked to several young people with concerns",
      f""""If concerns identified following peer mapping relate to a location or highlight concerns
      about a particular school or an organisation (and threshold is met) then context assessments
      should also be undertaken." peermap suggests one for a place or online space (not marked
      Protective) linked to at least {CONTEXT_GROUP_SIZE} young people at high or medium risk.""")
def consider_context_assessment(ctx: Context) -> Iterator[Hit]:
    concern = {pid for pid, r in zip(ctx.young_people["id"], ctx.young_people["risk_level"]) if r in _CONCERN}
    linked: dict[str, set[str]] = {}
    for link in rows(ctx.network.live_links):
        for place, person in ((link["from_id"], link["to_id"]), (link["to_id"], link["from_id"])):
            if person in concern:
                linked.setdefault(place, set()).add(person)
    for place in rows(ctx.network.active_contexts):
        people = linked.get(place["id"], set())
        if len(people) >= CONTEXT_GROUP_SIZE and place["nature"] != "Protective":
            yield Hit(CONTEXTS, place["row"], place["id"], "Nature",
                      f"Consider a context assessment of {ctx.who(place)}: it is linked to {len(people)} "
                      f"young people at high or medium risk ({_names(ctx, _by_risk(ctx, people))}).")


@rule("PM603", "key-individual", INFO, "A person who leads others, or through whom the network connects",
      f"""The guidance asks "Who are followers/leaders in the group?" and for "the amount of influence
      and control individuals have within a network". peermap names people who lead at least two
      others (from the links' Influence) and the person through whom most of the network connects
      (at least {BROKER_SHARE:.0%} of the shortest paths between others pass through them).""")
def key_individual(ctx: Context) -> Iterator[Hit]:
    from peermap_xl import graph

    g = ctx.graph
    led = graph.leaders(g)
    share = graph.brokers(g)
    people = [n for n in g if g.nodes[n]["kind"] != graph.PLACE]
    top = max(people, key=lambda n: (share[n], n), default=None)
    subjects = ctx.network.subjects.set_index("id")
    for person in sorted(people, key=lambda n: g.nodes[n]["row"]):
        parts = []
        if len(led.get(person, ())) >= 2:
            parts.append(f"leads {len(led[person])} people ({_names(ctx, _by_risk(ctx, led[person]))})")
        if person == top and share[person] >= BROKER_SHARE:
            parts.append(f"connects the network: {share[person]:.0%} of the shortest paths between "
                         "others pass through them")
        if parts:
            yield Hit(SUBJECTS, subjects.loc[person, "row"], person, "Role in group",
                      f"{person} {ctx.label(person)} {' and '.join(parts)}.")


@rule("PM604", "bridge", INFO, "A person whose removal splits the network",
      """A person who is the only connection between parts of the network is where a safeguarding
      intervention, or a disruption, changes most. Check that the links through them are current
      and evidenced.""")
def bridge(ctx: Context) -> Iterator[Hit]:
    from peermap_xl import graph

    g = ctx.graph
    subjects = ctx.network.subjects.set_index("id")
    for person, parts in sorted(graph.splits(g).items(), key=lambda item: g.nodes[item[0]]["row"]):
        if g.nodes[person]["kind"] != graph.PLACE:
            yield Hit(SUBJECTS, subjects.loc[person, "row"], person, "Name",
                      f"{person} {ctx.label(person)} holds the network together: without them it falls "
                      f"into {parts} parts.")


@rule("PM605", "protective-relationship", INFO, "A current protective link to build on",
      """"Are there protective features about the group or are they solely negative/risky?" Mapping
      "can also identify positive elements in the group that can be strengthened/used during
      intervention": each current protective link is one.""")
def protective_relationship(ctx: Context) -> Iterator[Hit]:
    for link in rows(ctx.network.live_links):
        if link["nature"] == "Protective" and not ctx.is_stale(link):
            yield Hit(LINKS, link["row"], link["id"], "Nature",
                      f"{ctx.link_label(link)} is protective ({(link['relationship'] or 'link').lower()}): "
                      "build on it in the plan.")
