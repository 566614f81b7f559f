"""Worksheet functions a practitioner can type into a cell (udfs/ exposes them to Excel through xlwings).

Each is a plain Python function too, tested as such.
"""

from __future__ import annotations

import datetime as dt

from peermap_xl import domain, model

SOURCE_WORDS = {"1": "reliable source", "2": "untested source", "3": "unreliable source"}
INFORMATION_WORDS = {"A": "known directly", "B": "known indirectly and corroborated", "C": "known indirectly",
                     "D": "not known", "E": "suspected false"}


def _day(value) -> dt.date | None:
    try:
        return model.parse_date(value)
    except ValueError:
        return None


def stale(last_seen, days=90, as_of=None):
    """TRUE when a link last seen on `last_seen` is stale: seen more than `days` days before today."""
    seen = _day(last_seen)
    if seen is None:
        return ""
    return domain.is_stale(seen, _day(as_of) or dt.date.today(), int(days or 90))


def grade(source_grade, information_grade) -> str:
    """A plain-words reading of a 3x5x2 grading, e.g. "Strong: reliable source, known directly"."""
    source = str(source_grade or "").strip()[:1].upper()
    information = str(information_grade or "").strip()[:1].upper()
    if source not in SOURCE_WORDS or information not in INFORMATION_WORDS:
        return "Not graded: give a source grade (1-3) and an information grade (A-E)"
    if information == "E":
        strength = "Do not rely on it"
    elif source == "3" or information == "D":
        strength = "Weak"
    elif source == "1" and information in "AB":
        strength = "Strong"
    else:
        strength = "Moderate"
    return f"{strength}: {SOURCE_WORDS[source]}, {INFORMATION_WORDS[information]}"


def review_due(last_session, months=3):
    """The date the next review is due: the last session plus `months` months."""
    held = _day(last_session)
    if held is None:
        return ""
    return domain.review_after(held, int(months or 3))


def links(network, name) -> int:
    """How many links on the map (current, between active people and places) the named person has."""
    ids = network.resolve(name)
    if len(ids) != 1:
        return 0
    live = network.live_links
    return int(((live["from_id"] == ids[0]) | (live["to_id"] == ids[0])).sum())
