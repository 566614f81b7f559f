"""A loaded network: typed frames, one per sheet, with link endpoints resolved.

`build(raw)` turns the cell values of either reader into a `Network`. Cells
that cannot be understood (a date that is not a date) are kept as `problems`
for the checks to report; reading never fails on odd data, only on a
workbook that lacks a sheet or column it needs.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from peermap_xl.book.raw import NOT_CALCULATED, UNCALCULATED, RangeNote, RawBook, RawTable, excel_date
from peermap_xl.contract import domain, schema
from peermap_xl.contract.errors import WorkbookError

_DATE_FORMATS = (
    "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d-%m-%y", "%d.%m.%Y", "%d.%m.%y",
    "%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%d %B %y", "%d %b %y",
    "%B %d %Y", "%b %d %Y",
)
_MAX_WHOLE_NUMBER = 2**53  # beyond this Excel itself cannot hold a whole number exactly
ID_PATTERN = re.compile(r"^\s*([A-Za-z]+)\s*0*(\d+)\s*$")


@dataclass(frozen=True)
class Problem:
    """A cell whose value could not be read as its column's kind."""

    sheet: str
    row: int
    column: str
    kind: str  # schema.DATE, schema.WHOLE_NUMBER, schema.NUMBER, or raw.UNCALCULATED (a formula with no value)
    value: str  # as typed; never put into logs


@dataclass(frozen=True)
class Layout:
    """Where a table sits in the workbook, so that outputs can point at its cells."""

    sheet: str  # the worksheet's name as the workbook spells it
    header_row: int
    columns: dict[str, int]  # normalised header -> worksheet column (1 = A)

    def column(self, header: str) -> int | None:
        return self.columns.get(schema.normalise_header(header))


class Settings(dict):
    """The Network sheet's fields, typed, by key (settings["network_name"]), with the contract's defaults
    for blanks; the ones code decides by are properties of their own type."""

    @property
    def stale_after_days(self) -> int:
        return int(self["stale_after_days"])

    @property
    def review_every_months(self) -> int:
        return int(self["review_every_months"])

    @property
    def protective_marking(self) -> str:
        return str(self["protective_marking"])

    @property
    def names_on_outputs(self) -> str:
        return str(self.get("names_on_outputs") or "Initials")

    @property
    def home_borough(self) -> str | None:
        return self.get("home_borough")

    @property
    def closed(self) -> bool:
        return self.get("status") == domain.NETWORK_CLOSED


@dataclass
class Network:
    source: str
    settings: Settings  # Network fields by key: settings["network_name"]; typed: settings.stale_after_days
    setting_rows: dict[str, int]  # the worksheet row of each Network field present
    frames: dict[str, pd.DataFrame]  # by sheet name
    lists: dict[str, tuple[str, ...]]
    problems: list[Problem] = field(default_factory=list)
    layout: dict[str, Layout] = field(default_factory=dict)  # by the contract's sheet name
    map_positions: dict[str, tuple[float, float]] = field(default_factory=dict)  # from the last map
    history: pd.DataFrame | None = None  # the snapshots on the History sheet
    sheet_names: tuple[str, ...] = ()  # every worksheet, as the workbook spells it
    ranges: list[RangeNote] = field(default_factory=list)  # data the file's stated ranges left out (all read)

    @property
    def pins(self) -> dict[str, tuple[float, float]]:
        """{ID: (Map x, Map y)} for the people and places a practitioner has pinned."""
        out = {}
        for frame in (self.subjects, self.contexts):
            for rid, x, y in zip(frame["id"], frame["map_x"], frame["map_y"]):
                if pd.notna(x) and pd.notna(y):
                    out[rid] = (float(x), float(y))
        return out

    @property
    def subjects(self) -> pd.DataFrame:
        return self.frames[schema.SUBJECTS.name]

    @property
    def contexts(self) -> pd.DataFrame:
        return self.frames[schema.CONTEXTS.name]

    @property
    def links(self) -> pd.DataFrame:
        return self.frames[schema.LINKS.name]

    @property
    def contacts(self) -> pd.DataFrame:
        return self.frames[schema.CONTACTS.name]

    @property
    def gaps(self) -> pd.DataFrame:
        return self.frames[schema.GAPS.name]

    @property
    def actions(self) -> pd.DataFrame:
        return self.frames[schema.ACTIONS.name]

    @property
    def sessions(self) -> pd.DataFrame:
        return self.frames[schema.SESSIONS.name]

    @property
    def incidents(self) -> pd.DataFrame:
        return self.frames[schema.INCIDENTS.name]

    @property
    def direct_work(self) -> pd.DataFrame:
        return self.frames[schema.DIRECT_WORK.name]

    @cached_property
    def removed_ids(self) -> frozenset[str]:
        """The subjects and contexts marked Removed: they stay on record, off the map."""
        return frozenset(rid for frame in (self.subjects, self.contexts)
                         for rid, status in zip(frame["id"], frame["status"]) if status == domain.REMOVED)

    @cached_property
    def active_subjects(self) -> pd.DataFrame:
        return self.subjects[~self.subjects["id"].isin(self.removed_ids)]

    @cached_property
    def active_contexts(self) -> pd.DataFrame:
        return self.contexts[~self.contexts["id"].isin(self.removed_ids)]

    @cached_property
    def resolved_links(self) -> pd.DataFrame:
        """Links whose two ends each name one record, and not the same one."""
        links = self.links
        return links[links["from_id"].notna() & links["to_id"].notna() & (links["from_id"] != links["to_id"])]

    @cached_property
    def live_links(self) -> pd.DataFrame:
        """The links on the map: resolved, not Historic or Removed, between active records."""
        links = self.resolved_links
        return links[~links["status"].isin(domain.LINK_OFF_MAP)
                     & ~links["from_id"].isin(self.removed_ids) & ~links["to_id"].isin(self.removed_ids)]

    # --- the domain's words over the frames (see domain.py) ------------------------------------

    def is_stale(self, link, as_of) -> bool:
        """Is this link (a row of Links) stale on `as_of`, by the Network's Stale after (days)?"""
        return domain.link_is_stale(link, as_of, self.settings.stale_after_days)

    def stale_link_ids(self, as_of) -> frozenset[str]:
        """The IDs of the live links that are stale on `as_of`."""
        return frozenset(link["id"] for link in rows(self.live_links) if self.is_stale(link, as_of))

    @cached_property
    def open_questions(self) -> pd.DataFrame:
        """Gaps rows with a question whose Status is Open or blank."""
        gaps = self.gaps
        return gaps[gaps["status"].map(domain.question_is_open) & ~gaps["question"].map(domain.blank)]

    @cached_property
    def open_actions(self) -> pd.DataFrame:
        """Actions rows with an action that is not Done or Cancelled."""
        actions = self.actions
        return actions[actions["status"].map(domain.action_is_open) & ~actions["action"].map(domain.blank)]

    def sessions_held(self, up_to: str | None = None, on: dt.date | None = None) -> pd.DataFrame:
        """The sessions held by `on` (today by default; domain.session_counts_as_held), in date order. With
        `up_to` (a session ID), only those up to and including it, and it among them whatever its Status
        (the minutes of a session booked for today speak as that session)."""
        on = on or domain.today()
        sessions = self.sessions.dropna(subset=["date"]).sort_values(["date", "row"])
        sessions = sessions[sessions["status"] != domain.SESSION_CANCELLED]
        if up_to is not None and (sessions["id"] == up_to).any():
            position = list(sessions["id"]).index(up_to)
            sessions = sessions.iloc[: position + 1]
            on = max(pd.Timestamp(on), sessions.iloc[-1]["date"])
        held = [domain.session_counts_as_held(status, day, on) or rid == up_to
                for rid, status, day in zip(sessions["id"], sessions["status"], sessions["date"])]
        return sessions[held] if len(sessions) else sessions

    def next_review(self, as_of_session: str | None = None, on: dt.date | None = None
                    ) -> domain.NextReview | None:
        """The next review: the latest held session's Next review when set, else its date plus Review every
        (months). With `as_of_session`, as that session left it; else as the sessions held by `on` (today by
        default) left it. None when the network is closed or no session is held."""
        if self.settings.closed and as_of_session is None:
            return None
        sessions = self.sessions_held(as_of_session, on)
        if not len(sessions):
            return None
        last = sessions.iloc[-1]
        agreed = not domain.blank(last["next_review"])
        due = last["next_review"].date() if agreed else domain.review_after(
            last["date"], self.settings.review_every_months)
        return domain.NextReview(due, last["id"], last["date"].date(), agreed, self.settings.review_every_months)

    def next_row(self, sheet_name: str) -> int:
        """The first worksheet row below a sheet's records (below its header when it has none)."""
        layout = self.layout.get(sheet_name)
        frame = self.frames[sheet_name] if sheet_name in self.frames else self.history
        return max([layout.header_row if layout and layout.columns else schema.FIRST_HEADER_ROW.get(sheet_name, 1),
                    *frame["row"]]) + 1

    def resolve(self, ref: object) -> list[str]:
        """The IDs of the subjects and contexts that `ref` (a pick-list entry, an ID or an exact name) names."""
        return self._resolver(ref)

    def resolved_how(self, ref: object) -> str | None:
        """How `ref` named its one record ("known as", "first name or surname", ...; see Resolver.how)."""
        return self._resolver.how(ref)

    def suggest(self, ref: object, limit: int = 3) -> list[str]:
        """The people and places (as the pick list shows them) nearest to a reference that names nobody."""
        return self._resolver.suggestions(ref, limit)

    @cached_property
    def _resolver(self) -> Resolver:
        return make_resolver(self.subjects, self.contexts, known_as(self.history))


_shared_rows: contextvars.ContextVar[dict | None] = contextvars.ContextVar("shared_rows", default=None)


def rows(frame: pd.DataFrame) -> list[dict]:
    """A frame's records as dicts, for code that looks at one row at a time: the values of
    `frame.to_dict("records")` (a missing number in a nullable column is None), a few times quicker than it
    (pandas boxes each value column by column) and far quicker than iterrows. Within `sharing_rows()` (a run
    of the checks), worked out once per frame (the same object) and shared: the callers only read them."""
    shared = _shared_rows.get()
    if shared is None:
        return _records(frame)
    held = shared.get(id(frame))
    if held is None or held[0] is not frame:  # the frame is held too, so its id is not reused meanwhile
        held = shared[id(frame)] = (frame, _records(frame))
    return held[1]


@contextlib.contextmanager
def sharing_rows():
    """Within: `rows` gives each frame's records once. Entered again, it starts afresh (frames may have been
    replaced in between, as when suggested questions are added to Gaps)."""
    token = _shared_rows.set({})
    try:
        yield
    finally:
        _shared_rows.reset(token)


def _records(frame: pd.DataFrame) -> list[dict]:
    if len(frame) == 0:
        return []
    columns = list(frame.columns)
    records = [dict(zip(columns, values)) for values in frame.to_numpy(dtype=object).tolist()]
    nullable = [c for c, kind in frame.dtypes.items() if isinstance(kind, pd.api.extensions.ExtensionDtype)]
    for record in records if nullable else ():
        for column in nullable:
            if record[column] is pd.NA:
                record[column] = None
    return records


def once(network: Network, key: str, frame: pd.DataFrame, make):
    """make(), worked out once per network for this very frame (the same object): for what an output
    looks up again for every young person (their links, the open questions), which would otherwise
    grow with the number of people times the number of records."""
    store = network.__dict__.setdefault("_once", {})
    held = store.get((key, id(frame)))
    if held is None or held[0] is not frame:
        held = store[(key, id(frame))] = (frame, make())
    return held[1]


# --- typing cell values --------------------------------------------------


def clean_text(value: object) -> str | None:
    """Text with stray spaces removed; None for a blank cell."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.strftime("%d/%m/%Y")
    text = " ".join(str(value).replace("\u00a0", " ").split())
    return text or None


def parse_date(value: object, epoch: dt.datetime = dt.datetime(1899, 12, 30)) -> dt.date | None:
    """A date from a date cell, an Excel serial number, or UK text ("03/04/2026" is 3 April).

    Serial numbers count as Excel counts them (raw.excel_date: 60 is Excel's
    29/02/1900, which never was, and below 1 there are no dates). Returns None
    for a blank cell; raises ValueError for anything else that is not a real date.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        moment = excel_date(value, epoch)
        if moment is None:
            raise ValueError(value)
        return moment.date()
    text = clean_text(value)
    if text is None:
        return None
    text = text.replace(",", "")
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)  # "3rd April 2026"
    text = text.split(" 00:00")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_number(value: object) -> float | None:
    """A number from a number cell or from text ("12.5", " 12 ")."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ValueError(value)
    if isinstance(value, str):
        text = clean_text(value)
        if text is None:
            return None
        value = float(text.replace(",", ""))
    if not isinstance(value, (int, float)) or value != value or abs(value) > _MAX_WHOLE_NUMBER:
        raise ValueError(value)
    return float(value)


def parse_whole_number(value: object) -> int | None:
    """A whole number from a number cell or from text ("15", " 15 ", "15.0")."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, str):
        text = clean_text(value)
        if text is None:
            return None
        value = float(text.replace(",", ""))  # ValueError for words
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(value)  # also NaN and infinity
    if not isinstance(value, (int, float)) or abs(value) > _MAX_WHOLE_NUMBER:
        raise ValueError(value)
    return int(value)


def canonical_choice(text: str | None, values: tuple[str, ...], coded: bool = False) -> str | None:
    """The list's own spelling of `text` ("anecdotal" -> "Anecdotal", "3" -> "3 Not reliable").

    A value not on the list is returned as typed, for the checks to report.
    """
    if text is None:
        return None
    folded = text.casefold()
    for item in values:
        if item.casefold() == folded:
            return item
    if coded:
        code = folded.split()[0]
        for item in values:
            if item.split()[0].casefold() == code:
                return item
    return text


def split_list(text: str | None) -> tuple[str, ...]:
    """ "S01; Male B ;" -> ("S01", "Male B")."""
    if not isinstance(text, str):
        return ()
    return tuple(part.strip() for part in re.split(r"[;\n]", text) if part.strip())


def normalise_id(text: str | None) -> str | None:
    """ "s1" -> "S1", " S01 " -> "S01": IDs compare upper-case, without spaces."""
    if text is None:
        return None
    return "".join(text.split()).upper()


# --- building the network ------------------------------------------------


def build(raw: RawBook) -> Network:
    """Type the cell values of a workbook into a Network."""
    problems: list[Problem] = _uncalculated(raw)
    lists = read_lists(raw.tables.get(schema.LISTS_SHEET))
    frames = {}
    for sheet in schema.DATA_SHEETS:
        table = raw.tables.get(sheet.name)
        if table is None:
            if sheet.required:
                raise WorkbookError(f"{raw.source} has no '{sheet.name}' sheet. Copy it from a new "
                                    f"workbook (peermap new) with its header row, then try again.")
            table = RawTable(sheet=sheet.name, headers=[], rows=[])
        frames[sheet.name] = _frame(raw, sheet, table, lists, problems)
    history = _frame(raw, schema.HISTORY, raw.tables.get(schema.HISTORY.name) or
                     RawTable(schema.HISTORY.name, [], []), lists, [])
    _resolve_endpoints(frames, known_as(history))
    settings, setting_rows = read_settings(raw, lists, problems)
    layout = {name: _layout(table) for name, table in raw.tables.items()}
    positions = {}
    if schema.MAP_LAYOUT.name in raw.tables:
        kept = _frame(raw, schema.MAP_LAYOUT, raw.tables[schema.MAP_LAYOUT.name], lists, [])
        positions = {rid: (float(x), float(y)) for rid, x, y in zip(kept["id"], kept["x"], kept["y"])
                     if isinstance(rid, str) and pd.notna(x) and pd.notna(y)}
    return Network(source=raw.source, settings=settings, setting_rows=setting_rows, frames=frames,
                   lists=lists, problems=problems, layout=layout, map_positions=positions, history=history,
                   sheet_names=raw.sheet_names, ranges=list(raw.ranges))


#: The tables people type into, where a formula with no value is reported (History and Map layout are peermap's).
_TYPED_INTO = {schema.NETWORK, schema.LISTS_SHEET, *(s.name for s in schema.DATA_SHEETS)}


def _uncalculated(raw: RawBook) -> list[Problem]:
    """The formula cells saved with no value, in the tables people type into (not the columns Excel fills),
    as Problems; every such value is then None, and an ID among them unknown (never numbered: `_fill_ids`)."""
    found = []
    for wanted, table in raw.tables.items():
        filled = {schema.normalise_header(c.header) for s in schema.DATA_SHEETS if s.name == wanted
                  for c in s.all_columns if c.kind == schema.FORMULA}
        for row, values in table.rows:
            for i, value in enumerate(values):
                if value is NOT_CALCULATED:
                    values[i] = None
                    header = table.headers[i] if i < len(table.headers) else ""
                    if wanted in _TYPED_INTO and schema.normalise_header(header) not in filled:
                        column = str(values[0] or header) if wanted == schema.NETWORK and i else header
                        found.append(Problem(table.sheet, row, column, UNCALCULATED, ""))
    return found


def _layout(table: RawTable) -> Layout:
    columns: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        if header:
            columns.setdefault(schema.normalise_header(header),
                               table.columns[i] if table.columns else table.first_col + i)
    return Layout(table.sheet, table.header_row, columns)


def add_records(network: Network, sheet: schema.Sheet, rows: list[tuple[int, dict]]) -> None:
    """Add rows ({header: value} at a worksheet row) to a loaded network, typed as the reader types them."""
    headers = [c.header for c in sheet.all_columns]
    raw = RawBook(source=network.source)
    table = RawTable(sheet.name, headers, [(row, [values.get(h) for h in headers]) for row, values in rows])
    added = _frame(raw, sheet, table, network.lists, network.problems)
    network.frames[sheet.name] = pd.concat([network.frames[sheet.name], added], ignore_index=True)
    for name, member in vars(Network).items():  # what was worked out from the old frames
        if isinstance(member, cached_property):
            network.__dict__.pop(name, None)


def read_lists(table: RawTable | None) -> dict[str, tuple[str, ...]]:
    """The drop-down lists, as the team has extended them on the Lists sheet."""
    lists = dict(schema.LISTS)
    if table is None:
        return lists
    columns = {schema.normalise_header(h): i for i, h in enumerate(table.headers) if h}
    for key in schema.LISTS:
        i = columns.get(schema.normalise_header(key))
        if i is None:
            continue
        values = [clean_text(values[i]) for _, values in table.rows]
        values = tuple(dict.fromkeys(v for v in values if v))
        if values:
            lists[key] = values
    return lists


def column_positions(raw: RawBook, sheet: schema.Sheet, table: RawTable) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        if header:
            positions.setdefault(schema.normalise_header(header), i)
    if table.rows or table.headers:
        for col in sheet.columns:
            if col.required and schema.normalise_header(col.header) not in positions:
                raise WorkbookError(
                    f"{raw.source}: the '{table.sheet}' sheet has no '{col.header}' column. "
                    f"Add it to the header row (row 1 of the table), then try again.")
    return positions


def _frame(raw: RawBook, sheet: schema.Sheet, table: RawTable, lists, problems) -> pd.DataFrame:
    positions = column_positions(raw, sheet, table)
    filled_by_excel = {positions[schema.normalise_header(c.header)] for c in sheet.all_columns
                       if c.kind == schema.FORMULA and schema.normalise_header(c.header) in positions}
    records = []
    where = [(col.key, positions.get(schema.normalise_header(col.header)),
              _typer(col, raw, lists, problems, table.sheet)) for col in _data_columns(sheet)]
    for row_number, values in table.rows:
        if filled_by_excel and all(i in filled_by_excel for i, v in enumerate(values) if v not in (None, "")):
            continue  # nothing typed: only a formula column's value (a row Excel prepared, or a slip)
        record = {"row": row_number}
        for key, i, typed in where:
            record[key] = typed(values[i] if i is not None and i < len(values) else None, row_number)
        records.append(record)
    columns = ["row"] + [col.key for col in _data_columns(sheet)]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for col in sheet.all_columns:
        if col.kind == schema.DATE:
            frame[col.key] = pd.to_datetime(frame[col.key])
        elif col.kind == schema.WHOLE_NUMBER:
            frame[col.key] = frame[col.key].astype("Int64")
        elif col.kind == schema.NUMBER:
            frame[col.key] = frame[col.key].astype("Float64")
    frame["row"] = frame["row"].astype("int64")
    if sheet.id_prefix:
        id_header = next(schema.normalise_header(c.header) for c in sheet.all_columns if c.key == "id")
        unknown = {p.row for p in problems if p.kind == UNCALCULATED and p.sheet == table.sheet
                   and schema.normalise_header(p.column) == id_header}
        _fill_ids(frame, sheet.id_prefix, unknown)
    return frame


def _data_columns(sheet: schema.Sheet) -> list[schema.Column]:
    """The columns people type in: FORMULA columns (Excel fills them) are not data."""
    return [col for col in sheet.all_columns if col.kind != schema.FORMULA]


def _typer(col: schema.Column, raw: RawBook, lists, problems, sheet_name: str):
    """`typed(value, row)` for one column: `typed_value`, worked out once per text typed where the result depends on
    the text alone (choices, IDs, references and text repeat down a column; dates and numbers may be Problems)."""
    def typed(value, row: int):
        return typed_value(value, col, raw, lists, problems, sheet_name, row)

    if col.kind in (schema.DATE, schema.WHOLE_NUMBER, schema.NUMBER):
        return typed
    known: dict = {}

    def remembered(value, row: int):
        if value is not None and not isinstance(value, str):
            return typed(value, row)
        found = known.get(value, known)
        if found is known:
            found = known[value] = typed(value, row)
        return found

    return remembered


def typed_value(value, col: schema.Column, raw: RawBook, lists, problems, sheet_name: str, row: int):
    if col.kind in (schema.DATE, schema.WHOLE_NUMBER, schema.NUMBER):
        try:
            if col.kind == schema.DATE:
                return parse_date(value, raw.epoch)
            if col.kind == schema.NUMBER:
                return parse_number(value)
            return parse_whole_number(value)
        except (ValueError, OverflowError):
            problems.append(Problem(sheet_name, row, col.header, col.kind, str(value)))
            return None
    text = clean_text(value)
    if col.kind == schema.ID:
        return normalise_id(text)
    if col.kind == schema.CHOICE and col.list:
        return canonical_choice(text, lists[col.list], col.list in schema.CODED_LISTS)
    if col.kind == schema.CHOICES:
        return tuple(canonical_choice(t, lists[col.list]) for t in split_list(text))
    if col.kind == schema.REFS:
        return split_list(text)
    return text


def unknown_id(prefix: str, row: int) -> str:
    """How a record whose ID a formula holds with no value is named: "S?7" (its row)."""
    return f"{prefix}?{row}"


def is_unknown_id(value: object) -> bool:
    return isinstance(value, str) and "?" in value


def _fill_ids(frame: pd.DataFrame, prefix: str, unknown: set[int] = frozenset()) -> None:
    """Number the rows whose ID was left blank, after the highest ID in use. An ID a formula holds
    with no value (`unknown` rows) is not blank but unknown: never numbered, it is shown as "S?7"
    (its row), which matches no ID typed anywhere and is never written into the cell."""
    unknown = frame["id"].isna() & frame["row"].isin(unknown)
    frame.loc[unknown, "id"] = [unknown_id(prefix, row) for row in frame.loc[unknown, "row"]]  # never written
    blank = frame["id"].isna()
    frame["auto_id"] = blank
    if not blank.any():
        return
    used = [int(m.group(2)) for text in frame["id"].dropna()
            if (m := ID_PATTERN.match(text)) and m.group(1).upper() == prefix]
    start = max(used, default=0) + 1
    new_ids = [f"{prefix}{n:02d}" for n in range(start, start + int(blank.sum()))]
    frame.loc[blank, "id"] = new_ids


#: The History rows that keep a person's or place's earlier name (peermap_xl.record.history records them).
KNOWN_AS = "Known as"


def known_as(history: pd.DataFrame | None) -> dict[str, str]:
    """{earlier name, casefolded: ID} from History (snapshots and known-as rows): a renamed or identified
    person is still found by the name the links were typed with. A name two records have had is left out."""
    if history is None or not len(history):
        return {}
    kept = history[history["record"].isin(["Subject", "Context", KNOWN_AS])]
    found: dict[str, set[str]] = {}
    for rid, name in zip(kept["id"], kept["name"]):
        if isinstance(rid, str) and isinstance(name, str):
            found.setdefault(name.casefold(), set()).add(rid)
    return {name: next(iter(ids)) for name, ids in found.items() if len(ids) == 1}


_ENTRY = re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<id>[^()]*?)\s*\)$")


def split_entry(text: str | None) -> tuple[str | None, str | None]:
    """A pick-list entry "Male A (S01)" -> ("Male A", "S01"); anything else -> (text, None)."""
    match = _ENTRY.match(text) if isinstance(text, str) else None
    if not match or not match.group("id"):
        return text, None
    return match.group("name") or None, normalise_id(match.group("id"))


def entry(name: str | None, record_id: str | None) -> str | None:
    """How the pick lists show a person or place: "Male A (S01)" (the name alone before it has an ID)."""
    if not name:
        return record_id
    return f"{name} ({record_id})" if record_id else name


class Resolver:
    """Who a typed reference names: the one resolver of every mention of a person or place.

    In order: a pick-list entry "Name (ID)" (the ID decides, so a person renamed since the pick keeps the
    link), an ID ("s01"), an exact name, a name the record had before (History), a Known as or a nickname in
    quotes inside a Name ('Unknown adult male ("Rico")'), then a first name or surname that only one person
    has. Case and spacing never matter. `how` says which of these found someone (the checks say so).
    """

    def __init__(self, subjects: pd.DataFrame, contexts: pd.DataFrame, earlier: dict[str, str] | None = None):
        self.by_id: dict[str, list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        self.by_known: dict[str, list[str]] = {}  # Known as, nicknames in quotes in a Name
        self.by_part: dict[str, list[str]] = {}  # first names and surnames of people
        self.entries: list[str] = []  # as the pick list offers them
        self.known_entries: list[tuple[str, str]] = []  # (known as, entry): for suggestions
        for frame, people in ((subjects, True), (contexts, False)):
            ids = list(frame["id"])  # a frame or a {column: values} dict (the register's quick reader)
            known = list(frame["known_as"]) if "known_as" in frame else [None] * len(ids)
            for record_id, name, also in zip(ids, frame["name"], known):
                if isinstance(record_id, str):
                    self._add(record_id, name if isinstance(name, str) else None, also, people)
        # names a record had before (History): a renamed or identified person keeps links typed by name
        self.earlier = {fold(name): rid for name, rid in (earlier or {}).items()
                        if fold(name) not in self.by_name and rid in self.by_id}
        self._known: dict[str, tuple[str, ...]] = {}  # what each text typed named (the records do not change)

    def _add(self, record_id: str, name: str | None, also, people: bool) -> None:
        from peermap_xl.record.labels import is_pseudonym, name_words, nicknames

        self.by_id.setdefault(record_id, []).append(record_id)
        shown = entry(name, record_id)
        self.entries.append(shown)
        if name:
            self.by_name.setdefault(fold(name), []).append(record_id)
        if not people:
            return
        for nick in [*(nicknames(name) if name else []), *split_known(also)]:
            _add_once(self.by_known, fold(nick), record_id)
            self.known_entries.append((nick, shown))
        if name and not is_pseudonym(name):
            for word in name_words(name):
                _add_once(self.by_part, fold(word), record_id)

    def __call__(self, ref: object) -> list[str]:
        if not isinstance(ref, str):
            return self._resolve(ref)[0]
        found = self._known.get(ref)
        if found is None:
            found = self._known[ref] = self._resolve(ref)
        return list(found[0])

    def how(self, ref: object) -> str | None:
        """How `ref` named its record: "id", "entry", "name", "earlier name", "known as", "first name or
        surname"; None when it names nobody (or several)."""
        return self._resolve(ref)[1]

    def _resolve(self, ref: object) -> tuple[tuple[str, ...], str | None]:
        text = clean_text(ref)
        if text is None:
            return (), None
        name, record_id = split_entry(text)
        if record_id in self.by_id:
            return (record_id,), "entry"
        found, how = self._plain(text)
        if not found and record_id and name:
            found, how = self._plain(name)
        return tuple(found), how if found else None

    def _plain(self, text: str) -> tuple[list[str], str | None]:
        folded = fold(text)
        by_id = self.by_id.get(normalise_id(text), [])
        if by_id:
            return by_id, "id"
        for how, found in (("name", self.by_name.get(folded)),
                           ("earlier name", [self.earlier[folded]] if folded in self.earlier else None),
                           ("known as", self.by_known.get(fold(folded.strip(_QUOTES))))):
            if found:
                return list(dict.fromkeys(found)), how
        part = self.by_part.get(folded)
        return (list(part), "first name or surname") if part and len(part) == 1 else ([], None)

    def suggestions(self, typed: object, limit: int = 3) -> list[str]:
        """The pick-list entries nearest to what was typed (a Known as counts as the person's), nearest first."""
        from peermap_xl.contract.suggest import suggest

        text = clean_text(typed)
        if not text:
            return []
        wanted = split_entry(text)[0] or text
        by_known = dict(self.known_entries)
        near = suggest(wanted, [*self.entries, *by_known], limit * 2)
        return list(dict.fromkeys(by_known.get(n, n) for n in near))[:limit]


_QUOTES = "\"'\u201c\u201d\u2018\u2019"


def fold(text: str) -> str:
    """A name as the resolver compares it: any case, any spacing."""
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


def person_key(text: object) -> str:
    """A person's name as two sheets compare it: "Priya Nair (SW)" and "priya  nair" are one person (a role in
    brackets after the name, case and spacing never matter); "" for a blank."""
    if not isinstance(text, str):
        return ""
    return fold(re.sub(r"\s*\([^()]*\)\s*$", "", text))


def split_known(value) -> list[str]:
    """A Known as cell's names: "Rico; R" -> ["Rico", "R"] (also "," and "/" between them)."""
    if not isinstance(value, str):
        return []
    return [n.strip().strip(_QUOTES).strip() for n in re.split(r"[;,/]", value) if n.strip().strip(_QUOTES).strip()]


def _add_once(index: dict[str, list[str]], key: str, record_id: str) -> None:
    if key and record_id not in index.setdefault(key, []):
        index[key].append(record_id)


def make_resolver(subjects: pd.DataFrame, contexts: pd.DataFrame, earlier: dict[str, str] | None = None) -> Resolver:
    return Resolver(subjects, contexts, earlier)


def _resolve_endpoints(frames: dict[str, pd.DataFrame], earlier: dict[str, str] | None = None) -> None:
    """Add from_id/to_id to Links, where_id to Incidents, young_person_id and peer_id to Direct work: the one
    record named (by pick-list entry, ID, name, or a name it was known by), or None.

    A Peer picked from the list ("Male B (S03)") is kept as the name the young person's map shows.
    """
    resolve = make_resolver(frames[schema.SUBJECTS.name], frames[schema.CONTEXTS.name], earlier)

    def single(ref):
        matches = resolve(ref)
        return matches[0] if len(matches) == 1 else None

    links = frames[schema.LINKS.name]
    links["from_id"] = [single(ref) for ref in links["from"]]
    links["to_id"] = [single(ref) for ref in links["to"]]
    incidents = frames[schema.INCIDENTS.name]
    incidents["where_id"] = [single(ref) for ref in incidents["where"]]
    direct = frames[schema.DIRECT_WORK.name]
    direct["young_person_id"] = [single(ref) for ref in direct["young_person"]]
    peers = list(direct["peer"])  # "Female D (sister)" is the young person's own words: only a real ID counts
    peer_ids = [split_entry(ref)[1] if split_entry(ref)[1] in resolve.by_id else None for ref in peers]
    direct["peer_id"] = peer_ids
    direct["peer"] = [split_entry(ref)[0] if pid else ref for ref, pid in zip(peers, peer_ids)]


def read_settings(raw: RawBook, lists, problems) -> tuple[Settings, dict[str, int]]:
    """The Network table's values, typed, with the contract's defaults for blanks; and their rows."""
    values: dict[str, tuple[int, object]] = {}
    table = raw.tables.get(schema.NETWORK)
    if table is not None:
        columns = {schema.normalise_header(h): i for i, h in enumerate(table.headers) if h}
        field_col, value_col = columns.get("field", 0), columns.get("value", 1)
        for row, cells in table.rows:
            if max(field_col, value_col) < len(cells) and cells[field_col] is not None:
                values[schema.normalise_header(cells[field_col])] = (row, cells[value_col])
    settings = Settings()
    rows: dict[str, int] = {}
    for fld in schema.NETWORK_FIELDS:
        row, value = values.get(schema.normalise_header(fld.name), (0, None))
        if row:
            rows[fld.key] = row
        column = schema.Column(fld.name, fld.kind, fld.list, bounds=fld.bounds)
        typed = typed_value(value, column, raw, lists, problems, schema.NETWORK, row)
        if fld.bounds and typed is not None and not fld.bounds[0] <= typed <= fld.bounds[1]:
            problems.append(Problem(schema.NETWORK, row, fld.name, fld.kind, str(value)))
            typed = None
        if typed in (None, ()):
            typed = fld.default if fld.kind != schema.CHOICES else ()
        settings[fld.key] = typed
    return settings, rows


_PLURALS = {"Young person": "young people", "Adult": "adults", "Unknown": "unknown"}


def summary(network: Network) -> list[str]:
    """A few lines of counts only, safe to print: no names of people, places or the network, no free text."""
    s = network.settings

    def active(frame):
        return frame[frame["status"] != domain.REMOVED]

    def counts(series, order) -> str:
        tally = series.fillna("not recorded").value_counts()
        known = (*order, "not recorded")
        parts = [f"{int(tally[k])} {k.lower() if tally[k] == 1 else _PLURALS.get(k, k.lower())}" for k in known
                 if k in tally]  # "1 adult", "2 adults"
        parts += [f"{int(n)} other" for k, n in tally.items() if k not in known]
        return ", ".join(parts)

    subjects, contexts, links = active(network.subjects), active(network.contexts), network.links
    removed = len(network.subjects) - len(subjects)
    open_gaps, open_actions = network.open_questions, network.open_actions
    lines = [
        f"Counts only (no names, no notes) [{s.protective_marking}]",
        f"  {len(subjects)} people: {counts(subjects['type'], schema.LISTS['Subject type'])}"
        + (f" ({removed} removed)" if removed else ""),
        f"  {len(contexts)} places: {counts(contexts['nature'], schema.LISTS['Context nature'])}",
        f"  {len(links)} links: {counts(links['evidence'], schema.LISTS['Evidence'])}; "
        f"{counts(links['nature'], schema.LISTS['Link nature'])}",
        f"  {len(network.contacts)} key contacts, {len(open_gaps)} open questions, "
        f"{len(open_actions)} open actions",
    ]
    sessions = network.sessions.dropna(subset=["date"]).sort_values("date")
    if len(sessions):
        last = sessions.iloc[-1]
        lines.append(f"  {len(sessions)} sessions, the latest on {last['date']:%d/%m/%Y} "
                     f"({last['type'] or 'type not recorded'})")
    else:
        lines.append("  no sessions recorded yet")
    return lines
