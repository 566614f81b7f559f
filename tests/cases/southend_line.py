"""A case of the maps engineer's own (issue 27): a county line from Kingsland to Southend.

Thirteen people and seven places, 41 links: Kai is run to a cuckooed flat in Southend by an adult known
as "Tank"; his sister Leah is close to him and protective; Sami, Kayden and Amir carry for Tank and meet
at Kingsland Chicken; Ellie-Mae and Kayden are in the same Snapchat group; the school and the youth club
are protective places most of them attend. The layout of such a map puts some circles on other people's
links (Sami on Kai's school link, Leah on Kai's Southend link): the case that showed links drawn through
circles. Names are invented.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from peermap_xl.contract import schema

D = dt.date
AS_OF = D(2026, 10, 8)

NETWORK = {
    "Network name": "Kingsland to Southend line",
    "Purpose": "Safety planning for Kai and the young people carrying for Tank.",
    "Key contextual risks": "County line from Kingsland to Southend",
    "Themes": "County lines; Criminal exploitation; Missing",
    "Date concern identified": D(2026, 8, 28),
    "Lead practitioner": "Nadia Rahman",
    "Home borough": "Hackney",
    "Status": "Open",
    "Names on outputs": "Initials",
    "Protective marking": "OFFICIAL-SENSITIVE",
}


def _subject(rid, name, kind="Young person", risk="Medium", borough="Hackney", **more):
    return {"ID": rid, "Name": name, "Type": kind, "Status": "Active", "Risk level": risk, "Borough": borough,
            **more}


SUBJECTS = [
    _subject("S01", "Kai Thompson", risk="High", Gender="Male", Age=15, Concerns="Missing to Southend"),
    _subject("S02", "Leah Thompson", risk="Low", Gender="Female", Age=17, Strengths="Looks out for Kai"),
    _subject("S03", "Sami Okafor", risk="High", Gender="Male", Age=16),
    _subject("S04", "Kayden Brooks", risk="High", Gender="Male", Age=16),
    _subject("S05", "Ellie-Mae Ward", Gender="Female", Age=15),
    _subject("S06", "Amir Haddad", risk="High", Gender="Male", Age=17),
    _subject("S07", "Jayden Cole", Gender="Male", Age=15),
    _subject("S08", "Tia Roberts", risk="Low", Gender="Female", Age=15),
    _subject("S09", "Reece Hall", Gender="Male", Age=14, borough="Southend-on-Sea"),
    _subject("S10", "\u201cTank\u201d", "Adult", risk="High", Gender="Male", **{"Role in group": "Leader"}),
    _subject("S11", "Unknown adult female", "Unknown", risk="Not known", borough="Southend-on-Sea"),
    _subject("S12", "Dwayne Price", "Adult", risk="High", Gender="Male", borough="Southend-on-Sea"),
    _subject("S13", "Nathan Green", risk="Low", Gender="Male", Age=15),
]

CONTEXTS = [
    {"ID": "C01", "Name": "Kingsland Academy", "Type": "School", "Borough": "Hackney", "Nature": "Protective"},
    {"ID": "C02", "Name": "Kingsland Chicken", "Type": "Shop or business", "Borough": "Hackney", "Nature": "Risky"},
    {"ID": "C03", "Name": "\u201cMandem\u201d Snapchat group", "Type": "Online", "Nature": "Risky"},
    {"ID": "C04", "Name": "Flat 3, Marine Parade", "Type": "Address", "Borough": "Southend-on-Sea",
     "Nature": "Risky", "Concerns": "Cuckooed: Dwayne Price's flat, used to deal from"},
    {"ID": "C05", "Name": "Dalston youth club", "Type": "Youth provision", "Borough": "Hackney",
     "Nature": "Protective"},
    {"ID": "C06", "Name": "Southend Central station", "Type": "Transport hub", "Borough": "Southend-on-Sea",
     "Nature": "Risky"},
    {"ID": "C07", "Name": "Ridley Road estate", "Type": "Estate", "Borough": "Hackney", "Nature": "Mixed"},
]


def _link(rid, frm, to, relationship, nature, evidence="Evidenced", strength="Moderate", **more):
    return {"ID": rid, "From": frm, "To": to, "Relationship": relationship, "Nature": nature, "Strength": strength,
            "Evidence": evidence, "Source": "Police", "Source grade": "1 Reliable",
            "Information grade": "A Known directly", "First recorded": D(2026, 9, 1), "Last seen": D(2026, 9, 30),
            **more}


LINKS = [
    _link("L01", "S10", "S01", "Exploits", "Risky", strength="Strong", Influence="From leads"),
    _link("L02", "S10", "S03", "Exploits", "Risky", strength="Strong", Influence="From leads"),
    _link("L03", "S10", "S04", "Exploits", "Risky", Influence="From leads"),
    _link("L04", "S10", "S06", "Associate", "Risky", Influence="From leads"),
    _link("L05", "S01", "S02", "Sibling", "Protective", strength="Strong"),
    _link("L06", "S01", "S03", "Friend", "Risky", strength="Strong"),
    _link("L07", "S01", "S04", "Friend", "Risky"),
    _link("L08", "S01", "C01", "Attends", "Protective"),
    _link("L09", "S01", "C04", "Stays at", "Risky", strength="Strong"),
    _link("L10", "S01", "C06", "Seen at", "Risky"),
    _link("L11", "S03", "C01", "Attends", "Protective"),
    _link("L12", "S03", "C02", "Seen at", "Risky"),
    _link("L13", "S04", "C02", "Seen at", "Risky"),
    _link("L14", "S06", "C02", "Seen at", "Risky", strength="Strong"),
    _link("L15", "S04", "S05", "Partner", "Risky", "Anecdotal",
          **{"Source grade": "2 Untested", "Information grade": "C Known indirectly"}),
    _link("L16", "S04", "C03", "Online contact", "Risky"),
    _link("L17", "S05", "C03", "Online contact", "Risky"),
    _link("L18", "S07", "C03", "Online contact", "Neutral", "Anecdotal"),
    _link("L19", "S05", "C01", "Attends", "Protective"),
    _link("L20", "S07", "C01", "Attends", "Protective"),
    _link("L21", "S08", "C01", "Attends", "Protective"),
    _link("L22", "S13", "C01", "Attends", "Protective"),
    _link("L23", "S08", "S05", "Close friend", "Protective", strength="Strong"),
    _link("L24", "S13", "S07", "Friend", "Neutral"),
    _link("L25", "S02", "C05", "Attends", "Protective"),
    _link("L26", "S13", "C05", "Attends", "Protective"),
    _link("L27", "S08", "C05", "Attends", "Protective"),
    _link("L28", "S12", "C04", "Lives at", "Risky", strength="Strong"),
    _link("L29", "S11", "C04", "Seen at", "Risky", "Anecdotal"),
    _link("L30", "S10", "S12", "Associate", "Risky", "Anecdotal"),
    _link("L31", "S09", "C06", "Seen at", "Risky"),
    _link("L32", "S09", "S12", "Associate", "Risky"),
    _link("L33", "S03", "C04", "Stays at", "Risky", "Anecdotal"),
    _link("L34", "S06", "C07", "Lives at", "Risky"),
    _link("L35", "S04", "C07", "Seen at", "Risky"),
    _link("L36", "S03", "S06", "Associate", "Risky"),
    _link("L37", "S07", "C07", "Lives at", "Neutral"),
    _link("L38", "S06", "C03", "Online contact", "Risky", "Anecdotal"),
    _link("L39", "S11", "S12", "Partner", "Risky", "Anecdotal"),
    _link("L40", "S02", "S08", "Friend", "Protective"),
    _link("L41", "S03", "S04", "Friend", "Risky", Status="Historic"),
]

GAPS = [
    {"ID": "G01", "Question": "Who is the woman seen at the Marine Parade flat?", "About": "S11",
     "Assigned to": "Essex Police", "Agency": "Essex Police", "Raised on": D(2026, 9, 15), "Due": D(2026, 10, 20),
     "Status": "Open"},
    {"ID": "G02", "Question": "Does Kai owe Tank money?", "About": "S01; S10", "Assigned to": "Nadia Rahman",
     "Raised on": D(2026, 9, 15), "Status": "Open"},
]

ACTIONS = [
    {"ID": "A01", "Action": "Peer assessment of Kai, Sami and Kayden", "Type": "Peer assessment",
     "About": "S01; S03; S04", "Owner": "Nadia Rahman", "Set on": D(2026, 9, 15), "Due": D(2026, 10, 15),
     "Status": "In progress"},
    {"ID": "A02", "Action": "Context assessment of Kingsland Chicken", "Type": "Context assessment",
     "About": "C02", "Owner": "Youth service", "Set on": D(2026, 9, 15), "Due": D(2026, 10, 30), "Status": "Done"},
]

SESSIONS = [
    {"ID": "M01", "Date": D(2026, 9, 15), "Type": "Multi-agency mapping", "Chair": "Nadia Rahman",
     "Attendees": "Nadia Rahman; PC Ade Bello; Ms Grant", "Agencies": "Hackney CSC; Met Police; School",
     "Summary": "Tank runs Kai and Sami to Southend.", "Decisions": "Peer assessment; ask Essex Police."},
]

DIRECT_WORK = [
    {"Young person": "S01", "Peer": "Leah", "Relationship": "Sister", "Closeness": 1, "Influence": "Positive",
     "Would help if in trouble": "Yes", "Date": D(2026, 9, 29), "Worker": "Nadia Rahman"},
    {"Young person": "S01", "Peer": "Sami", "Relationship": "Friend", "Closeness": 2, "Influence": "Mixed",
     "Would help if in trouble": "Not sure", "Date": D(2026, 9, 29), "Worker": "Nadia Rahman"},
    {"Young person": "S01", "Peer": "Tank", "Relationship": "Older", "Closeness": 4, "Influence": "Negative",
     "Would help if in trouble": "No"},
]

RECORDS = {schema.SUBJECTS.name: SUBJECTS, schema.CONTEXTS.name: CONTEXTS, schema.LINKS.name: LINKS,
           schema.GAPS.name: GAPS, schema.ACTIONS.name: ACTIONS, schema.SESSIONS.name: SESSIONS,
           schema.DIRECT_WORK.name: DIRECT_WORK}


def write_case(path: Path, records: dict | None = None, network: dict | None = None) -> Path:
    """The case as a workbook at `path` (records and Network values may be varied)."""
    import openpyxl

    from peermap_xl.book import edit
    from peermap_xl.xlsm.template import template_bytes

    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()), keep_vba=True)
    edit.set_network_values(wb, {**NETWORK, **(network or {})})
    for sheet in schema.DATA_SHEETS:
        edit.append_records(wb, sheet, (records or RECORDS).get(sheet.name, []))
    edit.save(wb, path, backup=False)
    return path
