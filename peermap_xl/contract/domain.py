"""The domain's words, defined once: stale, open, closed, off the map, weak grounds, next review.

Checks, the map, the minutes, history, the worksheet functions and the template's
highlighting all ask these questions; none of them works the answer out again.
Functions here look at one record (a row of a frame as a dict, or plain values);
`model.Network` answers the same questions over its frames.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

# --- statuses -------------------------------------------------------------------------------
REMOVED = "Removed"  # a subject or context taken off the network (kept on record)
LINK_OFF_MAP = ("Historic", "Removed")  # link statuses that take a link off the map
ACTION_CLOSED = ("Done", "Cancelled")  # any other action status (or none) is open
QUESTION_OPEN = "Open"  # a question with this status, or none, is open
NETWORK_CLOSED = "Closed"

# --- the 3x5x2 grades that make a link's grounds weak ----------------------------------------
ANECDOTAL = "Anecdotal"
WEAK_INFORMATION = ("C Known indirectly", "D Not known", "E Suspected false")
UNRELIABLE_SOURCE = "3 Not reliable"


def blank(value) -> bool:
    """An empty cell: None, NaN/NaT, "" or an empty list of choices."""
    if isinstance(value, tuple):
        return not value
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""


def last_seen(link) -> pd.Timestamp | None:
    """When a link was last known to hold: Last seen, or First recorded when Last seen is empty."""
    for column in ("last_seen", "first_recorded"):
        if not blank(link[column]):
            return pd.Timestamp(link[column])
    return None


def is_stale(seen, as_of, stale_after_days: int) -> bool:
    """A link is stale when it was last seen MORE than `stale_after_days` days before `as_of`."""
    if blank(seen):
        return False
    return (pd.Timestamp(as_of).normalize() - pd.Timestamp(seen).normalize()).days > stale_after_days


def link_is_stale(link, as_of, stale_after_days: int) -> bool:
    return is_stale(last_seen(link), as_of, stale_after_days)


def weak_grounds(link) -> list[str]:
    """Why a link's grounds are weak, in words ("is anecdotal", "is graded D (not known)"); [] if sound."""
    grounds = []
    if link["evidence"] == ANECDOTAL:
        grounds.append("is anecdotal")
    if link["information_grade"] in WEAK_INFORMATION:
        grounds.append(f"is graded {link['information_grade'][0]} ({link['information_grade'][2:].lower()})")
    if link["source_grade"] == UNRELIABLE_SOURCE:
        grounds.append("comes from a source graded 3 (not reliable)")
    return grounds


def link_on_map(status) -> bool:
    return status not in LINK_OFF_MAP


def action_is_open(status) -> bool:
    return status not in ACTION_CLOSED


def question_is_open(status) -> bool:
    return blank(status) or status == QUESTION_OPEN


def review_after(day, months: int) -> dt.date:
    """The review date `months` after a session on `day`."""
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


@dataclass(frozen=True)
class NextReview:
    """When the next review is due, and why: agreed at a session, or counted from it."""

    due: dt.date
    session_id: str | None
    session_date: dt.date
    agreed: bool  # True: the session's Next review; False: its date plus Review every (months)
    months: int  # the Network's Review every (months)

    def reason(self) -> str:
        if self.agreed:
            return f"agreed at session {self.session_id} on {self.session_date:%d/%m/%Y}"
        return f"{self.months} months after the session on {self.session_date:%d/%m/%Y}"
