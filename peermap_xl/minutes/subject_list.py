"""The subject list sent to invitees before a session, for them to research their agency's records.

Its readers must find people in their systems, so it names them in full, with date of birth
(or age), gender, address or area and known-as, grouped by the agency that holds information;
it carries the marking and a line on secure handling. Only active subjects are listed. The
anonymised version (codes, no free text) is for sharing beyond the named agencies.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from peermap_xl.contract import domain
from peermap_xl.minutes.blocks import Banner, Heading, Para, Table
from peermap_xl.minutes.meeting import date_text, file_name, pick_session
from peermap_xl.record import labels
from peermap_xl.record.model import Network, rows

INVITE_FOR = {"Internal mapping": "Internal", "Multi-agency mapping": "Multi-agency", "Review": "Review",
              "Closure": "Review"}
HANDLING = ("Handle securely: send and reply by secure email only; do not forward beyond your agency's "
            "named contact; store it with the case records and delete other copies once you have replied.")
_PEOPLE = ["Full name", "Shown on the map as", "Known as", "Date of birth or age", "Gender", "Address or area",
           "Type"]
_PEOPLE_CODED = ["Who", "Type", "Gender", "Age", "Borough"]


def invite_file_name(network: Network, session_date: dt.date, anonymise: bool, session_id: str | None = None) -> str:
    return file_name(network, session_date, anonymise, session_id).replace("Peer Mapping Minutes",
                                                                         "Peer Mapping Subject List")


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def invite_content(network: Network, session_id: str | None = None, anonymise: bool = False,
                   errors: list | None = None, issued: dt.date | None = None) -> list:
    """The subject list: marking and handling, who sends it and when, who is invited, then per agency whom to
    research and what to ask."""
    session = pick_session(network, session_id, upcoming=True)
    view = labels.View(network, anonymise, names=labels.FULL_NAMES)  # for researching: names in full
    day = session["date"].date()
    invited = [c for c in rows(network.contacts) if INVITE_FOR.get(session["type"], "Review") in c["invite_to"]]
    blocks: list = [Heading(f"Peer mapping session on {day:%d/%m/%Y}: subjects to research", 0)]
    if errors:
        blocks.append(Banner("This record has errors: " + " ".join(f.message for f in errors)
                             + " Everyone recorded is listed; the list will be corrected and sent again."))
    blocks += [Para(f"{network.settings.protective_marking}. {HANDLING}", bold=True),
               Para(f"You are invited to the {_text(session['type']).lower() or 'mapping'} session on "
                    f"{day:%d/%m/%Y}. Please research the people and places below in your agency's records, and "
                    "bring what you know, and what you do not, to the session.")]
    blocks += _sender(network, view, issued or domain.today())
    blocks += _invited(view, invited)
    for agency, held in _by_agency(network, invited).items():
        blocks += _agency(network, view, agency, held, invited)
    return blocks + _unasked(network, view, invited) + _unclaimed(network, view, invited)


NOT_RECORDED = "not recorded"
NO_BIRTH = "Date of birth not recorded: agencies may not be able to find records."


def sender(network: Network) -> dict[str, str]:
    """Who sends the list: the Network's lead practitioner, with their role, agency and contact details from
    the Contacts sheet when they are listed there (else the Network's Team)."""
    name = _text(network.settings.get("lead_practitioner")).strip()
    listed = next((c for c in rows(network.contacts) if name and _text(c["name"]).strip().casefold()
                   == name.casefold()), {})
    contact = "; ".join(p for p in (_text(listed.get("email")), _text(listed.get("phone"))) if p)
    return {"name": name, "role": _text(listed.get("role")) or "Lead practitioner",
            "agency": _text(listed.get("agency")) or _text(network.settings.get("team")), "contact": contact}


def _sender(network: Network, view: labels.View, issued: dt.date) -> list:
    """From whom, how to reply, and the date of issue."""
    who = sender(network)
    if view.anonymise:
        who["name"] = who["agency"] = who["contact"] = labels.WITHHELD
    lines = [["From", who["name"] or f"{NOT_RECORDED} (Network: Lead practitioner)"], ["Role", who["role"]],
             ["Agency", who["agency"] or f"{NOT_RECORDED} (Network: Team, or Contacts: Agency)"],
             ["Contact", who["contact"] or f"{NOT_RECORDED} (Contacts: Email, Phone for the lead practitioner)"],
             ["Date of issue", f"{issued:%d/%m/%Y}"]]
    return [Table(None, lines, key_column=True, widths=(3.5, 13.5))]


def _invited(view: labels.View, invited: list[dict]) -> list:
    if view.anonymise:
        return [Heading("Who is invited"), Para(f"{len(invited)} key contacts (names, roles and agencies are "
                                                f"{labels.WITHHELD} in the anonymised version).")]
    lines = [[_text(c["name"]), _text(c["role"]), _text(c["agency"])] for c in invited]
    return [Heading("Who is invited"), Table(["Name", "Role", "Agency"], lines or [
        ["Nobody is marked to invite yet (Contacts: Invite to).", "", ""]])]


def _by_agency(network: Network, invited: list[dict]) -> dict[str, set[str]]:
    """{agency: the IDs of the active subjects and contexts its invited contacts hold information on}."""
    active = set(network.active_subjects["id"]) | set(network.active_contexts["id"])
    out: dict[str, set[str]] = {}
    for contact in invited:
        agency = _text(contact["agency"]) or "Agency not recorded"
        out.setdefault(agency, set()).update(rid for ref in contact["for"] for rid in network.resolve(ref)
                                             if rid in active)
    return dict(sorted(out.items()))


def _agency(network: Network, view: labels.View, agency: str, held: set[str], invited: list[dict]) -> list:
    name = f"Agency {sorted(_by_agency(network, invited)).index(agency) + 1}" if view.anonymise else agency
    questions = [[g["id"], view.text(g["question"])] for g in _asked_of(network, agency, invited)]
    return [Heading(name, 1), *_people(network, view, held), _places(network, view, held),
            Para(f"Questions for {name}", bold=True),  # named: the table may start on another page
            Table(["ID", "Question"], questions, widths=(1.5, 15.5)) if questions
            else Para("No open questions for your agency yet.")]


def _asked_of(network: Network, agency: str, invited: list[dict]) -> list[dict]:
    """The open questions for an invited agency: assigned to it (its name on the question, or one of its
    invited contacts), or about its area (a borough other than home named in its name, and on the question:
    in its words, or where the people and places it is about live)."""
    names = {_text(c["name"]).strip().casefold() for c in invited
             if (_text(c["agency"]) or "Agency not recorded") == agency} - {""}
    areas = _areas_in(network, agency)
    return [g for g in rows(network.open_questions)
            if _text(g["agency"]).strip().casefold() == agency.casefold()
            or _text(g["assigned_to"]).strip().casefold() in names or areas & _question_areas(network, g)]


def _boroughs(network: Network) -> set[str]:
    """The boroughs recorded on people and places, other than home, casefolded."""
    home = _text(network.settings.home_borough).strip().casefold()
    found = {_text(b).strip().casefold() for frame in (network.subjects, network.contexts) for b in frame["borough"]}
    return found - {"", home}


def _areas_in(network: Network, text: str) -> set[str]:
    """The boroughs (other than home) that `text` names, as whole words."""
    said = _text(text).casefold()
    return {b for b in _boroughs(network) if re.search(rf"(?<!\w){re.escape(b)}(?!\w)", said)}


def _question_areas(network: Network, gap: dict) -> set[str]:
    about = {rid for ref in gap["about"] for rid in network.resolve(ref)}
    lives = {_text(r["borough"]).strip().casefold() for frame in (network.subjects, network.contexts)
             for r in rows(frame) if r["id"] in about}
    return (lives & _boroughs(network)) | _areas_in(network, gap["question"])


def _unasked(network: Network, view: labels.View, invited: list[dict]) -> list:
    """The open questions no invited agency is asked: listed for every agency, as not yet assigned."""
    agencies = sorted({_text(c["agency"]) or "Agency not recorded" for c in invited})
    asked = {g["id"] for agency in agencies for g in _asked_of(network, agency, invited)}
    left = [[g["id"], view.text(g["question"])] for g in rows(network.open_questions) if g["id"] not in asked]
    if not left:
        return []
    return [Heading("Questions not yet assigned to an invited agency"),
            Para("Every agency please look at these too: bring what you know, and say if they are yours."),
            Table(["ID", "Question"], left, widths=(1.5, 15.5))]


def _people(network: Network, view: labels.View, ids: set[str]) -> list:
    """The people to research, and a warning under the table for each with neither date of birth nor age."""
    people = [r for r in rows(network.active_subjects) if r["id"] in ids]
    if not people:
        return [Para("People: none recorded for your agency.")]
    unborn = {i for i, r in enumerate(people) if not _known_age(r)}
    if view.anonymise:
        table = Table(_PEOPLE_CODED, [[view.label(r["id"]), _text(r["type"]), view.text(r["gender"]),
                                       _age(r), view.borough(r["borough"])] for r in people], flagged=unborn)
        named = [view.label(r["id"]) for r in people]
    else:
        shown = labels.View(network).label  # the key to the map and minutes, which may use initials
        table = Table(_PEOPLE, [[_text(r["name"]), shown(r["id"]), _text(r.get("known_as")), _born(r),
                                 _text(r["gender"]), _where(r), _text(r["type"])] for r in people],
                      flagged=unborn, widths=(3.0, 2.1, 2.0, 2.4, 1.5, 3.6, 2.4))
        named = [_text(r["name"]) or shown(r["id"]) for r in people]
    return [table] + [Para(f"{named[i]} \u2013 {NO_BIRTH}", bold=True) for i in sorted(unborn)]


def _places(network: Network, view: labels.View, ids: set[str], none: str = "Places: none recorded for your "
                                                                             "agency."):
    places = [r for r in rows(network.active_contexts) if r["id"] in ids]
    if not places:
        return Para(none)
    return Table(["Where", "Type", "Address or area"],
                 [[_text(r["name"]) if not view.anonymise else view.label(r["id"]), _text(r["type"]),
                   view.text(r["address_or_area"]) if view.anonymise else _where(r)] for r in places])


def _unclaimed(network: Network, view: labels.View, invited: list[dict]) -> list:
    held = set().union(*_by_agency(network, invited).values()) if invited else set()
    rest = (set(network.active_subjects["id"]) | set(network.active_contexts["id"])) - held
    if not rest:
        return []
    return [Heading("Not yet linked to an invited agency"),
            Para("Every agency please check these too: nobody invited is recorded as holding information on them."),
            *_people(network, view, rest), _places(network, view, rest, "Places: none.")]


def _born(record: dict) -> str:
    if pd.notna(record.get("date_of_birth")):
        return date_text(record["date_of_birth"])
    return _age(record)


def _known_age(record: dict) -> bool:
    return pd.notna(record.get("date_of_birth")) or pd.notna(record.get("age"))


def _age(record: dict) -> str:
    return f"{int(record['age'])} years" if pd.notna(record.get("age")) else "not known"


def _where(record: dict) -> str:
    """ "Clarence Road, Hackney": the address or area, then the borough unless it already says it."""
    address, borough = _text(record.get("address_or_area")), _text(record.get("borough"))
    if borough and borough.casefold() in address.casefold():
        return address
    return ", ".join(p for p in (address, borough) if p)
