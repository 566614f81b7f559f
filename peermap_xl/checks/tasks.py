"""Actions and gaps: "clear and accountable actions", questions followed up on time."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from peermap_xl.checks.core import WARNING, Context, Hit, blank, date_text, days_text, rows, rule
from peermap_xl.contract import schema

ACTIONS, GAPS = schema.ACTIONS.name, schema.GAPS.name


def _open_actions(ctx: Context) -> pd.DataFrame:
    return ctx.network.open_actions


def _open_gaps(ctx: Context) -> pd.DataFrame:
    return ctx.network.open_questions


@rule("PM401", "unaccountable-action", WARNING, "An open action has no owner or no due date",
      """The guidance asks: "Have clear and accountable actions been identified from the mapping
      process?" An action is accountable when someone owns it and it has a date.""")
def unaccountable_action(ctx: Context) -> Iterator[Hit]:
    for action in rows(_open_actions(ctx)):
        missing = [(header, words) for header, key, words in (("Owner", "owner", "owner"),
                                                              ("Due", "due", "due date")) if blank(action[key])]
        if missing:
            yield Hit(ACTIONS, action["row"], action["id"], missing[0][0],
                      f"Action {action['id']} has no {' and no '.join(words for _, words in missing)}: "
                      "every action needs an owner and a due date.")


@rule("PM402", "overdue-action", WARNING, "An open action is past its due date",
      """At each review "updates should be sought for all outstanding actions". An overdue action
      needs an update, a new date, or closing.""")
def overdue_action(ctx: Context) -> Iterator[Hit]:
    actions = _open_actions(ctx)
    for action in rows(actions[actions["due"] < ctx.today]):
        yield Hit(ACTIONS, action["row"], action["id"], "Due",
                  f"Action {action['id']} was due on {date_text(action['due'])} "
                  f"({days_text((ctx.today - action['due']).days)} ago) and is still "
                  f"{'open' if blank(action['status']) else action['status'].lower()}.")


@rule("PM403", "overdue-gap", WARNING, "An open question is past its due date",
      """"Where there are information gaps, task people with finding out more information with a
      clear deadline in mind." A question past its deadline needs chasing.""")
def overdue_gap(ctx: Context) -> Iterator[Hit]:
    gaps = _open_gaps(ctx)
    for gap in rows(gaps[gaps["due"] < ctx.today]):
        yield Hit(GAPS, gap["row"], gap["id"], "Due",
                  f"Question {gap['id']} was due on {date_text(gap['due'])} "
                  f"({days_text((ctx.today - gap['due']).days)} ago) and is still open.")


@rule("PM404", "unassigned-gap", WARNING, "An open question has nobody finding out",
      """"Task people with finding out more information": a question nobody owns is not
      answered.""")
def unassigned_gap(ctx: Context) -> Iterator[Hit]:
    for gap in rows(_open_gaps(ctx)):
        if blank(gap["assigned_to"]):
            yield Hit(GAPS, gap["row"], gap["id"], "Assigned to",
                      f"Question {gap['id']} has nobody assigned to find out.")


@rule("PM405", "undated-gap", WARNING, "An open question has no due date",
      """"Task people with finding out more information with a clear deadline in mind": a question with no
      Due date is never late, so nobody chases it.""")
def undated_gap(ctx: Context) -> Iterator[Hit]:
    for gap in rows(_open_gaps(ctx)):  # a suggestion is dated when the meeting takes it up
        if blank(gap["due"]) and gap.get("origin") != "Suggested":
            yield Hit(GAPS, gap["row"], gap["id"], "Due",
                      f"The Due cell of question {gap['id']} is empty: give it the date the answer is needed by.")
