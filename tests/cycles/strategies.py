"""Realistic networks, generated: people by every form a name takes, places in and out of the home borough,
links typed as names, IDs and picks (some mistyped), and free text in every free-text column that mentions
people and places by each of their name forms.

Every sheet and column comes from `schema.py`: a column added there is generated here by its kind (a free-text
column gets sentences naming people), with no change to this file. Names are invented.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from peermap_xl.contract import schema

D = dt.date
HOME = "Hackney"
# First names and surnames chosen so that shared initials come up often (Kai/Kayden Thompson/Thomas) and with
# hyphens, apostrophes and accents; none is an English word peermap itself might write.
FIRST = ("Kai", "Kayden", "Leah", "Leon", "Amir", "Ellie-Mae", "Zoë", "Siobhan", "Tariq", "Tyrese", "Chloé",
         "Jayden", "Nia", "Oluwaseun", "Renée", "Mehmet", "Saoirse", "Kofi", "Aaliyah", "Dmitri")
LAST = ("Thompson", "Thomas", "O'Brien", "Okafor", "Osei", "Nowak", "Mendes", "Mensah", "Walsh", "Adeyemi",
        "Kowalczyk", "Smith-Jones", "Doherty", "Ndiaye", "Müller", "D'Souza")
STREET = ("Bigz", "Rico", "Tiny", "Snoopz", "Trigga", "J-Bone", "Smokey", "Blade")
PSEUDONYMS = ("Male A", "Male B", "Female A", "Female C")
UNKNOWN = ("Unknown adult male", "Unknown adult female", "Unknown male")
#: Peers a young person names in direct work who are not on the map.
OFF_MAP = ("Josh", "Demi", "Marcus", "Jade")
WORKERS = ("Priya Nair", "PC Dan Ross", "Ms Adebayo", "Dean Walsh", "Sam Okoro", "Amira Clarke")
AGENCIES = ("Hackney CSC", "Metropolitan Police", "Kingsland Academy", "Hackney Youth Service",
            "Southend-on-Sea CSC", "Tower Hamlets YJS")
#: (name, type, address or area, borough): home borough, outside it, online, a school, an address.
PLACES = (
    ("Kingsland Academy", "School", "Kingsland Road", HOME),
    ("Mare Street park", "Park or open space", "Mare Street", HOME),
    ("14 Clarence Road", "Address", "Clarence Road, E5", HOME),
    ("Snapchat group 'Mandem'", "Online", "Online", None),
    ("York Road flat", "Address", "York Road, Southend-on-Sea", "Southend-on-Sea"),
    ("Chicken shop, Kingsland High Street", "Shop or business", "Kingsland High Street", HOME),
    ("Dalston Junction station", "Transport hub", "Dalston", HOME),
    ("Enfield boxing club", "Youth provision", "Enfield Town", "Enfield"),
    ("Pembury Estate", "Estate", "Pembury Road", HOME),
)
PERSON_LINKS = ("Friend", "Close friend", "Sibling", "Cousin", "Associate", "Exploits", "Conflict", "Partner")
PLACE_LINKS = ("Attends", "Lives at", "Stays at", "Seen at", "Arrested at", "Online contact")
SENTENCES = (
    "{p} was seen with {q} at {place}.", "{p} says {q} pays him to carry.", "{q} worried about {p}; "
    "school told {p}'s family.", "{p} reported missing by {q}.", "Video of {p} being slapped posted in {place}.",
    "{p} and {q} met at {place} after school.", "Ask {q} what {p} said about {place}.",
)


@dataclass
class Person:
    """A subject's names as the record and the team use them."""

    id: str
    name: str
    type: str
    first: str | None = None
    last: str | None = None
    known_as: tuple[str, ...] = ()
    earlier: list[str] = field(default_factory=list)  # names it had before a rename or identification

    def forms(self) -> set[str]:
        """Every form of a real name of this person: full name, first name, surname, each part of a hyphenated
        one, known-as and street names, a nickname in quotes in the Name, earlier names. Pseudonyms ("Male A",
        "Unknown adult male") are no name."""
        found: set[str] = set(self.known_as)
        for name in [self.name, *self.earlier]:
            found.update(re.findall(r"[\"'\u2018\u201c(]+([^\"'\u2019\u201d()]+)[\"'\u2019\u201d)]+", name))
            bare = re.sub(r"\(.*?\)", "", name).strip()
            if bare and not is_pseudonym(bare):
                found.add(bare)
                found.update(w for w in bare.split() if len(w) > 1)
        found.update(part for form in list(found) for part in form.split("-") if len(part) > 2)
        return {f.strip() for f in found if len(f.strip()) > 1 and not is_pseudonym(f.strip())}


def is_pseudonym(text: str) -> bool:
    return any(text.casefold().startswith(p.casefold()) for p in (*PSEUDONYMS, *UNKNOWN, "Unknown", "Male",
                                                                    "Female", "Adult"))


def folded(text: str) -> str:
    """Case, accents and apostrophes folded, for comparing a name with what an output says."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2018", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


@dataclass
class Case:
    """A generated network: the Network's fields and every sheet's rows ({header: value}; keys starting with
    "_" are what the row means, not what is typed: `_from`/`_to` the IDs a link's ends are meant to name)."""

    network: dict
    rows: dict[str, list[dict]]
    people: dict[str, Person]
    start: dt.date

    def row(self, sheet: str, rid: str) -> dict:
        return next(r for r in self.rows[sheet] if r.get("ID") == rid)

    def next_id(self, sheet: schema.Sheet) -> str:
        taken = [int(r["ID"][1:]) for r in self.rows[sheet.name] if str(r.get("ID") or "")[1:].isdigit()]
        return f"{sheet.id_prefix}{max(taken, default=0) + 1:02d}"

    def name_of(self, rid: str) -> str:
        sheet = "Subjects" if rid.startswith("S") else "Contexts"
        return self.row(sheet, rid)["Name"]

    def could_mean(self, typed_ref: str) -> set[str]:
        """The records a reference as typed could name: its ID, a pick's ID, or every record with that exact
        name (two "Unknown male" rows: a name typed for either names both, and peermap must not pick one)."""
        text = str(typed_ref).strip()
        pick = re.fullmatch(r".*\(([SC]\d+)\)", text)
        ids = {r["ID"] for s in ("Subjects", "Contexts") for r in self.rows[s]}
        if text in ids:
            return {text}
        if pick and pick.group(1) in ids:
            return {pick.group(1)}
        return {r["ID"] for s in ("Subjects", "Contexts") for r in self.rows[s]
                if folded(str(r.get("Name") or "")) == folded(text)}


def typed(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def write_case(path: Path, case: Case) -> Path:
    """The case as a workbook made the project's way: the template, the Network's values, each sheet's rows."""
    import openpyxl

    from peermap_xl.book import edit

    wb = openpyxl.load_workbook(io.BytesIO(template()), keep_vba=True)
    edit.set_network_values(wb, case.network)
    for sheet in schema.DATA_SHEETS:
        edit.append_records(wb, sheet, [typed(r) for r in case.rows.get(sheet.name, [])])
    wb.save(path)  # as benchmarks/synthetic.py does: edit.save's checks take seconds, for a file new here
    return path


@cache
def template() -> bytes:
    """The template as `peermap new` writes it, built once a session (building it takes a second or two)."""
    from peermap_xl.xlsm.template import template_bytes

    return template_bytes()


# --- people and places ------------------------------------------------------------------------------


@st.composite
def person(draw, rid: str, taken: set[str]) -> Person:
    """A subject with one of the forms a name takes in practice."""
    form = draw(st.sampled_from(("young", "young", "young", "known as", "adult", "street", "pseudonym",
                                 "unknown")))
    if form == "pseudonym":
        return Person(rid, draw(st.sampled_from(PSEUDONYMS).filter(lambda n: n not in taken)), "Young person")
    if form == "unknown":
        return Person(rid, draw(st.sampled_from(UNKNOWN)), "Unknown")
    if form == "street":  # 'Unknown adult male ("Bigz")': known only by a street name
        nick = draw(st.sampled_from(STREET))
        quote = draw(st.sampled_from(("('{}')", '("{}")', "(\u201c{}\u201d)")))
        return Person(rid, f"{draw(st.sampled_from(UNKNOWN))} {quote.format(nick)}", "Unknown", known_as=(nick,))
    first = draw(st.sampled_from(FIRST))
    last = draw(st.sampled_from(LAST).filter(lambda s: f"{first} {s}" not in taken))
    known = (draw(st.sampled_from(STREET)),) if form == "known as" else ()
    return Person(rid, f"{first} {last}", "Adult" if form == "adult" else "Young person", first, last, known)


def reference(draw, case_people: dict[str, tuple[str, str]], rid: str, typo: bool = True) -> str:
    """How a team types a reference to `rid`: its ID, its exact name, the drop-down's pick "Name (ID)", or
    (sometimes) the name mistyped."""
    name = case_people[rid][0]
    way = draw(st.sampled_from(("id", "name", "pick", "pick", "typo") if typo else ("id", "name", "pick")))
    if way == "id":
        return rid
    if way == "pick":
        return f"{name} ({rid})"
    if way == "typo" and len(name) > 4 and not name.startswith("Unknown"):
        at = draw(st.integers(1, len(name) - 2))
        return name[:at] + name[at + 1:]  # a letter left out
    return name


def mention(draw, case: Case, question: bool = False) -> str | None:
    """A sentence naming people (by any of their name forms) and a place, as practitioners type them."""
    if not draw(st.integers(0, 5)):
        return None
    named = [p for p in case.people.values() if p.forms()] or list(case.people.values())
    p, q = draw(st.sampled_from(named)), draw(st.sampled_from(named))

    def form(who: Person) -> str:
        return draw(st.sampled_from(sorted(who.forms()))) if who.forms() else who.name

    places = [r["Name"] for r in case.rows["Contexts"]]
    text = draw(st.sampled_from(SENTENCES)).format(p=form(p), q=form(q), place=draw(st.sampled_from(places)))
    return text.rstrip(".") + "?" if question else text


def day(draw, case: Case, before: int = 120, after: int = 0) -> dt.date:
    return case.start + dt.timedelta(days=draw(st.integers(-before, after)))


# --- any column of any sheet, by its kind ------------------------------------------------------------


def value(draw, case: Case, sheet: schema.Sheet, col: schema.Column):
    """A value for a column of the contract that the case's rows do not fix, by the column's kind."""
    if col.kind in (schema.FORMULA, schema.ID) or col.header in ("Flags", "Already mapped elsewhere"):
        return None  # written by Excel or by peermap
    if col.kind == schema.CHOICE:
        return draw(st.none() | st.sampled_from(schema.LISTS[col.list]))
    if col.kind == schema.CHOICES:
        return "; ".join(draw(st.lists(st.sampled_from(schema.LISTS[col.list]), min_size=1, max_size=2,
                                       unique=True)))
    if col.kind in (schema.REF, schema.REFS, schema.PEER):
        pool = _pool(case, col)
        refs = draw(st.lists(st.sampled_from(sorted(pool)), min_size=1, max_size=1 if col.kind != schema.REFS else 2,
                             unique=True))
        return "; ".join(reference(draw, pool, r, typo=False) for r in refs)
    if col.kind == schema.DATE:
        return draw(st.none() | st.just(day(draw, case)))
    if col.kind == schema.WHOLE_NUMBER:
        low, high = col.bounds or (0, 20)
        return draw(st.none() | st.integers(low, high))
    if col.kind == schema.NUMBER:
        return None  # Map x / Map y: pins are set on the map, not typed in a meeting
    return mention(draw, case)  # free text, in every text column a later version adds too


def _pool(case: Case, col: schema.Column) -> dict[str, tuple[str, str]]:
    people = {r["ID"]: (r["Name"], "person") for r in case.rows["Subjects"]}
    places = {r["ID"]: (r["Name"], "place") for r in case.rows["Contexts"]}
    if col.pick_list == schema.PEOPLE_LIST:
        return people
    if col.pick_list == schema.PLACES_LIST:
        return places
    return {**people, **places}


def fill_row(draw, case: Case, sheet: schema.Sheet, fixed: dict) -> dict:
    """A row of `sheet`: `fixed` values as given, every other column of the contract generated by its kind."""
    row = dict(fixed)
    for col in sheet.all_columns:
        if col.header not in row:
            row[col.header] = value(draw, case, sheet, col)
    return {k: v for k, v in row.items() if v is not None or k.startswith("_")}


@st.composite
def cases(draw, max_people: int = 9) -> Case:
    """A network as a team would have it after its first meeting, or before it."""
    start = D(2025, 1, 6) + dt.timedelta(days=draw(st.integers(0, 180)))
    case = Case(network={}, rows={s.name: [] for s in schema.DATA_SHEETS}, people={}, start=start)
    taken: set[str] = set()
    for i in range(1, draw(st.integers(3, max_people)) + 1):
        who = draw(person(f"S{i:02d}", taken))
        taken.add(who.name)
        case.people[who.id] = who
    for i, (name, kind, area, borough) in enumerate(draw(st.lists(st.sampled_from(PLACES), min_size=2, max_size=5,
                                                                  unique=True)), start=1):
        case.rows["Contexts"].append({"ID": f"C{i:02d}", "Name": name, "Type": kind, "Address or area": area,
                                      "Borough": borough, "Status": "Active"})
    for who in case.people.values():
        case.rows["Subjects"].append(subject_row(draw, case, who))
    for sheet in (schema.SUBJECTS, schema.CONTEXTS):
        case.rows[sheet.name] = [fill_row(draw, case, sheet, r) for r in case.rows[sheet.name]]
    for _ in range(draw(st.integers(2, 12))):
        link = link_row(draw, case)
        if link:
            case.rows["Links"].append(link)
    case.network = network_values(draw, case)
    _records(draw, case)
    return case


def subject_row(draw, case: Case, who: Person) -> dict:
    young = who.type == "Young person"
    return {"ID": who.id, "Name": who.name, "Type": who.type, "Known as": "; ".join(who.known_as) or None,
            "Age": draw(st.integers(12, 17)) if young else None, "Status": "Active",
            "Borough": draw(st.sampled_from((HOME, HOME, "Enfield", "Southend-on-Sea"))),
            "Allocated worker": draw(st.none() | st.sampled_from(WORKERS).map(lambda w: f"{w} (SW)")),
            "Gender": draw(st.sampled_from(("Male", "Female", None))), "Address or area": None,
            "Status date": None, "Status reason": None, "Date of birth": None}


def link_row(draw, case: Case, rid: str | None = None, on: dt.date | None = None) -> dict | None:
    people = [r["ID"] for r in case.rows["Subjects"] if r.get("Status") != "Removed"]
    places = [r["ID"] for r in case.rows["Contexts"] if r.get("Status") != "Removed"]
    if len(people) < 2:
        return None
    a = draw(st.sampled_from(people))
    to_place = draw(st.booleans())
    b = draw(st.sampled_from(places if to_place else [p for p in people if p != a]))
    pool = {**_pool(case, schema.LINKS.column("From"))}
    frm, to = reference(draw, pool, a), reference(draw, pool, b)
    seen = on or day(draw, case, before=200)
    return fill_row(draw, case, schema.LINKS, {
        "ID": rid or case.next_id(schema.LINKS), "From": frm, "To": to, "_from": a, "_to": b,
        "_typo": frm not in (a, pool[a][0], f"{pool[a][0]} ({a})") or to not in (b, pool[b][0], f"{pool[b][0]} ({b})"),
        "Relationship": draw(st.sampled_from(PLACE_LINKS if to_place else PERSON_LINKS)),
        "First recorded": seen - dt.timedelta(days=draw(st.integers(0, 60))), "Last seen": seen, "Status": "Current",
        "Source": draw(st.sampled_from(AGENCIES))})


def network_values(draw, case: Case) -> dict:
    values = {f.name: f.default for f in schema.NETWORK_FIELDS if f.default is not None}
    values.update({
        "Network name": f"{draw(st.sampled_from([r['Name'] for r in case.rows['Contexts']]))} network",
        "Purpose": mention(draw, case), "Key contextual risks": draw(st.sampled_from(
            ("County line to Southend", "Criminal exploitation around the estate", "Serious youth violence"))),
        "Themes": "County lines; Criminal exploitation", "Date concern identified": case.start - dt.timedelta(10),
        "Lead practitioner": draw(st.sampled_from(WORKERS)), "Home borough": HOME, "Status": "Open",
        "Names on outputs": draw(st.sampled_from(schema.LISTS["Names on outputs"])), "Recorder": "Amira Clarke",
    })
    return values


def session_status(kind: str) -> dict:
    """The Sessions row's status cell, where the contract has one (issue 26 adds booked / held / cancelled)."""
    col = next((c for c in schema.SESSIONS.all_columns if c.kind == schema.CHOICE and c.list
                and any(v.casefold() == kind for v in schema.LISTS[c.list])), None)
    if col is None:
        return {}
    return {col.header: next(v for v in schema.LISTS[col.list] if v.casefold() == kind)}


def _records(draw, case: Case) -> None:
    """Contacts, questions, actions, a first session, incidents and direct work."""
    everyone = sorted({**_pool(case, schema.LINKS.column("From"))})
    for i in range(1, draw(st.integers(1, 4)) + 1):
        case.rows["Contacts"].append(fill_row(draw, case, schema.CONTACTS, {
            "ID": f"K{i:02d}", "Name": draw(st.sampled_from(WORKERS)), "Role": "Practitioner",
            "Agency": draw(st.sampled_from(AGENCIES)), "Email": None, "Phone": None,
            "Invite to": "Internal; Multi-agency; Review"}))
    for i in range(1, draw(st.integers(0, 3)) + 1):
        case.rows["Gaps"].append(fill_row(draw, case, schema.GAPS, {
            "ID": f"G{i:02d}", "Question": mention(draw, case, question=True) or "Who else is involved?",
            "About": draw(st.sampled_from(everyone)), "Assigned to": draw(st.none() | st.sampled_from(WORKERS)),
            "Agency": draw(st.sampled_from(AGENCIES)), "Raised on": day(draw, case, 30),
            "Due": day(draw, case, 0, 40), "Status": "Open", "Origin": "Manual", "Answer": None}))
    for i in range(1, draw(st.integers(0, 3)) + 1):
        case.rows["Actions"].append(fill_row(draw, case, schema.ACTIONS, {
            "ID": f"A{i:02d}", "Action": mention(draw, case) or "Home visit", "About": draw(st.sampled_from(everyone)),
            "Owner": draw(st.sampled_from(WORKERS)), "Agency": draw(st.sampled_from(AGENCIES)),
            "Set on": day(draw, case, 30), "Due": day(draw, case, 0, 40),
            "Status": draw(st.sampled_from(("Open", "In progress"))), "Outcome": None}))
    if draw(st.booleans()):
        case.rows["Sessions"].append(fill_row(draw, case, schema.SESSIONS, {
            "ID": "M01", "Date": case.start, "Type": "Internal mapping", "Chair": "Amira Clarke",
            "Attendees": "Amira Clarke; Priya Nair", "Agencies": "Hackney CSC", "Next review": None,
            "Subject list sent": None, "Minutes uploaded": None, **session_status("held")}))
    for i in range(1, draw(st.integers(0, 3)) + 1):
        case.rows["Incidents"].append(incident_row(draw, case, f"I{i:02d}", day(draw, case, 60)))
    young = [p.id for p in case.people.values() if p.type == "Young person"]
    if young and draw(st.booleans()):
        case.rows["Direct work"].extend(direct_work_rows(draw, case, draw(st.sampled_from(young))))


def incident_row(draw, case: Case, rid: str, on: dt.date) -> dict:
    return fill_row(draw, case, schema.INCIDENTS, {
        "ID": rid, "Date": on, "What happened": mention(draw, case) or "Robbery near the station",
        "Type": draw(st.sampled_from(schema.LISTS["Incident type"])),
        "Significant": draw(st.sampled_from(("Yes", "No")))})


def direct_work_rows(draw, case: Case, young: str) -> list[dict]:
    """A young person's own map: peers named as they name them (a first name, a pick, someone not on the map)."""
    others = [p for p in case.people.values() if p.id != young]
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        way = draw(st.sampled_from(("first", "pick", "off map")))
        who = draw(st.sampled_from(others)) if others else None
        peer = (who.first or who.name if way == "first" else f"{who.name} ({who.id})") if who and way != "off map" \
            else draw(st.sampled_from(OFF_MAP))
        rows.append(fill_row(draw, case, schema.DIRECT_WORK, {
            "Young person": f"{case.people[young].name} ({young})", "Peer": peer,
            "Relationship": draw(st.sampled_from(("sister", "friend from boxing", "older", "best friend"))),
            "Would help if in trouble": draw(st.sampled_from(("Yes", "No"))), "Date": case.start,
            "Worker": draw(st.sampled_from(WORKERS))}))
    return rows
