"""Across networks: is this young person or place already mapped elsewhere?

A team keeps its peer-map workbooks in one shared folder. `scan` reads every
peer-map workbook under it (openpyxl read-only, through the project's reader, so
that a hostile or damaged file is refused the same way), skipping lock files,
backups, workbooks that are not peer maps and files that cannot be read, and
saying why. `book_groups` finds, for one workbook's subjects and contexts, the
records of other networks that look like the same person or place; `register`
lists every person and place found in more than one network. Each match has a
score (0-100) and its reasons, in words that quote no name, date or address.

Pseudonyms ("Male A", "Unknown adult male", a street name in quotes) name a
different person in every network: they are never matched across workbooks.
Nothing is cached: every run reads the folder afresh.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from peermap_xl.book import safe
from peermap_xl.contract import domain, schema
from peermap_xl.contract.errors import PeermapError, WorkbookError
from peermap_xl.record import labels

DEFAULT_MIN_SCORE = 80
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
COLUMN = "Already mapped elsewhere"  # on Subjects and Contexts

# Why a file was not read, in the words the report uses.
LOCK, BACKUP, TEMPORARY, NOT_PEER_MAP, UNREADABLE = (
    "Office lock file", "backup", "temporary file", "not a peer-map workbook", "could not be read")
_PLURALS = {LOCK: "Office lock files", BACKUP: "backups", TEMPORARY: "temporary files",
            NOT_PEER_MAP: "not peer-map workbooks", UNREADABLE: "could not be read"}
SKIP_ADVICE = {
    LOCK: "left by Excel or LibreOffice while a workbook is open; the workbook itself is read",
    BACKUP: "the previous version peermap keeps beside a workbook",
    TEMPORARY: "left by a save in progress",
    NOT_PEER_MAP: "no Subjects sheet",
    UNREADABLE: "damaged, password-protected, an old .xls, or missing a sheet or column; open it in Excel "
                "and save it as .xlsm",
}


# --- reading the folder ---------------------------------------------------------


@dataclass
class Mapped:
    """What the register needs of one network read from the folder (small, so that it crosses processes)."""

    path: Path
    relative: str  # the file's path under the folder, for messages
    name: str  # the Network name, or the file's name when it has none
    marking: str
    people: list  # [Person]
    places: list  # [Place]
    labels: dict[str, str]  # record ID -> its name on outputs, as the network's "Names on outputs" says
    codes: dict[str, str]  # record ID -> its code (YP1, LOC1), for anonymised outputs
    incidents: set[str] | None = None  # the places an Incidents sheet names; None: no Incidents sheet
    code: str = ""  # N1, N2...: the network on anonymised outputs


def summarise(path: Path, relative: str, network) -> Mapped:
    """The register's summary of a loaded network (the --book workbook); its records are numbered 0 until placed
    in a list."""
    from peermap_xl.record.model import rows

    live = list(zip(network.live_links["from_id"], network.live_links["to_id"]))
    incidents = None
    if INCIDENTS in network.frames:
        incidents = incident_places(rows(network.frames[INCIDENTS]), network.resolve, set(network.contexts["id"]))
    return _summary(path, relative, network.settings, rows(network.subjects), rows(network.contexts), live,
                    network, incidents)


def summarise_raw(path: Path, relative: str, raw) -> Mapped:
    """The same summary straight from a workbook's cell values, typed by the model's own cell reader but
    without building its frames (three times quicker, for a folder of hundreds)."""
    from types import SimpleNamespace

    import pandas as pd

    from peermap_xl.record import model

    settings, _ = model.read_settings(raw, model.read_lists(None), [])
    subjects, contexts, links = (_records(raw, sheet) for sheet in (schema.SUBJECTS, schema.CONTEXTS, schema.LINKS))
    resolve = model.make_resolver(*({key: [r.get(key) for r in records] for key in ("id", "name", "known_as")}
                                    for records in (subjects, contexts)))
    removed = {r["id"] for r in subjects + contexts if r["status"] == "Removed"}
    live = []
    for link in links:
        ends = [resolve(link[k]) for k in ("from", "to")]
        if all(len(e) == 1 for e in ends) and ends[0] != ends[1] and not {ends[0][0], ends[1][0]} & removed \
                and link["status"] not in ("Historic", "Removed"):
            live.append((ends[0][0], ends[1][0]))
    incidents = None
    sheet = next((s for s in schema.DATA_SHEETS if s.name == INCIDENTS), None)
    if sheet is not None and INCIDENTS in raw.tables:
        incidents = incident_places(_records(raw, sheet), resolve, {r["id"] for r in contexts})
    named = SimpleNamespace(settings=settings, **{  # what labels.py reads of a network
        sheet.name.lower(): pd.DataFrame.from_records(records, columns=["row", *(c.key for c in sheet.all_columns)])
        for sheet, records in ((schema.SUBJECTS, subjects), (schema.CONTEXTS, contexts))})
    return _summary(path, relative, settings, subjects, contexts, live, named, incidents)


def _records(raw, sheet: schema.Sheet) -> list[dict]:
    """A sheet's rows as {column key: typed value}, as model.build types them; blank IDs numbered as it does.
    A sheet lacking a required column is refused as the model refuses it (WorkbookError)."""
    from peermap_xl.record import model

    table = raw.tables.get(sheet.name)
    if table is None:
        if sheet.required:
            raise WorkbookError(f"{raw.source} has no '{sheet.name}' sheet.")
        return []
    positions = model.column_positions(raw, sheet, table)
    lists, columns = model.read_lists(None), [(c, positions.get(schema.normalise_header(c.header)))
                                          for c in sheet.all_columns]
    out = []
    for row, values in table.rows:
        record = {"row": row}
        for col, i in columns:
            value = values[i] if i is not None and i < len(values) else None
            record[col.key] = model.typed_value(value, col, raw, lists, [], table.sheet, row)
        out.append(record)
    if sheet.id_prefix:
        used = [int(m.group(2)) for r in out if r["id"] and (m := model.ID_PATTERN.match(r["id"]))
                and m.group(1).upper() == sheet.id_prefix]
        number = max(used, default=0)
        for r in out:
            if r["id"] is None:
                number += 1
                r["id"] = f"{sheet.id_prefix}{number:02d}"
    return out


def _summary(path, relative, settings, subjects, contexts, live, named, incidents) -> Mapped:
    active = [[r for r in records if r["status"] != "Removed"] for records in (subjects, contexts)]
    young = {r["id"] for r in active[0] if r["type"] == "Young person"}
    linked = {b for a, b in live if a in young} | {a for a, b in live if b in young}
    label = labels.labeller(named)
    return Mapped(path, relative, settings.get("network_name") or path.stem,
                  settings.get("protective_marking") or schema.DEFAULT_MARKING,
                  people_of(active[0]), places_of(active[1], linked),
                  {r["id"]: label(r["id"]) for r in subjects + contexts}, labels.codes(named), incidents)


def _numbered_records(mapped: Mapped, index: int) -> Mapped:
    from dataclasses import replace

    mapped.people = [replace(p, network=index) for p in mapped.people]
    mapped.places = [replace(p, network=index) for p in mapped.places]
    return mapped


@dataclass(frozen=True)
class Skipped:
    relative: str
    reason: str  # a key of SKIP_ADVICE


@dataclass
class Scan:
    folder: Path
    networks: list[Mapped]
    skipped: list[Skipped]

    def skipped_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.skipped:
            out[s.reason] = out.get(s.reason, 0) + 1
        return out


def skip_reason_by_name(path: Path) -> str | None:
    """Why a file is passed over without opening it, or None for a workbook to read."""
    name = path.name
    if name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#")):
        return LOCK
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        return None
    if path.stem.lower().endswith(".backup"):
        return BACKUP
    if name.startswith(".peermap-"):
        return TEMPORARY
    return None


def _is_candidate(path: Path) -> bool:
    return path.suffix.lower() in WORKBOOK_SUFFIXES or skip_reason_by_name(path) == LOCK


def tables() -> tuple[str, ...]:
    """The tables the register reads: the rest of a workbook is not needed to recognise people and places."""
    return (schema.NETWORK, schema.SUBJECTS.name, schema.CONTEXTS.name, schema.LINKS.name,
            *(s.name for s in schema.DATA_SHEETS if s.name == INCIDENTS))


#: From this many workbooks on, two processes read them (the ordinary laptop has at least two cores).
POOL_FROM = 24


def scan(folder: str | Path, exclude: Path | None = None, progress=None) -> Scan:
    """Read every peer-map workbook under `folder` (recursively); `exclude` is left out, with its lock file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PeermapError(f"The folder {folder} was not found. Give the folder that holds the team's peer maps.")
    excluded = {exclude.resolve(), safe.lock_file(exclude).resolve()} if exclude else set()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and _is_candidate(p) and p.resolve() not in excluded)
    jobs = [(path, path.relative_to(folder).as_posix()) for path in files]
    results = _read_all([job for job in jobs if skip_reason_by_name(job[0]) is None], progress)
    networks, skipped = [], []
    for path, relative in jobs:
        got = skip_reason_by_name(path) or results[relative]
        if isinstance(got, str):
            skipped.append(Skipped(relative, got))
        else:
            networks.append(_numbered_records(got, len(networks)))
    for n, mapped in enumerate(networks, start=1):
        mapped.code = f"N{n}"
    return Scan(folder, networks, skipped)


def _read_all(jobs: list[tuple[Path, str]], progress=None) -> dict[str, Mapped | str]:
    """{relative path: its summary, or why it was skipped}; in two processes for a large folder."""
    import os

    results: dict[str, Mapped | str] = {}
    workers = min(2, os.cpu_count() or 1)
    if len(jobs) >= POOL_FROM and workers > 1:
        try:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(workers) as pool:
                for n, (job, got) in enumerate(zip(jobs, pool.map(_read_one, jobs, chunksize=8))):
                    results[job[1]] = got
                    if progress and n % 10 == 0:
                        progress(n, len(jobs), "Reading the peer maps")
        except (OSError, RuntimeError, ImportError):  # no processes here (a locked-down machine): one by one
            results = {}
    for n, job in enumerate(jobs):
        if job[1] not in results:
            results[job[1]] = _read_one(job)
            if progress:
                progress(n, len(jobs), "Reading the peer maps")
    if progress and jobs:
        progress(len(jobs), len(jobs), "Read the peer maps")
    return results


def _read_one(job: tuple[Path, str]) -> Mapped | str:
    """A workbook's summary, or why it was skipped. Never raises: one bad file must not stop the scan."""
    from peermap_xl.book.file import read_raw

    path, relative = job
    try:
        raw = read_raw(path, tables())
    except Exception:  # refused by the reader (damaged, encrypted, not a workbook) or too hostile to read
        return UNREADABLE
    if schema.SUBJECTS.name not in raw.tables:
        return NOT_PEER_MAP
    try:
        return summarise_raw(path, relative, raw)
    except Exception:
        return UNREADABLE


# --- words: names, pseudonyms, places ---------------------------------------------

_QUOTES = "\"'\u2018\u2019\u201c\u201d\u00ab\u00bb"
#: A nickname in quotes, standing alone: "Jordan 'JJ' Smith", but not the apostrophes of "D'Angelo O'Neil".
_QUOTED = re.compile(rf"(?:^|(?<=\s))[{_QUOTES}][^{_QUOTES}]*[{_QUOTES}](?=\s|$)")
def fold(text: object) -> str:
    """Lower case, accents removed, punctuation and hyphens as spaces: "Zoë O'Brien-Smith" -> "zoe obrien smith"."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['\u2019]", "", text)
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


def name_tokens(name: object) -> tuple[str, ...]:
    """The words of a name, folded, without a nickname in quotes ("Jordan 'JJ' Smith" -> jordan, smith)."""
    if not isinstance(name, str):
        return ()
    return tuple(fold(_QUOTED.sub(" ", name)).split())


def is_pseudonym(name: object, kind: object = None) -> bool:
    """True for a name that is not a person's own name, which `peermap find` never matches across networks: the
    project's one test (labels.is_pseudonym: "Male A", "Unknown adult male", "YP3", a "street name" in quotes),
    a blank name, or anyone recorded as Type Unknown."""
    if kind == "Unknown" or not isinstance(name, str) or not name.strip():
        return True
    return labels.is_pseudonym(name)


def _is_initials(tokens: tuple[str, ...], name: str) -> bool:
    """ "J S", "J.S." or "JS" (capitals): initials rather than a name."""
    if all(len(t) == 1 for t in tokens):
        return True
    return len(tokens) == 1 and 2 <= len(name.strip()) <= 3 and name.strip().isalpha() and name.strip().isupper()


def initials_of(tokens: tuple[str, ...], name: str) -> str:
    if len(tokens) == 1 and _is_initials(tokens, name):
        return tokens[0]
    return "".join(t[0] for t in tokens)


_GENDERS = {"m": "male", "male": "male", "boy": "male", "man": "male",
            "f": "female", "female": "female", "girl": "female", "woman": "female"}


def gender_of(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = fold(value)
    return _GENDERS.get(text, text or None)


POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b")
_ABBREVIATIONS = {
    "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "ln": "lane", "cl": "close",
    "ct": "court", "crt": "court", "gdns": "gardens", "gdn": "garden", "pl": "place", "sq": "square",
    "est": "estate", "ter": "terrace", "terr": "terrace", "tce": "terrace", "cres": "crescent", "dr": "drive",
    "grn": "green", "pk": "park", "hse": "house", "blk": "block", "bldg": "building", "mkt": "market",
    "stn": "station", "sch": "school", "rec": "recreation", "hts": "heights", "wlk": "walk", "gr": "grove",
}
_ADDRESS_NOISE = frozenset({"flat", "the", "of", "and", "london", "uk", "england"})


def postcode_of(text: object) -> str | None:
    """The UK postcode in an address, written the usual way: "e81hy" -> "E8 1HY"."""
    if not isinstance(text, str):
        return None
    found = POSTCODE.search(text.upper())
    return f"{found.group(1)} {found.group(2)}" if found else None


def address_words(text: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(numbers, words) of an address without its postcode: "12a Mare St., E8 1HY" -> (("12a",), ("mare", "street"))."""
    if not isinstance(text, str):
        return (), ()
    text = POSTCODE.sub(" ", text.upper())
    numbers, words = [], []
    for token in fold(text).split():
        if token[0].isdigit():
            numbers.append(token)
        elif token not in _ADDRESS_NOISE:
            words.append(_ABBREVIATIONS.get(token, token))
    return tuple(numbers), tuple(words)


# --- the records compared ----------------------------------------------------------


@dataclass(frozen=True)
class Person:
    network: int  # index into the networks compared
    id: str
    row: int
    name: str | None
    tokens: tuple[str, ...]
    initials_only: bool
    pseudonym: bool
    dob: dt.date | None
    age: int | None
    gender: str | None
    sheet: str = schema.SUBJECTS.name

    @property
    def initials(self) -> str:
        return initials_of(self.tokens, self.name or "")


@dataclass(frozen=True)
class Place:
    network: int
    id: str
    row: int
    name: str | None
    kind: str | None
    tokens: tuple[str, ...]  # the name's words
    postcode: str | None
    numbers: tuple[str, ...]  # house and flat numbers of the address
    street: tuple[str, ...]  # the address's words
    borough: str | None
    with_young_people: bool  # linked to a young person on its network's map
    sheet: str = schema.CONTEXTS.name


def _value(value):
    """None for the blanks of a typed frame (None, NaN, NaT, pd.NA)."""
    import pandas as pd

    return None if value is None or (not isinstance(value, (str, tuple)) and pd.isna(value)) else value


def _day(value) -> dt.date | None:
    value = _value(value)
    return value.date() if isinstance(value, dt.datetime) else value


def people_of(records: list[dict]) -> list[Person]:
    """The people to compare, from a network's active Subjects rows."""
    out = []
    for r in records:
        name = _value(r["name"])
        tokens = name_tokens(name)
        age = _value(r["age"])
        out.append(Person(0, r["id"], int(r["row"]), name, tokens,
                          bool(tokens) and _is_initials(tokens, name or ""), is_pseudonym(name, r["type"]),
                          _day(r["date_of_birth"]), int(age) if age is not None else None,
                          gender_of(_value(r["gender"]))))
    return out


def places_of(records: list[dict], linked: set[str]) -> list[Place]:
    """The places to compare, from a network's active Contexts rows; `linked`: those linked to a young person."""
    out = []
    for r in records:
        address, name, borough = (_value(r[k]) for k in ("address_or_area", "name", "borough"))
        numbers, street = address_words(address)
        out.append(Place(0, r["id"], int(r["row"]), name, _value(r["type"]), name_tokens(name),
                         postcode_of(address) or postcode_of(name), numbers, street,
                         fold(borough) if borough else None, r["id"] in linked))
    return out


# --- scoring: people -----------------------------------------------------------------

_INITIALS_SCORE, _ONE_NAME_SCORE, _NICKNAME_SCORE, _INITIAL_SCORE = 50, 55, 75, 70


@lru_cache(maxsize=1)
def _nicknamer():
    """The nicknames dataset (PyPI `nicknames`, hand-curated, Apache-2.0), or None when it is not installed."""
    try:
        from nicknames import NickNamer
    except ImportError:  # pragma: no cover - a dependency; matching goes on without nicknames
        return None
    return NickNamer()


def is_nickname(a: str, b: str) -> bool:
    """True when one given name is a recorded nickname of the other ("bob" and "robert")."""
    namer = _nicknamer()
    if namer is None or len(a) < 2 or len(b) < 2:
        return False
    return b in namer.nicknames_of(a) or a in namer.nicknames_of(b)


def _ratio(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b)


def _first_names(a: str, b: str) -> tuple[int, str] | None:
    if a == b:
        return 100, ""
    if len(a) == 1 or len(b) == 1:
        return (_INITIAL_SCORE, "an initial for the first name") if a[0] == b[0] else None
    if is_nickname(a, b):
        return _NICKNAME_SCORE, "first name is a recorded nickname of the other (nicknames list)"
    ratio = _ratio(a, b)
    return (int(70 + (ratio - 85)), "first names spelt alike") if ratio >= 85 else None


def _parts_score(x: tuple[str, ...], y: tuple[str, ...]) -> tuple[int, list[str]] | None:
    """First and last names compared part by part (both have at least two words)."""
    penalty, reasons = 0, []
    if x[-1] != y[-1]:
        if len(x[-1]) == 1 or len(y[-1]) == 1 or _ratio(x[-1], y[-1]) < 80:
            return None  # different surnames: not the same person
        penalty, reasons = 10, ["surnames spelt alike"]
    first = _first_names(x[0], y[0])
    if first is None:
        return None  # e.g. siblings sharing a surname
    score, why = first
    if why:
        reasons.insert(0, why)
    elif x[1:-1] != y[1:-1]:
        score, reasons = 90, ["same first and last names, middle names differ or missing", *reasons]
    return score - penalty, reasons


def name_score(a: Person, b: Person) -> tuple[int, list[str]] | None:
    """How alike two people's names are (0-100) and why; None when they are different names."""
    x, y = a.tokens, b.tokens
    if not x or not y:
        return None
    if a.initials_only or b.initials_only:
        short = (a.initials, b.initials)
        return (_INITIALS_SCORE, ["initials agree"]) if short[0] in (short[1], short[1][::-1]) or (
            len(x) > 1 and x[0][0] + x[-1][0] in short) or (len(y) > 1 and y[0][0] + y[-1][0] in short) else None
    if len(x) == 1 or len(y) == 1:
        one, other = (x, y) if len(x) == 1 else (y, x)
        if len(other) == 1:
            return (60, ["same single name, nothing more"]) if x == y else None
        return (_ONE_NAME_SCORE, ["only one name recorded in one network"]) if one[0] in (other[0], other[-1]) else None
    if x == y:
        return 100, ["same name"]
    if sorted(x) == sorted(y):
        return 95, ["same name, first and last names swapped"]
    straight, swapped = _parts_score(x, y), _parts_score(x, tuple(reversed(y)))
    if swapped and (straight is None or swapped[0] - 5 > straight[0]):
        return swapped[0] - 5, [*swapped[1], "first and last names swapped"]
    return straight


def _age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def facts_score(a: Person, b: Person, today: dt.date) -> tuple[int, list[str]] | None:
    """What date of birth, age and gender add (or take away); None when they rule the match out."""
    bonus, reasons = 0, []
    if a.dob and b.dob:
        if a.dob == b.dob:
            bonus, reasons = 25, ["same date of birth"]
        elif a.dob.day <= 12 and (a.dob.year, a.dob.month, a.dob.day) == (b.dob.year, b.dob.day, b.dob.month):
            bonus, reasons = 10, ["dates of birth agree if day and month were swapped"]
        else:
            return None  # different dates of birth: different people
    else:
        ages = [p.age if p.age is not None else (_age_on(p.dob, today) if p.dob else None) for p in (a, b)]
        if None in ages:
            reasons.append("no date of birth or age on both to confirm")
        elif abs(ages[0] - ages[1]) <= 1:
            bonus, reasons = 5, ["ages agree"]
        elif abs(ages[0] - ages[1]) > 3:
            return None
        else:
            reasons.append("ages differ by 2 or 3 years (recorded at different times?)")
    if a.gender and b.gender and {a.gender, b.gender} <= {"male", "female"}:
        if a.gender != b.gender:
            return None
        bonus, reasons = bonus + 5, [*reasons, "same gender"]
    return bonus, reasons


def person_score(a: Person, b: Person, today: dt.date | None = None) -> tuple[int, list[str]] | None:
    """The score (0-100) and reasons for two people being one; None when they are not.

    Pseudonyms are never matched: "Male A" in one network is nobody in particular in another."""
    if a.pseudonym or b.pseudonym:
        return None
    named = name_score(a, b)
    facts = facts_score(a, b, today or domain.today()) if named else None
    if named is None or facts is None:
        return None
    return max(0, min(100, named[0] + facts[0])), named[1] + facts[1]


# --- scoring: places -------------------------------------------------------------------

_PRIVATE_PLACES = frozenset({"Home", "Address"})  # named after a person ("Male A's home"): matched by address only
_GENERIC_PLACE_WORDS = frozenset("""
    the a of and park school shop shops station home house flat flats youth club hub centre center estate
    garage library bus stop market cafe chicken takeaway street road area online group chat college gym
    """.split())
_PLATFORMS = frozenset("""snapchat instagram tiktok whatsapp facebook youtube telegram discord twitter x signal
    messenger roblox fortnite xbox playstation psn""".split())
_REJECT = (-1, ["different addresses"])


def _number_score(a: Place, b: Place) -> tuple[int, list[str]] | None:
    x, y = set(a.numbers), set(b.numbers)
    if x == y:
        return 0, ["same house number"]
    if x <= y or y <= x:
        return -10, ["same house number, a flat number recorded in one only"]
    return None


def _address_score(a: Place, b: Place) -> tuple[int, list[str]] | None:
    """(score, reasons) from postcode and address; _REJECT when they are different addresses; None: no evidence."""
    from rapidfuzz import fuzz

    if a.postcode and b.postcode:
        if a.postcode != b.postcode:
            return _REJECT
        if a.numbers and b.numbers:
            numbers = _number_score(a, b)
            return _REJECT if numbers is None else (95 + numbers[0], ["same postcode", *numbers[1]])
        if a.street and b.street:
            if a.street == b.street:
                return 90, ["same postcode", "same street"]
            similar = fuzz.token_set_ratio(" ".join(a.street), " ".join(b.street)) >= 70
            return (85, ["same postcode", "street spelt alike"]) if similar else (70, ["same postcode"])
        return 75, ["same postcode"]
    if not (a.street and b.street) or (a.postcode and b.postcode):
        return None
    if fuzz.token_sort_ratio(" ".join(a.street), " ".join(b.street)) < 90:
        return None
    if a.numbers or b.numbers:
        numbers = _number_score(a, b)
        if numbers is None:
            return _REJECT
        same = a.street == b.street
        return 90 + numbers[0] - (0 if same else 5), ["same address" if same else "address spelt alike",
                                                     *numbers[1][1:]]
    return 70, ["same street or area, no house number"]


def _place_name_score(a: Place, b: Place) -> tuple[int, list[str]] | None:
    from rapidfuzz import fuzz

    if a.kind in _PRIVATE_PLACES or b.kind in _PRIVATE_PLACES or not a.tokens or not b.tokens:
        return None
    for tokens in (a.tokens, b.tokens):
        if set(tokens) <= _GENERIC_PLACE_WORDS or (len(tokens) == 1 and tokens[0] in _PLATFORMS):
            return None  # "the park", "Snapchat": every network has one
    if a.tokens == b.tokens:
        return 85, ["same name"]
    if fuzz.token_sort_ratio(" ".join(a.tokens), " ".join(b.tokens)) >= 90:
        return 80, ["names spelt alike"]
    return None


def place_score(a: Place, b: Place) -> tuple[int, list[str]] | None:
    """The score (0-100) and reasons for two places being one; None when they are not."""
    if a.borough and b.borough and a.borough != b.borough and a.borough != "online" != b.borough:
        return None
    by_address = _address_score(a, b)
    if by_address == _REJECT:
        return None
    by_name = _place_name_score(a, b)
    found = [s for s in (by_address, by_name) if s]
    if not found:
        return None
    score = max(s[0] for s in found) + (5 if len(found) == 2 else 0)
    reasons = [reason for s in found for reason in s[1]]
    if a.kind and b.kind and a.kind != b.kind:
        score, reasons = score - 10, [*reasons, "recorded as different kinds of place"]
    return min(score, 100), reasons


# --- comparing networks ---------------------------------------------------------------


def person_keys(p: Person) -> set[str]:
    """Blocking keys: two people are compared only when they share one. A name gives its first initial with
    the start of its surname, both ways round and for each recorded nickname; a date of birth gives itself
    (so initials, a single name or a surname spelt differently from its third letter are found by it)."""
    if p.pseudonym or not p.tokens:
        return set()
    keys = {f"d:{p.dob.isoformat()}"} if p.dob else set()
    if p.initials_only or len(p.tokens) == 1:
        return keys
    first, last = p.tokens[0], p.tokens[-1]
    firsts = {first[0]} | {name[0] for name in _nickname_family(first)}
    keys |= {f"n:{letter}{last[:3]}" for letter in firsts}
    keys.add(f"n:{last[0]}{first[:3]}")  # first and last names swapped
    return keys


def _nickname_family(first: str) -> set[str]:
    namer = _nicknamer()
    if namer is None or len(first) < 2:
        return set()
    return namer.nicknames_of(first) | namer.canonicals_of(first)


_STREET_WORDS = frozenset(_ABBREVIATIONS.values()) | {"street", "road"}


def place_keys(p: Place) -> set[str]:
    """Blocking keys: the postcode; each word of the street with the house number; each word of a public place's
    name."""
    keys = {"p:" + p.postcode} if p.postcode else set()
    number = p.numbers[-1] if p.numbers else ""
    keys |= {f"s:{number}:{w[:4]}" for w in p.street if len(w) > 2 and w not in _STREET_WORDS}
    if p.kind not in _PRIVATE_PLACES:
        keys |= {"n:" + w[:4] for w in p.tokens if len(w) > 2 and w not in _GENERIC_PLACE_WORDS}
    return keys


@dataclass(frozen=True)
class Pair:
    a: Person | Place
    b: Person | Place
    score: int
    reasons: tuple[str, ...]


def match(records: list, keys_of, score_of, min_score: int, focus: int | None = None) -> list[Pair]:
    """Every pair of records from different networks scoring at least `min_score`; with `focus`, only pairs
    with one record in that network."""
    blocks: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        for key in keys_of(record):
            blocks.setdefault(key, []).append(i)
    candidates: set[tuple[int, int]] = set()
    for members in blocks.values():
        for n, i in enumerate(members):
            for j in members[n + 1:]:
                a, b = records[i].network, records[j].network
                if a != b and (focus is None or focus in (a, b)):
                    candidates.add((i, j))
    pairs = []
    for i, j in sorted(candidates):
        a, b = (records[i], records[j]) if records[j].network != focus else (records[j], records[i])
        found = score_of(a, b)
        if found and found[0] >= min_score:
            pairs.append(Pair(a, b, found[0], tuple(found[1])))
    return pairs


@dataclass
class Group:
    """People (or places) taken to be one across networks: the records, and the pairs that joined them."""

    kind: str  # PERSON or PLACE
    members: list
    pairs: list[Pair]
    code: str = ""  # P1, L1...: the group's number on the report

    @property
    def networks(self) -> list[int]:
        return sorted({m.network for m in self.members})

    @property
    def score(self) -> int:
        return max((p.score for p in self.pairs), default=0)

    def best_pair(self, member) -> Pair | None:
        mine = [p for p in self.pairs if member in (p.a, p.b)]
        return max(mine, key=lambda p: p.score, default=None)


PERSON, PLACE = "person", "place"


def clusters(kind: str, pairs: list[Pair]) -> list[Group]:
    """The records joined by matching pairs, each set once (union-find)."""
    parent: dict = {}

    def root(record):
        parent.setdefault(record, record)
        while parent[record] != record:
            parent[record] = parent[parent[record]]
            record = parent[record]
        return record

    for p in pairs:
        parent[root(p.a)] = root(p.b)
    groups: dict = {}
    for p in pairs:
        group = groups.setdefault(root(p.a), Group(kind, [], []))
        group.pairs.append(p)
        for record in (p.a, p.b):
            if record not in group.members:
                group.members.append(record)
    return _numbered(list(groups.values()))


def focused(kind: str, pairs: list[Pair]) -> list[Group]:
    """One group per record of the focus network (the `a` of each pair), with what it matched elsewhere."""
    groups: dict = {}
    for p in sorted(pairs, key=lambda p: (-p.score, p.b.network, p.b.row)):
        group = groups.setdefault(p.a, Group(kind, [p.a], []))
        group.members.append(p.b)
        group.pairs.append(p)
    return _numbered(list(groups.values()))


def _numbered(groups: list[Group]) -> list[Group]:
    groups.sort(key=lambda g: (min((m.network, m.row) for m in g.members)))
    for n, g in enumerate(groups, start=1):
        g.members.sort(key=lambda m: (m.network, m.row))
        g.code = f"{'P' if g.kind == PERSON else 'L'}{n}"
    return groups


INCIDENTS = "Incidents"  # the sheet the review cycle adds; older workbooks have none


def incident_places(records: list[dict], resolve, places: set[str]) -> set[str]:
    """The IDs of the places the Incidents rows name (in any of its subject-or-place columns)."""
    sheet = schema.sheet(INCIDENTS)
    found: set[str] = set()
    for col in sheet.all_columns:
        if col.kind in (schema.REF, schema.REFS):
            for record in records:
                value = record.get(col.key)
                for ref in value if isinstance(value, tuple) else (value,):
                    found |= {rid for rid in resolve(ref) if rid in places}
    return found


@dataclass
class Register:
    """What `peermap find` reports: for one workbook (`book`), or for the whole folder."""

    scan: Scan
    networks: list[Mapped]  # those compared; a `book` comes first
    min_score: int
    people: list[Group]
    places: list[Group]
    book: Mapped | None = None
    context_candidates: list[tuple[Group, int]] = field(default_factory=list)  # (places, networks with YP links)
    incident_places: list[tuple[Group, int]] | None = None  # None: no workbook records incidents
    book_network: object = None  # the `book`, loaded in full (peermap_xl.record.model.Network), for writing to it

    @property
    def marking(self) -> str:
        if self.book:
            return self.book.marking
        markings = sorted({m.marking for m in self.networks})
        return " / ".join(markings) if markings else schema.DEFAULT_MARKING


def find(folder: str | Path, book: str | Path | None = None, min_score: int = DEFAULT_MIN_SCORE,
         today: dt.date | None = None, progress=None, network=None) -> Register:
    """Match one workbook's people and places against the folder's other peer maps, or (no `book`) every
    peer map against every other. `network` is the book already read (by the Excel door)."""
    from peermap_xl.record.reading import read_network

    if not 0 <= min_score <= 100:
        raise PeermapError(f"--min-score must be between 0 and 100 (got {min_score}).")
    today = today or domain.today()
    mine = book_network = None
    if book is not None:
        book = Path(book)
        book_network = network if network is not None else read_network(book)
        mine = _numbered_records(summarise(book, book.name, book_network), 0)
        mine.code = "This network"
    scanned = scan(folder, exclude=book, progress=progress)
    networks = ([mine] if mine else []) + scanned.networks
    for index, mapped in enumerate(networks):
        _numbered_records(mapped, index)
    people = [p for m in networks for p in m.people]
    places = [p for m in networks for p in m.places]
    focus = 0 if mine else None
    person_pairs = match(people, person_keys, lambda a, b: person_score(a, b, today), min_score, focus)
    place_pairs = match(places, place_keys, place_score, min_score, focus)
    group = focused if mine else clusters
    found = Register(scanned, networks, min_score, group(PERSON, person_pairs), group(PLACE, place_pairs), mine,
                     book_network=book_network)
    if not mine:
        _assessments(found)
    return found


def _assessments(found: Register) -> None:
    """Places linked to young people in 3+ networks; places with incidents in 2+ networks."""
    for g in found.places:
        with_young = len({m.network for m in g.members if m.with_young_people})
        if with_young >= 3:
            found.context_candidates.append((g, with_young))
    recorded = [m.incidents for m in found.networks]
    if all(r is None for r in recorded):
        return
    found.incident_places = []
    for g in found.places:  # a place in one network only is a matter for that network's own checks
        networks = len({m.network for m in g.members if recorded[m.network] and m.id in recorded[m.network]})
        if networks >= 2:
            found.incident_places.append((g, networks))


# --- what the report says ------------------------------------------------------------


class Namer:
    """How the report names networks and records: as each network's "Names on outputs" says, or by code."""

    def __init__(self, found: Register, anonymise: bool):
        self.found, self.anonymise = found, anonymise

    def network(self, index: int) -> str:
        mapped = self.found.networks[index]
        return mapped.code if self.anonymise else mapped.name

    def file(self, index: int) -> str | None:
        return None if self.anonymise else self.found.networks[index].relative

    def record(self, record) -> str:
        mapped = self.found.networks[record.network]
        return (mapped.codes if self.anonymise else mapped.labels).get(record.id, record.id)

    def ref(self, record) -> str:
        """ "N3 YP2" or '"Hackney Wick network" S07 JS'."""
        if self.anonymise:
            return f"{self.network(record.network)} {self.record(record)}"
        return f'"{self.network(record.network)}" {record.id} {self.record(record)}'


def member_rows(found: Register, groups: list[Group], anonymise: bool) -> list[dict]:
    """One row per record of each group: where it is, what it is called on outputs, and why it was matched."""
    namer = Namer(found, anonymise)
    out = []
    for g in groups:
        for m in g.members:
            pair = g.best_pair(m)
            other = None if pair is None else (pair.b if pair.a == m else pair.a)
            row = {"group": g.code, "network": namer.network(m.network), "file": namer.file(m.network),
                   "sheet": m.sheet, "row": None if anonymise else m.row,
                   "id": None if anonymise else m.id, "name": namer.record(m),
                   "matched_with": namer.ref(other) if other else None,
                   "score": pair.score if pair else None, "reasons": list(pair.reasons) if pair else []}
            if found.book is not None and m.network == 0:
                row.update(matched_with=None, score=None, reasons=[])
            out.append(row)
    return out


def skipped_summary(scan_: Scan) -> str:
    counts = scan_.skipped_counts()
    if not counts:
        return "No files skipped."
    parts = [f"{n} {_PLURALS[reason] if n > 1 else reason}" for reason, n in sorted(counts.items())]
    return f"Skipped {len(scan_.skipped)} file{'s' if len(scan_.skipped) > 1 else ''}: {', '.join(parts)}."


def as_json(found: Register, anonymise: bool = False) -> dict:
    def listed(pairs):
        return [{"group": g.code, "networks": len({m.network for m in g.members}), "linked_networks": n}
                for g, n in pairs]

    return {
        "protective_marking": found.marking,
        "book": None if found.book is None else (found.book.code if anonymise else found.book.name),
        "folder": None if anonymise else str(found.scan.folder),
        "min_score": found.min_score,
        "read": len(found.scan.networks),
        "skipped": {"count": len(found.scan.skipped), "by_reason": found.scan.skipped_counts(),
                    "files": [] if anonymise else [{"file": s.relative, "reason": s.reason}
                                                   for s in found.scan.skipped]},
        "people": member_rows(found, found.people, anonymise),
        "places": member_rows(found, found.places, anonymise),
        "context_assessment_candidates": listed(found.context_candidates),
        "places_with_incidents": None if found.incident_places is None else listed(found.incident_places),
    }


def _why(row: dict) -> str:
    return f"score {row['score']}: {'; '.join(row['reasons'])}"


def _where(row: dict, anonymise: bool) -> str:
    if anonymise:
        return f"{row['network']} {row['name']}"
    return f"\"{row['network']}\" {row['id']} {row['name']}" + (f" ({row['file']})" if row.get("file") else "")


def _book_lines(found: Register, rows: list[dict], what: str, anonymise: bool) -> list[str]:
    groups = sorted({r["group"] for r in rows}, key=labels.id_order)
    lines = ["", f"{what} of this network already mapped elsewhere ({len(groups)})"]
    for code in groups:
        mine = [r for r in rows if r["group"] == code]
        own = mine[0]
        where = "" if anonymise else f"{own['id']} "
        lines.append(f"  {where}{own['name']}" + ("" if anonymise else f" ({own['sheet']} row {own['row']})"))
        lines += [f"      also {_where(r, anonymise)}, {_why(r)}" for r in mine[1:]]
    return lines


def _register_lines(rows: list[dict], title: str, anonymise: bool) -> list[str]:
    groups = sorted({r["group"] for r in rows}, key=labels.id_order)
    lines = ["", f"{title} ({len(groups)})"]
    for code in groups:
        lines.append(f"  {code}")
        for r in (r for r in rows if r["group"] == code):
            lines.append(f"      {_where(r, anonymise)}" + (f"  [{_why(r)}]" if r["score"] is not None else ""))
    return lines


def _listed(found: Register, pairs, what: str, anonymise: bool) -> list[str]:
    namer = Namer(found, anonymise)
    lines = []
    for g, n in pairs:
        where = "; ".join(namer.ref(m) for m in g.members)
        lines.append(f"  {g.code}: {what} in {n} networks: {where}")
    return lines or ["  none"]


def as_text(found: Register, anonymise: bool = False) -> list[str]:
    """The report as lines for the terminal, the marking first and last."""
    marking = found.marking
    n = len(found.scan.networks)
    if found.book is not None:
        title = (f"Already mapped elsewhere? {found.book.code if anonymise else found.book.name}, against {n} "
                 f"other peer map{'s' if n != 1 else ''}")
    else:
        title = f"Peer maps read: {n}"
    lines = [f"[{marking}]", title + ("" if anonymise else f" in {found.scan.folder}"),
             skipped_summary(found.scan)]
    if not anonymise:
        lines += [f"  {s.relative}: {s.reason} ({SKIP_ADVICE[s.reason]})" for s in found.scan.skipped]
    people, places = (member_rows(found, g, anonymise) for g in (found.people, found.places))
    if found.book is not None:
        lines += _book_lines(found, people, "People", anonymise) + _book_lines(found, places, "Places", anonymise)
        lines += ["", _book_advice(found)]
    else:
        lines += _register_lines(people, "People in more than one network", anonymise)
        lines += _register_lines(places, "Places in more than one network", anonymise)
        lines += ["", "Places linked to young people in 3 or more networks: consider a context assessment"]
        lines += _listed(found, found.context_candidates, "linked to young people", anonymise)
        lines += ["", "Places with incidents recorded in 2 or more networks"]
        lines += (["  not known: these workbooks have no Incidents sheet"] if found.incident_places is None
                  else _listed(found, found.incident_places, "incidents", anonymise))
    lines += ["", f"Matches scoring at least {found.min_score} of 100 (--min-score). Pseudonyms such as "
                  "\"Male A\" are never matched across networks. Check each match before you act on it.",
              f"[{marking}]"]
    return lines


def _book_advice(found: Register) -> str:
    if not found.people and not found.places:
        return "No person or place of this network was found in another peer map."
    return ("Before the session, speak to the lead practitioner of each network named: they may hold what this map "
            "lacks. `peermap find FOLDER --book BOOK --write` records the matches in the workbook.")


# --- recording the matches in the workbook -------------------------------------------


def folder_for(network, beside: Path) -> Path:
    """The folder to search: the Network's Register folder (relative to the workbook's), or the workbook's own."""
    named = network.settings.get("register_folder")
    if not named:
        return beside
    folder = Path(str(named).strip().strip('"'))
    return folder if folder.is_absolute() else beside / folder


def merged(existing: object, names: Iterable[str]) -> str:
    """The cell's networks with `names` added once each, in the order first seen: typed text is kept."""
    from peermap_xl.record.model import split_list

    items = list(split_list(existing if isinstance(existing, str) else None))
    seen = {fold(item) for item in items}
    for name in names:
        if fold(name) not in seen:
            seen.add(fold(name))
            items.append(name)
    return "; ".join(items)


def elsewhere_values(found: Register) -> dict[tuple[str, int], str]:
    """{(sheet, worksheet row): new text of its Already mapped elsewhere cell} for the book's matched records."""
    network = found.book_network
    out = {}
    for g in found.people + found.places:
        own = g.members[0]
        frame = network.frames[own.sheet]
        key = schema.Column(COLUMN).key
        current = frame.loc[frame["row"] == own.row, key].iloc[0] if key in frame else None
        current = _value(current)
        text = merged(current, [_other_name(found, m.network) for m in g.members[1:]])
        if text != (current or ""):
            out[(own.sheet, own.row)] = text
    return out


def _other_name(found: Register, index: int) -> str:
    """Another network's name; with its file when it has the book's own name (a copy of the workbook?)."""
    other = found.networks[index]
    return f"{other.name} ({other.relative})" if fold(other.name) == fold(found.book.name) else other.name


def apply_values(network, values: dict[tuple[str, int], str]) -> None:
    """Put the new cell texts into the loaded network too, so that the checks that follow see them."""
    key = schema.Column(COLUMN).key
    for (sheet, row), text in values.items():
        frame = network.frames[sheet]
        frame.loc[frame["row"] == row, key] = text
    for name in ("active_subjects", "active_contexts"):
        network.__dict__.pop(name, None)  # cached views of the frames


def missing_columns(network, values: dict[tuple[str, int], str]) -> list[str]:
    """The sheets of the values that have no Already mapped elsewhere column to write into."""
    sheets = sorted({sheet for sheet, _ in values})
    return [s for s in sheets if not (network.layout.get(s) and network.layout[s].column(COLUMN))]


# --- the .xlsx report -------------------------------------------------------------------

REPORT_COLUMNS = (("Group", "group", 8), ("Network", "network", 28), ("File", "file", 30), ("Sheet", "sheet", 10),
                  ("Row", "row", 6), ("ID", "id", 7), ("Name on outputs", "name", 18),
                  ("Matched with", "matched_with", 34), ("Score", "score", 7), ("Why", "reasons", 70))
_IDENTIFYING = ("file", "row", "id")  # left out of the anonymised report


def write_report(found: Register, target: str | Path, anonymise: bool = False) -> Path:
    """The report as an .xlsx workbook (written atomically): the summary, People, Places, what was skipped."""
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise PeermapError(f"{target.name}: the report's name must end in .xlsx.")
    if not target.parent.is_dir():
        raise PeermapError(f"The folder {target.parent} does not exist. Create it first.")
    with contextlib.ExitStack() as private:  # as private as the most private workbook it reports on
        for mapped in found.networks:
            private.enter_context(safe.outputs_of(mapped.path))
        safe.write_output(target, lambda temp: _write_xlsx(found, temp, anonymise))
    return target


def _write_xlsx(found: Register, path: Path, anonymise: bool) -> None:
    import xlsxwriter

    marking = found.marking
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    styles = {"marking": wb.add_format({"bold": True, "font_color": "#C00000"}),
              "title": wb.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E78"}),
              "header": wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78"}),
              "text": wb.add_format({"text_wrap": True, "valign": "top"})}

    def sheet(name: str, title: str):
        ws = wb.add_worksheet(name)
        ws.set_header(f"&C{marking.replace('&', '&&')}")
        ws.set_footer(f"&C{marking.replace('&', '&&')}&RPage &P of &N")
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.write(0, 0, marking, styles["marking"])
        ws.write(1, 0, title, styles["title"])
        return ws

    ws = sheet("Summary", "Already mapped elsewhere? The register of peer maps")
    ws.set_column(0, 0, 120)
    for r, line in enumerate(as_text(found, anonymise)[1:-1], start=3):
        ws.write_string(r, 0, line)
    for name, groups in (("People", found.people), ("Places", found.places)):
        _table(sheet(name, f"{name} in more than one network"), member_rows(found, groups, anonymise),
               anonymise, styles)
    _skipped_sheet(sheet("Skipped", "Files not read"), found.scan, anonymise, styles)
    wb.close()


def _table(ws, rows: list[dict], anonymise: bool, styles: dict) -> None:
    columns = [c for c in REPORT_COLUMNS if not (anonymise and c[1] in _IDENTIFYING)]
    for c, (header, _, width) in enumerate(columns):
        ws.write_string(3, c, header, styles["header"])
        ws.set_column(c, c, width)
    for r, row in enumerate(rows, start=4):
        for c, (_, key, _) in enumerate(columns):
            value = row[key]
            value = "; ".join(value) if isinstance(value, list) else value
            if isinstance(value, (int, float)):
                ws.write_number(r, c, value, styles["text"])
            elif value is not None:
                ws.write_string(r, c, str(value), styles["text"])
    ws.freeze_panes(4, 0)
    if rows:
        ws.autofilter(3, 0, 3 + len(rows), len(columns) - 1)


def _skipped_sheet(ws, scanned: Scan, anonymise: bool, styles: dict) -> None:
    if anonymise:
        lines = [("Reason", "Files")] + [(reason, n) for reason, n in sorted(scanned.skipped_counts().items())]
    else:
        lines = [("File", "Reason", "What it means")] + [(s.relative, s.reason, SKIP_ADVICE[s.reason])
                                                          for s in scanned.skipped]
    for c, width in enumerate((40, 26, 80)[:len(lines[0])]):
        ws.set_column(c, c, width)
    for r, values in enumerate(lines, start=3):
        for c, value in enumerate(values):
            style = styles["header"] if r == 3 else styles["text"]
            if isinstance(value, int):
                ws.write_number(r, c, value, style)
            else:
                ws.write_string(r, c, value, style)
