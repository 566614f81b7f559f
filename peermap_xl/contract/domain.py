"""The domain's words, defined once: stale, open, closed, off the map, weak grounds, next review.

Checks, the map, the minutes, history, the worksheet functions and the template's
highlighting all ask these questions; none of them works the answer out again.
Functions here look at one record (a row of a frame as a dict, or plain values);
`model.Network` answers the same questions over its frames.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

import pandas as pd

from peermap_xl.contract.errors import PeermapError

# --- the clock ------------------------------------------------------------------------------
TODAY_VARIABLE = "PEERMAP_TODAY"  # a day (YYYY-MM-DD) to act on instead of the calendar's, for a reproducible run


def today() -> dt.date:
    """The day a button, command or worksheet function acts on when it is given no date.

    The one place peermap asks the calendar (a test keeps it so): every default `--as-of` and `--date`,
    both doors and the worksheet functions call this. Setting PEERMAP_TODAY=YYYY-MM-DD fixes it, as the
    tests do, so a result that depends on the day can be reproduced on any later day.
    """
    fixed = os.environ.get(TODAY_VARIABLE, "").strip()
    if not fixed:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(fixed)
    except ValueError:
        raise PeermapError(f"{TODAY_VARIABLE} is not a date as YYYY-MM-DD: unset it to use today's date") from None


# --- statuses -------------------------------------------------------------------------------
REMOVED = "Removed"  # a subject or context taken off the network (kept on record)
LINK_OFF_MAP = ("Historic", "Removed")  # link statuses that take a link off the map
ACTION_CLOSED = ("Done", "Cancelled")  # any other action status (or none) is open
QUESTION_OPEN = "Open"  # a question with this status, or none, is open
#: A question peermap proposed, until the meeting agrees it (Open) or dismisses it; one peermap took back.
QUESTION_SUGGESTED, QUESTION_DISMISSED, QUESTION_WITHDRAWN = "Suggested", "Dismissed", "Withdrawn"
NETWORK_CLOSED = "Closed"
#: A session's Status: booked ahead, held, or called off. Left blank (as in every workbook made before the
#: column), a session counts as held once its day has come, as it always did.
SESSION_BOOKED, SESSION_HELD, SESSION_CANCELLED = "Booked", "Held", "Cancelled"

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


def session_counts_as_held(status, day, on) -> bool:
    """Whether a session counts as held on the day `on`: dated on or before it and marked Held or nothing; one
    marked Booked only on its own day (the meeting is taking place), until its Status says Held (writing its
    minutes or recording it does that). The one rule every banner, count, snapshot, review date and deadline
    follows."""
    if blank(day) or not (blank(status) or status in (SESSION_BOOKED, SESSION_HELD)):
        return False  # Cancelled, or a Status peermap cannot read ("Canceled": the checks say so) is not held
    day, on = pd.Timestamp(day).normalize(), pd.Timestamp(on).normalize()
    return day == on if status == SESSION_BOOKED else day <= on


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


_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\s*$")


def month_first(text) -> str | None:
    """ "23/09/2026" for a date typed month first ("09/23/2026"): one that is no date read day first and is one
    read month first; None for anything else."""
    found = _NUMERIC_DATE.match(text) if isinstance(text, str) else None
    if not found:
        return None
    first, second, year = (int(g) for g in found.groups())
    year += 2000 if year < 100 else 0
    try:
        dt.date(year, first, second)
    except ValueError:
        return None
    return f"{second:02d}/{first:02d}/{year}" if second > 12 else None
