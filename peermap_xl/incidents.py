"""Incidents in the minutes: what happened since the concern, where, to whom, and which were significant.

`section` gives the minutes' "Incidents" blocks (the block types minutes.py renders): the incidents
up to the session's date, newest first, with the people and places named as the Network's *Names on
outputs* says; `per_record` lists the recent ones for one young person or place (for Figure 1).
With `anonymise`, what happened (free text) is withheld and only its type is given.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from peermap_xl import labels, model
from peermap_xl.minutes.blocks import Heading, Para, Table
from peermap_xl.model import Network, rows

HEADING = "Incidents"
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


def section(network: Network, day: dt.date, anonymise: bool = False) -> list:
    """The minutes' Incidents section: every incident up to the session, newest first."""
    view = labels.view_of(network, anonymise)
    label = view.label
    blocks: list = [Heading(HEADING)]
    listed = rows(up_to(network, day))
    if not listed:
        return blocks + [Para("No incidents recorded (Incidents sheet).")]
    table = []
    for i in listed:
        who = ", ".join(label(rid) for ref in i["who"] for rid in network.resolve(ref)[:1])
        what = view.text(i["what_happened"], withheld="")
        table.append([i["id"], f"{i['date']:%d/%m/%Y}", i["type"] if isinstance(i["type"], str) else "",
                      label(i["where_id"]) if isinstance(i["where_id"], str) else "", who, what,
                      "Yes" if i["significant"] == "Yes" else "No"])
    return blocks + [Table(["ID", "Date", "Type", "Where", "Who", "What happened", "Significant"], table,
                           widths=(1.1, 2.1, 2.0, 2.4, 2.4, 4.7, 2.3))]
