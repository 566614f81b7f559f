"""The review agenda: the team walks through each person and place, as the guidance asks.

At a review "updates should be sought for all outstanding actions" and each subject and context is
reassessed: those who are no longer part of the network are removed, new ones added. `blocks` gives,
for each active young person, adult, unknown person and then each active place: what changed about them since the last
snapshot (risk or nature, links new or gone, incidents), the open actions and questions about them, and a line
to record the decision (stay, step down, remove); then who was removed since the last snapshot, and when.
The minutes of a review carry it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from peermap_xl.contract import domain
from peermap_xl.minutes.blocks import Bullets, Heading, Para
from peermap_xl.record import history, incidents, labels
from peermap_xl.record.model import Network, rows

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


def _open_items(network: Network, record_id: str, view: labels.View) -> list[str]:
    """The open actions and questions about them, in the output's names (a name typed in them as its label)."""
    items = [f"Action {a['id']}" + ("" if view.anonymise or not isinstance(a["action"], str)
                                    else f": {view.text(a['action'])}")
             + (f" (due {a['due']:%d/%m/%Y})" if not domain.blank(a["due"]) else "")
             for a in _about(network, network.open_actions, record_id)]
    items += [f"Question {g['id']}" + ("" if view.anonymise or not isinstance(g["question"], str)
                                       else f": {view.text(g['question'])}")
              for g in _about(network, network.open_questions, record_id)]
    return items or ["No open actions or questions about them."]


def _incidents_since(network: Network, before: pd.DataFrame | None, day: dt.date, record_id: str,
                     anonymise: bool) -> list[str]:
    """The incidents involving them since the last snapshot (up to the review)."""
    taken = before["Taken on"].dropna() if before is not None else []
    since = pd.Timestamp(taken.iloc[0]) if len(taken) else pd.Timestamp.min
    return [f"Incident {incidents.describe(network, i, anonymise)}" for i in rows(incidents.up_to(network, day))
            if i["date"] > since and incidents.involves(network, i, record_id)]


#: The agenda's parts, in the order the team walks through them: {heading: the subject Types it holds}.
PEOPLE = {"Young people": ("Young person",), "Adults": ("Adult",), "Unknown people": ("Unknown",)}
PLACES = "Places"
REMOVED = "Removed since the last snapshot"


def _kinds(network: Network) -> list[tuple[str, list[dict]]]:
    """(part, its active records): each kind of person, anyone of no recorded type with the unknown, places."""
    people = rows(network.active_subjects)
    known = {t for types in PEOPLE.values() for t in types}
    parts = [(part, [r for r in people if r["type"] in types
                     or (part == "Unknown people" and r["type"] not in known)]) for part, types in PEOPLE.items()]
    return parts + [(PLACES, rows(network.active_contexts))]


def removed_since(network: Network, before: pd.DataFrame | None, day: dt.date) -> list[dict]:
    """The people and places removed since the last snapshot (or, with none, since the session before `day`),
    by the review's day."""
    on_day = pd.Timestamp(day)
    if before is not None:
        was = before[before["Record"].isin(["Subject", "Context"]) & (before["Status"] != domain.REMOVED)]
        since, was_on = pd.Timestamp.min, set(was["ID"])
    else:
        held = network.sessions.dropna(subset=["date"])
        earlier = held.loc[held["date"] < on_day, "date"]
        since, was_on = (earlier.max() if len(earlier) else pd.Timestamp.min), None
    return [r for frame in (network.subjects, network.contexts) for r in rows(frame)
            if r["status"] == domain.REMOVED and (was_on is None or r["id"] in was_on)
            and (domain.blank(r["status_date"]) and was_on is not None
                 or not domain.blank(r["status_date"]) and since < r["status_date"] <= on_day)]


def _removal(record: dict, view: labels.View) -> str:
    when = "" if domain.blank(record["status_date"]) else f" on {record['status_date']:%d/%m/%Y}"
    why = record.get("status_reason")
    reason = "" if view.anonymise or not isinstance(why, str) or not why.strip() else f": {view.text(why).strip()}"
    return f"Removed from the network{when}{reason}." + (" (Reason withheld in the anonymised version.)"
                                                           if view.anonymise and isinstance(why, str) else "")


def blocks(network: Network, session: dict, anonymise: bool = False) -> list:
    """The agenda for a review session: each active young person, adult, unknown person and place, then those
    removed since the last snapshot."""
    view = labels.View(network, anonymise)
    label = view.label
    day: dt.date = session["date"].date()
    before = history.latest_before(network, day, session["id"])
    after = history.of_session(network, session["id"])
    if after is None:
        after = history.as_frame(history.snapshot(network, session["id"], day))
    out: list = [Heading(HEADING), Para("For each person and place: what changed, what is still open, "
                                        "and the decision the team records.")]
    for part, records in _kinds(network):
        if not records:
            continue
        out.append(Heading(part, 2))
        for record in records:
            said = (_changes(before, after, record["id"]) + _incidents_since(network, before, day, record["id"],
                                                                              anonymise)
                    + _open_items(network, record["id"], view))
            out += [Heading(label(record["id"]), 3), Bullets(said), Para(DECISION)]
    gone = removed_since(network, before, day)
    if gone:
        out.append(Heading(REMOVED, 2))
        out += [item for r in gone for item in (Heading(label(r["id"]), 3), Bullets([_removal(r, view)]))]
    return out
