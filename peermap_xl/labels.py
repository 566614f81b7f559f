"""How people and places are named on outputs: full names, initials, or codes.

The Network's "Names on outputs" chooses; anonymised outputs always use codes
(YP1, ADULT1, UNK1 for people; LOC1, ONLINE1 for places), numbered in ID
order so that a person keeps their code from one session to the next.
"""

from __future__ import annotations

import re
from collections.abc import Callable

FULL_NAMES, INITIALS, CODES = "Full names", "Initials", "Codes"
_PERSON_CODES = {"Young person": "YP", "Adult": "ADULT"}
_PRIVATE_PLACES = {"Home", "Address"}  # an address is personal data: never shown as initials


def id_order(record_id: str) -> tuple:
    """S2 before S10: IDs sort by their number."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", record_id))


def initials(name: str) -> str:
    """ "Male A" -> "MA", "Unknown adult male" -> "UAM"."""
    return "".join(word[0].upper() for word in re.findall(r"[^\W_]+", name)) or "?"


def codes(network) -> dict[str, str]:
    """{record ID: code} for every subject and context."""
    out: dict[str, str] = {}
    counters: dict[str, int] = {}

    def assign(frame, kind_of):
        for record_id, kind in sorted(zip(frame["id"], frame["type"]), key=lambda r: id_order(str(r[0]))):
            prefix = kind_of(kind)
            counters[prefix] = counters.get(prefix, 0) + 1
            out.setdefault(record_id, f"{prefix}{counters[prefix]}")

    assign(network.subjects, lambda kind: _PERSON_CODES.get(kind, "UNK"))
    assign(network.contexts, lambda kind: "ONLINE" if kind == "Online" else "LOC")
    return out


def labeller(network, anonymise: bool = False) -> Callable[[str], str]:
    """A function giving the label of a subject or context ID, as the network's setting asks."""
    mode = CODES if anonymise else network.settings.get("names_on_outputs") or INITIALS
    coded = codes(network)
    if mode == CODES:
        return lambda record_id: coded.get(record_id, record_id)
    names: dict[str, str] = {}
    for frame, is_place in ((network.subjects, False), (network.contexts, True)):
        for record_id, name, kind in zip(frame["id"], frame["name"], frame["type"]):
            if not isinstance(name, str):
                names[record_id] = coded.get(record_id, record_id)
            elif mode == FULL_NAMES:
                names[record_id] = name
            elif is_place:
                names[record_id] = coded[record_id] if kind in _PRIVATE_PLACES else name
            else:
                names[record_id] = initials(name)
    return lambda record_id: names.get(record_id, record_id)
