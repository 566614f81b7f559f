"""The operations on a workbook file behind the CLI (and the buttons): maps, minutes, sessions.

Each reads the workbook, makes its pictures or documents beside it, and writes back
atomically, keeping the previous version as a backup. Drawing (matplotlib) is imported
only by the operations that draw.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from peermap_xl import domain, labels, schema
from peermap_xl.book import safe
from peermap_xl.book.file import read_network
from peermap_xl.errors import PeermapError
from peermap_xl.progress import Progress, quiet

PICTURES = (".png", ".svg", ".pdf")
DOCUMENTS = (".docx",)


def _target(book: Path, out: str | Path | None, default_name: str, formats=PICTURES) -> Path:
    """Where an output goes: `out`, or the usual name in `out` when it is a folder, or beside the workbook."""
    if out and Path(out).is_dir():
        target = Path(out) / default_name
    else:
        target = Path(out) if out else book.with_name(default_name)
    if target.suffix.lower() not in formats:
        raise PeermapError(f"{target.name}: the name must end in {' or '.join(formats)}.")
    if not target.parent.is_dir():
        raise PeermapError(f"The folder {target.parent} does not exist. Create it first.")
    return target


def draw_map(book: str | Path, out: str | Path | None = None, as_of: dt.date | None = None,
             anonymise: bool = False, write: bool = False, backup: bool = True,
             progress: Progress = quiet) -> tuple[Path, dict]:
    """Draw the network map of a workbook; with `write`, also onto its Map sheet. Returns (picture, layout)."""
    book = Path(book)
    as_of = as_of or dt.date.today()
    if write:
        safe.ensure_closed(book)
    from peermap_xl.draw import network_map  # matplotlib: only for the operations that draw

    progress(0, 3, "Reading the workbook")
    network = read_network(book)
    progress(1, 3, "Laying out and drawing the map")
    target = _target(book, out, network_map.file_name(network, as_of, anonymise))
    drawn: dict = {}

    def render(temp: Path) -> None:
        drawn.update(network_map.draw(network, temp, as_of, anonymise, png_copy=write))

    safe.write_atomically(target, render, backup=False)
    if write:
        from peermap_xl.book import edit

        progress(2, 3, "Putting it on the Map sheet")
        wb = edit.open_for_edit(book)
        edit.write_map(wb, drawn.pop("png"), drawn, as_of)
        edit.save(wb, book, backup=backup)
    progress(3, 3, "Done")
    return target, drawn


def draw_ego(book: str | Path, person: str, out: str | Path | None = None, as_of: dt.date | None = None,
             anonymise: bool = False) -> tuple[Path, dict]:
    """Draw a young person's own map from the Direct work sheet, beside the workbook by default."""
    from peermap_xl.draw import ego

    book = Path(book)
    as_of = as_of or dt.date.today()
    network = read_network(book)
    subject, _ = ego.direct_work_for(network, person)
    name = labels.labeller(network, anonymise)(subject) if subject else person
    target = _target(book, out, ego.file_name(name, as_of, anonymise))
    drawn: dict = {}
    safe.write_atomically(target, lambda temp: drawn.update(ego.draw(network, person, temp, as_of, anonymise)),
                          backup=False)
    return target, drawn


def write_minutes(book: str | Path, session_id: str | None = None, out: str | Path | None = None,
                  anonymise: bool = False, write: bool = False, progress: Progress = quiet) -> Path:
    """Write the minutes of a session (the latest by default) beside the workbook; with `write`, preview them
    on its Minutes sheet."""
    from peermap_xl import minutes

    book = Path(book)
    if write:
        safe.ensure_closed(book)
    progress(0, 3, "Reading the workbook")
    network = read_network(book)
    session = minutes.pick_session(network, session_id)
    day = session["date"].date()
    target = _target(book, out, minutes.file_name(network, day, anonymise), DOCUMENTS)
    progress(1, 3, "Drawing the map and writing the minutes")
    blocks = minutes_document(network, session, target, anonymise)
    progress(2, 3, "Saving")
    if write:
        from peermap_xl.book import edit

        wb = edit.open_for_edit(book)
        edit.write_minutes_sheet(wb, minutes.to_rows(blocks))
        edit.save(wb, book)
    progress(3, 3, "Done")
    return target


def minutes_document(network, session: dict, target: Path, anonymise: bool = False) -> list:
    """Write the minutes of `session` to `target` (.docx); return their content, for the Minutes sheet."""
    import tempfile

    from peermap_xl import history, minutes
    from peermap_xl.draw import network_map

    day = session["date"].date()
    with tempfile.TemporaryDirectory() as folder:
        picture = Path(folder) / "map.png"
        network_map.draw(network, picture, day, anonymise)
        changes = history.changes_for(network, session, anonymise)
        blocks = minutes.content(network, session["id"], anonymise, picture, changes)
        doc_title = minutes.title(network, anonymise)
        safe.write_atomically(target, lambda temp: minutes.to_docx(
            blocks, temp, network.settings["protective_marking"], day, doc_title), backup=False)
    return blocks


def session_record(network, kind: str, day: dt.date) -> dict:
    """What recording a session adds: its Sessions row, its History snapshot, and what changed."""
    from peermap_xl import history

    session_id = history.next_session_id(network)
    now = history.snapshot(network, session_id, day)
    before = history.latest_before(network, day, session_id)
    changes = None
    if before is not None:
        changes = history.compare(before, history.as_frame(now), day, network.settings.stale_after_days,
                                  labels.labeller(network))
    review = None if kind == "Closure" else domain.review_after(day, network.settings.review_every_months)
    return {"session": session_id, "changes": changes, "next_review": review, "snapshot": now,
            "row": {"ID": session_id, "Date": day, "Type": kind, "Next review": review}}


def record_session(book: str | Path, kind: str, day: dt.date | None = None) -> dict:
    """Record a Review or Closure session: a row on Sessions, a snapshot on History, and for a closure
    the network's Status. Returns the session's ID, what changed since the last snapshot, the next review."""
    from peermap_xl.book import edit

    book = Path(book)
    day = day or dt.date.today()
    safe.ensure_closed(book)
    network = read_network(book)
    recorded = session_record(network, kind, day)
    wb = edit.open_for_edit(book)
    edit.add_session(wb, network, recorded["row"])
    edit.append_history(wb, network, recorded["snapshot"])
    if kind == "Closure":
        edit.set_setting(wb, network, "Status", "Closed")
        edit.set_setting(wb, network, "Closed on", day)
    edit.save(wb, book)
    return recorded


def write_invite(book: str | Path, session_id: str | None = None, day: dt.date | None = None,
                 out: str | Path | None = None, anonymise: bool = False) -> Path:
    """Write the subject list for a session's invitees beside the workbook, and record when it was sent."""
    from peermap_xl import minutes
    from peermap_xl.book import edit

    book = Path(book)
    day = day or dt.date.today()
    safe.ensure_closed(book)
    network = read_network(book)
    session = minutes.pick_session(network, session_id)
    target = _target(book, out, minutes.invite_file_name(network, session["date"].date(), anonymise), DOCUMENTS)
    blocks = minutes.invite_content(network, session["id"], anonymise)
    safe.write_atomically(target, lambda temp: minutes.to_docx(
        blocks, temp, network.settings["protective_marking"], day, blocks[0].text), backup=False)
    layout = network.layout[schema.SESSIONS.name]
    wb = edit.open_for_edit(book)
    edit.write_cell(wb[layout.sheet], int(session["row"]), layout.column("Subject list sent"), day)
    edit.save(wb, book)
    return target
