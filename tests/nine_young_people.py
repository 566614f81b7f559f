"""A realistic case for the outputs: nine young people and the people and places around them.

It holds what made outputs go wrong in practice: two young people sharing initials (Jordan Morris,
Jamal Mensah), an adult known only by a street name ("Bugsy"), an unknown adult, an online group, a
young person out of borough (Liam, in Enfield), a removed young person (Ryan), a school linked only by
protective "attends" links, a low-risk protective friend (Priya), a victim who is the only recorded link
between two parts of the network (Kayla), first names typed in free text, and two sessions with
snapshots. Names are invented.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from peermap_xl.contract import schema

D = dt.date
AS_OF = D(2026, 10, 1)
FULL_NAMES = {"S01": "Jordan Morris", "S02": "Jamal Mensah", "S03": "Kayla Osei", "S04": "Liam Doherty",
              "S05": "Priya Shah", "S06": "Tariq Bello", "S07": "Ellie Hart", "S08": "Marcus Reid",
              "S09": "Danny Cole", "S10": "Ryan Price"}

NETWORK = {
    "Network name": "Mare Street network",
    "Purpose": "Safety planning for Jordan and the young people around the Mare Street park.",
    "Key contextual risks": "Criminal exploitation around Mare Street park",
    "Themes": "Criminal exploitation; County lines; Missing",
    "Date concern identified": D(2026, 8, 20),
    "Lead practitioner": "Amira Clarke",
    "Home borough": "Hackney",
    "Status": "Open",
    "Names on outputs": "Initials",
    "Protective marking": "OFFICIAL-SENSITIVE",
}


def _subject(rid, name, kind="Young person", **more):
    return {"ID": rid, "Name": name, "Type": kind, "Status": "Active", **more}


SUBJECTS = [
    _subject("S01", "Jordan Morris", Gender="Male", Age=15, **{"Date of birth": D(2011, 3, 4)},
             Borough="Hackney", **{"Address or area": "Clarence Road", "Known as": "JJ",
                                   "Allocated worker": "Sam Taylor", "Risk level": "High",
                                   "Concerns": "Missing; Jordan says Bugsy pays him to carry; Morris family "
                                               "worried", "Strengths": "Close to Priya",
                                   "Notes": "Jordan told Sam Taylor he wants out."}),
    _subject("S02", "Jamal Mensah", Gender="Male", Age=16, Borough="Hackney",
             **{"Risk level": "High", "Concerns": "Carries for Marcus; seen with Jordan at the park"}),
    _subject("S03", "Kayla Osei", Gender="Female", Age=14, Borough="Hackney",
             **{"Risk level": "High", "Concerns": "Groomed by Marcus; a victim of exploitation"}),
    _subject("S04", "Liam Doherty", Gender="Male", Age=15, Borough="Enfield",
             **{"Risk level": "Medium", "Concerns": "Online contact with Jamal"}),
    _subject("S05", "Priya Shah", Gender="Female", Age=15, Borough="Hackney",
             **{"Risk level": "Low", "Strengths": "Priya looks out for Jordan"}),
    _subject("S06", "Tariq Bello", Gender="Male", Age=16, Borough="Hackney", **{"Risk level": "Medium"}),
    _subject("S07", "Ellie Hart", Gender="Female", Age=14, Borough="Hackney", **{"Risk level": "Medium"}),
    _subject("S08", "Marcus Reid", Gender="Male", Age=17, Borough="Hackney",
             **{"Risk level": "High", "Role in group": "Leader"}),
    _subject("S09", "Danny Cole", Gender="Male", Age=15, Borough="Hackney", **{"Risk level": "Low"}),
    _subject("S10", "Ryan Price", Gender="Male", Age=15, Borough="Hackney",
             **{"Risk level": "Low", "Status": "Removed", "Status date": D(2026, 9, 20),
                "Status reason": "Moved to Kent with his family"}),
    _subject("S11", "\u201cBugsy\u201d", "Adult", Gender="Male", Borough="Hackney",
             **{"Risk level": "High", "Role in group": "Leader", "Concerns": "Runs the line from Clarence Road"}),
    _subject("S12", "Unknown adult male", "Unknown", Gender="Male", **{"Risk level": "Not known"}),
]

CONTEXTS = [
    {"ID": "C01", "Name": "Mare Street park", "Type": "Park or open space", "Address or area": "Mare Street",
     "Borough": "Hackney", "Nature": "Risky", "Concerns": "Stabbing in August; Jamal and Jordan meet Marcus here"},
    {"ID": "C02", "Name": "Hackney Free School", "Type": "School", "Address or area": "Hackney", "Borough": "Hackney",
     "Nature": "Protective", "Strengths": "Attendance good"},
    {"ID": "C03", "Name": "Drill group chat", "Type": "Online", "Address or area": "Online", "Nature": "Risky"},
    {"ID": "C04", "Name": "14 Clarence Road", "Type": "Address", "Address or area": "Clarence Road, E5",
     "Borough": "Hackney", "Nature": "Risky"},
]


def _link(rid, frm, to, relationship, nature, evidence="Evidenced", **more):
    return {"ID": rid, "From": frm, "To": to, "Relationship": relationship, "Nature": nature,
            "Strength": "Strong", "Evidence": evidence, "Source": "Police", "Source grade": "1 Reliable",
            "Information grade": "A Known directly", "First recorded": D(2026, 8, 1), "Last seen": D(2026, 9, 10),
            **more}


LINKS = [
    _link("L01", "S08", "S01", "Associate", "Risky", Influence="From leads"),
    _link("L02", "S08", "S02", "Associate", "Risky", Influence="From leads"),
    _link("L03", "S01", "S02", "Friend", "Risky"),
    _link("L04", "S06", "S02", "Associate", "Risky"),
    _link("L05", "S05", "S01", "Close friend", "Protective", Notes="Priya walks Jordan home"),
    _link("L06", "S11", "S01", "Exploits", "Risky", Influence="From leads"),
    _link("L07", "S11", "C04", "Lives at", "Risky"),
    _link("L08", "S01", "C01", "Seen at", "Risky"),
    _link("L09", "S02", "C01", "Seen at", "Risky"),
    _link("L10", "S08", "C01", "Seen at", "Risky"),
    _link("L11", "S02", "C03", "Online contact", "Risky"),
    _link("L12", "S04", "C03", "Online contact", "Risky"),
    _link("L13", "S08", "S03", "Partner", "Risky", "Anecdotal", **{"Source grade": "2 Untested",
                                                                   "Information grade": "C Known indirectly"}),
    _link("L14", "S03", "S07", "Friend", "Protective"),
    _link("L15", "S07", "S09", "Sibling", "Neutral"),
    *[_link(f"L{16 + i}", who, "C02", "Attends", "Protective") for i, who in
      enumerate(("S01", "S02", "S05", "S06"))],
    _link("L20", "S10", "S01", "Friend", "Neutral", Status="Historic"),
    _link("L21", "S12", "C04", "Seen at", "Risky", "Anecdotal", **{"Information grade": "C Known indirectly"}),
]

CONTACTS = [
    {"ID": "K01", "Name": "Sam Taylor", "Role": "Social worker", "Agency": "Hackney CSC", "For": "S01; S02",
     "Invite to": "Internal; Multi-agency; Review"},
    {"ID": "K02", "Name": "Sam Taylor", "Role": "Social worker", "Agency": "Hackney CSC", "For": "S03",
     "Invite to": "Internal"},
    {"ID": "K03", "Name": "PC Dan Ross", "Role": "Youth engagement officer", "Agency": "Metropolitan Police",
     "For": "S01; S02; S08; S11; S12; C01; C04", "Invite to": "Multi-agency; Review"},
    {"ID": "K04", "Name": "Ms Adebayo", "Role": "Designated safeguarding lead", "Agency": "Hackney Free School",
     "For": "C02; S01; S02; S05; S07; S09; S10", "Invite to": "Multi-agency"},
    {"ID": "K05", "Name": "Enfield MASH", "Role": "Duty worker", "Agency": "Enfield Council", "For": "S04",
     "Invite to": "Multi-agency"},
]

GAPS = [
    {"ID": "G01", "Question": "What do Enfield services know about Liam Doherty?", "About": "S04",
     "Assigned to": "Enfield MASH", "Agency": "Enfield Council", "Raised on": D(2026, 9, 1), "Due": D(2026, 9, 20),
     "Status": "Open"},
    {"ID": "G02", "Question": "Is Marcus controlling Kayla?", "About": "L13", "Assigned to": "Sam Taylor",
     "Agency": "Hackney CSC", "Raised on": D(2026, 9, 1), "Due": D(2026, 10, 20), "Status": "Open"},
    {"ID": "G03", "Question": "Who is Bugsy and does Jordan owe him money?", "About": "S11; S01",
     "Assigned to": "PC Dan Ross", "Agency": "Metropolitan Police", "Raised on": D(2026, 9, 1),
     "Due": D(2026, 10, 20), "Status": "Open"},
]

ACTIONS = [
    {"ID": "A01", "Action": "Refer Jordan to the National Referral Mechanism", "Type": "Referral", "About": "S01",
     "Owner": "Sam Taylor", "Agency": "Hackney CSC", "Set on": D(2026, 9, 1), "Due": D(2026, 9, 8),
     "Status": "In progress"},
    {"ID": "A02", "Action": "Detached youth work in Mare Street park", "Type": "Environmental change",
     "About": "C01", "Owner": "Youth service", "Agency": "Hackney Youth Service", "Set on": D(2026, 9, 15),
     "Due": D(2026, 11, 30), "Status": "Open"},
]

SESSIONS = [
    {"ID": "M01", "Date": D(2026, 9, 1), "Type": "Internal mapping", "Chair": "Amira Clarke",
     "Attendees": "Amira Clarke; Sam Taylor", "Agencies": "Hackney CSC",
     "Summary": "First look at Jordan's network.", "Decisions": "Invite police and the school."},
    {"ID": "M02", "Date": D(2026, 9, 15), "Type": "Multi-agency mapping", "Chair": "Amira Clarke",
     "Attendees": "Amira Clarke; Sam Taylor; PC Dan Ross; Ms Adebayo", "Agencies": "Hackney CSC; Met Police; School",
     "Summary": "Marcus leads the park group; Jamal and Jordan carry.",
     "Decisions": "Police to identify Bugsy. Safety plan for Jordan with Priya's help."},
]

DIRECT_WORK = [
    {"Young person": "S01", "Peer": "Priya", "Relationship": "Best friend", "Closeness": 1, "Influence": "Positive",
     "Would help if in trouble": "Yes", "Strategy": "Meet Priya at the library after school"},
    {"Young person": "S01", "Peer": "Marcus", "Relationship": "Older", "Closeness": 4, "Influence": "Negative",
     "Would help if in trouble": "No"},
]

RECORDS = {schema.SUBJECTS.name: SUBJECTS, schema.CONTEXTS.name: CONTEXTS, schema.LINKS.name: LINKS,
           schema.CONTACTS.name: CONTACTS, schema.GAPS.name: GAPS, schema.ACTIONS.name: ACTIONS,
           schema.SESSIONS.name: SESSIONS, schema.DIRECT_WORK.name: DIRECT_WORK}


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
