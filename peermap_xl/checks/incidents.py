"""Incidents: a review after a significant one, places where they recur, incidents out of borough."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from peermap_xl.checks.core import INFO, WARNING, Context, Hit, blank, date_text, rows, rule
from peermap_xl.checks.decisions import assessed
from peermap_xl.checks.people import refer
from peermap_xl.contract import domain, schema
from peermap_xl.record import labels

INCIDENTS, CONTEXTS = schema.INCIDENTS.name, schema.CONTEXTS.name
#: Incidents at one place that make it a place to assess.
RECURRING = 2


def _dated(ctx) -> pd.DataFrame:
    """Incidents with a date, up to today, in date order."""
    incidents = ctx.network.incidents.dropna(subset=["date"])
    return incidents[incidents["date"] <= ctx.today].sort_values(["date", "row"])


def _what(ctx, incident) -> str:
    """ "I04 (26/09/2026, weapon, at Estate park)"."""
    parts = [date_text(incident["date"])]
    if not blank(incident["type"]):
        parts.append(incident["type"].lower())
    if isinstance(incident["where_id"], str):
        parts.append(f"at {ctx.label(incident['where_id'])}")
    return f"{incident['id']} ({', '.join(parts)})"


def _on(incident) -> str:
    """ "I03 on 05/09/2026, violence"."""
    kind = "" if blank(incident["type"]) else f", {incident['type'].lower()}"
    return f"{incident['id']} on {date_text(incident['date'])}{kind}"


def _sessions(ctx) -> pd.DataFrame:
    return ctx.network.sessions.dropna(subset=["date"]).sort_values(["date", "row"])


@rule("PM701", "review-after-incident", WARNING, "A significant incident happened after the last session",
      """Reviews take place "every 3 months but also when there has been a significant development or
      incident". An incident marked Significant after the last session calls for a review: record one on
      Sessions (a session booked after today quiets this).""")
def review_after_incident(ctx: Context) -> Iterator[Hit]:
    if ctx.network.settings.closed:
        return
    sessions = _sessions(ctx)
    held = ctx.network.sessions_held(on=ctx.as_of)
    if not len(held):
        return
    last = held.iloc[-1]
    booked = sessions[(sessions["date"] > ctx.today) & (sessions["status"] != domain.SESSION_CANCELLED)]
    for incident in rows(_dated(ctx)):
        if incident["significant"] != "Yes" or incident["date"] <= last["date"]:
            continue
        if len(booked):
            continue  # the next session is booked
        yield Hit(INCIDENTS, incident["row"], incident["id"], "Significant",
                  f"Significant incident {_what(ctx, incident)} happened after the last session "
                  f"({last['id']}, {date_text(last['date'])}): hold a review of the map, and record it "
                  "on Sessions.")


def _places_with_incidents(ctx) -> dict[str, list[dict]]:
    by_place: dict[str, list[dict]] = {}
    for incident in rows(_dated(ctx)):
        if isinstance(incident["where_id"], str):
            by_place.setdefault(incident["where_id"], []).append(incident)
    return by_place


def _assessed(ctx) -> set[str]:
    """Places with a context assessment recorded on Actions (open, in progress or done)."""
    return assessed(ctx, "Context assessment")


@rule("PM702", "incidents-at-place", INFO, "Incidents recur at one place",
      f"""The guidance asks about "recent incidents/events of concern that may have affected the group or
      specific contexts (e.g. recurrent schools or parks)" and "historic but thematically relevant
      incidents (e.g. previous incidents at the same school)". peermap suggests a context assessment of
      a place with at least {RECURRING} incidents, or one significant incident and risky links, unless a
      context assessment of it is already on Actions (open, in progress or done).""")
def incidents_at_place(ctx: Context) -> Iterator[Hit]:
    risky = ctx.network.live_links[ctx.network.live_links["nature"] == "Risky"]
    risky_ends = set(risky["from_id"]) | set(risky["to_id"])
    assessed = _assessed(ctx)
    places = ctx.network.active_contexts.set_index("id")
    for place_id, incidents in _places_with_incidents(ctx).items():
        if place_id not in places.index or place_id in assessed:
            continue
        significant = any(i["significant"] == "Yes" for i in incidents)
        if len(incidents) < RECURRING and not (significant and place_id in risky_ends):
            continue
        why = (f"{len(incidents)} incidents there" if len(incidents) >= RECURRING
               else "a significant incident there and risky links to it")
        yield Hit(CONTEXTS, places.loc[place_id, "row"], place_id, "Name",
                  f"Consider a context assessment of {place_id} {ctx.label(place_id)}: {why} "
                  f"({'; '.join(_on(i) for i in incidents)}).")


@rule("PM703", "incident-out-of-borough", INFO, "An incident happened at a place outside the home borough",
      """"If there are young people/locations outside of Hackney - what isn't known about these people or
      areas?" The services where an incident happened hold what the map lacks (the police log, the
      school's account); peermap suggests the question on Gaps.""", suggests=True)
def incident_out_of_borough(ctx: Context) -> Iterator[Hit]:
    home = ctx.network.settings["home_borough"]
    if blank(home):
        return
    places = ctx.network.contexts.set_index("id")
    for incident in rows(_dated(ctx)):
        place = incident["where_id"]
        if not isinstance(place, str) or place not in places.index:
            continue
        borough = places.loc[place, "borough"]
        if blank(borough) or borough.casefold() in (home.casefold(), "online"):
            continue
        name = places.loc[place, "name"]
        gap = None
        if isinstance(name, str):
            gap = (f"What do {borough} services know about the incident at {refer(name)} on "
                   f"{date_text(incident['date'])}?", place)
        yield Hit(INCIDENTS, incident["row"], incident["id"], "Where",
                  f"Incident {_what(ctx, incident)} " + ctx.label(labels.choose(
                      f"happened in {borough}, outside {home}: what do {borough} services know about it?",
                      "happened outside the home borough: what do the services there know about it?")), gap=gap)
