"""The worked example: Figure 1 of the guidance grown into a whole network.

Male A goes missing to Plymouth, stays at 123 City Road with an unknown adult
male, and is linked to Males B and C, Females A and B and the youth hub. All
names are pseudonyms as used in meetings; the practitioners are roles, not
people. The data carries the imperfections of a real map (stale and anecdotal
links, an unassigned question, an overdue action) so that every part of
peermap has something to show.
"""

from __future__ import annotations

import datetime as dt

from peermap_xl.contract import schema

D = dt.date

#: "Today" for the example: the checks and maps of the demo are run as of this date.
AS_OF = D(2026, 10, 1)

FILE_NAME = "City Road peer network (example).xlsm"

NETWORK = {
    "Network name": "City Road peer network",
    "Purpose": "Safety planning with Male A and the young people linked to him; coordinating the "
               "linked cases in Hackney, Kent and Plymouth.",
    "Key contextual risks": "County line to Plymouth",
    "Themes": "County lines; Criminal exploitation; Missing; Substance misuse",
    "Date concern identified": D(2026, 8, 24),
    "Lead practitioner": "CS practitioner (lead)",
    "Team": "Contextual Safeguarding Team",
    "Home borough": "Hackney",
    "Status": "Open",
    "Stale after (days)": 90,
    "Review every (months)": 3,
    "Protective marking": "OFFICIAL-SENSITIVE",
    "Names on outputs": "Full names",
    "Recorder": "CS business support",
}

_SUBJECT_COLUMNS = ("ID", "Name", "Type", "Gender", "Age", "Borough", "Known to services",
                    "Allocated worker", "Concerns", "Strengths", "Risk level", "Role in group",
                    "Status", "Status date", "Status reason", "Notes")
_SUBJECTS = (
    ("S01", "Male A", "Young person", "Male", 15, "Hackney", "CSC (child in need); YOT",
     "Social worker (Male A)",
     "Missing episodes - believed to be going to Plymouth with drugs; grooming for county lines; "
     "Substance misuse - cannabis; Currently NEET",
     "Attends the youth hub; close to his sister; positive friendship with Male B",
     "High", "Follower", "Active", None, None,
     "Arrested in Plymouth for PWITS (August 2026)."),
    ("S02", "Unknown adult male", "Adult", "Male", None, "Hackney", "Not known", None,
     "Lives at 123 City Road; Male A stays with him when missing", None,
     "High", "Leader", "Active", None, None, None),
    ("S03", "Male B", "Young person", "Male", 15, "Hackney", "School", None,
     None, "Friend from previous school; positive relationship with Male A",
     "Low", "Peripheral", "Active", None, None, None),
    ("S04", "Male C", "Young person", "Male", 16, "Kent", "Kent CSC", None,
     "Found in Plymouth with Male A; Missing", None,
     "High", "Follower", "Active", None, None, "Open to Kent children's services."),
    ("S05", "Female A", "Young person", "Female", 15, "Hackney", "School", None,
     None, "Girlfriend of Male A; believed positive",
     "Low", "Peripheral", "Active", None, None, None),
    ("S06", "Female B", "Young person", "Female", 14, "Plymouth", "Plymouth CSC", None,
     "Vulnerable young person in Plymouth; Sexual exploitation concerns", None,
     "High", "Not known", "Active", None, None, None),
    ("S07", "Male D", "Young person", "Male", 17, "Hackney", "YOT", "YOT worker (Male D)",
     "Serious youth violence; Criminal exploitation", "Plays football at the youth hub",
     "Medium", "Leader", "Active", None, None, None),
    ("S08", "Male E", "Young person", "Male", 16, "Hackney", "Early help", None,
     "Seen with Male D on the estate late at night", None,
     "Medium", "Follower", "Active", None, None, None),
    ("S09", "Female C", "Young person", "Female", 15, "Hackney", "School", None,
     None, "Friend of Female A",
     "Low", "Peripheral", "Active", None, None, None),
    ("S10", "Male F", "Young person", "Male", 14, "Hackney", "Not known", None,
     "Younger brother of Male D", None,
     None, "Not known", "Active", None, None, None),
    ("S11", "Adult male (Plymouth)", "Adult", "Male", None, "Plymouth", "Police", None,
     "Believed to run the line from the Plymouth address", None,
     "High", "Leader", "Active", None, None, None),
    ("S12", "Male G", "Young person", "Male", 16, "Islington", "Islington CSC", None,
     "Online contact with Male A; Image sharing", None,
     "Medium", "Not known", "Active", None, None, None),
    ("S13", "Female D", "Young person", "Female", 17, "Hackney", "Not known", None,
     None, "Sister of Male A; he trusts her",
     "Low", "Not known", "Active", None, None, None),
    ("S14", "Male H", "Young person", "Male", 15, "Hackney", "School", None,
     "Previously in the group", None,
     "Low", "Peripheral", "Removed", D(2026, 9, 20), "Moved out of the area with his family", None),
    ("S15", "Unknown female", "Unknown", "Female", None, "Plymouth", "Not known", None,
     "Seen at the Plymouth address", None,
     "Not known", "Not known", "Active", None, None, None),
)

_CONTEXT_COLUMNS = ("ID", "Name", "Type", "Address or area", "Borough", "Nature", "Concerns",
                    "Strengths", "Status", "Notes")
_CONTEXTS = (
    ("C01", "123 City Road", "Address", "City Road, Hackney", "Hackney", "Risky",
     "Adult male's address where Male A stays during missing episodes", None, "Active", None),
    ("C02", "Plymouth house", "Address", "Address in Plymouth (not yet known)", "Plymouth", "Risky",
     "Male A arrested here for PWITS", None, "Active", None),
    ("C03", "Youth hub", "Youth provision", "Hackney", "Hackney", "Protective",
     None, "Male A attends; trusted youth worker", "Active", None),
    ("C04", "Previous school", "School", "Hackney", "Hackney", "Mixed",
     "Male A excluded in Year 9", "Where Male A met Male B", "Active", None),
    ("C05", "Snapchat group", "Online", "Online", None, "Risky",
     "Used to arrange travel to Plymouth", None, "Active", None),
    ("C06", "Estate park", "Park or open space", "Park beside the estate", "Hackney", "Mixed",
     "Group gathers late at night", "Football on Saturdays", "Active", None),
)

_LINK_COLUMNS = ("ID", "From", "To", "Relationship", "Nature", "Strength", "Influence", "Evidence",
                 "Source", "Source grade", "Information grade", "Times seen together", "Where seen",
                 "Seen by", "First recorded", "Last seen", "Notes")
_LINKS = (
    ("L01", "S01", "C01", "Stays at", "Risky", "Strong", "Not known", "Evidenced", "Police (missing episodes)",
     "1 Reliable", "A Known directly", 4, "123 City Road", "Police", D(2026, 6, 2), D(2026, 9, 12),
     "Found there on return from missing episodes"),
    ("L02", "S02", "S01", "Exploits", "Risky", "Strong", "From leads", "Anecdotal", "Mother of Male A",
     "2 Untested", "C Known indirectly", None, None, None, D(2026, 8, 24), D(2026, 9, 12), None),
    ("L03", "S02", "C01", "Lives at", "Risky", "Strong", "Not known", "Evidenced", "Police",
     "1 Reliable", "B Known indirectly, corroborated", None, None, None, D(2026, 8, 24), D(2026, 9, 12), None),
    ("L04", "S01", "C02", "Arrested at", "Risky", "Strong", "Not known", "Evidenced",
     "Devon and Cornwall Police", "1 Reliable", "A Known directly", 1, "Plymouth house", "Police",
     D(2026, 8, 22), D(2026, 8, 22), "Arrested for PWITS"),
    ("L05", "S01", "Male B", "Close friend", "Protective", "Strong", "Mutual", "Evidenced", "Youth hub",
     "1 Reliable", "A Known directly", 10, "Youth hub", "Youth worker", D(2025, 9, 1), D(2026, 5, 10),
     "Friends from previous school"),
    ("L06", "S01", "S04", "Associate", "Risky", "Moderate", "To leads", "Evidenced", "Devon and Cornwall Police",
     "1 Reliable", "A Known directly", 2, "Plymouth", "Police", D(2026, 8, 22), D(2026, 8, 22),
     "Found together in Plymouth"),
    ("L07", "S01", "S05", "Partner", "Protective", "Moderate", "Mutual", "Anecdotal", "Male A (direct work)",
     "2 Untested", "C Known indirectly", None, None, None, D(2026, 7, 1), D(2026, 9, 1), "Girlfriend"),
    ("L08", "S01", "S06", "Associate", "Risky", "Weak", "Not known", "Anecdotal", "Devon and Cornwall Police",
     "2 Untested", "C Known indirectly", None, "Plymouth", None, D(2026, 8, 22), None,
     "Nature of relationship not known"),
    ("L09", "S01", "C03", "Attends", "Protective", "Strong", "Not known", "Evidenced", "Youth hub",
     "1 Reliable", "A Known directly", 20, "Youth hub", "Youth worker", D(2025, 4, 1), D(2026, 9, 25), None),
    ("L10", "S03", "C04", "Attends", "Neutral", "Moderate", "Not known", "Evidenced", "School DSL",
     "1 Reliable", "A Known directly", None, None, None, D(2024, 9, 1), D(2026, 9, 20), None),
    ("L11", "S01", "C04", "Attends", "Neutral", "Weak", "Not known", "Evidenced", "School DSL",
     "1 Reliable", "A Known directly", None, None, None, D(2023, 9, 1), D(2025, 3, 14),
     "Excluded in Year 9"),
    ("L12", "S04", "C02", "Seen at", "Risky", "Moderate", "Not known", "Evidenced", "Devon and Cornwall Police",
     "1 Reliable", "A Known directly", 1, "Plymouth house", "Police", D(2026, 8, 22), D(2026, 8, 22), None),
    ("L13", "S11", "C02", "Lives at", "Risky", "Strong", "Not known", "Anecdotal", "Devon and Cornwall Police",
     "2 Untested", "C Known indirectly", None, None, None, D(2026, 8, 22), None, None),
    ("L14", "S11", "S04", "Exploits", "Risky", "Strong", "From leads", "Anecdotal", "Devon and Cornwall Police",
     "2 Untested", "D Not known", None, None, None, D(2026, 8, 22), None, None),
    ("L15", "S06", "C02", "Seen at", "Risky", "Moderate", "Not known", "Evidenced", None,
     None, None, 1, "Plymouth house", None, D(2026, 8, 22), D(2026, 8, 22), None),
    ("L16", "S02", "S11", "Associate", "Risky", "Moderate", "Not known", "Anecdotal", "Police intelligence",
     "3 Not reliable", "C Known indirectly", None, None, None, D(2026, 9, 1), None,
     "Phone contact suspected"),
    ("L17", "S01", "C05", "Online contact", "Risky", "Moderate", "Not known", "Evidenced", "Police (phone download)",
     "1 Reliable", "A Known directly", None, None, None, D(2026, 8, 25), D(2026, 9, 5), None),
    ("L18", "S04", "C05", "Online contact", "Risky", "Moderate", "Not known", "Evidenced", "Police (phone download)",
     "1 Reliable", "A Known directly", None, None, None, D(2026, 8, 25), D(2026, 9, 5), None),
    ("L19", "S12", "C05", "Online contact", "Risky", "Weak", "Not known", "Anecdotal", "Male A (direct work)",
     "2 Untested", "C Known indirectly", None, None, None, D(2026, 9, 10), D(2026, 9, 10), None),
    ("L20", "S07", "S01", "Friend", "Risky", "Moderate", "From leads", "Evidenced", "YOT worker",
     "1 Reliable", "B Known indirectly, corroborated", 5, "Estate park", "Detached youth work",
     D(2026, 3, 1), D(2026, 9, 18), "Older; introduced Male A to Male C"),
    ("L21", "S07", "S08", "Friend", "Risky", "Strong", "From leads", "Evidenced", "YOT worker",
     "1 Reliable", "A Known directly", 8, "Estate park", "Police", D(2026, 2, 1), D(2026, 9, 18), None),
    ("L22", "S07", "S10", "Sibling", "Neutral", "Strong", "From leads", "Evidenced", "School DSL",
     "1 Reliable", "A Known directly", None, None, None, D(2026, 1, 1), D(2026, 9, 1), None),
    ("L23", "S07", "C06", "Seen at", "Risky", "Strong", "Not known", "Evidenced", "Detached youth work",
     "1 Reliable", "A Known directly", 12, "Estate park", "Youth workers", D(2026, 2, 1), D(2026, 9, 18), None),
    ("L24", "S08", "C06", "Seen at", "Risky", "Moderate", "Not known", "Evidenced", "Detached youth work",
     "1 Reliable", "A Known directly", 6, "Estate park", "Youth workers", D(2026, 2, 1), D(2026, 9, 18), None),
    ("L25", "S05", "S09", "Friend", "Protective", "Strong", "Mutual", "Evidenced", "School DSL",
     "1 Reliable", "A Known directly", None, "School", "Teachers", D(2025, 9, 1), D(2026, 9, 20), None),
    ("L26", "S13", "S01", "Sibling", "Protective", "Strong", "From leads", "Evidenced", "Social worker",
     "1 Reliable", "A Known directly", None, None, None, D(2026, 8, 24), D(2026, 9, 15),
     "He listens to his sister"),
    ("L27", "S01", "S14", "Friend", "Neutral", "Weak", "Not known", "Anecdotal", "School DSL",
     "2 Untested", "C Known indirectly", None, None, None, D(2025, 11, 1), D(2026, 4, 2), None),
    ("L28", "S15", "C02", "Seen at", "Risky", "Weak", "Not known", "Anecdotal", "Devon and Cornwall Police",
     "2 Untested", "C Known indirectly", 1, "Plymouth house", "Police", D(2026, 8, 22), D(2026, 8, 22), None),
    ("L29", "S08", "S01", "Associate", "Neutral", "Weak", "Not known", "Evidenced", "Detached youth work",
     "1 Reliable", "D Not known", 2, "Estate park", "Youth workers", D(2026, 4, 1), D(2026, 6, 15), None),
    ("L30", "S03", "C03", "Attends", "Protective", "Moderate", "Not known", "Evidenced", "Youth hub",
     "1 Reliable", "A Known directly", None, "Youth hub", "Youth worker", D(2026, 1, 10), D(2026, 9, 25), None),
)

_CONTACT_COLUMNS = ("ID", "Name", "Role", "Agency", "Email", "Phone", "For", "Invite to")
_CONTACTS = (
    ("K01", "Social worker (Male A)", "Allocated social worker", "Hackney CSC", None, None,
     "S01; S13", "Internal; Multi-agency; Review"),
    ("K02", "Plymouth police contact", "Police officer", "Devon and Cornwall Police", None, None,
     "C02; S04; S06; S11; S15", "Multi-agency; Review"),
    ("K03", "Youth hub worker", "Youth worker", "Hackney Youth Service", None, None,
     "C03; S01; S03", "Internal; Multi-agency; Review"),
    ("K04", "Substance misuse worker", "Young people's substance misuse worker", "Substance misuse service",
     None, None, "S01", "Internal; Multi-agency"),
    ("K05", "Police missing persons contact", "Missing persons coordinator", "Metropolitan Police", None, None,
     "S01; S02; C01", "Multi-agency; Review"),
    ("K06", "YOT worker (Male D)", "Youth justice worker", "Hackney YOT", None, None,
     "S07; S08; C06", "Internal; Multi-agency; Review"),
    ("K07", "School DSL", "Designated safeguarding lead", "Previous school", None, None,
     "C04; S03; S05; S09", "Multi-agency"),
)

_GAP_COLUMNS = ("ID", "Question", "About", "Assigned to", "Agency", "Raised on", "Due", "Status", "Answer",
                "Origin")
_GAPS = (
    ("G01", "Who is the adult living at 123 City Road?", "S02; C01", "Police missing persons contact",
     "Metropolitan Police", D(2026, 9, 3), D(2026, 9, 17), "Open", None, "Manual"),
    ("G02", "Who else is linked to 123 City Road?", "C01", "Police missing persons contact",
     "Metropolitan Police", D(2026, 9, 3), D(2026, 10, 15), "Open", None, "Manual"),
    ("G03", "What is the address in Plymouth and have any other arrests been made?", "C02",
     "Plymouth police contact", "Devon and Cornwall Police", D(2026, 9, 3), D(2026, 9, 30), "Open", None,
     "Manual"),
    ("G04", "What is the relationship with the female in Plymouth?", "S06; L08", "Plymouth police contact",
     "Devon and Cornwall Police", D(2026, 9, 3), D(2026, 10, 15), "Open", None, "Manual"),
    ("G05", "Is the relationship with Male B and Female A still positive?", "L05; L07", "Youth hub worker",
     "Hackney Youth Service", D(2026, 9, 3), D(2026, 10, 15), "Open", None, "Manual"),
    ("G06", "Does the risk change if it is online?", "C05", None, None, D(2026, 9, 16), D(2026, 10, 31),
     "Open", None, "Manual"),
    ("G07", "Is Male A still attending the youth hub?", "S01; C03", "Youth hub worker",
     "Hackney Youth Service", D(2026, 9, 3), D(2026, 9, 16), "Answered",
     "Yes, twice a week; he plays football there.", "Manual"),
)

_ACTION_COLUMNS = ("ID", "Action", "Type", "About", "Owner", "Agency", "Set on", "Due", "Status", "Outcome")
_ACTIONS = (
    ("A01", "Police check on the occupants of 123 City Road", "Information gathering", "C01; S02",
     "Police missing persons contact", "Metropolitan Police", D(2026, 9, 16), D(2026, 9, 30), "In progress",
     None),
    ("A02", "National Referral Mechanism referral for Male A", "Referral", "S01", "Social worker (Male A)",
     "Hackney CSC", D(2026, 9, 3), D(2026, 9, 10), "Done", "Referral made 8 September."),
    ("A03", "Direct work with Male A: his own peer map (Appendix B)", "Direct work", "S01",
     "Youth hub worker", "Hackney Youth Service", D(2026, 9, 3), D(2026, 9, 24), "Done",
     "Completed; see Direct work sheet."),
    ("A04", "Share information with Kent CSC about Male C", "Information gathering", "S04",
     "Social worker (Male A)", "Hackney CSC", D(2026, 9, 16), D(2026, 10, 7), "Open", None),
    ("A05", "Detached youth work at the estate park on Friday evenings", "Environmental change", "C06",
     "Youth hub worker", "Hackney Youth Service", D(2026, 9, 16), D(2026, 11, 30), "Open", None),
    ("A06", "Consider a context assessment of 123 City Road", "Context assessment", "C01", None,
     "Hackney CSC", D(2026, 9, 16), None, "Open", None),
    ("A07", "Substance misuse sessions with Male A", "Safeguarding intervention", "S01",
     "Substance misuse worker", "Substance misuse service", D(2026, 9, 3), D(2026, 9, 17), "Open", None),
)

_SESSION_COLUMNS = ("ID", "Date", "Type", "Chair", "Attendees", "Agencies", "Subject list sent",
                    "Minutes uploaded", "Summary", "Decisions", "Next review")
_SESSIONS = (
    ("M01", D(2026, 9, 3), "Internal mapping", "CS practitioner (lead)",
     "CS practitioner (lead); Social worker (Male A); Youth hub worker; Substance misuse worker",
     "Hackney CSC; Hackney Youth Service; Substance misuse service", D(2026, 8, 28), D(2026, 9, 10),
     "Mapped what Hackney services know about Male A's missing episodes and the people around him.",
     "Invite Devon and Cornwall Police, the Met and the school to a multi-agency session. "
     "Direct work with Male A before then.", None),
    ("M02", D(2026, 9, 16), "Multi-agency mapping", "CS practitioner (lead)",
     "CS practitioner (lead); Social worker (Male A); Youth hub worker; Plymouth police contact; "
     "Police missing persons contact; YOT worker (Male D); School DSL",
     "Hackney CSC; Hackney Youth Service; Devon and Cornwall Police; Metropolitan Police; Hackney YOT; School",
     D(2026, 9, 8), D(2026, 10, 2),
     "Plymouth arrest confirmed; Male C and Female B linked to the Plymouth house; Male D's group at the "
     "estate park introduced Male A to Male C.",
     "Police to identify the adult at 123 City Road. Consider a peer assessment for Male A, Male C and Male D.",
     D(2026, 12, 16)),
)

_INCIDENT_COLUMNS = ("ID", "Date", "What happened", "Type", "Where", "Who", "Significant", "Source", "Notes")
_INCIDENTS = (
    ("I01", D(2026, 8, 22), "Male A and Male C arrested at the Plymouth house for possession with intent to supply",
     "Arrest", "C02", "S01; S04", "Yes", "Devon and Cornwall Police", "Female B was at the address."),
    ("I02", D(2026, 8, 30), "Male A missing overnight; found at 123 City Road the next morning", "Missing episode",
     "123 City Road", "Male A", "No", "Police (missing episodes)", None),
    ("I03", D(2026, 9, 5), "Fight between Male D's group and older boys from another estate", "Violence",
     "Estate park", "S07; S08", "No", "Detached youth work", "No injuries reported."),
    ("I04", D(2026, 9, 26), "Male E stabbed in the leg at the estate park; Male D was with him", "Weapon",
     "C06", "S08; S07", "Yes", "Metropolitan Police", "Male E treated in hospital and discharged."),
)

_DIRECT_COLUMNS = ("Young person", "Peer", "Relationship", "Closeness", "Influence", "Would help if in trouble",
                   "Notes", "Strategy", "Date", "Worker")
#: When and by whom Male A's direct work (action A03) was done.
_DIRECT_WORK_DONE = (D(2026, 9, 20), "Youth hub worker")
_DIRECT_WORK = tuple(row + _DIRECT_WORK_DONE for row in (
    ("Male A", "Male B", "Best friend", 1, "Positive", "Yes",
     "Known since primary school. Mums know each other.", "Meet at the youth hub after school."),
    ("Male A", "Female D (sister)", "Sister", 1, "Positive", "Yes", "She checks on him.", None),
    ("Male A", "Female A", "Girlfriend", 2, "Positive", "Yes", None, None),
    ("Male A", "Male D", "Friend from the estate", 3, "Mixed", "Not sure",
     "Looks up to him.", "Leave the youth hub at a different time from Male D's group."),
    ("Male A", "Male C", "Met through Male D", 4, "Negative", "No", "Went to Plymouth together.", None),
    ("Male A", "Cousin", "Cousin", 4, "Positive", "Yes", "Sees him at weekends.", None),
    ("Male A", "Male G", "Online", 5, "Not known", "No", "Snapchat only.", None),
))

RECORDS: dict[str, list[dict]] = {
    sheet.name: [dict(zip(columns, row)) for row in rows]
    for sheet, columns, rows in (
        (schema.SUBJECTS, _SUBJECT_COLUMNS, _SUBJECTS),
        (schema.CONTEXTS, _CONTEXT_COLUMNS, _CONTEXTS),
        (schema.LINKS, _LINK_COLUMNS, _LINKS),
        (schema.CONTACTS, _CONTACT_COLUMNS, _CONTACTS),
        (schema.GAPS, _GAP_COLUMNS, _GAPS),
        (schema.ACTIONS, _ACTION_COLUMNS, _ACTIONS),
        (schema.SESSIONS, _SESSION_COLUMNS, _SESSIONS),
        (schema.INCIDENTS, _INCIDENT_COLUMNS, _INCIDENTS),
        (schema.DIRECT_WORK, _DIRECT_COLUMNS, _DIRECT_WORK),
    )
}

#: The demo's review (`peermap demo`): what the team learnt after the multi-agency session, dated, and the
#: review that compares the map with M02's snapshot. (sheet, record ID or None for a new row, {header: value})
REVIEW_DAY = D(2026, 10, 20)
REVIEW_CHANGES = (
    ("Subjects", None, {"ID": "S16", "Name": "Male J", "Type": "Young person", "Gender": "Male", "Age": 16,
                        "Borough": "Hackney", "Known to services": "Police", "Risk level": "Medium",
                        "Role in group": "Not known", "Status": "Active",
                        "Concerns": "Arrested with Male E after the stabbing at the estate park"}),
    ("Subjects", "S08", {"Risk level": "High"}),
    ("Subjects", "S09", {"Status": "Removed", "Status date": D(2026, 10, 5),
                         "Status reason": "Moved schools; no longer seen with the group"}),
    ("Links", None, {"ID": "L31", "From": "S16", "To": "S08", "Relationship": "Associate", "Nature": "Risky",
                     "Strength": "Moderate", "Influence": "From leads", "Evidence": "Evidenced",
                     "Source": "Metropolitan Police", "Source grade": "1 Reliable",
                     "Information grade": "A Known directly", "Where seen": "Estate park", "Seen by": "Police",
                     "First recorded": D(2026, 10, 12), "Last seen": D(2026, 10, 12)}),
    ("Links", None, {"ID": "L32", "From": "S16", "To": "C06", "Relationship": "Seen at", "Nature": "Risky",
                     "Strength": "Moderate", "Evidence": "Evidenced", "Source": "Detached youth work",
                     "Source grade": "1 Reliable", "Information grade": "A Known directly",
                     "First recorded": D(2026, 10, 9), "Last seen": D(2026, 10, 16)}),
    ("Links", "L20", {"Strength": "Strong", "Last seen": D(2026, 10, 16)}),
    ("Links", "L29", {"Status": "Historic", "Notes": "Not seen together since June"}),
    ("Incidents", None, {"ID": "I05", "Date": D(2026, 10, 12), "What happened": "Male E and Male J arrested at "
                         "the estate park with a knife", "Type": "Weapon", "Where": "C06", "Who": "S08; S16",
                         "Significant": "Yes", "Source": "Metropolitan Police"}),
    ("Actions", "A07", {"Status": "Done", "Outcome": "Four sessions held; Male A engaged."}),
)
#: Who chaired the review, who attended and from which agencies (its Sessions row's Chair, Attendees, Agencies).
REVIEW_ATTENDANCE = ("CS practitioner (lead)",
                     "CS practitioner (lead); Social worker (Male A); Youth hub worker; YOT worker (Male D); "
                     "Police missing persons contact; School DSL",
                     "Hackney CSC; Hackney Youth Service; Hackney YOT; Metropolitan Police; School")
REVIEW_DECISIONS = ("Review brought forward after incident I05. Male E stays on the map at high risk; Female C "
                    "removed (moved schools); context assessment of the estate park.")
