"""What the workbook's buttons and its Peer Map ribbon tab run, through xlwings.

Each button has a function taking the open workbook (`check(book)`), which
reads it through book/live.py, calls the same functions as the CLI and writes
back through xlwings; and a `run_...` entry that the VBA module's RunPython
call uses, passing `xw.Book.caller()`. Problems reach the user as a short
alert; a log beside the workbook (peermap.log, with no personal data) helps
support.
"""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import xlwings as xw

from peermap_xl.book import live
from peermap_xl.contract import domain, progress, schema
from peermap_xl.contract.errors import PeermapError
from peermap_xl.record import reading

TITLE = "peermap"
log = logging.getLogger("peermap.buttons")


def folder_of(book) -> Path:
    """Where files go: beside the workbook (the current folder when Excel gives no path)."""
    full = Path(book.fullname)
    return full.parent if full.is_absolute() else Path.cwd()


def _alert(book, text: str) -> None:
    book.app.alert(text, title=TITLE)


def _logged(action):
    """Run a button: one-line alerts for problems, a line in peermap.log either way (no personal data)."""

    @functools.wraps(action)
    def run(book):
        handler = None
        try:
            handler = logging.FileHandler(folder_of(book) / "peermap.log", encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
            log.addHandler(handler)
            log.setLevel(logging.INFO)
        except OSError:
            handler = None
        try:
            action(book)
            log.info("%s: done", action.__name__)
        except PeermapError as exc:
            log.info("%s: stopped (%s)", action.__name__, type(exc).__name__)
            _alert(book, str(exc))
        except Exception as exc:  # a bug: say so without quoting any data
            log.info("%s: failed (%s)", action.__name__, type(exc).__name__)
            _alert(book, f"peermap itself failed ({type(exc).__name__}). Nothing was changed by the part that "
                         "failed. Please tell whoever supports peermap, and send them peermap.log from the "
                         "workbook's folder (it holds no personal data).")
        finally:
            if handler:
                log.removeHandler(handler)
                handler.close()
            _close_figures()

    return run


def _close_figures() -> None:
    """With "Use UDF Server" one Python serves every click: a picture half drawn when a click failed must
    not stay behind in it (matplotlib keeps every open figure)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


@_logged
def check(book) -> None:
    """Check: findings on the Checks sheet, the Links' Flags, suggested questions on Gaps."""
    from peermap_xl.checks import counts
    from peermap_xl.operations import check_plan

    show = progress.status_bar(book)
    show(0, 3, "reading the workbook")
    network = reading.read_live_network(book)
    show(1, 3, "checking the data")
    plan, record = check_plan(network, domain.today())
    show(2, 3, "recording the findings")
    live.apply(book, plan)
    show(3, 3, "done")
    n = counts(record.findings)
    _alert(book, f"{n['error']} errors, {n['warning']} warnings, {n['info']} for information: see the Checks sheet."
           + (f" {len(record.new_gaps)} questions suggested on Gaps, for the meeting to agree or dismiss."
              if record.new_gaps else "")
           + (f" {len(record.withdrawn)} suggestions withdrawn (no longer needed)." if record.withdrawn else ""))


@_logged
def draw_map(book) -> None:
    """Draw map: the dated map on the Map sheet and beside the workbook; positions kept for next time."""
    from peermap_xl.draw import network_map, overview
    from peermap_xl.operations import map_plan

    show = progress.status_bar(book)
    show(0, 2, "drawing the map")
    network = reading.read_live_network(book)
    today = domain.today()
    picture = folder_of(book) / network_map.file_name(network, today, anonymise=False)
    drawn = overview.draw(network, picture, today, named=picture)  # as `peermap map`: an overview when large
    show(1, 2, "putting it on the Map sheet")
    live.apply(book, map_plan(drawn, picture.read_bytes(), today))  # the file's own bytes: encoded once
    show(2, 2, "done")
    _alert(book, f"Map drawn: {picture.name}, also on the Map sheet.")


@_logged
def minutes(book) -> None:
    """Minutes: the latest session's minutes beside the workbook, previewed on the Minutes sheet."""
    from peermap_xl import minutes as minutes_
    from peermap_xl.operations import minutes_document, minutes_record_plan

    show = progress.status_bar(book)
    show(0, 1, "writing the minutes")
    network = reading.read_live_network(book)
    session = minutes_.pick_session(network, None)
    target = folder_of(book) / minutes_.file_name(network, session["date"].date(), False, session["id"])
    blocks = minutes_document(network, session, target)
    show(1, 1, "done")
    live.apply(book, minutes_record_plan(network, session, blocks, domain.today()))
    _alert(book, f"Minutes written: {target.name}. Upload them and the map to Mosaic within 14 days.")


@_logged
def review(book) -> None:
    """Record session / Start review: a review session, a snapshot on History, what changed."""
    from peermap_xl.operations import session_plan, with_change_map

    network = reading.read_live_network(book)
    recorded = with_change_map(network, session_plan(network, "Review", domain.today()), folder_of(book))
    live.apply(book, recorded.plan)
    changes = recorded.changes
    said = ("No earlier snapshot: this is the first." if changes is None else
            "Nothing changed since the last snapshot." if not changes else
            "Changed: " + "; ".join(changes[:8]) + (f"; and {len(changes) - 8} more" if len(changes) > 8 else ""))
    drawn = f" What changed is drawn in {recorded.change_map.name}." if recorded.change_map else ""
    _alert(book, f"Review {recorded.session} recorded. {said}{drawn} Next review: {recorded.next_review:%d/%m/%Y}. "
                 f"Add the chair and attendees on its Sessions row before writing its minutes.")


@_logged
def young_persons_map(book) -> None:
    """Young person's map: for the young person on the selected row of the Direct work sheet."""
    from peermap_xl.draw import ego

    network = reading.read_live_network(book)
    selection = book.selection
    work = network.direct_work
    row = work[work["row"] == selection.row] if selection is not None else work.iloc[0:0]
    if selection is None or selection.sheet.name != network.layout[schema.DIRECT_WORK.name].sheet or not len(row):
        raise PeermapError("Select a row of the young person on the Direct work sheet, then press the button again.")
    person = row.iloc[0]["young_person_id"] or row.iloc[0]["young_person"]
    subject, _ = ego.direct_work_for(network, person)
    from peermap_xl.record import labels, peers

    today = peers.direct_work_date(network, subject) or domain.today()  # dated by the direct work
    view = labels.View(network)
    name = view.label(subject) if subject else view.out(person)  # the file's name follows the names view
    picture = folder_of(book) / ego.file_name(name, today, anonymise=False)
    ego.draw(network, person, picture, today)
    _alert(book, f"The young person's map is drawn: {picture.name}.")


@_logged
def anonymised_pack(book) -> None:
    """Anonymised pack: the map and the minutes with codes and no free text, for wider sharing."""
    from peermap_xl import minutes as minutes_
    from peermap_xl.draw import network_map
    from peermap_xl.operations import minutes_document

    network = reading.read_live_network(book)
    today = domain.today()
    folder = folder_of(book) / f"Anonymised pack - {today:%Y-%m-%d}"
    folder.mkdir(exist_ok=True)
    from peermap_xl.draw import overview

    target = folder / network_map.file_name(network, today, anonymise=True)
    overview.draw(network, target, today, anonymise=True, named=target)
    session = minutes_.pick_session(network, None)
    named = minutes_.file_name(network, session["date"].date(), True, session["id"])
    minutes_document(network, session, folder / named, True)
    _alert(book, f"Anonymised map and minutes written to the folder '{folder.name}' beside the workbook.")


@_logged
def already_mapped(book) -> None:
    """Already mapped?: this workbook's people and places found in the team's other peer maps, recorded in the
    Already mapped elsewhere column and on the Checks sheet."""
    from peermap_xl import register
    from peermap_xl.operations import already_mapped_plan

    show = progress.status_bar(book)
    show(0, 3, "reading the workbook")
    network = reading.read_live_network(book)
    folder = register.folder_for(network, folder_of(book))
    show(1, 3, "reading the other peer maps")
    found = register.find(folder, Path(book.fullname), network=network)
    plan, _, lacking, _ = already_mapped_plan(found, domain.today())
    show(2, 3, "recording the findings")
    live.apply(book, plan)
    show(3, 3, "done")
    _alert(book, _already_mapped_message(found, lacking))


def _already_mapped_message(found, lacking: list[str]) -> str:
    from peermap_xl import register

    people, places = len(found.people), len(found.places)
    said = (f"{people} of this network's people and {places} of its places are already on other peer maps: see "
            f"the 'Already mapped elsewhere' column and the Checks sheet." if people or places else
            "No one and no place of this network was found on another peer map.")
    n = len(found.scan.networks)
    said += f" Read {n} other peer map{'' if n == 1 else 's'} in '{found.scan.folder.name}'."
    if found.scan.skipped:
        said += " " + register.skipped_summary(found.scan)
    for sheet in lacking:
        said += f" The {sheet} sheet has no 'Already mapped elsewhere' column: add it to record its matches."
    return said


# One-line entries for RunPython (the VBA module calls these), each passing the calling workbook.
def run_check(): check(xw.Book.caller())
def run_draw_map(): draw_map(xw.Book.caller())
def run_minutes(): minutes(xw.Book.caller())
def run_review(): review(xw.Book.caller())
def run_young_persons_map(): young_persons_map(xw.Book.caller())
def run_anonymised_pack(): anonymised_pack(xw.Book.caller())
def run_already_mapped(): already_mapped(xw.Book.caller())
