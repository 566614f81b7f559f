"""The operations behind both doors: check, map, minutes, review, close, invite.

Each operation is in two parts. A `*_plan` function computes, from a loaded network, the
edits to make to the workbook (a `book.plan.Plan`) without touching any file; the CLI
applies it to a file (`book/edit.py`), the buttons to the open workbook (`book/live.py`).
The `*_book` functions below do the file side in one go: read the workbook once, compute,
write the pictures and documents beside it, apply the plan and save atomically.
Drawing (matplotlib) and documents (python-docx) are imported only by the operations that
need them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from peermap_xl.book import safe
from peermap_xl.book.plan import AddRows, Line, PlacePicture, Plan, ReplaceSheet, SetCell
from peermap_xl.checks import gate
from peermap_xl.contract import domain, schema
from peermap_xl.contract.errors import PeermapError, Refused
from peermap_xl.contract.progress import Progress, quiet
from peermap_xl.record import labels, model, reading

PICTURES = (".png", ".svg", ".pdf")
DOCUMENTS = (".docx",)
MAP_SHEET, MINUTES_SHEET = "Map", "Minutes"
CHANGES_SHEET = "Map changes"  # the review's map of what changed, beside the Map sheet
MAP_WIDTH_ON_SHEET = 1000  # pixels


def outputs_as_private_as_the_workbook(operation):
    """Every output `operation(book, ...)` writes is readable by nobody the workbook is not (issue 30)."""
    @functools.wraps(operation)
    def run(book, *args, **kwargs):
        with safe.outputs_of(book):
            return operation(book, *args, **kwargs)
    return run


def target_path(folder_or_book: Path, out: str | Path | None, default_name: str, formats=PICTURES) -> Path:
    """Where an output goes: `out`, or the usual name in `out` when it is a folder, or beside the workbook."""
    if out and Path(out).is_dir():
        target = Path(out) / default_name
    else:
        target = Path(out) if out else folder_or_book.with_name(default_name)
    if target.suffix.lower() not in formats:
        raise PeermapError(f"{target.name}: the name must end in {' or '.join(formats)}.")
    if not target.parent.is_dir():
        raise PeermapError(f"The folder {target.parent} does not exist. Create it first.")
    return target


# --- check -------------------------------------------------------------------------------------


def withdrawn_plan(network, withdrawn: list[tuple[dict, str]], as_of: dt.date) -> Plan:
    """Each suggestion peermap takes back: Status Withdrawn, and why in its Answer (when that is empty)."""
    layout = network.layout.get(schema.GAPS.name)
    if layout is None or not withdrawn or not layout.column("Status"):
        return Plan()
    plan = Plan()
    for gap, why in withdrawn:
        plan.add(SetCell(layout.sheet, int(gap["row"]), layout.column("Status"), domain.QUESTION_WITHDRAWN))
        if layout.column("Answer") and domain.blank(gap["answer"]):
            plan.add(SetCell(layout.sheet, int(gap["row"]), layout.column("Answer"),
                             f"Withdrawn by peermap on {as_of:%d/%m/%Y}: {why}."))
    return plan


def check_plan(network, as_of: dt.date, known_as: bool = True):
    """(plan, record): the Check button's edits (IDs, Flags, suggested questions, the Checks sheet) and
    the findings, the rules run once. Without `known_as`, the earlier names for History are left to the caller
    (record.known_as), to add with a snapshot."""
    from peermap_xl.checks.record import plan as check_record

    record = check_record(network, as_of)
    edits = Plan()
    for sheet_name, row, record_id in record.filled_ids:
        layout = network.layout[sheet_name]
        edits.add(SetCell(layout.sheet, row, layout.column("ID"), record_id))
    links = network.layout.get(schema.LINKS.name)
    if links and links.column("Flags"):
        for row, text in sorted(record.flags.items()):
            edits.add(SetCell(links.sheet, row, links.column("Flags"), text))
    if record.new_gaps:
        gaps = network.layout[schema.GAPS.name]
        edits.add(AddRows(gaps.sheet, gaps.header_row, gaps.columns, tuple(record.new_gaps)))
    edits.extend(withdrawn_plan(network, record.withdrawn, as_of))
    gaps = network.layout.get(schema.GAPS.name)
    if gaps is not None and gaps.column("Question"):
        for gap, question in record.reworded:
            edits.add(SetCell(gaps.sheet, int(gap["row"]), gaps.column("Question"), question))
    edits.add(checks_sheet(network, record))
    edits.extend(identity_plan(network, record, known_as))
    edits.extend(due_next_plan(network, record.due_next))
    return edits, record


def identity_plan(network, record, known_as: bool = True) -> Plan:
    """The current pick "Name (ID)" where a link or incident was typed by an earlier name; with `known_as`, the
    earlier names kept on History (else the caller adds them with its own History rows: two appends would
    write the same rows)."""
    edits = Plan()
    for sheet_name, row, header, pick in record.earlier_names or ():
        layout = network.layout[sheet_name]
        edits.add(SetCell(layout.sheet, row, layout.column(header), pick))
    if record.known_as and known_as:
        edits.add(history_rows(network, record.known_as))
    return edits


def due_next_plan(network, lines: list[list] | None) -> Plan:
    """The Due next block on Start here (due.SHEET_CELL onwards, a column at a time), replacing the last."""
    from peermap_xl.record import due

    wanted = schema.normalise_header(schema.START_SHEET)
    start = [n for n in network.sheet_names if schema.normalise_header(n) == wanted]
    if not lines or not start:
        return Plan()
    row0, col0 = due.SHEET_CELL
    return Plan([SetCell(start[0], row0 + r, col0 + c, line[c])
                 for c in range(len(due.HEADERS)) for r, line in enumerate(lines)])


CHECKS_WIDTHS = (10, 12, 6, 8, 18, 90, 26, 8, 16)


def checks_sheet(network, record) -> ReplaceSheet:
    from peermap_xl.checks.record import CHECKS_HEADERS, CHECKS_SHEET, checks_rows

    lines = [Line((record.title,), "title"),
             Line(("Written by peermap check. Click a Go to cell to jump to the row. Check again after "
                   "changes: this sheet is replaced each time.",), "note"),
             Line(()), Line(tuple(CHECKS_HEADERS), "header")]
    lines += [Line(tuple(values), values[0], address) for values, address in checks_rows(network, record)]
    return ReplaceSheet(CHECKS_SHEET, tuple(lines), CHECKS_WIDTHS, freeze_below=4, filter_row=4, wrap=True)


def check_book(book: str | Path, as_of: dt.date, *, backup: bool = True, progress: Progress = quiet):
    """Check the workbook file and record the findings in it (atomically, keeping a backup)."""
    from peermap_xl.book import edit

    book = Path(book)
    with safe.transaction(book):  # held from reading to saving: a second writer waits, then re-reads
        progress(0, 4, "Reading the workbook")
        wb, network = reading.open_book(book)
        progress(1, 4, "Checking the data")
        plan, record = check_plan(network, as_of)
        progress(2, 4, "Recording the findings")
        edit.apply(wb, plan)
        progress(3, 4, "Saving the workbook")
        edit.save(wb, book, backup=backup)
    progress(4, 4, "Done")
    return record, network


# --- already mapped elsewhere (peermap find) ---------------------------------------------------


def already_mapped_plan(found, as_of: dt.date):
    """(plan, cells filled, sheets lacking the column, check record) for a `register.find` on one book: its
    Already mapped elsewhere cells, then the check, with a finding already-mapped for each network named."""
    from peermap_xl import register

    network = found.book_network
    values = register.elsewhere_values(found)
    lacking = register.missing_columns(network, values)
    values = {key: text for key, text in values.items() if key[0] not in lacking}
    edits = Plan()
    for (sheet_name, row), text in sorted(values.items()):
        layout = network.layout[sheet_name]
        edits.add(SetCell(layout.sheet, row, layout.column(register.COLUMN), text))
    register.apply_values(network, values)
    checks, record = check_plan(network, as_of)
    return edits.extend(checks), values, lacking, record


def find_book(book: str | Path, folder: str | Path, min_score: int, as_of: dt.date | None = None,
              progress: Progress = quiet):
    """Find the workbook's people and places in the folder's other peer maps and record them in it
    (atomically, keeping a backup). Returns (what was found, cells filled, sheets lacking the column)."""
    from peermap_xl import register
    from peermap_xl.book import edit

    book = Path(book)
    with safe.transaction(book):  # held from reading to saving: another writer waits, then re-reads
        wb, network = reading.open_book(book)
        found = register.find(folder, book, min_score, progress=progress, network=network)
        plan, values, lacking, _ = already_mapped_plan(found, as_of or domain.today())
        edit.apply(wb, plan)
        edit.save(wb, book)
    return found, values, lacking


# --- the map -----------------------------------------------------------------------------------


def map_plan(drawn, png: bytes, as_of: dt.date) -> Plan:
    """Put the map on the Map sheet (replacing the last one) and keep where everyone was drawn."""
    from peermap_xl.draw.network_map import kept_positions

    height = round(MAP_WIDTH_ON_SHEET * drawn.height / drawn.width)
    sheet = ReplaceSheet(MAP_SHEET, (
        Line((f"Map dated {as_of:%d/%m/%Y}",), "title"),
        Line(("Drawn by peermap map. Draw it again after changes: this picture is replaced each time.",), "note")),
        wrap=False)
    kept = ReplaceSheet(schema.MAP_LAYOUT.name, tuple(Line(tuple(r)) for r in kept_positions(drawn, as_of)),
                        hidden=True, wrap=False, landscape=False)
    return Plan([sheet, PlacePicture(MAP_SHEET, png, (4, 1), MAP_WIDTH_ON_SHEET, height), kept])


def cores() -> int:
    """The processors this process may use: the commands draw the pages of a large map in as many processes."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # Windows, macOS
        return os.cpu_count() or 1


def _layout_json_ok(path: Path, book: Path) -> None:
    """Refuse a --layout-json path that is not a new or earlier .json file in a folder that exists: never the
    workbook, a document or a link."""
    safe.refuse_link(path)
    if path.suffix.lower() != ".json" or safe.real_path(path) == safe.real_path(book):
        raise PeermapError(f"--layout-json {path.name}: give a file name ending in .json (peermap writes the "
                           "layout there, replacing any file of that name).")
    if not path.parent.is_dir():
        raise PeermapError(f"--layout-json: the folder for {path.name} does not exist. Create it first.")


@outputs_as_private_as_the_workbook
def draw_map(book: str | Path, out: str | Path | None = None, as_of: dt.date | None = None,
             anonymise: bool = False, write: bool = False, backup: bool = True,
             progress: Progress = quiet, despite_errors: bool = False, workers: int = 1,
             layout_json: str | Path | None = None) -> tuple[Path, object]:
    """Draw the network map of a workbook; with `write`, also onto its Map sheet; with `layout_json`, its layout
    (where every circle and link is) written there as JSON, as any output is. Returns (picture, DrawnMap).
    `workers`: processes drawing the pages of a large map (see overview.draw)."""
    from peermap_xl.book import edit
    from peermap_xl.draw import network_map, overview  # matplotlib: only for the operations that draw
    from peermap_xl.record.reading import read_network

    book = Path(book)
    as_of = as_of or domain.today()
    if layout_json:
        _layout_json_ok(Path(layout_json), book)  # before the map is drawn: a refusal writes nothing
    with safe.transaction(book) if write else contextlib.nullcontext():
        progress(0, 3, "Reading the workbook")
        wb, network = reading.open_book(book) if write else (None, read_network(book))
        network, errors = gate.guarded(network, "map", as_of, anonymise, despite_errors)
        progress(1, 3, "Laying out and drawing the map")
        target = target_path(book, out, network_map.file_name(network, as_of, anonymise))
        drawn = []  # a large network: an overview, and a page per group beside it
        safe.write_output(target, lambda temp: drawn.append(
            overview.draw(network, temp, as_of, anonymise, png_copy=write, named=target,
                          banner=gate.banner(errors), workers=workers, progress=progress)))
        drawn = drawn[0]
        if layout_json:
            import json

            text = json.dumps(drawn.layout_json(), indent=1)
            safe.write_output(Path(layout_json), lambda temp: temp.write_text(text, encoding="utf-8"))
        if write:
            progress(2, 3, "Putting it on the Map sheet")
            edit.apply(wb, map_plan(drawn, drawn.png, as_of))
            edit.save(wb, book, backup=backup)
    progress(3, 3, "Done")
    return target, drawn


@outputs_as_private_as_the_workbook
def draw_ego(book: str | Path, person: str, out: str | Path | None = None, as_of: dt.date | None = None,
             anonymise: bool = False, network=None) -> tuple[Path, object]:
    """Draw a young person's own map from the Direct work sheet, beside the workbook by default."""
    from peermap_xl.draw import ego
    from peermap_xl.record import peers
    from peermap_xl.record.reading import read_network

    book = Path(book)
    network = network if network is not None else read_network(book)
    subject, _ = ego.direct_work_for(network, person)
    as_of = as_of or peers.direct_work_date(network, subject) or domain.today()  # dated by the direct work
    view = labels.View(network, anonymise)
    name = view.label(subject) if subject else view.out(person)  # the file's name follows the names view
    target = target_path(book, out, ego.file_name(name, as_of, anonymise))
    drawn = []
    safe.write_output(target, lambda temp: drawn.append(ego.draw(network, person, temp, as_of, anonymise)))
    return target, drawn[0]


# --- minutes -----------------------------------------------------------------------------------


def minutes_plan(blocks: list) -> Plan:
    """The Minutes sheet: the minutes laid out as the document is (see minutes.to_rows), ready to print."""
    from peermap_xl import minutes

    return Plan([ReplaceSheet(MINUTES_SHEET, tuple(minutes.to_rows(blocks)), minutes.PREVIEW_WIDTHS)])


def minutes_record_plan(network, session: dict, blocks: list, today: dt.date) -> Plan:
    """Recording the minutes: the Minutes sheet, and a snapshot of the session on History when it is the
    latest held and has none yet (so the next review, and these minutes, compare with it): of the network as
    the minutes show it (what the record dates after the session left out, as there)."""
    from peermap_xl.minutes import meeting
    from peermap_xl.record import history

    plan = minutes_plan(blocks)
    day = session["date"].date()
    then = meeting.as_recorded_by(network, day) if meeting.later_than(network, day) else network
    taken = history.for_minutes(then, session, today)
    held = marked_held(network, session, today)
    if taken:
        plan.add(history_rows(network, taken))
    if taken or held:
        plan.extend(held).extend(session_ids_plan(network))
    return plan


def session_ids_plan(network) -> Plan:
    """The IDs peermap gave the Sessions rows left without one, written into them: a snapshot or a new session
    names a session by its ID, and an ID not written would be given again to another row at the next reading."""
    layout = network.layout.get(schema.SESSIONS.name)
    if layout is None or not layout.column("ID") or "auto_id" not in network.sessions:
        return Plan()
    given = network.sessions[network.sessions["auto_id"].fillna(False).astype(bool)]
    return Plan([SetCell(layout.sheet, int(row), layout.column("ID"), rid)
                 for row, rid in zip(given["row"], given["id"])])


def marked_held(network, session: dict, today: dt.date) -> Plan:
    """Its Status set to Held, for a session whose minutes are recorded once its day has come (one booked, or
    left blank); nothing for one already Held, still ahead, or on a Sessions sheet with no Status column."""
    layout = network.layout.get(schema.SESSIONS.name)
    column = layout.column("Status") if layout else None
    if (column is None or not (domain.blank(session["status"]) or session["status"] == domain.SESSION_BOOKED)
            or session["date"].date() > today):
        return Plan()  # Held already, ahead, or a Status someone typed that is not peermap's to change
    return Plan([SetCell(layout.sheet, session["row"], column, domain.SESSION_HELD)])


def minutes_document(network, session: dict, target: Path, anonymise: bool = False,
                     despite_errors: bool = False, workers: int = 1, progress: Progress = quiet) -> list:
    """Write the minutes of `session` to `target` (.docx); return their content, for the Minutes sheet.
    The map is drawn from the network as it was at the session (its snapshot), as the text is. Refused
    (gate.RecordHasErrors) when the record has errors that would merge or drop a person, unless
    `despite_errors`: then everyone is shown under a banner."""
    import tempfile

    from peermap_xl import minutes
    from peermap_xl.draw import overview

    day = session["date"].date()
    network, errors = gate.guarded(network, "minutes", day, anonymise, despite_errors)
    with tempfile.TemporaryDirectory() as folder:
        picture = Path(folder) / "map.png"
        meeting = minutes.Meeting(network, session["id"], anonymise, picture, errors)
        pictures = overview.minutes_pictures(meeting.network, Path(folder), day, anonymise,  # large: groups too
                                             banner=gate.banner(errors), workers=workers, progress=progress)
        blocks = minutes.render(meeting)
        at = next((i for i, b in enumerate(blocks) if isinstance(b, minutes.Picture)), len(blocks))
        blocks[at + 1:at + 1] = [minutes.Picture(path, caption) for path, caption in pictures[1:]]
        blocks[at + len(pictures):at + len(pictures)] = change_map_pictures(meeting, Path(folder))
        blocks = meeting.view.blocks(blocks)  # every text the document carries, through its names view
        doc_title = meeting.view.out(minutes.title(network, anonymise))
        safe.write_output(target, lambda temp: minutes.to_docx(
            blocks, temp, network.settings.protective_marking, day, doc_title))
    return blocks


@outputs_as_private_as_the_workbook
def write_minutes(book: str | Path, session_id: str | None = None, out: str | Path | None = None,
                  anonymise: bool = False, write: bool = False, progress: Progress = quiet,
                  despite_errors: bool = False, workers: int = 1, kept: list | None = None,
                  keep_earlier: bool = True) -> Path:
    """Write the minutes of a session (the latest held by default) beside the workbook; with `write`, preview
    them on its Minutes sheet. Minutes already there for the session are kept beside them, as "... (earlier
    1).docx", never overwritten (their path appended to `kept`, when given), unless not `keep_earlier` (the
    demo rewriting its own example). `workers`: processes drawing the pages of a large map (see overview.draw)."""
    from peermap_xl import minutes
    from peermap_xl.book import edit
    from peermap_xl.record.reading import read_network

    book = Path(book)
    with safe.transaction(book) if write else contextlib.nullcontext():
        progress(0, 3, "Reading the workbook")
        wb, network = reading.open_book(book) if write else (None, read_network(book))
        session = minutes.pick_session(network, session_id)
        target = target_path(book, out, minutes.file_name(network, session["date"].date(), anonymise,
                                                                session["id"]), DOCUMENTS)
        progress(1, 3, "Drawing the map and writing the minutes")
        with safe.keeping_earlier(target, kept) if keep_earlier else contextlib.nullcontext():  # kept as they were
            blocks = minutes_document(network, session, target, anonymise, despite_errors, workers, progress)
        progress(2, 3, "Saving")
        if write:
            edit.apply(wb, minutes_record_plan(network, session, blocks, domain.today()))
            edit.save(wb, book)
    progress(3, 3, "Done")
    return target


# --- sessions: review and close ------------------------------------------------------------------


@dataclass
class SessionRecord:
    """What recording a session adds, and what it found."""

    session: str
    kind: str
    day: dt.date
    changes: list[str] | None  # None: no earlier snapshot to compare with
    next_review: dt.date | None  # None for a closure
    was_due: domain.NextReview | None = None  # the review that was due before this session
    snapshot: list[dict] = field(repr=False, default_factory=list)
    plan: Plan = field(repr=False, default_factory=Plan)
    before: object = field(repr=False, default=None)  # the snapshot compared with (a History frame), if any
    change_map: Path | None = None  # the map of what changed, written beside the workbook at a review
    typed: dict = field(repr=False, default_factory=dict)  # the booked row's Chair, Attendees, Agencies, if filled


@dataclass
class Attendance:
    """Who chaired a session, who attended and from which agencies (the Sessions row's Chair, Attendees and
    Agencies), as given."""

    chair: str | None = None
    attendees: str | None = None
    agencies: str | None = None

    def cells(self) -> dict[str, str]:
        """{header: value} for what was given (blank left out: the row's cell stays empty)."""
        given = {"Chair": (self.chair or "").strip(), "Attendees": (self.attendees or "").strip(),
                 "Agencies": (self.agencies or "").strip()}
        return {header: value for header, value in given.items() if value}


def session_plan(network, kind: str, day: dt.date, decisions: str | None = None,
                 people: Attendance | None = None, known_as: list[dict] | None = None) -> SessionRecord:
    """Recording a Review or Closure session: its Sessions row, marked Held (the row booked for it that day,
    when there is one, else a new row), with its chair and attendees when given; its History snapshot, and for
    a closure the network's Status; what changed since the last snapshot; the next review."""
    from peermap_xl.record import history

    booked = booked_for(network, kind, day)
    session_id = booked["id"] if booked else history.next_session_id(network)
    now = history.snapshot(network, session_id, day)
    before = history.latest_before(network, day, session_id)
    changes = None
    if before is not None:
        changes = history.compare(before, history.as_frame(now), day, network.settings.stale_after_days,
                                  labels.labeller(network))
    before_it = day - dt.timedelta(days=1)  # the review due before this session (a booked row is this one)
    review = None if kind == "Closure" else _proposed_review(network, before_it, day)
    cells = {"ID": session_id, "Date": day, "Type": kind, "Status": domain.SESSION_HELD, "Next review": review,
             "Decisions": decisions, **(people or Attendance()).cells()}
    plan = _session_row(network, booked, cells).add(history_rows(network, [*(known_as or []), *now]))
    plan.extend(session_ids_plan(network))
    if kind == "Closure":
        plan.extend(setting_plan(network, {"Status": domain.NETWORK_CLOSED, "Closed on": day}))
    typed = {h: booked[h.lower()] for h in ("Chair", "Attendees", "Agencies")
             if booked and not domain.blank(booked[h.lower()])}
    return SessionRecord(session_id, kind, day, changes, review, network.next_review(on=before_it), now, plan,
                         before, typed=typed)


def booked_for(network, kind: str, day: dt.date) -> dict | None:
    """The session booked for `kind` on `day` and not yet recorded (no snapshot): the row a review or closure
    recorded that day fills, so that booking the next session at the end of this one (as the guidance advises)
    never makes two rows of one meeting."""
    from peermap_xl.record import history

    for s in model.rows(network.sessions.dropna(subset=["date"])):
        booked_as = (kind, None, "Review") if kind == "Closure" else (kind, None)  # a review that closed it
        if (s["date"].date() == day and s["status"] in (None, domain.SESSION_BOOKED)
                and s["type"] in booked_as and history.of_session(network, s["id"]) is None):
            return s
    return None


def _session_row(network, booked: dict | None, cells: dict) -> Plan:
    """The Sessions row of a recorded session: a new row, or the booked row's cells (those given; Decisions
    added to what was typed there)."""
    layout = network.layout[schema.SESSIONS.name]
    if booked is None:
        return Plan([AddRows(layout.sheet, layout.header_row, layout.columns,
                             ((network.next_row(schema.SESSIONS.name), cells),))])
    typed = booked["decisions"]
    if cells["Decisions"] and isinstance(typed, str) and typed.strip():
        cells = {**cells, "Decisions": f"{typed.strip()}\n{cells['Decisions']}"}
    return Plan([SetCell(layout.sheet, booked["row"], layout.column(header), value)
                 for header, value in cells.items()
                 if value not in (None, "") and layout.column(header) is not None and header != "ID"])


def change_map_plan(network, before, target: Path, day: dt.date) -> Plan:
    """Draw the map of what changed since the snapshot `before` to `target`; when the workbook keeps its map
    (a Map layout), also onto the Map changes sheet (replacing the last)."""
    from peermap_xl.draw import change_map

    on_sheet = bool(network.map_positions)
    drawn = []
    safe.write_output(target, lambda temp: drawn.append(
        change_map.draw(network, before, temp, day, png_copy=on_sheet)))
    if not on_sheet:
        return Plan()
    drawn = drawn[0]
    sheet = ReplaceSheet(CHANGES_SHEET, (
        Line((f"What changed on the map, {day:%d/%m/%Y}",), "title"),
        Line(("Drawn by peermap review: compared with the last snapshot, where the last map put everyone.",),
             "note")), wrap=False)
    height = round(MAP_WIDTH_ON_SHEET * drawn.height / drawn.width)
    return Plan([sheet, PlacePicture(CHANGES_SHEET, drawn.png, (4, 1), MAP_WIDTH_ON_SHEET, height, "PeerMapChanges")])


def change_map_pictures(meeting, folder: Path) -> list:
    """For the minutes of a review with an earlier snapshot: the map of what changed, after the map, described
    (its alt text) in the minutes' own labels."""
    from peermap_xl import minutes
    from peermap_xl.draw import change_map
    from peermap_xl.record import history

    before = history.latest_before(meeting.network, meeting.day, meeting.session["id"])
    if meeting.session["type"] != "Review" or before is None:
        return []
    picture = folder / "changes.png"
    change_map.draw(meeting.network, before, picture, meeting.day, meeting.anonymise)
    return [minutes.Picture(picture, change_map.caption(history.describe(before), meeting.changes or []),
                            landscape=True, title="What changed on the map")]


def with_change_map(network, recorded: SessionRecord, folder: Path) -> SessionRecord:
    """At a review with an earlier snapshot: the map of what changed in `folder` (the workbook's), and on the
    workbook when it keeps its map."""
    from peermap_xl.draw import change_map

    if recorded.kind != "Review" or recorded.before is None:
        return recorded
    recorded.change_map = Path(folder) / change_map.file_name(network, recorded.day, anonymise=False)
    recorded.plan.extend(change_map_plan(network, recorded.before, recorded.change_map, recorded.day))
    return recorded


def _proposed_review(network, before: dt.date, day: dt.date) -> dt.date:
    """The next review a new session on `day` records: a date agreed at the sessions held by `before` and still
    ahead is kept (a review held early, e.g. after an incident, does not push it later); else the review period
    from this session."""
    agreed = network.next_review(on=before)
    if agreed is not None and agreed.agreed and agreed.due > day:
        return agreed.due
    return domain.review_after(day, network.settings.review_every_months)


def history_rows(network, records: list[dict]) -> AddRows:
    """A snapshot's rows, below those already on the History sheet (made, with its headers, if missing)."""
    sheet = schema.HISTORY
    layout = network.layout.get(sheet.name)
    headers = tuple(c.header for c in sheet.columns)
    if layout is None or not layout.columns:
        header_row = schema.FIRST_HEADER_ROW[sheet.name]
        columns = {schema.normalise_header(h): i for i, h in enumerate(headers, start=1)}
        return AddRows(sheet.name, header_row, columns,
                       tuple(enumerate(records, start=network.next_row(sheet.name))), headers)
    return AddRows(layout.sheet, layout.header_row, layout.columns,
                   tuple(enumerate(records, start=network.next_row(sheet.name))))


def setting_plan(network, values: dict[str, object]) -> Plan:
    """Set fields' Values on the Network table, wherever the workbook keeps it (adding a row if missing)."""
    layout = network.layout.get(schema.NETWORK)
    if layout is None:
        raise PeermapError(f"{network.source} has no 'Network' sheet. Copy it from a new workbook "
                           "(peermap new), then try again.")
    plan, added = Plan(), 0
    for name, value in values.items():
        row = network.setting_rows.get(schema.Column(name).key)
        if row is None:
            added += 1
            row = max([layout.header_row, *network.setting_rows.values()]) + added
            plan.add(SetCell(layout.sheet, row, layout.column("Field") or 1, name))
        plan.add(SetCell(layout.sheet, row, layout.column("Value") or 2, value))
    return plan


@outputs_as_private_as_the_workbook
def record_session(book: str | Path, kind: str, day: dt.date | None = None, decisions: str | None = None,
                   backup: bool = True, people: Attendance | None = None) -> SessionRecord:
    """Record a Review or Closure session in the workbook file (see `session_plan`); at a review, the map of
    what changed since the last snapshot beside it (and on its Map changes sheet when it keeps its map)."""
    from peermap_xl.book import edit

    book = Path(book)
    day = day or domain.today()
    with safe.transaction(book):
        wb, network = reading.open_book(book)
        recorded = with_change_map(network, session_plan(network, kind, day, decisions, people=people), book.parent)
        edit.apply(wb, recorded.plan)
        edit.save(wb, book, backup=backup)
    return recorded


def still_open(network, day: dt.date) -> dict[str, list[str]]:
    """What a closure would leave open, by ID: open actions (overdue marked), open questions, young people
    at high risk."""
    import pandas as pd

    actions = network.open_actions
    overdue = set(actions.loc[actions["due"] < pd.Timestamp(day), "id"])  # a blank Due is never overdue
    young = network.active_subjects[network.active_subjects["type"] == "Young person"]
    return {"actions": [f"{a} (overdue)" if a in overdue else a for a in actions["id"]],
            "questions": list(network.open_questions["id"]),
            "young people at high risk": list(young.loc[young["risk_level"] == "High", "id"])}


@outputs_as_private_as_the_workbook
def close_network(book: str | Path, reason: str, day: dt.date | None = None, force: bool = False,
                  people: Attendance | None = None, despite_errors: bool = False, workers: int = 1):
    """Close the network, all or nothing: check it (the Checks sheet up to date), record the closure session
    with its reason, set Status Closed, and write the final minutes. Refused, with nothing changed, when it is
    closed already (PeermapError), while actions, questions or young people at high risk are open unless
    `force` (Refused), and while the record has errors that would merge or leave out a person unless
    `despite_errors`; if the final minutes cannot be written the workbook is put back as it was. Returns
    (record, what was left open, the minutes)."""
    from peermap_xl.book import edit

    book, day = Path(book), day or domain.today()
    if not (reason or "").strip():
        raise PeermapError("Say why the network is closing: --reason \"risk reduced\", \"young people moved\" "
                           "or your own words.")
    with safe.transaction(book):
        wb, network = reading.open_book(book)
        _can_close(network, still_open(network, day), force, day)
        gate.guarded(network, "closure (with its final minutes)", day, False, despite_errors)
        checked, record = check_plan(network, day, known_as=False)  # its earlier names go with the snapshot
        recorded = session_plan(network, "Closure", day, decisions=" ".join(reason.split()), people=people,
                                known_as=record.known_as)
        edit.apply(wb, checked)
        edit.apply(wb, recorded.plan)
        original, kept = book.read_bytes(), _backup_bytes(book)
        edit.save(wb, book)
        try:
            written = write_minutes(book, recorded.session, despite_errors=despite_errors, workers=workers)
        except BaseException as exc:
            _put_back(book, original, kept)
            if isinstance(exc, PeermapError):
                kind = Refused if isinstance(exc, Refused) else PeermapError
                raise kind(f"The network was not closed, and the workbook is as it was: its final minutes could "
                           f"not be written. {exc}") from exc
            raise
    return recorded, still_open(network, day), written


def _backup_bytes(book: Path) -> bytes | None:
    backup = safe.backup_path(book)
    return backup.read_bytes() if backup.is_file() and not backup.is_symlink() else None


def _put_back(book: Path, original: bytes, backup: bytes | None) -> None:
    """The workbook and its backup as they were before a closure that could not be finished."""
    safe.write_atomically(book, lambda temp: temp.write_bytes(original), backup=False)
    if backup is not None:
        safe.write_atomically(safe.backup_path(book), lambda temp: temp.write_bytes(backup), backup=False)
    else:
        safe.backup_path(book).unlink(missing_ok=True)


def _can_close(network, left: dict[str, list[str]], force: bool, day: dt.date) -> None:
    """Refuse a closure that cannot be done: closed already, or dated before a session held (exit 2); or with
    what is open (exit 1) unless `force`."""
    if network.settings.closed:
        when = network.settings.get("closed_on")
        on = f" on {when:%d/%m/%Y}" if when is not None and not domain.blank(when) else ""
        raise PeermapError(f"The network was closed{on}: it stays closed, and nothing was changed. To work on it "
                           "again, set Status to Open on the Network sheet first.")
    held = network.sessions_held()
    later = held[held["date"].dt.date > day]
    if len(later):
        last = later.iloc[-1]
        raise PeermapError(f"A closure on {day:%d/%m/%Y} would come before session {last['id']}, held on "
                           f"{last['date']:%d/%m/%Y}: give the day the network closed (--date), on or after it.")
    if any(left.values()) and not force:
        raise Refused(f"The network was not closed, and nothing was changed: {open_text(left)} still open. "
                      "Close or cancel them (and record why), or add --force to close with them open (the "
                      "closing minutes will list them).")


def open_text(left: dict[str, list[str]]) -> str:
    """ "actions A03, A05 (overdue); questions G02; young people at high risk S02" """
    return "; ".join(f"{what} {', '.join(ids)}" for what, ids in left.items() if ids) or "nothing"


# --- the subject list --------------------------------------------------------------------------


def invite_plan(network, session: dict, day: dt.date) -> Plan:
    """Record the day the subject list was sent, on the session's row; a date there already (the list first
    sent, which the 7 days count from) is kept."""
    layout = network.layout[schema.SESSIONS.name]
    if not domain.blank(session["subject_list_sent"]):
        return Plan()
    return Plan([SetCell(layout.sheet, int(session["row"]), layout.column("Subject list sent"), day)])


@outputs_as_private_as_the_workbook
def write_invite(book: str | Path, session_id: str | None = None, day: dt.date | None = None,
                 out: str | Path | None = None, anonymise: bool = False, despite_errors: bool = False,
                 kept: list | None = None) -> Path:
    """Write the subject list for a session's invitees beside the workbook, and record when it was sent. A list
    already there is kept beside it, as "... (earlier 1).docx" (its path appended to `kept`, when given)."""
    from peermap_xl import minutes
    from peermap_xl.book import edit

    book = Path(book)
    day = day or domain.today()
    with safe.transaction(book):
        wb, network = reading.open_book(book)
        session = minutes.pick_session(network, session_id, upcoming=True)
        name = minutes.invite_file_name(network, session["date"].date(), anonymise, session["id"])
        target = target_path(book, out, name, DOCUMENTS)
        checked, errors = gate.guarded(network, "subject list", day, anonymise, despite_errors)
        blocks = minutes.invite_content(checked, session["id"], anonymise, errors, issued=day)
        if anonymise:  # the subject list itself names people in full; its anonymised version never
            blocks = labels.View(checked, anonymise=True).blocks(blocks)
        with safe.keeping_earlier(target, kept):  # the list sent before: kept as it was
            safe.write_output(target, lambda temp: minutes.to_docx(
                blocks, temp, network.settings.protective_marking, day, blocks[0].text))
        edit.apply(wb, invite_plan(network, session, day))
        edit.save(wb, book)
    return target
