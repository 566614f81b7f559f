"""People and places: who is missing, unknown, unowned or out of borough."""

from __future__ import annotations

import re
from collections.abc import Iterator

from peermap_xl.checks.core import INFO, WARNING, Context, Hit, blank, rows, rule
from peermap_xl.contract import schema
from peermap_xl.record import labels, model

SUBJECTS, CONTEXTS = schema.SUBJECTS.name, schema.CONTEXTS.name
_UNIDENTIFIED = re.compile(r"\b(unknown|unidentified|unnamed|not known)\b", re.IGNORECASE)


def refer(name: str) -> str:
    """How a question names someone: "Male C", but "the unknown adult male"."""
    if _UNIDENTIFIED.match(name):
        return "the " + name[0].lower() + name[1:]
    return name


@rule("PM301", "isolated-subject", WARNING, "An active person has no links",
      """A person on the map with no link says nothing about the network: record how they are
      connected, or remove them.""")
def isolated_subject(ctx: Context) -> Iterator[Hit]:
    links = ctx.network.resolved_links
    linked = set(links["from_id"]) | set(links["to_id"])
    for person in rows(ctx.network.active_subjects):
        if person["id"] not in linked:
            yield Hit(SUBJECTS, person["row"], person["id"], "Name",
                      f"{ctx.who(person)} has no links: how are they connected to the network?")


@rule("PM302", "no-key-contact", WARNING, "A young person has no allocated worker and no key contact",
      """Before mapping, the guidance asks: "Have key contacts in relation to these young people ...
      been identified?" and "Find out which professionals/services are working with them." """)
def no_key_contact(ctx: Context) -> Iterator[Hit]:
    held = {rid for refs in ctx.network.contacts["for"] for ref in refs for rid in ctx.network.resolve(ref)}
    for person in rows(ctx.young_people):
        if blank(person["allocated_worker"]) and person["id"] not in held:
            yield Hit(SUBJECTS, person["row"], person["id"], "Allocated worker",
                      f"{ctx.who(person)} has no allocated worker and no key contact: who knows them? "
                      "Add a contact whose For names them.")


@rule("PM303", "unidentified-person", WARNING, "A person is not identified yet",
      """Unknown people are information gaps: "Who is the adult living at 123 City Road?" is the
      guidance's own first key question. peermap suggests the question on Gaps.""", suggests=True)
def unidentified_person(ctx: Context) -> Iterator[Hit]:
    for person in rows(ctx.network.active_subjects):
        name = person["name"]
        if person["type"] == "Unknown" or (isinstance(name, str) and _UNIDENTIFIED.search(name)):
            gap = (f"Who is {refer(name)}?", person["id"]) if isinstance(name, str) else None
            yield Hit(SUBJECTS, person["row"], person["id"], "Name",
                      f"{ctx.who(person)} is not identified yet: who can find out?", gap=gap)


@rule("PM304", "out-of-borough", INFO, "A person or place is outside the home borough",
      """"If there are young people/locations outside of Hackney - what isn't known about these
      people or areas?" The services of that area may hold what the map lacks; peermap suggests
      the question on Gaps.""", suggests=True)
def out_of_borough(ctx: Context) -> Iterator[Hit]:
    home = ctx.network.settings["home_borough"]
    if blank(home):
        return
    for sheet, frame in ((SUBJECTS, ctx.network.active_subjects), (CONTEXTS, ctx.network.active_contexts)):
        for record in rows(frame):
            borough = record["borough"]
            if blank(borough) or borough.casefold() in (home.casefold(), "online"):
                continue
            gap = None
            if isinstance(record["name"], str):
                gap = (f"What do {borough} services know about {refer(record['name'])}?", record["id"])
            where = ctx.label(labels.choose(f"is in {borough}, outside {home}: what do {borough} services know?",
                                            "is outside the home borough: what do the services there know?"))
            yield Hit(sheet, record["row"], record["id"], "Borough", f"{ctx.who(record)} {where}", gap=gap)


@rule("PM305", "unknown-risk", WARNING, "A young person has no risk level",
      """Peer and context assessments, and the map's colours, depend on an agreed risk level for
      each young person. Agree one: High, Medium or Low.""")
def unknown_risk(ctx: Context) -> Iterator[Hit]:
    for person in rows(ctx.young_people):
        if blank(person["risk_level"]) or person["risk_level"] == "Not known":
            yield Hit(SUBJECTS, person["row"], person["id"], "Risk level",
                      f"{ctx.who(person)} has no risk level: agree one (High, Medium or Low).")


@rule("PM306", "already-mapped", INFO, "A person or place is already mapped in another network",
      """Before mapping, the guidance asks: "Are there any contexts/young people identified who are already
      subject to contextual safeguarding/peer mapping?" Ask that network's lead practitioner what they know, and
      whether the two maps should be joined up. `peermap find` (Already mapped? in Excel) fills the Already mapped
      elsewhere column from the team's other peer maps; each network named there is one finding.""")
def already_mapped(ctx: Context) -> Iterator[Hit]:
    for sheet, frame in ((SUBJECTS, ctx.network.active_subjects), (CONTEXTS, ctx.network.active_contexts)):
        for record in rows(frame):
            named = model.split_list(record.get("already_mapped_elsewhere"))
            for n, _ in enumerate(named, start=1):  # the cell's text is not quoted: it may be anything typed
                yield Hit(sheet, record["row"], record["id"], "Already mapped elsewhere",
                          f"{ctx.who(record)} is already on another peer map (network {n} of {len(named)} in "
                          "Already mapped elsewhere): ask its lead practitioner what they know, and whether the "
                          "two maps should be joined up.")
