"""The review agenda: the team walked through each young person and place, as the guidance asks.

At a review "updates should be sought for all outstanding actions" and each subject and context is
reassessed: those who are no longer part of the network are removed, new ones added. `blocks` gives,
for each active young person and then each active place: what changed about them since the last
snapshot (risk or nature, links new or gone, incidents), the open actions and questions about them, and a line
to record the decision (stay, step down, remove). The minutes of a review carry it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from peermap_xl import domain, history, incidents, labels
from peermap_xl.minutes.blocks import Bullets, Heading, Para
from peermap_xl.model import Network, rows

HEADING = "Review agenda"
DECISION = "Decision (stay on the map / step down / remove), and why: ______________________________"


def _links_of(snapshot: pd.DataFrame, record_id: str) -> set[str]:
    links = snapshot[(snapshot["Record"] == "Link") & snapshot["Status"].map(domain.link_on_map)]
    return {i for i, a, b in zip(links["ID"], links["From"], links["To"]) if record_id in (a, b)}


def _changes(before: pd.DataFrame | None, after: pd.DataFrame, record_id: str) -> list[str]:
    """What changed about one person or place between two snapshots."""
    if before is None:
        return ["No earlier snapshot to compare with."]
    old = before[before["ID"] == record_id]
    if not len(old[old["Record"].isin(["Subject", "Context"])]):
        return ["New since the last snapshot."]
    now = after[(after["ID"] == record_id) & after["Record"].isin(["Subject", "Context"])]
    out = []
    was, is_ = old.iloc[0]["Risk or nature"], now.iloc[0]["Risk or nature"] if len(now) else None
    if isinstance(was, str) and isinstance(is_, str) and was != is_:
        out.append(f"{was} to {is_}.")
    gained, lost = _links_of(after, record_id) - _links_of(before, record_id), \
        _links_of(before, record_id) - _links_of(after, record_id)
    out += [f"New link {i}." for i in sorted(gained)] + [f"Link {i} gone." for i in sorted(lost)]
    return out or ["No change recorded since the last snapshot."]


def _about(network: Network, frame: pd.DataFrame, record_id: str) -> list[dict]:
    return [r for r in rows(frame) if record_id in {i for ref in r["about"] for i in network.resolve(ref)}]


def _open_items(network: Network, record_id: str, anonymise: bool) -> list[str]:
    items = [f"Action {a['id']}" + ("" if anonymise or not isinstance(a["action"], str) else f": {a['action']}")
             + (f" (due {a['due']:%d/%m/%Y})" if not domain.blank(a["due"]) else "")
             for a in _about(network, network.open_actions, record_id)]
    items += [f"Question {g['id']}" + ("" if anonymise or not isinstance(g["question"], str)
                                       else f": {g['question']}")
              for g in _about(network, network.open_questions, record_id)]
    return items or ["No open actions or questions about them."]


def _incidents_since(network: Network, before: pd.DataFrame | None, day: dt.date, record_id: str,
                     anonymise: bool) -> list[str]:
    """The incidents involving them since the last snapshot (up to the review)."""
    taken = before["Taken on"].dropna() if before is not None else []
    since = pd.Timestamp(taken.iloc[0]) if len(taken) else pd.Timestamp.min
    return [f"Incident {incidents.describe(network, i, anonymise)}" for i in rows(incidents.up_to(network, day))
            if i["date"] > since and incidents.involves(network, i, record_id)]


def blocks(network: Network, session: dict, anonymise: bool = False) -> list:
    """The agenda for a review session: each active young person, then each active place."""
    label = labels.labeller(network, anonymise)
    day: dt.date = session["date"].date()
    before = history.latest_before(network, day, session["id"])
    after = history.of_session(network, session["id"])
    if after is None:
        after = history.as_frame(history.snapshot(network, session["id"], day))
    out: list = [Heading(HEADING), Para("For each young person and place: what changed, what is still open, "
                                        "and the decision the team records.")]
    young = network.active_subjects[network.active_subjects["type"] == "Young person"]
    for frame in (young, network.active_contexts):
        for record in rows(frame):
            said = (_changes(before, after, record["id"]) + _incidents_since(network, before, day, record["id"],
                                                                              anonymise)
                    + _open_items(network, record["id"], anonymise))
            out += [Heading(label(record["id"]), 2), Bullets(said), Para(DECISION)]
    return out
