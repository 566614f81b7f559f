"""Snapshots of the network at each session, and what changed between two of them.

When a session is recorded (a review, the closure) peermap keeps a snapshot of
every subject, context, link and action on the History sheet, with where the map
drew each person and place. Comparing the last snapshot with the network now
says who was added or removed, which links are new, gone, stronger, weaker or
now stale, and which actions were completed or fell overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from peermap_xl.contract import domain, schema
from peermap_xl.record import labels, model
from peermap_xl.record.model import Network, rows

STRENGTH = {"Weak": 1, "Moderate": 2, "Strong": 3}
#: A History row that is not part of a snapshot: a person's earlier name, kept when they are renamed.
KNOWN_AS = model.KNOWN_AS


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


def as_headers(history: pd.DataFrame) -> pd.DataFrame:
    """The reader's History frame with the sheet's own headers, as snapshot() makes them."""
    keys = {c.key: c.header for c in schema.HISTORY.columns}
    return history.rename(columns=keys)[list(keys.values())]


def _snapshots(network: Network) -> pd.DataFrame | None:
    """The History rows that belong to snapshots (not the known-as names)."""
    history = network.history
    if history is None or not len(history):
        return None
    return history[history["record"] != KNOWN_AS]


def of_session(network: Network, session_id: str) -> pd.DataFrame | None:
    """The snapshot taken at a session, if one was."""
    history = _snapshots(network)
    if history is None or not (history["session"] == session_id).any():
        return None
    return as_headers(history[history["session"] == session_id])


NOW_STALE = "Now stale:"


def for_minutes(network: Network, session: dict, today: dt.date) -> list[dict] | None:
    """The snapshot that recording a session's minutes takes: for the latest session held by `today` (it among
    them, once its day has come: recording its minutes says it was held) when it has none yet. None otherwise
    (an older session's record has moved on since: a snapshot now would be wrong; a later one is not held yet)."""
    if session["date"] > pd.Timestamp(today) or session["status"] == domain.SESSION_CANCELLED:
        return None
    held = network.sessions_held(on=today)
    latest = held.iloc[-1] if len(held) else None
    if latest is not None and (latest["date"], latest["row"]) > (session["date"], session["row"]):
        return None
    if of_session(network, session["id"]) is not None:
        return None
    return snapshot(network, session["id"], session["date"].date())


def renames(network: Network, as_of: dt.date) -> list[dict]:
    """Known-as rows (History) for the people and places whose name changed since the last snapshot: the
    earlier name, kept once, so that the record shows who they were known as."""
    last = latest_before(network, as_of + dt.timedelta(days=1))
    earlier = [] if last is None else [(b["ID"], b["Name"]) for b in rows(last[last["Record"].isin(
        ["Subject", "Context"])])]
    history = network.history
    kept = set() if history is None else {(rid, name.casefold()) for rid, name, record in zip(
        history["id"], history["name"], history["record"]) if record == KNOWN_AS and isinstance(name, str)}
    now = {r["id"]: r for frame in (network.subjects, network.contexts) for r in rows(frame)}
    out = []
    for rid, old in [*earlier, *picked_names(network)]:  # a pick "Kai Ndiaye (S03)" names S03 as it was too
        current = now.get(rid)
        if not isinstance(old, str) or current is None or not isinstance(current["name"], str):
            continue
        if old.casefold() != current["name"].casefold() and (rid, old.casefold()) not in kept:
            kept.add((rid, old.casefold()))
            out.append({"Session": None, "Taken on": as_of, "Record": KNOWN_AS, "ID": rid, "Name": old,
                        "Type": current["type"], "Status": "Renamed"})
    return out


def picked_names(network: Network) -> list[tuple[str, str]]:
    """(ID, name) for each link end picked from the list as "Name (ID)": the name that record had when picked."""
    out = []
    for end in ("from", "to"):
        for typed, rid in zip(network.links[end], network.links[f"{end}_id"]):
            name, picked = model.split_entry(typed) if isinstance(typed, str) else (None, None)
            if picked and picked == rid and name and not labels.is_pseudonym(name):
                out.append((rid, name.strip()))
    return out


def earlier_name_refs(network: Network) -> list[tuple[str, int, str, str]]:
    """(sheet, worksheet row, column, "Name (ID)") for each link end or incident place typed by a name the record
    no longer has, or picked from the list before a rename: the current pick-list entry written there keeps it
    pointing at them whatever they are called next, and reads as a name (a bare ID would not). What names them by
    ID, by their current name, a Known as or a first name is left as typed (the checks say so)."""
    now = {rid: name for frame in (network.subjects, network.contexts)
           for rid, name in zip(frame["id"], frame["name"]) if isinstance(name, str)}
    cells = [(schema.LINKS.name, r, header, r[header.lower()], r[f"{header.lower()}_id"])
             for r in rows(network.links) for header in ("From", "To")]
    cells += [(schema.INCIDENTS.name, r, "Where", r["where"], r["where_id"]) for r in rows(network.incidents)]
    out = []
    for sheet, record, header, typed, rid in cells:
        if isinstance(typed, str) and rid in now and _typed_before(network, typed, rid, now[rid]):
            out.append((sheet, int(record["row"]), header, model.entry(now[rid], rid)))
    return out


def _typed_before(network: Network, typed: str, rid: str, name: str) -> bool:
    """Whether `typed` names `rid` by what they were called before: an earlier name, or a pick of one."""
    picked, picked_id = model.split_entry(typed)
    if picked_id == rid:
        return model.fold(picked or "") != model.fold(name)
    return network.resolved_how(typed) == "earlier name"


def latest_before(network: Network, day: dt.date, session_id: str | None = None) -> pd.DataFrame | None:
    """The most recent snapshot taken before `day` (or, on that day, for another session), of a session not
    cancelled since (a cancelled session's snapshot is no record of a meeting)."""
    history = _snapshots(network)
    if history is None or not len(history):
        return None
    sessions = network.sessions
    cancelled = set(sessions.loc[sessions["status"] == domain.SESSION_CANCELLED, "id"])
    taken = history.dropna(subset=["taken_on"])
    taken = taken[~taken["session"].isin(cancelled)]
    earlier = taken[(taken["taken_on"] < pd.Timestamp(day))
                    | ((taken["taken_on"] == pd.Timestamp(day)) & (taken["session"] != session_id))]
    if not len(earlier):
        return None
    last = earlier.sort_values(["taken_on", "row"]).iloc[-1]["session"]
    return as_headers(earlier[earlier["session"] == last])


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
        out += _who_sentences(old, new, was & now, label)
        word = "Risk" if record == "Subject" else "Nature"
        out += [f"{word} changed: {label(i)}, {old[i]['Risk or nature'].lower()} to {new[i]['Risk or nature'].lower()}"
                for i in sorted(was & now) if isinstance(old[i]["Risk or nature"], str)
                and isinstance(new[i]["Risk or nature"], str) and old[i]["Risk or nature"] != new[i]["Risk or nature"]]

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
                out.append(f"{NOW_STALE} {ends(b)}, last seen {pd.Timestamp(b['Last seen']):%d/%m/%Y}")

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


def _who_sentences(old: dict, new: dict, both: set[str], label) -> list[str]:
    """ "Identified: MC, as an adult (was an unknown person)"; "Type changed: ..."; "Renamed: ..."."""
    out = []
    for i in sorted(both):
        was, now = old[i]["Type"], new[i]["Type"]
        if isinstance(was, str) and isinstance(now, str) and was != now:
            out.append(f"Identified: {label(i)}, as {type_words(now)} (was {type_words(was)})" if was == UNKNOWN
                       else f"Type changed: {label(i)}, now {type_words(now)} (was {type_words(was)})")
        if _renamed(old[i]["Name"], new[i]["Name"]) and was != UNKNOWN:
            out.append(f"Renamed: {label(i)}")
    return out


def _renamed(a, b) -> bool:
    """Whether the name `b` is another name than `a` (not only in case or spacing)."""
    def plain(name: str) -> str:
        return " ".join(name.split()).casefold()

    return isinstance(a, str) and isinstance(b, str) and plain(a) != plain(b)


@dataclass
class Difference:
    """What changed on the map between two snapshots, record by record (the change map draws it)."""

    added: list[str] = field(default_factory=list)  # people and places on the map now, not before
    removed: dict[str, dict] = field(default_factory=dict)  # on the map before, not now: {ID: its row then}
    changed: dict[str, str] = field(default_factory=dict)  # {ID: "Medium to High"}: risk or nature
    new_links: list[str] = field(default_factory=list)
    gone_links: dict[str, dict] = field(default_factory=dict)  # {ID: its row then}
    changed_links: dict[str, list[str]] = field(default_factory=dict)  # {ID: ["moderate to strong", ...]}
    retyped: dict[str, tuple[str, str]] = field(default_factory=dict)  # {ID: (type then, type now)}
    renamed: list[str] = field(default_factory=list)  # people and places whose name changed

    def __bool__(self) -> bool:
        return any((self.added, self.removed, self.changed, self.new_links, self.gone_links, self.changed_links,
                    self.retyped, self.renamed))

    def identified(self) -> list[str]:
        """The people recorded as unknown before and as an adult or young person now."""
        return [i for i, (was, now) in self.retyped.items() if was == UNKNOWN and now != UNKNOWN]


UNKNOWN = "Unknown"
#: A type of person, in a sentence: "identified as an adult".
TYPE_WORDS = {"Young person": "a young person", "Adult": "an adult", UNKNOWN: "an unknown person"}


def type_words(kind: str) -> str:
    return TYPE_WORDS.get(kind, kind.lower() if isinstance(kind, str) else "not known")


def who_changed(diff: Difference) -> dict[str, str]:
    """{ID: what changed about them, in words}: "identified as an adult (was an unknown person)", "now a young
    person (was an adult)", "renamed"; a rename and a change of type said together."""
    out = {}
    for i, (was, now) in diff.retyped.items():
        out[i] = (f"identified as {type_words(now)} (was {type_words(was)})" if i in diff.identified()
                  else f"now {type_words(now)} (was {type_words(was)})")
    for i in diff.renamed:  # an identified person has a name now: that is the identification, not a rename
        out[i] = out[i] if i in diff.identified() else f"renamed and {out[i]}" if i in out else "renamed"
    return out


#: What a link's change is called, for each History column compared.
_LINK_FIELDS = (("Strength", "{} to {}"), ("Risk or nature", "{} to {}"), ("Relationship", "{} to {}"))


def _on_map(frame: pd.DataFrame, records: tuple[str, ...]) -> dict[str, dict]:
    part = frame[frame["Record"].isin(records)]
    return {r["ID"]: r for r in part.to_dict("records") if r["Status"] != domain.REMOVED}


def _links_on_map(frame: pd.DataFrame, present: set[str]) -> dict[str, dict]:
    """Links drawn on a map: not Historic or Removed, both ends on it."""
    part = frame[frame["Record"] == "Link"]
    return {r["ID"]: r for r in part.to_dict("records")
            if domain.link_on_map(r["Status"]) and {r["From"], r["To"]} <= present}


def _link_changes(a: dict, b: dict) -> list[str]:
    out = []
    for header, words in _LINK_FIELDS:
        was, now = a.get(header), b.get(header)
        if isinstance(was, str) and isinstance(now, str) and was.casefold() != now.casefold():
            out.append(words.format(was.lower(), now.lower()))
    if (a["From"], a["To"]) != (b["From"], b["To"]):
        out.append("turned round" if (a["From"], a["To"]) == (b["To"], b["From"]) else "ends changed")
    return out


def difference(before: pd.DataFrame, after: pd.DataFrame) -> Difference:
    """Who and which links are on the map in `after` and not `before`, the reverse, and what changed."""
    was, now = _on_map(before, ("Subject", "Context")), _on_map(after, ("Subject", "Context"))
    out = Difference(added=sorted(set(now) - set(was)), removed={i: was[i] for i in sorted(set(was) - set(now))})
    for i in sorted(set(was) & set(now)):
        a, b = was[i]["Risk or nature"], now[i]["Risk or nature"]
        if isinstance(a, str) and isinstance(b, str) and a != b:
            out.changed[i] = f"{a} to {b}"
    for i in sorted(set(was) & set(now)):
        a, b = was[i], now[i]
        if isinstance(a["Type"], str) and isinstance(b["Type"], str) and a["Type"] != b["Type"]:
            out.retyped[i] = (a["Type"], b["Type"])
        if _renamed(a["Name"], b["Name"]):
            out.renamed.append(i)
    old, new = _links_on_map(before, set(was)), _links_on_map(after, set(now))
    out.new_links = sorted(set(new) - set(old))
    out.gone_links = {i: old[i] for i in sorted(set(old) - set(new))}
    for i in sorted(set(old) & set(new)):
        if _link_changes(old[i], new[i]):
            out.changed_links[i] = _link_changes(old[i], new[i])
    return out


def positions(snapshot: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Where the map drew each person and place when the snapshot was taken (map units)."""
    part = snapshot[snapshot["Record"].isin(["Subject", "Context"])].dropna(subset=["X", "Y"])
    return {i: (float(x), float(y)) for i, x, y in zip(part["ID"], part["X"], part["Y"])}


def describe(snapshot: pd.DataFrame) -> str:
    """ "session M02 on 16/09/2026": which snapshot, in words."""
    taken = snapshot["Taken on"].dropna()
    session = snapshot["Session"].dropna()
    name = f"session {session.iloc[0]}" if len(session) else "the last snapshot"
    return name + (f" on {pd.Timestamp(taken.iloc[0]):%d/%m/%Y}" if len(taken) else "")


def changes_for(network: Network, session: dict, anonymise: bool = False) -> list[str] | None:
    """What changed between the snapshot before `session` and the session's own snapshot (or the network as
    it is, when the session has none); None if there is no earlier snapshot."""
    day = session["date"].date()
    before = latest_before(network, day, session["id"])
    if before is None:
        return None
    after = of_session(network, session["id"])
    if after is None:
        after = as_frame(snapshot(network, session["id"], day))
    return compare(before, after, day, network.settings.stale_after_days,
                   labels.labeller(network, anonymise))


def next_session_id(network: Network) -> str:
    used = [int(i[1:]) for i in network.sessions["id"] if isinstance(i, str) and i[:1] == "M" and i[1:].isdigit()]
    return f"M{max(used, default=0) + 1:02d}"

