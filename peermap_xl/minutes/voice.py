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

import pandas as pd

from peermap_xl.minutes.blocks import Bullets, Heading, Para, Table
from peermap_xl.record import labels
from peermap_xl.record.model import Network, rows
from peermap_xl.record.peers import direct_work_date, peer_id, peer_labels, row_peer_id  # noqa: F401 (minutes' use)

HEADING = "The young person's view"
_CONCERN = ("High", "Medium")


def compare(network: Network, person_id: str) -> dict[str, list]:
    """The young person's map against the professionals' links, each peer found by the one resolver:
    {"could not be matched": [Direct work rows], "not on the map": [subject IDs taken off the map],
    "not linked": [subject IDs], "not named": [subject IDs]}."""
    work = network.direct_work
    mine_rows = rows(work[work["young_person_id"] == person_id])
    found = {r["peer"]: row_peer_id(network, r) for r in mine_rows}
    links = network.live_links
    mine = links[(links["from_id"] == person_id) | (links["to_id"] == person_id)]
    linked = {o for a, b in zip(mine["from_id"], mine["to_id"]) for o in (a, b) if o != person_id}
    people = set(network.active_subjects["id"])
    ids = {i for i in found.values() if i}
    return {"could not be matched": [r for r in mine_rows if found[r["peer"]] is None],
            "not on the map": [i for i in dict.fromkeys(found.values()) if i is not None and i not in people],
            "not linked": [i for i in dict.fromkeys(found.values()) if i in people and i not in linked],
            "not named": sorted((linked & people) - ids, key=lambda i: labels.id_order(i))}


def _peer_rows(network: Network, person_id: str, view: labels.View) -> list[list[str]]:
    work = network.direct_work
    mine = sorted(rows(work[work["young_person_id"] == person_id]),
                  key=lambda r: (r["closeness"] if pd.notna(r["closeness"]) else 9, r["row"]))
    out = []
    for r, who in zip(mine, peer_labels(network, view, mine)):
        out.append([who, "" if pd.isna(r["closeness"]) else str(int(r["closeness"])), _text(r["influence"]),
                    labels.choice_text(r["would_help_if_in_trouble"], "Yes or no") if view.anonymise
                    else _text(r["would_help_if_in_trouble"]), view.text(r["notes"], withheld="")])
    return out


def _comparison(network: Network, person_id: str, view: labels.View) -> list[str]:
    found = compare(network, person_id)
    label = view.label
    me = label(person_id)
    lines = []
    if found["could not be matched"]:
        unmatched = found["could not be matched"]
        shown = peer_labels(network, view, unmatched)
        names = f"{len(unmatched)} peer(s)" if view.anonymise else ", ".join(shown)
        lines.append(f"Named by {me}, could not be matched to anyone on the record: {names}. Check with the "
                     "worker who did the direct work who they are.")
    if found["not on the map"]:
        lines.append(f"Named by {me}, taken off the map: {', '.join(label(i) for i in found['not on the map'])}. "
                     "Should they be back on it?")
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
