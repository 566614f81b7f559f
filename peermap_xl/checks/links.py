"""Links (warnings): testing each relationship as the guidance asks."""

from __future__ import annotations

from collections.abc import Iterator

from peermap_xl.checks.core import WARNING, Context, Hit, blank, date_text, days_text, rows, rule
from peermap_xl.contract import schema
from peermap_xl.contract.domain import LINK_OFF_MAP, weak_grounds
from peermap_xl.contract.domain import UNRELIABLE_SOURCE as _UNRELIABLE_SOURCE
from peermap_xl.contract.domain import WEAK_INFORMATION as _WEAK_INFORMATION
from peermap_xl.record import labels

LINKS = schema.LINKS.name


@rule("PM201", "stale-link", WARNING, "A link has not been seen for longer than 'Stale after (days)'",
      """The guidance asks of every link: "When was this information captured - is it a recent or
      historic incident?" A link not seen for longer than the Network's 'Stale after (days)' may no
      longer hold: confirm it, or mark it Historic. Last seen is used, or First recorded when Last
      seen is empty.""", flag="STALE")
def stale_link(ctx: Context) -> Iterator[Hit]:
    for link in rows(ctx.network.live_links):
        if ctx.is_stale(link):
            seen = ctx.last_seen(link)
            column = "Last seen" if not blank(link["last_seen"]) else "First recorded"
            yield Hit(LINKS, link["row"], link["id"], column,
                      f"{ctx.link_label(link)} was last seen {days_text((ctx.today - seen).days)} ago "
                      f"({date_text(seen)}); links go stale after {ctx.stale_after}. Is it still current?")


@rule("PM202", "anecdotal-link", WARNING, "A link rests on anecdote or weakly graded information",
      """The guidance asks "whether information is evidenced or if it is just anecdotal" and "Is it a
      reliable source of information?". A link marked Anecdotal, with information graded C, D or E,
      or from a source graded 3, needs corroborating before decisions rest on it.""", flag="ANECDOTAL")
def anecdotal_link(ctx: Context) -> Iterator[Hit]:
    for link in rows(ctx.network.live_links):
        grounds = weak_grounds(link)
        if grounds:
            column = "Evidence" if link["evidence"] == "Anecdotal" else (
                "Information grade" if link["information_grade"] in _WEAK_INFORMATION else "Source grade")
            yield Hit(LINKS, link["row"], link["id"], column,
                      f"{ctx.link_label(link)} {' and '.join(grounds)}: who can confirm it?")


@rule("PM203", "unsourced-link", WARNING, "A link has no source",
      """"Where does the information come from?" A link with no Source cannot be tested or
      followed up.""", flag="UNSOURCED")
def unsourced_link(ctx: Context) -> Iterator[Hit]:
    for link in rows(ctx.network.live_links):
        if blank(link["source"]):
            yield Hit(LINKS, link["row"], link["id"], "Source",
                      f"{ctx.link_label(link)} has no source: who told us?")


@rule("PM204", "undated-link", WARNING, "A link has neither First recorded nor Last seen",
      """Without a date nobody can tell whether a link is recent or historic, and it can never be
      found stale.""", flag="UNDATED")
def undated_link(ctx: Context) -> Iterator[Hit]:
    for link in rows(ctx.network.live_links):
        if blank(link["first_recorded"]) and blank(link["last_seen"]):
            yield Hit(LINKS, link["row"], link["id"], "Last seen",
                      f"{ctx.link_label(link)} has no dates: when was it first recorded, and last seen?")


@rule("PM205", "graded-evidence-conflict", WARNING, "A link marked Evidenced is graded as unreliable",
      """Evidenced means seen or recorded; information graded D (not known) or E (suspected false),
      or a source graded 3 (not reliable), says otherwise. One of them is wrong.""", flag="GRADES DISAGREE")
def graded_evidence_conflict(ctx: Context) -> Iterator[Hit]:
    for link in rows(ctx.network.live_links):
        if link["evidence"] != "Evidenced":
            continue
        grades = []
        if link["information_grade"] in ("D Not known", "E Suspected false"):
            grades.append(f"information {link['information_grade'][0]}")
        if link["source_grade"] == _UNRELIABLE_SOURCE:
            grades.append("source 3")
        if grades:
            yield Hit(LINKS, link["row"], link["id"], "Evidence",
                      f"{ctx.link_label(link)} is marked Evidenced but graded {' and '.join(grades)}: "
                      "check the evidence or the grades.")


@rule("PM206", "removed-still-linked", WARNING, "A current link touches a removed person or place",
      """At a review "those who are no longer part of [the network are] removed". Their links should
      go too: set the link's Status to Historic or Removed so that it leaves the map.""",
      flag="REMOVED END")
def removed_still_linked(ctx: Context) -> Iterator[Hit]:
    links = ctx.network.resolved_links
    current = links[~links["status"].isin(LINK_OFF_MAP)]
    for link in rows(current):
        gone = [rid for rid in (link["from_id"], link["to_id"]) if rid in ctx.network.removed_ids]
        if gone:
            yield Hit(LINKS, link["row"], link["id"], "Status",
                      f"{ctx.link_label(link)} involves {' and '.join(ctx.label(r) for r in gone)}, removed "
                      "from the network: set the link's Status to Historic or Removed.")


@rule("PM207", "duplicate-link", WARNING, "The same pair and relationship are recorded twice",
      """Two rows for one relationship split its evidence and double it on the map. Keep one row and
      move the details into it.""", flag="DUPLICATE")
def duplicate_link(ctx: Context) -> Iterator[Hit]:
    first: dict[tuple, str] = {}
    for link in rows(ctx.network.resolved_links):
        key = (frozenset((link["from_id"], link["to_id"])), link["relationship"])
        if key in first:
            shown = labels.choice_text(link["relationship"], "Relationship")
            how = ctx.label(labels.choose(link["relationship"] or "same relationship", shown or "same relationship"))
            yield Hit(LINKS, link["row"], link["id"], "Relationship",
                      f"{ctx.link_label(link)} repeats {first[key]} ({how}): keep one row.")
        else:
            first[key] = link["id"]
