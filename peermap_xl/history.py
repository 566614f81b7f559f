"""Snapshots of the network at each session, and what changed between two of them.

When a session is recorded (a review, the closure) peermap keeps a snapshot of
every subject, context, link and action on the History sheet, with where the map
drew each person and place. Comparing the last snapshot with the network now
says who was added or removed, which links are new, gone, stronger, weaker or
now stale, and which actions were completed or fell overdue.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from peermap_xl import domain, labels, schema
from peermap_xl.model import Network, rows

STRENGTH = {"Weak": 1, "Moderate": 2, "Strong": 3}


def snapshot(network: Network, session_id: str, taken_on: dt.date) -> list[dict]:
    """The network now, as History rows ({header: value})."""
    out = []
    positions = network.map_positions
    for record, frame in (("Subject", network.subjects), ("Context", network.contexts)):
        for r in rows(frame):
            x, y = positions.get(r["id"], (None, None))
            out.append({"Session": session_id, "Taken on": taken_on, "Record": record, "ID": r["id"],
                        "Name": r["name"], "Type": r["type"],
                        "Status": r["status"] if isinstance(r["status"], str) else "Active",
                        "Risk or nature": r["risk_level"] if record == "Subject" else r["nature"], "X": x, "Y": y})
    for r in rows(network.resolved_links):
        out.append({"Session": session_id, "Taken on": taken_on, "Record": "Link", "ID": r["id"],
                    "Status": r["status"] if isinstance(r["status"], str) else "Current",
                    "Risk or nature": r["nature"], "From": r["from_id"], "To": r["to_id"],
                    "Relationship": r["relationship"], "Strength": r["strength"],
                    "Last seen": _day(r["last_seen"]) or _day(r["first_recorded"])})
    for r in rows(network.actions):
        out.append({"Session": session_id, "Taken on": taken_on, "Record": "Action", "ID": r["id"],
                    "Status": r["status"] if isinstance(r["status"], str) else "Open", "Due": _day(r["due"])})
    return [{k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in row.items()} for row in out]


def _day(value) -> dt.date | None:
    return value.date() if value is not None and pd.notna(value) else None


def as_frame(records: list[dict]) -> pd.DataFrame:
    columns = [c.header for c in schema.HISTORY.columns]
    return pd.DataFrame.from_records(records, columns=columns)


def _as_headers(history: pd.DataFrame) -> pd.DataFrame:
    """The reader's History frame with the sheet's own headers, as snapshot() makes them."""
    keys = {c.key: c.header for c in schema.HISTORY.columns}
    return history.rename(columns=keys)[list(keys.values())]


def latest_before(network: Network, day: dt.date, session_id: str | None = None) -> pd.DataFrame | None:
    """The most recent snapshot taken before `day` (or, on that day, for another session)."""
    history = network.history
    if history is None or not len(history):
        return None
    taken = history.dropna(subset=["taken_on"])
    earlier = taken[(taken["taken_on"] < pd.Timestamp(day))
                    | ((taken["taken_on"] == pd.Timestamp(day)) & (taken["session"] != session_id))]
    if not len(earlier):
        return None
    last = earlier.sort_values(["taken_on", "row"]).iloc[-1]["session"]
    return _as_headers(earlier[earlier["session"] == last])


def compare(before: pd.DataFrame, after: pd.DataFrame, as_of: dt.date, stale_after: int, label) -> list[str]:
    """What changed between two snapshots, in sentences a practitioner reads out."""
    today = pd.Timestamp(as_of)
    then_day = before["Taken on"].dropna()
    then = pd.Timestamp(then_day.iloc[0]) if len(then_day) else today

    def table(frame, record):
        part = frame[frame["Record"] == record]
        return {r["ID"]: r for r in part.to_dict("records")}

    out = []
    present = {}
    for record, kind in (("Subject", "person"), ("Context", "place")):
        old, new = table(before, record), table(after, record)
        was = {i for i, r in old.items() if r["Status"] != domain.REMOVED}
        now = {i for i, r in new.items() if r["Status"] != domain.REMOVED}
        present.setdefault("before", set()).update(was)
        present.setdefault("after", set()).update(now)
        out += [f"Added: {label(i)} ({kind})" for i in sorted(now - was)]
        out += [f"Removed: {label(i)} ({kind})" for i in sorted(was - now)]

    old, new = table(before, "Link"), table(after, "Link")

    def live(r, when="after"):
        """On the map: not Historic or Removed, and both ends still in the network."""
        return domain.link_on_map(r["Status"]) and {r["From"], r["To"]} <= present[when]

    def ends(r):
        return f"{r['ID']} ({label(r['From'])} \u2013 {label(r['To'])})"

    def stale(r, day):  # a snapshot keeps Last seen (or First recorded) as "Last seen"
        return domain.is_stale(r["Last seen"], day, stale_after)

    for i in sorted(set(new) | set(old)):
        a, b = old.get(i), new.get(i)
        if b is not None and live(b) and (a is None or not live(a, "before")):
            out.append(f"New link: {ends(b)}, {str(b['Relationship'] or 'linked').lower()}")
        elif a is not None and live(a, "before") and (b is None or not live(b)):
            out.append(f"Link gone: {ends(a)}")
        elif a is not None and b is not None and live(b):
            before_strength, after_strength = STRENGTH.get(a["Strength"]), STRENGTH.get(b["Strength"])
            if before_strength and after_strength and after_strength != before_strength:
                word = "Strengthened" if after_strength > before_strength else "Weakened"
                out.append(f"{word}: {ends(b)}, {a['Strength'].lower()} to {b['Strength'].lower()}")
            if stale(b, today) and not stale(a, then):
                out.append(f"Now stale: {ends(b)}, last seen {pd.Timestamp(b['Last seen']):%d/%m/%Y}")

    old, new = table(before, "Action"), table(after, "Action")
    for i in sorted(new):
        b, a = new[i], old.get(i)
        if b["Status"] == "Done" and (a is None or a["Status"] != "Done"):
            out.append(f"Action completed: {i}")
        due = b["Due"]
        overdue_now = domain.action_is_open(b["Status"]) and not domain.blank(due) and pd.Timestamp(due) < today
        overdue_then = a is not None and domain.action_is_open(a["Status"]) and not domain.blank(a["Due"]) and \
            pd.Timestamp(a["Due"]) < then
        if overdue_now and not overdue_then:
            out.append(f"Action overdue: {i}, due {pd.Timestamp(due):%d/%m/%Y}")
    return out


def changes_for(network: Network, session: dict, anonymise: bool = False) -> list[str] | None:
    """What changed between the snapshot before `session` and the network as it is; None if no snapshot."""
    day = session["date"].date()
    before = latest_before(network, day, session["id"])
    if before is None:
        return None
    after = as_frame(snapshot(network, session["id"], day))
    return compare(before, after, day, network.settings.stale_after_days,
                   labels.labeller(network, anonymise))


def next_session_id(network: Network) -> str:
    used = [int(i[1:]) for i in network.sessions["id"] if isinstance(i, str) and i[:1] == "M" and i[1:].isdigit()]
    return f"M{max(used, default=0) + 1:02d}"

