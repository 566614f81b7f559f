"""The meeting cycle ahead of time: a subject list about to be late; young people without direct work."""

from __future__ import annotations

from collections.abc import Iterator

from peermap_xl.checks.core import INFO, WARNING, Context, Hit, date_text, days_text, rule, typed
from peermap_xl.contract import domain, schema
from peermap_xl.record import due

SESSIONS, SUBJECTS = schema.SESSIONS.name, schema.SUBJECTS.name
#: Warn this many days before the subject list must go out.
WARN_AHEAD_DAYS = 7
_CONCERN = ("High", "Medium")


@rule("PM506", "subject-list-due", WARNING, "A session's subject list has not gone out and is due within a week",
      f"""Invitees need the list of subjects "at least one week before the planned session" to research
      them. peermap warns from {WARN_AHEAD_DAYS} days before the list is due (so {due.LIST_NOTICE_DAYS +
      WARN_AHEAD_DAYS} days before the session) while 'Subject list sent' is empty, so that it goes out in
      time rather than being found late afterwards.""")
def subject_list_due(ctx: Context) -> Iterator[Hit]:
    for session in due.upcoming_sessions(ctx.network, ctx.as_of):
        if not domain.blank(session["subject_list_sent"]):
            continue
        by = due.subject_list_due(session["date"], ctx.network.settings.get("date_concern_identified"))
        days = (by - ctx.as_of).days
        if days > WARN_AHEAD_DAYS:
            continue
        when = (f"was due {days_text(-days)} ago ({date_text(by)})" if days < 0 else
                "is due today" if days == 0 else f"is due in {days_text(days)} ({date_text(by)})")
        yield Hit(SESSIONS, session["row"], session["id"], "Subject list sent",
                  f"The subject list for session {session['id']} on {date_text(session['date'])} has not gone "
                  f"out and {when}: send it by secure email (peermap invite), then fill in Subject list sent.")


@rule("PM307", "no-direct-work", INFO, "A young person at high or medium risk has no direct work recorded",
      """"Where possible, peer mapping should be completed in collaboration with young people" (Appendix B:
      the young person's own map, done by the worker who knows them best). A young person at high or medium
      risk with no row on Direct work has not been heard in the map yet.""")
def no_direct_work(ctx: Context) -> Iterator[Hit]:
    heard = set(ctx.network.direct_work["young_person_id"].dropna())
    for person in ctx.young_people.to_dict("records"):
        if person["risk_level"] in _CONCERN and person["id"] not in heard:
            yield Hit(SUBJECTS, person["row"], person["id"], "Risk level",
                      f"{ctx.who(person)} is at {person['risk_level'].lower()} risk and has no direct work "
                      "recorded: who knows them best to do their own peer map with them (Direct work)?")


DIRECT_WORK = schema.DIRECT_WORK.name
#: What "Would help if in trouble" may say: the young person's map stars a Yes.
WOULD_HELP = {"yes": "Yes", "y": "Yes", "no": "No", "n": "No"}


def _direct_work(ctx: Context) -> list[dict]:
    return [r for r in ctx.network.direct_work.to_dict("records") if isinstance(r.get("young_person_id"), str)]


@rule("PM308", "direct-work-off-list", WARNING, "A Direct work answer is not one the young person's map can show",
      """The young person's own map (Appendix B) shows whether each peer "would help if I was in trouble" as a
      star: only a Yes is starred, so an answer such as "Not sure" or "maybe" is drawn as a No. peermap asks for
      Yes or No, or an empty cell when the young person did not say (Influence is checked against its list by
      invalid-value).""")
def direct_work_off_list(ctx: Context) -> Iterator[Hit]:
    for work in _direct_work(ctx):
        said = work.get("would_help_if_in_trouble")
        if isinstance(said, str) and said.strip() and said.strip().casefold() not in WOULD_HELP:
            yield Hit(DIRECT_WORK, work["row"], work["young_person_id"], "Would help if in trouble",
                      f"The answer{typed(said.strip())} to Would help if in trouble, in the direct work with "
                      f"{ctx.label(work['young_person_id'])} on row {work['row']}, is not Yes or No: their map "
                      "stars only a Yes. Choose Yes or No, or empty the cell if they did not say.")


@rule("PM309", "undated-direct-work", WARNING, "Direct work has no Date",
      """The young person's own map is dated by the day the direct work was done (its Date), not the day it is
      drawn: a map drawn today from work done weeks ago must not look new. Direct work rows with no Date leave
      the map saying it has no date.""")
def undated_direct_work(ctx: Context) -> Iterator[Hit]:
    for work in _direct_work(ctx):
        if domain.blank(work.get("date")):
            yield Hit(DIRECT_WORK, work["row"], work["young_person_id"], "Date",
                      f"The Date cell of the direct work with {ctx.label(work['young_person_id'])} on row "
                      f"{work['row']} is empty: their own map is dated by it. Fill in the day the work was done.")
