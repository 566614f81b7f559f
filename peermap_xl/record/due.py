"""What is due next in the meeting cycle: every deadline with its date, days left and owner.

The guidance's cycle: the first internal session within 14 days of the concern, the
multi-agency session within 14 days of that, the subject list out 7 days before each
session, minutes uploaded within 14 days of it, the next review (agreed, or every few
months) and a review after a significant incident; and, between sessions, the actions
and questions by their due dates. `deadlines` lists them overdue first, then soonest, then the open
actions and questions with no due date. A session already held (dated before today, or recorded: its
summary, decisions, minutes upload or snapshot filled in) has no steps before it left, only its minutes.
Used by `peermap due`, the Due next block on Start here and the subject-list check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from peermap_xl.contract import domain, schema
from peermap_xl.record.model import Network, rows

FIRST_SESSION_DAYS = 14
MULTI_AGENCY_DAYS = 14
LIST_NOTICE_DAYS = 7
MINUTES_DAYS = 14
HEADERS = ("Due", "Days left", "What", "Who")
#: Where Check writes the Due next block on Start here: (row, column), 1-based, beside the text, below
#: the buttons; the block is cleared and rewritten over this many rows each time.
SHEET_CELL = (14, 5)
SHEET_ROWS = 60


NO_DATE = "no due date"


@dataclass(frozen=True)
class Deadline:
    due: dt.date | None  # None: an open action or question nobody has dated yet
    what: str
    owner: str
    sheet: str  # where the row it comes from lives
    row: int | None = None
    id: str | None = None

    def days_left(self, today: dt.date) -> int | None:
        return None if self.due is None else (self.due - today).days

    def overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today

    def when(self, today: dt.date) -> str:
        """ "overdue by 3 days", "today", "in 1 day", "no due date"."""
        days = self.days_left(today)
        if days is None:
            return NO_DATE
        if days < 0:
            return f"OVERDUE by {_days(-days)}"
        return "today" if days == 0 else f"in {_days(days)}"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _date(value) -> dt.date:
    return pd.Timestamp(value).date()


def _text(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _lead(network: Network) -> str:
    return _text(network.settings.get("lead_practitioner")) or "the lead practitioner (Network sheet)"


def _recorder(network: Network) -> str:
    return _text(network.settings.get("recorder")) or "the recorder (Network sheet)"


def subject_list_due(session_date, concern=None) -> dt.date:
    """The day the subject list for a session must go out by: a week before it, and never before the concern
    was identified (`concern`, the Network's Date concern identified: a first session held within the week
    has its list due that day, not earlier)."""
    by = _date(session_date) - dt.timedelta(days=LIST_NOTICE_DAYS)
    return max(by, _date(concern)) if not domain.blank(concern) else by


#: Filled in only once a session has taken place: any of them means the session is held.
_HELD_SIGNS = ("summary", "decisions", "minutes_uploaded")


def _recorded(network: Network) -> set[str]:
    """Sessions recorded as held: with a summary, decisions, minutes uploaded, or a snapshot on History."""
    held = {s["id"] for s in rows(network.sessions) if any(not domain.blank(s[k]) for k in _HELD_SIGNS)}
    history = network.history
    if history is not None and len(history):
        held |= {i for i in history["session"] if isinstance(i, str)}
    return held


def _dated_sessions(network: Network, today: dt.date) -> list[tuple[dict, bool]]:
    """(session, held) for each dated session not cancelled, earliest first: held when its Status says Held;
    with no Status, when dated before today or recorded (on its day it is still to hold until it is). A session
    marked Booked is not held, whatever its date, until its Status says so."""
    sessions = network.sessions.dropna(subset=["date"]).sort_values(["date", "row"])
    sessions = sessions[sessions["status"] != domain.SESSION_CANCELLED]
    recorded = _recorded(network)
    return [(s, s["status"] == domain.SESSION_HELD or domain.blank(s["status"]) and (
        s["date"] < pd.Timestamp(today) or s["id"] in recorded)) for s in rows(sessions)]


def upcoming_sessions(network: Network, today: dt.date) -> list[dict]:
    """Dated sessions today or later not yet held, soonest first."""
    return [s for s, held in _dated_sessions(network, today) if not held and s["date"] >= pd.Timestamp(today)]


def held_sessions(network: Network, today: dt.date) -> list[dict]:
    """Sessions held by today (dated before it, or recorded), earliest first."""
    return [s for s, held in _dated_sessions(network, today) if held]


def _session_name(session: dict) -> str:
    kind = _text(session["type"])
    return f"session {session['id']}" + (f" ({kind.lower()})" if kind else "")


def _booked(network: Network, today: dt.date) -> list[Deadline]:
    return [Deadline(_date(s["date"]), f"Hold {_session_name(s)}", _lead(network), schema.SESSIONS.name,
                     s["row"], s["id"]) for s in upcoming_sessions(network, today)]


def _unconfirmed(network: Network, today: dt.date) -> list[Deadline]:
    """Each session still marked Booked once its day has passed: say whether it was held."""
    return [Deadline(_date(s["date"]), f"Say whether {_session_name(s)}, booked for {_date(s['date']):%d/%m/%Y}, "
                     "was held: set its Status on Sessions to Held (and write its minutes) or Cancelled",
                     _recorder(network), schema.SESSIONS.name, s["row"], s["id"])
            for s, held in _dated_sessions(network, today) if not held and s["date"] < pd.Timestamp(today)]


def _first_sessions(network: Network, today: dt.date) -> list[Deadline]:
    """The first internal and multi-agency sessions, while they are not yet held or booked."""
    sessions = network.sessions.dropna(subset=["date"]).sort_values(["date", "row"])
    sessions = sessions[sessions["status"] != domain.SESSION_CANCELLED]
    internal = sessions[sessions["type"] == "Internal mapping"]
    concern = network.settings.get("date_concern_identified")
    if not len(internal):
        if concern is None:
            return []
        return [Deadline(_date(concern) + dt.timedelta(days=FIRST_SESSION_DAYS),
                         "Hold the first internal mapping session (14 days from the concern)", _lead(network),
                         schema.NETWORK, network.setting_rows.get("date_concern_identified"))]
    if (sessions["type"] == "Multi-agency mapping").any():
        return []
    first = internal.iloc[0]
    return [Deadline(_date(first["date"]) + dt.timedelta(days=MULTI_AGENCY_DAYS),
                     "Hold the first multi-agency mapping session (14 days from the first internal one)",
                     _lead(network), schema.SESSIONS.name, first["row"], first["id"])]


def _subject_lists(network: Network, today: dt.date) -> list[Deadline]:
    concern = network.settings.get("date_concern_identified")
    return [Deadline(subject_list_due(s["date"], concern), f"Send the subject list for {_session_name(s)} on "
                     f"{_date(s['date']):%d/%m/%Y} (peermap invite)", _lead(network), schema.SESSIONS.name,
                     s["row"], s["id"])
            for s in upcoming_sessions(network, today) if domain.blank(s["subject_list_sent"])]


def _minutes(network: Network, today: dt.date) -> list[Deadline]:
    return [Deadline(_date(s["date"]) + dt.timedelta(days=MINUTES_DAYS),
                     f"Upload the minutes of {_session_name(s)} on {_date(s['date']):%d/%m/%Y} to the case system",
                     _recorder(network), schema.SESSIONS.name, s["row"], s["id"])
            for s in held_sessions(network, today) if domain.blank(s["minutes_uploaded"])]


def _incident_reviews(network: Network, today: dt.date) -> list[Deadline]:
    """A review after each significant incident since the last session, while none is booked."""
    held = held_sessions(network, today)
    if not held or upcoming_sessions(network, today):
        return []
    last = held[-1]["date"]
    incidents = network.incidents.dropna(subset=["date"])
    since = incidents[(incidents["significant"] == "Yes") & (incidents["date"] > last)
                      & (incidents["date"] <= pd.Timestamp(today))]
    return [Deadline(_date(i["date"]), f"Review the map after significant incident {i['id']} on "
                     f"{_date(i['date']):%d/%m/%Y} (book a review on Sessions)", _lead(network),
                     schema.INCIDENTS.name, i["row"], i["id"]) for i in rows(since)]


def _next_review(network: Network, today: dt.date) -> list[Deadline]:
    """The next review (agreed at the last session, or counted from it), unless a later session is booked."""
    review = network.next_review(on=today)
    if review is None or upcoming_sessions(network, today):
        return []
    sessions = network.sessions.set_index("id")
    row = sessions.loc[review.session_id, "row"] if review.session_id in sessions.index else None
    why = review.reason()
    return [Deadline(review.due, f"Hold the next review ({why})", _lead(network), schema.SESSIONS.name,
                     row, review.session_id)]


NO_OWNER = "no owner"


def _dated(value) -> dt.date | None:
    return None if domain.blank(value) else _date(value)


def _actions(network: Network) -> list[Deadline]:
    """Every open action: by its due date, or with NO_DATE; with its owner, or NO_OWNER."""
    return [Deadline(_dated(a["due"]), f"Action {a['id']}: {_text(a['action']) or _text(a['type']) or 'an action'}",
                     _text(a["owner"]) or NO_OWNER, schema.ACTIONS.name, a["row"], a["id"])
            for a in rows(network.open_actions)]


def _questions(network: Network) -> list[Deadline]:
    """Every open question: by its due date, or with NO_DATE; with who is finding out, or NO_OWNER."""
    return [Deadline(_dated(g["due"]), f"Question {g['id']}: {_text(g['question']) or 'a question'}",
                     _text(g["assigned_to"]) or NO_OWNER, schema.GAPS.name, g["row"], g["id"])
            for g in rows(network.open_questions)]


def deadlines(network: Network, today: dt.date) -> list[Deadline]:
    """Every deadline of the cycle as of `today`: overdue first (oldest first), then the soonest, then the open
    actions and questions with no due date."""
    found = _minutes(network, today)
    if not network.settings.closed:
        found += _booked(network, today) + _unconfirmed(network, today) + _subject_lists(network, today)
        found += _first_sessions(network, today)
        found += _incident_reviews(network, today) + _next_review(network, today)
        found += _actions(network) + _questions(network)
    return sorted(found, key=lambda d: (d.due is None, not d.overdue(today), d.due or today, d.sheet, d.row or 0))


def report(network: Network, today: dt.date) -> list[str]:
    """The deadlines as lines of text for the terminal."""
    found = deadlines(network, today)
    name = network.settings.get("network_name") or "the network"
    lines = [f"Due next for {name} as of {today:%d/%m/%Y}"]
    if not found:
        return lines + ["  Nothing is due: no sessions booked, no open actions or questions."]
    for d in found:
        lines.append(f"  {_day(d.due):<10}  {d.when(today):<20} {d.what}  [{d.owner}]")
    overdue = sum(d.overdue(today) for d in found)
    undated = sum(d.due is None for d in found)
    lines += ["", f"{len(found)} deadlines, {overdue} overdue" + (f", {undated} with no due date (set one)."
                                                                   if undated else ".")]
    return lines


def _day(due: dt.date | None) -> str:
    return f"{due:%d/%m/%Y}" if due else "-"


def sheet_rows(network: Network, today: dt.date) -> list[list]:
    """The Due next block for Start here: a title, the headers, one row per deadline, padded with blank
    rows to SHEET_ROWS so that writing it replaces the last one."""
    found = deadlines(network, today)
    room = SHEET_ROWS - 3
    out: list[list] = [[f"Due next as of {today:%d/%m/%Y} (written by Check)", None, None, None], list(HEADERS)]
    out += [[d.due, d.when(today), d.what, d.owner] for d in found[:room]]
    if len(found) > room:
        out.append([None, None, f"... and {len(found) - room} more: run peermap due for them all.", None])
    if not found:
        out.append([None, None, "Nothing is due.", None])
    return out + [[None] * len(HEADERS)] * (SHEET_ROWS - len(out))
