"""The minutes' Incidents section: every incident up to the session, newest first (record/incidents.py).

With `anonymise`, what happened (free text) is withheld and only its type is given.
"""

from __future__ import annotations

import datetime as dt

from peermap_xl.minutes.blocks import Heading, Para, Table
from peermap_xl.record import labels
from peermap_xl.record.incidents import up_to
from peermap_xl.record.model import Network, rows

HEADING = "Incidents"


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
