"""Integrity (errors): rows the rest of peermap cannot use as they stand."""

from __future__ import annotations

from collections.abc import Iterator

from peermap_xl.book.raw import DIMENSION, TABLE_COLUMNS, TABLE_HEADER, TABLE_ROWS, UNCALCULATED
from peermap_xl.checks.core import ERROR, WARNING, Context, Hit, blank, date_text, rows, rule, typed
from peermap_xl.contract import schema
from peermap_xl.contract.domain import month_first
from peermap_xl.contract.suggest import did_you_mean, suggest
from peermap_xl.record.model import split_entry

_ABOUT_COLUMNS = ((schema.CONTACTS, "For"), (schema.GAPS, "About"), (schema.ACTIONS, "About"),
                  (schema.INCIDENTS, "Who"))


@rule("PM101", "missing-required", ERROR, "A required cell is empty",
      """Every person and place needs a name and a type, every link its two ends and its
      relationship, every question, action and session its main words and date. Without them
      the row cannot be mapped, counted or followed up.""")
def missing_required(ctx: Context) -> Iterator[Hit]:
    unknown = _uncalculated_cells(ctx)  # not empty: a formula's value not known (PM110)
    for sheet in schema.DATA_SHEETS:
        frame = ctx.network.frames[sheet.name]
        for col in (c for c in sheet.columns if c.required):
            empty = frame[col.key].map(blank)
            for record in rows(frame[empty]) if len(frame) and empty.any() else ():
                if (sheet.name.casefold(), record["row"], col.header) in unknown:
                    continue
                yield Hit(sheet.name, record["row"], record.get("id"), col.header,
                          f"{col.header} is empty: every row of {sheet.name} needs one.")


@rule("PM102", "duplicate-id", ERROR, "Two rows share an ID",
      """Links, questions and actions point at people and places by ID, so an ID must name one
      row only. Subjects and contexts share one set of IDs, since a link may join either.""")
def duplicate_id(ctx: Context) -> Iterator[Hit]:
    seen: dict[str, tuple[str, int]] = {}
    groups = ((schema.SUBJECTS, schema.CONTEXTS), (schema.LINKS,), (schema.CONTACTS,), (schema.GAPS,),
              (schema.ACTIONS,), (schema.SESSIONS,), (schema.INCIDENTS,))
    for group in groups:
        seen.clear()
        for sheet in group:
            frame = ctx.network.frames[sheet.name]
            for record_id, row in zip(frame["id"], frame["row"]):
                if record_id in seen:
                    first_sheet, first_row = seen[record_id]
                    yield Hit(sheet.name, row, record_id, "ID",
                              f"{record_id} is also the ID of {first_sheet} row {first_row}. "
                              "Give each row its own ID (or leave it blank to have one made).")
                else:
                    seen[record_id] = (sheet.name, row)


def endpoint_cells(ctx: Context) -> Iterator[tuple]:
    """(sheet, record, column header, typed reference, may name a link) for every reference cell."""
    for link in rows(ctx.network.links):
        for column in ("From", "To"):
            yield schema.LINKS.name, link, column, link[column.lower()], False
    for record in rows(ctx.network.direct_work):
        yield schema.DIRECT_WORK.name, record, "Young person", record["young_person"], False
    for record in rows(ctx.network.incidents):
        yield schema.INCIDENTS.name, record, "Where", record["where"], False
    for sheet, column in _ABOUT_COLUMNS:
        for record in rows(ctx.network.frames[sheet.name]):
            for ref in record[column.lower()]:
                yield sheet.name, record, column, ref, sheet in (schema.GAPS, schema.ACTIONS)


@rule("PM103", "unknown-endpoint", ERROR, "A reference names no subject or context",
      """A link's From and To (and a contact's For, a question's or action's About) must name a row
      on Subjects or Contexts, by ID or exact name, or the link cannot be drawn. A typing slip
      ("Male  B", "S1O") is the usual cause.""", flag="UNKNOWN END")
def unknown_endpoint(ctx: Context) -> Iterator[Hit]:
    link_ids = set(ctx.network.links["id"])
    for sheet, record, column, ref, may_be_link in endpoint_cells(ctx):
        if blank(ref) or ctx.network.resolve(ref):
            continue
        if may_be_link and str(ref).upper().replace(" ", "") in link_ids:
            continue
        what = "person, place or link" if may_be_link else "person or place"
        yield Hit(sheet, record["row"], record.get("id"), column,
                  f"{column}{typed(ref)} names no {what} on this workbook. {_nearest_names(ctx, ref)}"
                  "Pick from the drop-down, use the ID, or add them to Subjects or Contexts.")


def _nearest_names(ctx, ref) -> str:
    """ "Did you mean Male B (S03)? " with the people and places named as the outputs name them."""
    ids = [split_entry(found)[1] for found in ctx.network.suggest(ref)]
    said = did_you_mean([f"{ctx.label(rid)} ({rid})" for rid in ids if rid])
    return f"{said} " if said else ""


@rule("PM104", "ambiguous-endpoint", ERROR, "A reference could mean more than one record",
      """Two people or places share the name typed, so peermap cannot tell which one is meant.
      Use the ID instead.""", flag="UNCLEAR END")
def ambiguous_endpoint(ctx: Context) -> Iterator[Hit]:
    for sheet, record, column, ref, _ in endpoint_cells(ctx):
        matches = ctx.network.resolve(ref) if not blank(ref) else []
        if len(matches) > 1:
            yield Hit(sheet, record["row"], record.get("id"), column,
                      f"{column} could mean {' or '.join(matches)}: use the ID instead of the name.")


@rule("PM105", "self-link", ERROR, "A link joins a record to itself",
      "A link needs two different ends; a link from someone to themselves is usually a slip in From or To.",
      flag="SELF-LINK")
def self_link(ctx: Context) -> Iterator[Hit]:
    links = ctx.network.links
    for link in rows(links[links["from_id"].notna() & (links["from_id"] == links["to_id"])]):
        yield Hit(schema.LINKS.name, link["row"], link["id"], "To",
                  f"{link['id']} goes from {ctx.label(link['from_id'])} to themselves: check From and To.")


@rule("PM106", "invalid-value", ERROR, "A value is not on its column's list, or not a whole number",
      """Drop-down columns take a value from their list (teams can extend the lists on the Lists
      sheet); numbers such as Age and Closeness take a whole number. Other values are left out of
      the map and the counts.""")
def invalid_value(ctx: Context) -> Iterator[Hit]:
    lists = ctx.network.lists
    for sheet in schema.DATA_SHEETS:
        frame = ctx.network.frames[sheet.name]
        for col in sheet.columns:
            if col.kind in (schema.CHOICE, schema.CHOICES) and col.list:
                allowed = set(lists[col.list])
                values = frame[col.key] if col.kind == schema.CHOICES else frame[col.key].map(lambda v: (v,))
                bad = values.map(lambda vs, allowed=allowed: any(not blank(v) and v not in allowed for v in vs))
                for record in rows(frame[bad]) if len(frame) and bad.any() else ():
                    yield Hit(sheet.name, record["row"], record.get("id"), col.header,
                              _off_list(col, record[col.key], lists[col.list]))
            elif col.kind == schema.WHOLE_NUMBER and col.bounds:
                low, high = col.bounds
                ids = frame["id"] if "id" in frame else [None] * len(frame)
                for value, row, record_id in zip(frame[col.key], frame["row"], ids):
                    if not blank(value) and not low <= value <= high:
                        yield Hit(sheet.name, row, record_id, col.header,
                                  f"{col.header} should be a whole number from {low} to {high}.")
    bounds = {f.name: f.bounds for f in schema.NETWORK_FIELDS if f.bounds}
    for problem in ctx.network.problems:
        if problem.kind in (schema.WHOLE_NUMBER, schema.NUMBER):
            limits = bounds.get(problem.column) if problem.sheet == schema.NETWORK else None
            extra = f" from {limits[0]} to {limits[1]}; until then peermap uses the usual value" if limits else ""
            yield Hit(problem.sheet, problem.row, None, problem.column,
                      f"{problem.column} should be a {problem.kind}{extra}.")
    for fld in schema.NETWORK_FIELDS:
        value = ctx.network.settings[fld.key]
        values = value if isinstance(value, tuple) else (value,)
        if fld.list and any(not blank(v) and v not in lists[fld.list] for v in values):
            yield Hit(schema.NETWORK, ctx.network.setting_rows.get(fld.key), None, fld.name,
                      f"{fld.name} is not on its list ({', '.join(lists[fld.list])}).")


@rule("PM107", "invalid-date", ERROR, "A date cell does not hold a date",
      """Dates drive the stale-link warnings, the timescales and the reviews. Type them as
      dd/mm/yyyy (03/04/2026 is 3 April 2026).""")
def invalid_date(ctx: Context) -> Iterator[Hit]:
    for problem in ctx.network.problems:
        if problem.kind == schema.DATE:
            turned = month_first(problem.value)
            yield Hit(problem.sheet, problem.row, None, problem.column,
                      f"The {problem.column} cell does not hold a date"
                      + (f": \u201c{problem.value.strip()}\u201d reads only month first. Is it {turned}? Type dates as "
                         "dd/mm/yyyy." if turned else ": type it as dd/mm/yyyy."))


def _off_list(col: schema.Column, value, allowed: tuple[str, ...]) -> str:
    """ 'Relationship "Freind" is not on its list. Did you mean Friend? Pick from the drop-down...'."""
    values = value if isinstance(value, tuple) else (value,)
    bad = [v for v in values if not blank(v) and v not in allowed]
    nearest = did_you_mean(list(dict.fromkeys(s for v in bad for s in suggest(v, allowed))))
    quoted = "".join(typed(v) for v in bad)
    return (f"{col.header}{quoted} is not on its list.{' ' + nearest if nearest else ''} Pick from the "
            f"drop-down, or add the value to the {col.list} column of the Lists sheet.")


_PAST_DATES = ((schema.LINKS, ("Last seen", "First recorded")), (schema.GAPS, ("Raised on",)),
               (schema.ACTIONS, ("Set on",)), (schema.INCIDENTS, ("Date",)))


@rule("PM108", "future-date", ERROR, "A date that must be in the past is in the future",
      """Last seen, First recorded, Raised on, Set on and an incident's Date record what has happened,
      so they cannot be later than today. A day and month swapped (US order) is the usual cause.""")
def future_date(ctx: Context) -> Iterator[Hit]:
    for sheet, headers in _PAST_DATES:
        frame = ctx.network.frames[sheet.name]
        for header in headers:
            key = sheet.column(header).key
            for record in rows(frame[frame[key] > ctx.today]):
                yield Hit(sheet.name, record["row"], record["id"], header,
                          f"{header} ({date_text(record[key])}) is after today ({date_text(ctx.today)}): "
                          "is the day and month the right way round?")


@rule("PM109", "read-range", WARNING, "The file's stated range for a sheet or table leaves out data",
      """A workbook file states how far each sheet and each table reaches. When another program wrote
      that too small, or a table did not grow (or slipped a column), other tools may miss rows.
      peermap reads every row that is there and says so here, so that nobody is left off the map.""")
def read_range(ctx: Context) -> Iterator[Hit]:
    for note in ctx.network.ranges:
        yield Hit(note.sheet, note.row, None, None, _RANGE_MESSAGES[note.kind].format(n=note))


def _uncalculated_cells(ctx: Context) -> set[tuple[str, int, str]]:
    return {(p.sheet.casefold(), p.row, p.column) for p in ctx.network.problems if p.kind == UNCALCULATED}


@rule("PM110", "uncalculated-formula", ERROR, "A formula cell was saved with no value",
      """A cell people type into may hold a formula (an ID or a name worked out from other cells).
      Excel saves each formula's value with it; a program that does not calculate saves the formula
      alone. peermap never guesses that value: it reads the cell as unknown (an ID is never numbered
      afresh, which would break the links that use it) and never writes over it. Opening the workbook
      in Excel and saving it stores the values.""")
def uncalculated_formula(ctx: Context) -> Iterator[Hit]:
    for problem in ctx.network.problems:
        if problem.kind == UNCALCULATED:
            yield Hit(problem.sheet, problem.row, None, problem.column,
                      f"{problem.column} holds a formula saved with no value (by a program that does not "
                      "calculate), so peermap reads it as unknown. Open the workbook in Excel and save it so "
                      "the formulas are calculated, then check again.")


_RANGE_MESSAGES = {
    DIMENSION: "The file says this sheet ends at {n.stated}, but it holds data as far as {n.found}: peermap read "
               "it all. Another program saved it; open it in Excel and save it to mend this.",
    TABLE_ROWS: "Rows from {n.row} lie below the {n.table} table ({n.stated}): peermap read them. In Excel, "
                "resize the table (Table Design > Resize Table) to {n.found} so its drop-downs cover them.",
    TABLE_COLUMNS: "The {n.table} table's range ({n.stated}) does not match its header row: peermap read the "
                   "columns by their headers. In Excel, resize the table (Table Design > Resize Table) to {n.found}.",
    TABLE_HEADER: "The {n.table} table's range ({n.stated}) does not start at its header row ({n.found}): peermap "
                  "read from the headers. In Excel, resize the table (Table Design > Resize Table).",
}
