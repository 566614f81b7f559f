"""Incidents in the record: what happened since the concern, where, to whom, and which were significant.

`up_to` gives the incidents up to a day; `per_record` lists the recent ones for one young person or
place (for Figure 1), with the people and places named as the Network's *Names on outputs* says.
With `anonymise`, what happened (free text) is withheld and only its type is given. The minutes'
Incidents section is minutes/incidents.py.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from peermap_xl.record import labels, model
from peermap_xl.record.model import Network, rows

#: How far back "recent" incidents go for one young person or place.
RECENT_DAYS = 90


def up_to(network: Network, day: dt.date) -> pd.DataFrame:
    """Dated incidents on or before `day`, newest first."""
    incidents = network.incidents.dropna(subset=["date"])
    return incidents[incidents["date"] <= pd.Timestamp(day)].sort_values(["date", "row"], ascending=[False, False])


def involves(network: Network, incident: dict, record_id: str) -> bool:
    """Does the incident happen at this place, or involve this person?"""
    who = {rid for ref in incident["who"] for rid in network.resolve(ref)}
    return incident["where_id"] == record_id or record_id in who


def describe(network: Network, incident: dict, anonymise: bool = False) -> str:
    """ "I04 26/09/2026, weapon, at Estate park (significant): Male E stabbed ..."."""
    view = labels.view_of(network, anonymise)
    label = view.label
    parts = [f"{incident['id']} {incident['date']:%d/%m/%Y}"]
    if isinstance(incident["type"], str):
        parts.append(incident["type"].lower())
    if isinstance(incident["where_id"], str):
        parts.append(f"at {label(incident['where_id'])}")
    text = ", ".join(parts) + (" (significant)" if incident["significant"] == "Yes" else "")
    what = view.text(incident["what_happened"], withheld="")
    return text + (f": {what}" if what else "")


def per_record(network: Network, record_id: str, day: dt.date, anonymise: bool = False) -> list[str]:
    """The recent incidents (the last RECENT_DAYS days up to `day`) at a place or involving a person."""
    return recent_by_record(network, day, anonymise).get(record_id, [])


def recent_by_record(network: Network, day: dt.date, anonymise: bool = False) -> dict[str, list[str]]:
    """{place or person: their recent incidents described, newest first}, worked out once for every record
    (not each record's search through every incident)."""
    def make():
        since = pd.Timestamp(day) - pd.Timedelta(days=RECENT_DAYS)
        out: dict[str, list[str]] = {}
        for incident in rows(up_to(network, day)):
            if incident["date"] < since:
                continue
            said = describe(network, incident, anonymise)
            where = [incident["where_id"]] if isinstance(incident["where_id"], str) else []
            who = [rid for ref in incident["who"] for rid in network.resolve(ref)]
            for rid in dict.fromkeys(where + who):
                out.setdefault(rid, []).append(said)
        return out

    return model.once(network, f"recent incidents by record {day} {anonymise}", network.incidents, make)
