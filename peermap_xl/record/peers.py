"""The peers a young person named on their own map (Direct work), found on the record by the one resolver,
and how each is shown on an output (the young person's map and the minutes' view share it)."""

from __future__ import annotations

import datetime as dt
import re

from peermap_xl.record import labels
from peermap_xl.record.model import Network

_ASIDE = re.compile(r"\s*\([^)]*\)\s*")  # "Female D (sister)" -> "Female D"


def direct_work_date(network: Network, person_id: str | None) -> dt.date | None:
    """When the young person's direct work was done: the latest Date of their rows (None if not recorded)."""
    work = network.direct_work
    dates = work[work["young_person_id"] == person_id]["date"].dropna()
    return dates.max().date() if len(dates) else None


def peer_id(network: Network, peer) -> str | None:
    """The subject a peer the young person named is, if any, found by the one resolver (network.resolve): by
    pick, ID, name, Known as or a first name only one person has, with or without a note in brackets
    ("Female D (sister)")."""
    if not isinstance(peer, str):
        return None
    people = set(network.subjects["id"])
    for text in (peer, _ASIDE.sub(" ", peer).strip()):
        found = [i for i in network.resolve(text) if i in people]
        if len(found) == 1:
            return found[0]
    return None


def row_peer_id(network: Network, row: dict) -> str | None:
    """The subject a Direct work row's peer is: its pick's ID, else whoever the resolver finds."""
    picked = row.get("peer_id")
    return picked if isinstance(picked, str) else peer_id(network, row["peer"])


def peer_labels(network: Network, view: labels.View, mine: list[dict]) -> list[str]:
    """How each peer of one young person's map is shown on this output: a person on the record by their
    label; on a full-names output (not anonymised) anyone else as the young person named them; otherwise by
    the relationship they gave ("sister", "friend from boxing"), numbered when two share it."""
    shown = []
    for r in mine:
        on_record = row_peer_id(network, r)
        if on_record:
            shown.append(view.label(on_record))
        elif view.mode == labels.FULL_NAMES and isinstance(r["peer"], str):
            shown.append(r["peer"])
        else:
            shown.append(_relationship(view, r["relationship"]) or "a peer")
    counts = {s: shown.count(s) for s in shown}
    seen: dict[str, int] = {}
    out = []
    for s, r in zip(shown, mine):
        if counts[s] > 1 and not row_peer_id(network, r):
            seen[s] = seen.get(s, 0) + 1
            s = f"{s} ({seen[s]})"
        out.append(s)
    return out


def _relationship(view: labels.View, said) -> str:
    """The relationship a young person gave, as this output may show it: the anonymised version keeps only a
    word of the Relationship list (free text may name someone)."""
    if not isinstance(said, str):
        return ""
    if view.anonymise:
        kept = labels.choice_text(said.strip().capitalize(), "Relationship")
        return kept.lower() if kept and kept != labels.WITHHELD else ""
    return view.out(said).strip()
