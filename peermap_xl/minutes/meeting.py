"""One meeting as the minutes see it: the session, the network as it was then, and what may be shown."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import cached_property
from pathlib import Path

import pandas as pd

from peermap_xl.book.safe import name_part
from peermap_xl.contract import domain, schema
from peermap_xl.contract.errors import PeermapError
from peermap_xl.record import labels, model
from peermap_xl.record.model import Network, rows


def pick_session(network: Network, session_id: str | None, upcoming: bool = False) -> dict:
    """The session asked for. By default the latest held by today (the earliest booked when none is held yet:
    its minutes are a draft); with `upcoming` (a subject list) the soonest not yet held, else the latest. A
    cancelled session has no minutes and no invitees, nor one whose Status cannot be read."""
    sessions = network.sessions.dropna(subset=["date"]).sort_values(["date", "row"])
    if session_id:
        chosen = rows(sessions[sessions["id"] == model.normalise_id(session_id)])
        if not chosen:
            raise PeermapError(f"There is no session {session_id} with a date on the Sessions sheet.")
        return _usable(chosen[0])
    if not len(sessions):
        raise PeermapError("There are no sessions with a date on the Sessions sheet yet. Record the meeting "
                           "there (date and type) first.")
    booked = rows(sessions[sessions["status"] != domain.SESSION_CANCELLED])
    if not booked:
        raise PeermapError("Every session on the Sessions sheet is marked Cancelled. Add the next one (its date, "
                           "type and Status Booked), then try again.")
    held = {s["id"] for s in rows(network.sessions_held())}
    ahead = [s for s in booked if s["id"] not in held and s["date"] >= pd.Timestamp(domain.today())]
    if upcoming:  # with none ahead, the latest (its Subject list sent is kept: invite_plan)
        return _usable(ahead[0] if ahead else booked[-1])
    return _usable(next((s for s in reversed(booked) if s["id"] in held), booked[0]))


def _usable(session: dict) -> dict:
    """The session, unless its Status says it did not (or cannot be read to) take place."""
    status = session["status"]
    if status == domain.SESSION_CANCELLED:
        raise PeermapError(f"Session {session['id']} is marked Cancelled on the Sessions sheet. If it took place "
                           "(or will), set its Status to Held (or Booked), then try again.")
    if not (domain.blank(status) or status in (domain.SESSION_BOOKED, domain.SESSION_HELD)):
        raise PeermapError(f"The Status of session {session['id']} on the Sessions sheet is not Booked, Held or "
                           "Cancelled: pick one from its list, then try again.")
    return session


def as_the_session_saw_it(network: Network, session: dict) -> Network:
    """The network with only the sessions held up to `session` and it, marked Held: what came after it (a
    session booked or held since) was not there then, and every part of its minutes (the text, the map's
    header, the agenda) reads one next review, as this session left it."""
    frames = dict(network.frames)
    then = network.sessions_held(session["id"]).copy()
    then.loc[then["id"] == session["id"], "status"] = domain.SESSION_HELD
    frames[schema.SESSIONS.name] = then
    return dataclasses.replace(network, frames=frames)


def title(network: Network, anonymise: bool) -> str:
    view = labels.View(network, anonymise)
    risks = view.text(network.settings["key_contextual_risks"], withheld="anonymised") or "key risks not recorded"
    return f"Peer Mapping Minutes Peer Network \u2013 {risks}"


def file_name(network: Network, session_date: dt.date, anonymise: bool, session_id: str | None = None) -> str:
    """ "Peer Mapping Minutes Peer Network - County line to Plymouth - 2026-09-16.docx" (DESIGN.md); with the
    session's ID after the date when another session (not cancelled) is on the same day, so that each keeps
    its own file."""
    view = labels.View(network, anonymise)
    risks = view.text(network.settings["key_contextual_risks"], withheld="anonymised") or "network"
    safe = name_part(risks)  # no characters Windows forbids, and short enough for any folder
    also = _same_day(network, session_date, session_id)
    return f"Peer Mapping Minutes Peer Network - {safe} - {session_date:%Y-%m-%d}{also}.docx"


def _same_day(network: Network, day: dt.date, session_id: str | None) -> str:
    sessions = network.sessions.dropna(subset=["date"])
    that_day = sessions[(sessions["date"].dt.date == day) & (sessions["status"] != domain.SESSION_CANCELLED)]
    return f" ({session_id})" if session_id and len(that_day) > 1 else ""


def date_text(value) -> str:
    return f"{value:%d/%m/%Y}" if value is not None and pd.notna(value) else ""


class Meeting:
    """What every section of the minutes reads: the session, the network as it was, one redacting view."""

    def __init__(self, network: Network, session_id: str | None = None, anonymise: bool = False,
                 map_picture: Path | None = None, errors: list | None = None):
        self.session = pick_session(network, session_id)
        self.day = self.session["date"].date()
        self.today = pd.Timestamp(self.day)
        self.snapshot = _snapshot_of(network, self.session)
        #: Without a snapshot, what the record dates after the session ({what: how many}), left out of it.
        self.rebuilt = later_than(network, self.day) if self.snapshot is None else {}
        if self._earlier(network):
            network = _as_it_was(network, self.snapshot, self.day)
        elif self.rebuilt:
            network = as_recorded_by(network, self.day)
        self.network = as_the_session_saw_it(network, self.session)
        self.view = labels.View(self.network, anonymise)
        self.anonymise = anonymise
        self.map_picture = map_picture
        self.errors = errors or []
        self._findings: dict = {}

    def _earlier(self, network: Network) -> bool:
        """A session whose snapshot says how the network was then, and the record has moved on since: an
        earlier session than the latest held, or the latest held written again on a later day (minutes written
        again never take in what was recorded after the meeting)."""
        if self.snapshot is None:
            return False
        return self.session["id"] != pick_session(network, None)["id"] or self.day < domain.today()

    @property
    def label(self):
        return self.view.label

    @cached_property
    def findings(self) -> list:
        """Every rule's findings on the network as it was, worded for these minutes."""
        from peermap_xl import checks

        return checks.run_checks(self.network, self.day, self.anonymise)

    def findings_of(self, rules: tuple[str, ...]) -> list:
        """The findings of the rules `rules` (slugs): from every rule's findings when they were worked out
        already, else only these rules are run (all 41 took most of the time of a large network's minutes)."""
        from peermap_xl import checks

        if "findings" in self.__dict__:
            return [f for f in self.findings if f.rule in rules]
        if rules not in self._findings:
            self._findings[rules] = checks.run_checks(self.network, self.day, self.anonymise, only=rules)
        return self._findings[rules]

    @cached_property
    def earlier_sessions(self) -> int:
        sessions = self.network.sessions.dropna(subset=["date"])
        return int((sessions["date"] < self.today).sum())

    @cached_property
    def changes(self) -> list[str] | None:
        """What changed since the snapshot before this session; None when there is none to compare with."""
        from peermap_xl.record import history

        before = history.latest_before(self.network, self.day, self.session["id"])
        if before is None:
            return None
        after = self.snapshot if self.snapshot is not None else history.as_frame(
            history.snapshot(self.network, self.session["id"], self.day))
        changes = history.compare(before, after, self.day, self.network.settings.stale_after_days, self.label)
        if self.session["type"] == "Closure":  # nothing is followed up once closed: staleness is no change
            changes = [c for c in changes if not c.startswith(history.NOW_STALE)]
        return changes

    def refs(self, references) -> str:
        """ "S02; C01" -> "Unknown adult male, 123 City Road" (labels; a link's ID as it is)."""
        out = []
        for ref in references:
            ids = self.network.resolve(ref)
            if len(ids) == 1:
                out.append(self.label(ids[0]))
            else:
                out.append(self._link(ref) or self.view.text(ref, withheld="?"))
        return ", ".join(out)

    def _link(self, ref) -> str | None:
        """ "L13 (MR – KO)" for a link's ID; None when `ref` is not one."""
        links = self.network.links
        found = rows(links[links["id"] == model.normalise_id(model.clean_text(ref))])
        if not found:
            return None
        ends = [self.label(found[0][k]) if isinstance(found[0][k], str) else "?" for k in ("from_id", "to_id")]
        return f"{found[0]['id']} ({ends[0]} \u2013 {ends[1]})"


def _snapshot_of(network: Network, session: dict) -> pd.DataFrame | None:
    """The History rows taken at `session`, with the sheet's own headers; None when none was taken."""
    from peermap_xl.record import history

    taken = network.history
    if taken is None or not len(taken) or session["id"] not in set(taken["session"]):
        return None
    return history.as_headers(taken[taken["session"] == session["id"]])


def _as_it_was(network: Network, snapshot: pd.DataFrame, day: dt.date) -> Network:
    """The network as its snapshot recorded it: who and what was on it, with the status, risk and nature
    of then. What a snapshot does not keep (concerns, notes) is as recorded now."""
    frames = dict(network.frames)
    for sheet, record, columns in (("Subjects", "Subject", {"Status": "status", "Risk or nature": "risk_level"}),
                                   ("Contexts", "Context", {"Status": "status", "Risk or nature": "nature"}),
                                   ("Links", "Link", {"Status": "status", "Risk or nature": "nature",
                                                      "Relationship": "relationship", "Strength": "strength",
                                                      "Last seen": "last_seen"}),
                                   ("Actions", "Action", {"Status": "status", "Due": "due"})):
        frames[sheet] = _restored(frames[sheet], snapshot[snapshot["Record"] == record], columns)
    gaps = frames["Gaps"]
    frames["Gaps"] = gaps[gaps["raised_on"].isna() | (gaps["raised_on"] <= pd.Timestamp(day))]
    return dataclasses.replace(network, frames=frames)


#: What the record dates, and so can be left out of a session held before: {what: (sheet, date column)}.
DATED = {"questions": ("Gaps", "raised_on"), "actions": ("Actions", "set_on"), "links": ("Links", "first_recorded"),
         "incidents": ("Incidents", "date"), "direct work": ("Direct work", "date")}
#: The people and places whose status (Removed) the record dates: put back when removed after the session.
STATUS_DATED = ("Subjects", "Contexts")


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    """A date column as dates (anything else typed there as no date)."""
    return pd.to_datetime(frame[column], errors="coerce") if column in frame else pd.Series(pd.NaT, frame.index)


def _after(frame: pd.DataFrame, column: str, day: dt.date) -> pd.Series:
    return _dates(frame, column) > pd.Timestamp(day)


def _removed_after(frame: pd.DataFrame, day: dt.date) -> pd.Series:
    return (frame["status"] == domain.REMOVED) & _after(frame, "status_date", day)


def later_than(network: Network, day: dt.date) -> dict[str, int]:
    """{what: how many} the record dates after `day`: added (questions, actions, links, incidents, direct work)
    or removed from the network (people and places, by their Status date). Empty when nothing is."""
    out = {what: int(_after(network.frames[sheet], column, day).sum()) for what, (sheet, column) in DATED.items()
           if sheet in network.frames}
    out["removals"] = sum(int(_removed_after(network.frames[s], day).sum()) for s in STATUS_DATED)
    out["sessions"] = int(_after(network.sessions_held(), "date", day).sum())  # the record moved on since
    return {what: n for what, n in out.items() if n}


def as_recorded_by(network: Network, day: dt.date) -> Network:
    """The network as today's record says it was on `day`, where it says when: what it dates later left out,
    people and places removed later put back. Statuses and risk levels are as recorded now."""
    frames = dict(network.frames)
    for sheet, column in DATED.values():
        if sheet in frames:
            frames[sheet] = frames[sheet][~_after(frames[sheet], column, day)]
    for sheet in STATUS_DATED:
        frame = frames[sheet].copy()
        frame.loc[_removed_after(frame, day), "status"] = None
        frames[sheet] = frame
    return dataclasses.replace(network, frames=frames)


#: How one of each is said.
ONE = {"questions": "question", "actions": "action", "links": "link", "incidents": "incident",
       "direct work": "direct work answer", "removals": "person or place removed since",
       "sessions": "session held since"}
MANY = {"direct work": "direct work answers", "removals": "people or places removed since",
        "sessions": "sessions held since"}
#: What `later_than` counts that is not left out of the rebuilt network.
_NOT_LEFT_OUT = ("removals", "sessions")


def _count(what: str, n: int) -> str:
    return f"{n} {ONE[what] if n == 1 else MANY.get(what, what)}"


def rebuilt_text(later: dict[str, int], day: dt.date, anonymise: bool = False) -> str:
    """The statement at the top of minutes rebuilt without a snapshot."""
    left = ", ".join(_count(what, n) for what, n in later.items() if what not in _NOT_LEFT_OUT)
    back = _count("removals", later["removals"]) if "removals" in later else ""
    since = _count("sessions", later["sessions"]) if "sessions" in later else ""
    said = "; ".join(p for p in (f"left out, dated after the session: {left}" if left else "",
                                 f"put back: {back}" if back else "", since) if p)
    return (f"No snapshot was kept at this session: the network below is rebuilt from the workbook as it is now, "
            f"as it stood on {day:%d/%m/%Y} where the record says when ({said}). Statuses, risk levels and "
            "anything without a date are as recorded now: check them against the session's notes before "
            + ("it is shared." if anonymise else "upload."))


def _restored(frame: pd.DataFrame, then: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    kept = frame[frame["id"].isin(set(then["ID"]))].copy()
    if then.empty:  # none of these kept (pandas cannot map through an empty column of dates)
        return kept
    by_id = then.drop_duplicates("ID").set_index("ID")
    for header, key in columns.items():
        values = kept["id"].map(by_id[header])
        if kept[key].dtype.kind == "M":
            values = pd.to_datetime(values)
        kept[key] = values.where(values.notna(), None) if kept[key].dtype == object else values
    return kept
