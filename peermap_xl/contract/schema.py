"""The workbook contract: every sheet, table, column and list, defined once.

The template builder, the readers and the checks all derive from this module.
Headers and sheet names are the public interface (docs/workbook-contract.md):
never rename them here without a migration for older workbooks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

#: How many worksheet rows the drop-downs and highlighting cover.
ROWS_PREPARED = 2000

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"

# Column kinds.
ID = "id"  # S01, C01, L01...: filled in when left blank
TEXT = "text"  # free text
LONG_TEXT = "long text"  # free text that wraps
CHOICE = "choice"  # one value from a list
CHOICES = "choices"  # ";"-separated values from a list
REF = "ref"  # one subject or context, by ID or exact name
REFS = "refs"  # ";"-separated subjects, contexts or links
PEER = "peer"  # free text, offered the people and places to pick from (Direct work's Peer)
DATE = "date"
WHOLE_NUMBER = "whole number"
NUMBER = "number"
FORMULA = "formula"  # filled by Excel from other cells (e.g. "From name"): never read as data, never written
#: Kinds that hold several entries separated by ";": in Excel a pick from the drop-down adds to the cell.
MULTI_PICK = (REFS, CHOICES)

LISTS: dict[str, tuple[str, ...]] = {
    "Themes": (
        "County lines", "Criminal exploitation", "Sexual exploitation",
        "Serious youth violence", "Image sharing", "Substance misuse", "Missing",
        "Mental health", "NEET", "Online harm", "Other",
    ),
    "Network status": ("Open", "Closed"),
    "Names on outputs": ("Full names", "Initials", "Codes"),
    "Subject type": ("Young person", "Adult", "Unknown"),
    "Risk level": ("High", "Medium", "Low", "Not known"),
    "Role in group": ("Leader", "Follower", "Peripheral", "Not known"),
    "Status": ("Active", "Removed"),
    "Context type": (
        "Home", "Address", "School", "Park or open space", "Youth provision", "Estate",
        "Transport hub", "Shop or business", "Online", "Other",
    ),
    "Context nature": ("Risky", "Protective", "Mixed", "Not known"),
    "Relationship": (
        "Friend", "Close friend", "Sibling", "Cousin", "Family", "Partner", "Associate",
        "Exploits", "Conflict", "Attends", "Lives at", "Stays at", "Seen at",
        "Arrested at", "Online contact", "Other",
    ),
    "Link nature": ("Risky", "Protective", "Neutral", "Not known"),
    "Strength": ("Strong", "Moderate", "Weak"),
    "Influence": ("From leads", "To leads", "Mutual", "Not known"),
    "Evidence": ("Evidenced", "Anecdotal"),
    "Link status": ("Current", "Historic", "Removed"),
    "Source grade": ("1 Reliable", "2 Untested", "3 Not reliable"),
    "Information grade": (
        "A Known directly", "B Known indirectly, corroborated", "C Known indirectly",
        "D Not known", "E Suspected false",
    ),
    "Invite to": ("Internal", "Multi-agency", "Review"),
    "Gap status": ("Open", "Answered", "Closed unanswered", "Suggested", "Dismissed", "Withdrawn"),
    "Origin": ("Manual", "Suggested"),
    "Action type": (
        "Information gathering", "Safeguarding intervention", "Disruption",
        "Environmental change", "Referral", "Peer assessment", "Context assessment",
        "Direct work", "Other",
    ),
    "Action status": ("Open", "In progress", "Done", "Cancelled"),
    "Session type": ("Internal mapping", "Multi-agency mapping", "Review", "Closure"),
    "Session status": ("Booked", "Held", "Cancelled"),
    "Young person's view": ("Positive", "Negative", "Mixed", "Not known"),
    "Incident type": (
        "Violence", "Weapon", "Missing episode", "Arrest", "Exploitation", "Sexual harm", "Online harm", "Other",
    ),
    "Yes or no": ("Yes", "No"),
}

#: Lists whose values start with a code a person may type alone ("3" for "3 Not reliable").
CODED_LISTS = ("Source grade", "Information grade")


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    list: str | None = None  # a key of LISTS, for CHOICE and CHOICES
    required: bool = False  # every row needs a value, so the header must be there
    width: int | None = None
    help: str | None = None  # the input message shown when the cell is selected
    bounds: tuple[int, int] | None = None  # for whole numbers
    formula: str | None = None  # for FORMULA columns: the table's calculated-column formula
    picks: str | None = None  # for REF, REFS and PEER columns: the drop-down's defined name (PICK_LIST when None)

    @property
    def pick_list(self) -> str | None:
        """The defined name of the people-and-places drop-down this column offers, if it offers one."""
        if self.kind not in (REF, REFS, PEER):
            return None
        return self.picks or PICK_LIST

    @property
    def adds_picks(self) -> bool:
        """A pick from this column's drop-down adds to the entries already in the cell (a macro does it)."""
        return self.kind in MULTI_PICK

    @property
    def key(self) -> str:
        """The column's name in the frames: "Stale after (days)" -> "stale_after_days"."""
        return _key(self.header)

    @property
    def display_width(self) -> int:
        if self.width:
            return self.width
        return 40 if self.kind == LONG_TEXT else max(12, len(self.header) + 4)


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    id_prefix: str | None = None
    required: bool = False  # a workbook without this sheet cannot be read
    purpose: str = ""
    optional_columns: tuple[Column, ...] = field(default=())  # read when present

    @property
    def table(self) -> str:
        """The Excel Table (ListObject) name: "Direct work" -> "DirectWork"."""
        return "".join(word[:1].upper() + word[1:] for word in self.name.split())

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + self.optional_columns

    def column(self, header: str) -> Column:
        wanted = normalise_header(header)
        for col in self.all_columns:
            if normalise_header(col.header) == wanted:
                return col
        raise KeyError(header)


@cache
def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", normalise_header(header)).strip("_")


def normalise_header(text: object) -> str:
    """Headers match whatever their case and spacing: " Last  SEEN" == "Last seen"."""
    return " ".join(str(text).replace("\u00a0", " ").split()).lower()


_STATUS_HELP = "Active, or Removed when they have left the network (they stay here, off the map)."
_DATE_HELP = "Type the date as dd/mm/yyyy."
_NOTES = Column("Notes", LONG_TEXT)
_ALREADY_MAPPED = Column("Already mapped elsewhere", width=16,
                         help="Other peer maps this one is also on. Filled by 'Already mapped?' (peermap find).")

SUBJECTS = Sheet(
    "Subjects",
    id_prefix="S",
    required=True,
    purpose="the young people and adults in the network, one row each",
    columns=(
        Column("ID", ID, width=8, help="Left blank, peermap numbers it S01, S02..."),
        Column("Name", required=True, width=22,
               help='A name or the pseudonym used in the meeting, e.g. "Male A" or "Unknown adult male".'),
        Column("Type", CHOICE, "Subject type", required=True, width=14),
        Column("Known as", width=16, help="Nicknames or street names, separated by ; (for the subject list)."),
        Column("Gender", width=10),
        Column("Age", WHOLE_NUMBER, width=7, bounds=(0, 120)),
        Column("Date of birth", DATE, width=13),
        Column("Borough", width=14, help="Where they live. Different from the home borough = out of borough."),
        Column("Address or area", width=22, help="For the subject list, so that agencies can find them."),
        Column("Known to services", width=18),
        Column("Allocated worker", width=20),
        Column("Concerns", LONG_TEXT, help="Vulnerabilities and themes; separate items with ;"),
        Column("Strengths", LONG_TEXT, width=30),
        Column("Risk level", CHOICE, "Risk level", width=12),
        Column("Role in group", CHOICE, "Role in group", width=14,
               help="Who leads and who follows: Leader, Follower, Peripheral."),
        _ALREADY_MAPPED,
        Column("Status", CHOICE, "Status", width=10, help=_STATUS_HELP),
        Column("Status date", DATE, width=13),
        Column("Status reason", LONG_TEXT, width=24),
        _NOTES,
    ),
    optional_columns=(
        Column("Map x", NUMBER, help="Pin the person on the map: 0 (left) to 100 (right)."),
        Column("Map y", NUMBER, help="Pin the person on the map: 0 (bottom) to 100 (top)."),
    ),
)

CONTEXTS = Sheet(
    "Contexts",
    id_prefix="C",
    required=True,
    purpose="the places and online spaces linked to the young people",
    columns=(
        Column("ID", ID, width=8, help="Left blank, peermap numbers it C01, C02..."),
        Column("Name", required=True, width=24),
        Column("Type", CHOICE, "Context type", required=True, width=18),
        Column("Address or area", width=26),
        Column("Borough", width=14),
        Column("Nature", CHOICE, "Context nature", width=12,
               help="Risky, Protective, Mixed: places can keep young people safe too."),
        Column("Concerns", LONG_TEXT),
        Column("Strengths", LONG_TEXT, width=30),
        _ALREADY_MAPPED,
        Column("Status", CHOICE, "Status", width=10, help=_STATUS_HELP),
        Column("Status date", DATE, width=13),
        _NOTES,
    ),
    optional_columns=SUBJECTS.optional_columns,
)

# --- picking people and places ---------------------------------------------------------
# A hidden sheet stacks every subject, then every context, as "Name (ID)", with their IDs and
# names beside: the drop-down of every REF/REFS column, and the "From name" formula columns'
# lookup. Its formulas follow the Subjects and Contexts tables as they grow. It is a sheet of its
# own so that readers (which never look at it) do not pay for its rows.

PICK_SHEET = "Pick lists"
#: How many people and places the pick list can hold.
PICK_ROWS = ROWS_PREPARED
PICK_LIST = "PeopleAndPlaces"  # the drop-down: entries only, as long as the two tables
PEOPLE_LIST = "People"  # its first part: the subjects' entries only
PLACES_LIST = "Places"  # its second part: the contexts' entries only
PICK_COLUMNS = (  # (header on the Lists sheet, defined name over its PICK_ROWS cells)
    ("Pick: person or place", "PickEntries"),
    ("Pick: ID", "PickIDs"),
    ("Pick: name", "PickNames"),
)


def name_formula(table: str, header: str) -> str:
    """The calculated column that shows the name of whoever a REF cell names (by entry, ID or name).

    The reference is qualified with the table's name ("Links[[#This Row],[From]]"): LibreOffice needs it.
    """
    ref = f"{table}[[#This Row],[{header}]]"
    inner = f'FIND("(",{ref})'
    id_in_brackets = f'TRIM(MID({ref},{inner}+1,FIND(")",{ref}&")",{inner})-{inner}-1))'
    lookups = [f"INDEX(PickNames,MATCH({ref},PickEntries,0))",
               f"INDEX(PickNames,MATCH({id_in_brackets},PickIDs,0))",
               f"INDEX(PickNames,MATCH(TRIM({ref}),PickIDs,0))",
               f"INDEX(PickNames,MATCH(TRIM({ref}),PickNames,0))"]
    chain = '"not found"'
    for lookup in reversed(lookups):
        chain = f"IFERROR({lookup},{chain})"
    return f'=IF({ref}="","",{chain})'


def name_column(table: str, header: str) -> Column:
    return Column(f"{header} name", FORMULA, width=18, formula=name_formula(table, header),
                  help=f"Filled in by Excel: the name of the person or place in {header}. Do not type here.")


_PICK_HELP = ("Pick a person or place from the list, or type an ID (S01, C02) or an exact name.")
_ADDS_HELP = ("Pick from the list ({list}): each pick adds to those already here. Or type {what}, "
              "separated by ;  To take one out, clear the cell and pick again.")

LINKS = Sheet(
    "Links",
    id_prefix="L",
    required=True,
    purpose="who is linked to whom and to which places, and how we know",
    columns=(
        Column("ID", ID, width=8, help="Left blank, peermap numbers it L01, L02..."),
        Column("From", REF, required=True, width=20, help=_PICK_HELP),
        name_column("Links", "From"),  # an addition to the contract: the name beside the ID, filled by Excel
        Column("To", REF, required=True, width=20, help=_PICK_HELP),
        name_column("Links", "To"),
        Column("Relationship", CHOICE, "Relationship", required=True, width=15),
        Column("Nature", CHOICE, "Link nature", width=12, help="Is this link risky or protective?"),
        Column("Strength", CHOICE, "Strength", width=11),
        Column("Influence", CHOICE, "Influence", width=12,
               help="Who leads? From leads, To leads, Mutual or Not known."),
        Column("Evidence", CHOICE, "Evidence", width=12,
               help="Evidenced (seen, recorded) or Anecdotal (heard, believed)."),
        Column("Source", width=18, help="Who told us: the agency or person."),
        Column("Source grade", CHOICE, "Source grade", width=15,
               help="3x5x2: 1 Reliable, 2 Untested, 3 Not reliable. How far do we trust the source?"),
        Column("Information grade", CHOICE, "Information grade", width=18,
               help="3x5x2: A Known directly, B Known indirectly and corroborated, "
                    "C Known indirectly, D Not known, E Suspected false."),
        Column("Times seen together", WHOLE_NUMBER, width=11),
        Column("Where seen", width=18),
        Column("Seen by", width=16),
        Column("First recorded", DATE, width=13, help=_DATE_HELP),
        Column("Last seen", DATE, width=13,
               help="The last time this link was seen. Older than 'Stale after (days)' turns the row amber."),
        _NOTES,
        Column("Flags", width=22, help="Written by peermap (e.g. STALE; ANECDOTAL). Do not type here."),
        # An addition to the contract: a link that no longer holds leaves the map but stays on record.
        Column("Status", CHOICE, "Link status", width=11,
               help="Current, or Historic / Removed when the link no longer holds (it leaves the map)."),
    ),
)

CONTACTS = Sheet(
    "Contacts",
    id_prefix="K",
    purpose="the key contacts: practitioners who hold information or can act",
    columns=(
        Column("ID", ID, width=8),
        Column("Name", required=True, width=20),
        Column("Role", width=20),
        Column("Agency", width=18),
        Column("Email", width=24),
        Column("Phone", width=14),
        Column("For", REFS, width=22,
               help="The subjects or contexts they know about. " + _ADDS_HELP.format(list="people and places",
                                                                                     what="IDs or names")),
        Column("Invite to", CHOICES, "Invite to", width=18,
               help="Internal, Multi-agency, Review: each pick adds to those already here; or type several "
                    "separated by ;"),
        _NOTES,
    ),
)

GAPS = Sheet(
    "Gaps",
    id_prefix="G",
    purpose="key questions and information gaps, and who is finding out",
    columns=(
        Column("ID", ID, width=8),
        Column("Question", LONG_TEXT, required=True),
        Column("About", REFS, width=18,
               help=_ADDS_HELP.format(list="people and places", what="subjects, contexts or links (IDs or names)")),
        Column("Assigned to", width=18),
        Column("Agency", width=16),
        Column("Raised on", DATE, width=12),
        Column("Due", DATE, width=12, help="Turns red when past due and still Open."),
        Column("Status", CHOICE, "Gap status", width=14,
               help="Suggested: proposed by peermap, for the meeting to agree (set Open, with who finds out) or "
                    "Dismissed. Withdrawn: peermap took its suggestion back (no longer needed)."),
        Column("Answer", LONG_TEXT),
        Column("Origin", CHOICE, "Origin", width=11, help="Suggested rows were proposed by peermap's checks."),
    ),
)

ACTIONS = Sheet(
    "Actions",
    id_prefix="A",
    purpose="clear and accountable actions: every one with an owner and a due date",
    columns=(
        Column("ID", ID, width=8),
        Column("Action", LONG_TEXT, required=True),
        Column("Type", CHOICE, "Action type", width=22),
        Column("About", REFS, width=18,
               help=_ADDS_HELP.format(list="people and places", what="subjects, contexts or links (IDs or names)")),
        Column("Owner", width=18, help="Every action needs an owner and a due date."),
        Column("Agency", width=16),
        Column("Set on", DATE, width=12),
        Column("Due", DATE, width=12, help="Turns red when past due and not Done or Cancelled."),
        Column("Status", CHOICE, "Action status", width=13),
        Column("Outcome", LONG_TEXT, width=30),
    ),
)

SESSIONS = Sheet(
    "Sessions",
    id_prefix="M",
    purpose="the mapping meetings: internal, multi-agency, reviews and closure",
    columns=(
        Column("ID", ID, width=8),
        Column("Date", DATE, required=True, width=12),
        Column("Type", CHOICE, "Session type", required=True, width=20),
        Column("Status", CHOICE, "Session status", width=11,
               help="Booked when the date is set; Held once the meeting has taken place (writing its minutes "
                    "does this); Cancelled if it did not. Left blank, a session counts as held from its date."),
        Column("Chair", width=18),
        Column("Attendees", LONG_TEXT, width=30, help="Names and roles, separated by ;"),
        Column("Agencies", width=24, help="Separated by ;"),
        Column("Subject list sent", DATE, width=13,
               help="When the list of subjects went to invitees: at least 7 days before."),
        Column("Minutes uploaded", DATE, width=13, help="Upload to the case system within 14 days."),
        Column("Summary", LONG_TEXT),
        Column("Decisions", LONG_TEXT),
        Column("Next review", DATE, width=13),
    ),
)

INCIDENTS = Sheet(
    "Incidents",
    id_prefix="I",
    purpose="what happened, where and to whom: incidents that start or change the map",
    columns=(
        Column("ID", ID, width=8, help="Left blank, peermap numbers it I01, I02..."),
        Column("Date", DATE, required=True, width=12, help=_DATE_HELP),
        Column("What happened", LONG_TEXT, required=True),
        Column("Type", CHOICE, "Incident type", width=16),
        Column("Where", REF, width=20, picks=PLACES_LIST,
               help="The place: pick it from the list (places only), or type a context's ID (C01) or its exact name."),
        Column("Who", REFS, width=22, picks=PEOPLE_LIST,
               help=_ADDS_HELP.format(list="people only", what="IDs or names")),
        Column("Significant", CHOICE, "Yes or no", width=12,
               help="Yes when it calls for a review of the map (the guidance: after a significant incident)."),
        Column("Source", width=18, help="Who told us: the agency or person."),
        _NOTES,
    ),
)

DIRECT_WORK = Sheet(
    "Direct work",
    purpose="the young person's own map (Appendix B): their peers, as they see them",
    columns=(
        Column("Young person", REF, required=True, width=18, picks=PEOPLE_LIST,
               help="Pick the young person from the list (people only), or type an ID (S01) or an exact name."),
        Column("Peer", PEER, required=True, width=18, picks=PEOPLE_LIST,
               help="As the young person names them: pick from the list, or type the name they use."),
        Column("Relationship", width=16),
        Column("Closeness", WHOLE_NUMBER, width=11, bounds=(1, 5),
               help="1 is closest to 'Me', 5 is most distant."),
        Column("Influence", CHOICE, "Young person's view", width=12,
               help="Positive, Negative, Mixed or Not known, as the young person sees it."),
        Column("Would help if in trouble", width=14),
        _NOTES,
        Column("Strategy", LONG_TEXT, help="Step 4: how to build on the strengths and reduce the harm."),
        Column("Date", DATE, width=12, help="When the direct work was done: the young person's map is dated by it."),
        Column("Worker", width=18, help="Who did the direct work with the young person."),
    ),
)

DATA_SHEETS: tuple[Sheet, ...] = (SUBJECTS, CONTEXTS, LINKS, CONTACTS, GAPS, ACTIONS, SESSIONS, INCIDENTS,
                                  DIRECT_WORK)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = TEXT
    list: str | None = None
    default: object = None
    help: str | None = None
    bounds: tuple[int, int] | None = None  # for whole numbers; outside them the default is used

    @property
    def key(self) -> str:
        return Column(self.name).key


NETWORK = "Network"
NETWORK_FIELDS: tuple[Field, ...] = (
    Field("Network name", help='A short name, e.g. "City Road peer network".'),
    Field("Purpose", LONG_TEXT, help="Why this map exists. Agree it first."),
    Field("Key contextual risks", help='Used in document titles, e.g. "County line to Plymouth".'),
    Field("Themes", CHOICES, "Themes", help="From the Lists sheet, separated by ;"),
    Field("Date concern identified", DATE,
          help="Starts the clock: first internal session within 14 days."),
    Field("Lead practitioner"),
    Field("Team", default="Contextual Safeguarding Team"),
    Field("Home borough", default="Hackney", help="Subjects or contexts elsewhere are out of borough."),
    Field("Status", CHOICE, "Network status", default="Open"),
    Field("Closed on", DATE),
    Field("Stale after (days)", WHOLE_NUMBER, default=90, bounds=(1, 3650),
          help="A link not seen for longer than this is stale (its row turns amber)."),
    Field("Review every (months)", WHOLE_NUMBER, default=3, bounds=(1, 60)),
    Field("Protective marking", default=DEFAULT_MARKING, help="Printed on every map and document."),
    Field("Names on outputs", CHOICE, "Names on outputs", default="Initials",
          help="How people appear on maps and minutes: Full names, Initials, or Codes (YP1, ADULT1, LOC1)."),
    Field("Recorder", help="Who keeps this workbook up to date."),
    Field("Shade groups on the map", CHOICE, "Yes or no", default="Yes",
          help="Shade the people drawn close together because many links join them. No: no shading."),
    Field("Register folder", help="The folder holding the team's peer maps, searched by 'Already mapped?'. "
                                  "Blank: this workbook's folder."),
)

#: Where the last map put each person and place (hidden; written with the map), so that the
#: next map keeps them there and maps from successive sessions compare side by side.
MAP_LAYOUT = Sheet(
    "Map layout",
    purpose="where the last map put each person and place",
    columns=(Column("ID", ID), Column("X", NUMBER), Column("Y", NUMBER), Column("Drawn on", DATE)),
)

#: Snapshots of the network taken when a session is recorded, for "what changed since last time".
HISTORY = Sheet(
    "History",
    purpose="snapshots taken at each session",
    columns=(
        Column("Session"), Column("Taken on", DATE), Column("Record"), Column("ID", ID), Column("Name"),
        Column("Type"), Column("Status"), Column("Risk or nature"), Column("From"), Column("To"),
        Column("Relationship"), Column("Strength"), Column("Last seen", DATE), Column("Due", DATE),
        Column("X", NUMBER), Column("Y", NUMBER),
    ),
)

#: Where peermap puts the header of a sheet it writes when the workbook has none yet.
FIRST_HEADER_ROW = {"History": 4}

#: Sheets the software writes; the template holds them empty.
OUTPUT_SHEETS: dict[str, str] = {
    "Checks": "The findings of the last check, one row each, with a link to the cell.",
    "Map": "The dated network map, drawn by peermap.",
    "Minutes": "A preview of the minutes of the latest session.",
    "History": "Snapshots taken at each session, for 'what changed since last time'.",
}

LISTS_SHEET = "Lists"  # (PICK_SHEET, the people-and-places pick list, follows it)
START_SHEET = "Start here"


def code_name(sheet_name: str) -> str:
    """The VBA code name of a sheet: "Direct work" -> "shtDirectwork"."""
    return "sht" + "".join(c for c in sheet_name if c.isalnum())


def list_name(list_key: str) -> str:
    """The defined name of a drop-down list: "Source grade" -> "List_Source_grade"."""
    return "List_" + "".join(c if c.isalnum() else "_" for c in list_key)


def sheet(name: str) -> Sheet:
    wanted = normalise_header(name)
    for s in DATA_SHEETS:
        if normalise_header(s.name) == wanted:
            return s
    raise KeyError(name)
