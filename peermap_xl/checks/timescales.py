"""Timescales from the guidance (warnings): sessions, subject lists, minutes, reviews."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from peermap_xl.checks.core import INFO, WARNING, Context, Hit, blank, date_text, days_text, rows, rule
from peermap_xl.contract import domain, schema
from peermap_xl.record.due import FIRST_SESSION_DAYS, LIST_NOTICE_DAYS, MINUTES_DAYS, MULTI_AGENCY_DAYS  # noqa: F401

SESSIONS, NETWORK = schema.SESSIONS.name, schema.NETWORK


def _sessions(ctx, kind: str | None = None) -> pd.DataFrame:
    """The dated sessions not cancelled (booked ones too: a booked first session answers the 14 days)."""
    sessions = ctx.network.sessions.dropna(subset=["date"])
    sessions = sessions[sessions["status"] != domain.SESSION_CANCELLED]
    if kind:
        sessions = sessions[sessions["type"] == kind]
    return sessions.sort_values(["date", "row"])


def _days(later, earlier) -> int:
    return (later - earlier).days


@rule("PM501", "initial-session-late", WARNING,
      "The first internal mapping session was more than 14 days after the concern",
      """"The initial peer mapping session should take place within two weeks of the identification
      of a contextual issue/risk." The clock starts at the Network's 'Date concern identified'.""")
def initial_session_late(ctx: Context) -> Iterator[Hit]:
    concern = ctx.network.settings["date_concern_identified"]
    if concern is None:
        return
    concern = pd.Timestamp(concern)
    internal = _sessions(ctx, "Internal mapping")
    if len(internal):
        first = internal.iloc[0]
        days = _days(first["date"], concern)
        if days > FIRST_SESSION_DAYS:
            yield Hit(SESSIONS, first["row"], first["id"], "Date",
                      f"The first internal mapping session ({date_text(first['date'])}) was {days_text(days)} "
                      f"after the concern was identified; the guidance asks for {FIRST_SESSION_DAYS}.")
    elif _days(ctx.today, concern) > FIRST_SESSION_DAYS:
        yield Hit(NETWORK, ctx.network.setting_rows.get("date_concern_identified"), None,
                  "Date concern identified",
                  f"No internal mapping session yet, {days_text(_days(ctx.today, concern))} after the concern "
                  f"was identified ({date_text(concern)}); the guidance asks for one within "
                  f"{FIRST_SESSION_DAYS}.")


@rule("PM502", "multiagency-session-late", WARNING,
      "The first multi-agency session was more than 14 days after the first internal one",
      """"The first mapping meeting involving external agencies [should take place] within two weeks
      of the initial meeting", so that partners can bring what they know.""")
def multiagency_session_late(ctx: Context) -> Iterator[Hit]:
    internal = _sessions(ctx, "Internal mapping")
    if not len(internal):
        return
    start = internal.iloc[0]
    external = _sessions(ctx, "Multi-agency mapping")
    if len(external):
        first = external.iloc[0]
        days = _days(first["date"], start["date"])
        if days > MULTI_AGENCY_DAYS:
            yield Hit(SESSIONS, first["row"], first["id"], "Date",
                      f"The first multi-agency session ({date_text(first['date'])}) was {days_text(days)} after "
                      f"the first internal one; the guidance asks for {MULTI_AGENCY_DAYS}.")
    elif _days(ctx.today, start["date"]) > MULTI_AGENCY_DAYS:
        yield Hit(SESSIONS, start["row"], start["id"], "Date",
                  f"No multi-agency session yet, {days_text(_days(ctx.today, start['date']))} after the first "
                  f"internal one; the guidance asks for one within {MULTI_AGENCY_DAYS}.")


@rule("PM503", "list-sent-late", WARNING, "The subject list went out less than 7 days before a session",
      """"Sending a summary or list of subjects through secure email at least one week before the
      planned session should provide enough time for this research to take place." """)
def list_sent_late(ctx: Context) -> Iterator[Hit]:
    for session in rows(_sessions(ctx)):
        if blank(session["subject_list_sent"]):
            continue
        notice = _days(session["date"], session["subject_list_sent"])
        if notice < LIST_NOTICE_DAYS:
            yield Hit(SESSIONS, session["row"], session["id"], "Subject list sent",
                      f"The subject list for session {session['id']} went out {days_text(max(notice, 0))} before "
                      f"it; invitees need at least {LIST_NOTICE_DAYS} to research.")


@rule("PM504", "minutes-late", WARNING, "Minutes were uploaded more than 14 days after a session",
      """"Minutes and any other documentation produced ... should be uploaded on the Mosaic file of
      all key subjects within two weeks of the meeting." """)
def minutes_late(ctx: Context) -> Iterator[Hit]:
    for session in rows(ctx.network.sessions_held(on=ctx.as_of)):
        uploaded = session["minutes_uploaded"]
        if not blank(uploaded):
            days = _days(uploaded, session["date"])
            if days > MINUTES_DAYS:
                yield Hit(SESSIONS, session["row"], session["id"], "Minutes uploaded",
                          f"The minutes of session {session['id']} were uploaded {days_text(days)} after it; "
                          f"the guidance asks for {MINUTES_DAYS}.")
        elif _days(ctx.today, session["date"]) > MINUTES_DAYS:
            yield Hit(SESSIONS, session["row"], session["id"], "Minutes uploaded",
                      f"The minutes of session {session['id']} ({date_text(session['date'])}) are not "
                      f"recorded as uploaded, {days_text(_days(ctx.today, session['date']))} on; the guidance "
                      f"asks for {MINUTES_DAYS}.")


@rule("PM505", "review-overdue", WARNING, "An open network's next review date has passed",
      """Reviews take place "every 3 months but also when there has been a significant development or
      incident". The next review is the date agreed at the latest session (its 'Next review'), or that
      session's date plus the Network's 'Review every (months)'.""")
def review_overdue(ctx: Context) -> Iterator[Hit]:
    due = ctx.network.next_review(on=ctx.as_of)
    if due is None or pd.Timestamp(due.due) >= ctx.today:
        return
    last = ctx.network.sessions_held(on=ctx.as_of).iloc[-1]
    if due.agreed:
        said = f"the next review was agreed for {due.due:%d/%m/%Y} at session {due.session_id}"
    else:
        said = f"with reviews every {due.months} months, a review was due by {due.due:%d/%m/%Y}"
    yield Hit(SESSIONS, last["row"], last["id"], "Next review",
              f"The last session was on {date_text(last['date'])}; {said}.")


@rule("PM507", "booked-session-passed", WARNING, "A session marked Booked whose date has passed",
      """A booked session counts as held only once its Status says so: until then it is left out of what
      changed, the next review and the minutes' counts. After the meeting, set its Status to Held (writing its
      minutes with peermap does this), or to Cancelled if it did not take place.""")
def booked_session_passed(ctx: Context) -> Iterator[Hit]:
    sessions = _sessions(ctx)
    for session in rows(sessions[(sessions["status"] == domain.SESSION_BOOKED) & (sessions["date"] < ctx.today)]):
        yield Hit(SESSIONS, session["row"], session["id"], "Status",
                  f"Session {session['id']} was booked for {date_text(session['date'])} and is still marked "
                  "Booked: set its Status to Held if it took place (or write its minutes), or to Cancelled.")


@rule("PM508", "held-session-ahead", WARNING, "A session marked Held is dated after today",
      """A session is held on its date: one marked Held with a date still to come is a slip, in the date or
      the Status. Until it is put right it does not count as held.""")
def held_session_ahead(ctx: Context) -> Iterator[Hit]:
    sessions = _sessions(ctx)
    for session in rows(sessions[(sessions["status"] == domain.SESSION_HELD) & (sessions["date"] > ctx.today)]):
        yield Hit(SESSIONS, session["row"], session["id"], "Status",
                  f"Session {session['id']} is marked Held but dated {date_text(session['date'])}, after today: "
                  "correct its date, or set its Status to Booked.")


@rule("PM509", "network-closed", INFO, "The network is closed",
      """Once the network is closed (Status Closed on the Network sheet, as `peermap close` sets it) nothing is
      followed up: peermap makes no prompts about stale or weak links, overdue actions or questions, sessions,
      reviews or assessments. It still reports errors in the record, and the upload of the closing minutes.""")
def network_closed(ctx: Context) -> Iterator[Hit]:
    if not ctx.network.settings.closed:
        return
    when = ctx.network.settings.get("closed_on")
    on = "" if blank(when) else f" on {date_text(when)}"
    yield Hit(NETWORK, ctx.network.setting_rows.get("status"), None, "Status",
              f"The network was closed{on}: nothing is followed up (no prompts about links, actions, questions, "
              "sessions or reviews). To reopen it, set Status to Open.")
