"""The young person's voice in the record: their own map (Appendix B) beside the professionals' one.

`sections` gives the minutes' "The young person's view" blocks (the same block types minutes.py
renders): for each young person with direct work, when and by whom it was done, their peers by
closeness with the influence they see and who would help, the strategy (step 4), and how their
map compares with the professionals' links: peers they named who are not on the map (or not
linked to them there), and people linked to them on the map whom they did not name. Young people
at high or medium risk with no direct work are listed. With `anonymise`, the young person's own
words (notes, strategy, peers not on the map) are withheld.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from peermap_xl.minutes.blocks import Bullets, Heading, Para, Table
from peermap_xl.record import labels
from peermap_xl.record.model import Network, rows

HEADING = "The young person's view"
_CONCERN = ("High", "Medium")
_ASIDE = re.compile(r"\s*\([^)]*\)\s*")  # "Female D (sister)" -> "Female D"


def direct_work_date(network: Network, person_id: str | None) -> dt.date | None:
    """When the young person's direct work was done: the latest Date of their rows (None if not recorded)."""
    work = network.direct_work
    dates = work[work["young_person_id"] == person_id]["date"].dropna()
    return dates.max().date() if len(dates) else None


def peer_id(network: Network, peer) -> str | None:
    """The subject a peer the young person named is on the map, if any: by ID or exact name, with or without
    a note in brackets ("Female D (sister)")."""
    if not isinstance(peer, str):
        return None
    for text in (peer, _ASIDE.sub(" ", peer).strip()):
        found = [i for i in network.resolve(text) if i in set(network.subjects["id"])]
        if len(found) == 1:
            return found[0]
    return None


def compare(network: Network, person_id: str) -> dict[str, list]:
    """The young person's map against the professionals' links:
    {"not on the map": [peer as named], "not linked": [subject IDs], "not named": [subject IDs]}."""
    work = network.direct_work
    named = [r["peer"] for r in rows(work[work["young_person_id"] == person_id])]
    found = {p: peer_id(network, p) for p in named}
    links = network.live_links
    mine = links[(links["from_id"] == person_id) | (links["to_id"] == person_id)]
    linked = {o for a, b in zip(mine["from_id"], mine["to_id"]) for o in (a, b) if o != person_id}
    people = set(network.active_subjects["id"])
    ids = {i for i in found.values() if i}
    return {"not on the map": [p for p, i in found.items() if i is None or i not in people],
            "not linked": [i for i in dict.fromkeys(found.values()) if i in people and i not in linked],
            "not named": sorted((linked & people) - ids, key=lambda i: labels.id_order(i))}


def named(view: labels.View, peer) -> str:
    """A peer the young person named who is not on the map, as this output may show them: as typed on a
    full-names output (or a pseudonym), else their initials; never on an anonymised one."""
    if view.anonymise:
        return "a peer not on the map"
    text = str(peer)
    if view.mode == labels.FULL_NAMES or labels.is_pseudonym(text):
        return view.names_replaced(text)
    return labels.initials(_ASIDE.sub(" ", text))


def _peer_rows(network: Network, person_id: str, view: labels.View) -> list[list[str]]:
    work = network.direct_work
    mine = sorted(rows(work[work["young_person_id"] == person_id]),
                  key=lambda r: (r["closeness"] if pd.notna(r["closeness"]) else 9, r["row"]))
    out = []
    for r in mine:
        on_map = peer_id(network, r["peer"])
        who = view.label(on_map) if on_map else named(view, r["peer"])
        out.append([who, "" if pd.isna(r["closeness"]) else str(int(r["closeness"])), _text(r["influence"]),
                    labels.choice_text(r["would_help_if_in_trouble"], "Yes or no") if view.anonymise
                    else _text(r["would_help_if_in_trouble"]), view.text(r["notes"], withheld="")])
    return out


def _comparison(network: Network, person_id: str, view: labels.View) -> list[str]:
    found = compare(network, person_id)
    label = view.label
    me = label(person_id)
    lines = []
    if found["not on the map"]:
        names = (f"{len(found['not on the map'])} peer(s)" if view.anonymise
                 else ", ".join(named(view, p) for p in found["not on the map"]))
        lines.append(f"Named by {me}, not on the map: {names}. Should they be?")
    if found["not linked"]:
        lines.append(f"Named by {me}, on the map but not linked to them: "
                     f"{', '.join(label(i) for i in found['not linked'])}. Is a link missing?")
    if found["not named"]:
        lines.append(f"Linked to {me} on the map, not named by them: "
                     f"{', '.join(label(i) for i in found['not named'])}. Why might that be?")
    return lines or [f"{me}'s own map and the professionals' links agree."]


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def person_view(network: Network, person_id: str, anonymise: bool = False) -> list:
    """One young person's view: when and by whom, their peers, the strategy, the comparison."""
    view = labels.View(network, anonymise)
    label = view.label
    work = network.direct_work
    mine = work[work["young_person_id"] == person_id]
    day = direct_work_date(network, person_id)
    workers = sorted({w for w in mine["worker"] if isinstance(w, str)})
    done = f"Direct work {'on ' + format(day, '%d/%m/%Y') if day else '(date not recorded)'}"
    if workers and not anonymise:
        done += f" with {', '.join(workers)}"
    blocks: list = [Heading(label(person_id), 2), Para(done + ". Their own map, as they see it:")]
    blocks.append(Table(["Peer", "Closeness (1 closest)", "Influence", "Would help if in trouble", "Notes"],
                        _peer_rows(network, person_id, view), widths=(3.4, 2.4, 2.6, 2.8, 5.8)))
    strategies = [] if anonymise else [view.text(s) for s in mine["strategy"] if isinstance(s, str)]
    if strategies:
        blocks += [Para("Strategy (step 4)", bold=True), Bullets(strategies)]
    blocks += [Para("Compared with the professionals' map", bold=True),
               Bullets(_comparison(network, person_id, view))]
    return blocks


def sections(network: Network, anonymise: bool = False) -> list:
    """The minutes' "The young person's view" section: each young person with direct work, then those at high
    or medium risk without any."""
    young = network.active_subjects[network.active_subjects["type"] == "Young person"]
    heard = set(network.direct_work["young_person_id"].dropna())
    label = labels.View(network, anonymise).label
    blocks: list = [Heading(HEADING)]
    for person in rows(young):
        if person["id"] in heard:
            blocks += person_view(network, person["id"], anonymise)
    unheard = [label(p["id"]) for p in rows(young) if p["id"] not in heard and p["risk_level"] in _CONCERN]
    if unheard:
        blocks.append(Para(f"No direct work recorded yet with: {', '.join(unheard)}. Who knows them best to do "
                           "their own map with them?"))
    if len(blocks) == 1:
        blocks.append(Para("No direct work recorded yet (Direct work sheet, Appendix B of the guidance)."))
    return blocks
