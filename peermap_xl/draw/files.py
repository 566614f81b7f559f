"""Drawing the maps of a workbook file: pictures saved beside it, and onto its Map sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from peermap_xl.book import safe
from peermap_xl.book.file import read_network
from peermap_xl.draw import ego, network_map
from peermap_xl.errors import PeermapError

FORMATS = (".png", ".svg", ".pdf")


def _target(book: Path, out: str | Path | None, default_name: str) -> Path:
    """The picture's path: `out`, or the usual name in `out` when it is a folder, or beside the workbook."""
    if out and Path(out).is_dir():
        target = Path(out) / default_name
    else:
        target = Path(out) if out else book.with_name(default_name)
    if target.suffix.lower() not in FORMATS:
        raise PeermapError(f"{target.name}: the picture's name must end in {', '.join(FORMATS)}.")
    if not target.parent.is_dir():
        raise PeermapError(f"The folder {target.parent} does not exist. Create it first.")
    return target


def draw_map(book: str | Path, out: str | Path | None = None, as_of: dt.date | None = None,
             anonymise: bool = False, write: bool = False, backup: bool = True) -> tuple[Path, dict]:
    """Draw the network map of a workbook; with `write`, also onto its Map sheet. Returns (picture, layout)."""
    book = Path(book)
    as_of = as_of or dt.date.today()
    if write:
        safe.ensure_closed(book)
    network = read_network(book)
    target = _target(book, out, network_map.file_name(network, as_of, anonymise))
    drawn: dict = {}

    def render(temp: Path) -> None:
        drawn.update(network_map.draw(network, temp, as_of, anonymise))

    safe.write_atomically(target, render, backup=False)
    if write:
        from peermap_xl.book import edit

        png = target if target.suffix.lower() == ".png" else target.with_suffix(".png")
        if png != target:
            safe.write_atomically(png, lambda temp: network_map.draw(network, temp, as_of, anonymise), backup=False)
        wb = edit.open_for_edit(book)
        edit.write_map(wb, png.read_bytes(), drawn, as_of)
        safe.write_atomically(book, wb.save, backup=backup)
    return target, drawn


def draw_ego(book: str | Path, person: str, out: str | Path | None = None, as_of: dt.date | None = None,
             anonymise: bool = False) -> tuple[Path, dict]:
    """Draw a young person's own map from the Direct work sheet, beside the workbook by default."""
    book = Path(book)
    as_of = as_of or dt.date.today()
    network = read_network(book)
    subject, _ = ego.direct_work_for(network, person)
    from peermap_xl import labels

    name = labels.labeller(network, anonymise)(subject) if subject else person
    target = _target(book, out, ego.file_name(name, as_of, anonymise))
    drawn: dict = {}
    safe.write_atomically(target, lambda temp: drawn.update(ego.draw(network, person, temp, as_of, anonymise)),
                          backup=False)
    return target, drawn
