"""Worksheet functions a practitioner can type into a cell (udfs/ exposes them to Excel through xlwings).

Each is a plain Python function too, tested as such.
"""

from __future__ import annotations

import datetime as dt

from peermap_xl.contract import domain, schema
from peermap_xl.record import model

SOURCE_WORDS = {"1": "reliable source", "2": "untested source", "3": "unreliable source"}
INFORMATION_WORDS = {"A": "known directly", "B": "known indirectly and corroborated", "C": "known indirectly",
                     "D": "not known", "E": "suspected false"}


def _day(value) -> dt.date | None:
    try:
        return model.parse_date(value)
    except ValueError:
        return None


_STALE_FIELD = next(f for f in schema.NETWORK_FIELDS if f.name == "Stale after (days)")


def stale_after(setting) -> int:
    """The network's Stale after (days) as the reader takes it: the usual value when blank or out of range."""
    try:
        days = model.parse_whole_number(setting)
    except ValueError:
        days = None
    low, high = _STALE_FIELD.bounds
    return days if days is not None and low <= days <= high else _STALE_FIELD.default


def stale(last_seen, days=None, as_of=None):
    """TRUE when a link last seen on `last_seen` is stale: seen more than `days` days before `as_of` (today).

    `days` is the network's Stale after (days) (the usual 90 when blank); "" for a blank or unreadable date.
    """
    seen = _day(last_seen)
    if seen is None:
        return ""
    return domain.is_stale(seen, _day(as_of) or domain.today(), stale_after(days))


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


def network_of(subjects, contexts, links) -> model.Network:
    """A network from the Subjects, Contexts and Links tables' cells (header row first), as Excel passes them."""
    from peermap_xl.book.raw import RawBook, table_from_rows

    raw = RawBook(source="this workbook")
    for sheet, cells in ((schema.SUBJECTS, subjects), (schema.CONTEXTS, contexts), (schema.LINKS, links)):
        raw.tables[sheet.name] = table_from_rows(sheet.name, _rows(cells), 1, 1, None)
    return model.build(raw)


def _rows(cells) -> list[list]:
    """A range's values as rows (xlwings passes them two-dimensional; a single cell comes as a value)."""
    if not isinstance(cells, (list, tuple)):
        return [[cells]]
    return [list(row) if isinstance(row, (list, tuple)) else [row] for row in cells]


def links(network, name) -> int:
    """How many links on the map (current, between active people and places) the named person has."""
    ids = network.resolve(name)
    if len(ids) != 1:
        return 0
    live = network.live_links
    return int(((live["from_id"] == ids[0]) | (live["to_id"] == ids[0])).sum())
