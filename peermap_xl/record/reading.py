"""A workbook read into the network: the book package's raw tables, typed by the model.

The three ways in, one per door: a workbook file (`read_network`), the workbook open in Excel through
xlwings (`read_live_network`), and a workbook file loaded once for editing (`open_book`). The book
package reads cells and knows nothing of the network; this module is where the two meet.
"""

from __future__ import annotations

from pathlib import Path

from peermap_xl.book import file, live
from peermap_xl.record import model


def read_network(path: str | Path) -> model.Network:
    """The workbook at `path` as a Network."""
    return model.build(file.read_raw(path))


def read_live_network(book) -> model.Network:
    """The workbook open in Excel (an xlwings Book) as a Network."""
    return model.build(live.read_raw(book))


def open_book(path: str | Path):
    """(workbook, network): the workbook loaded once for editing, and the network read from that load.

    Formula cells inside the contract's tables need their cached values, which a load that keeps
    formulas does not give: only then is the file read a second time, for values.
    """
    from peermap_xl.book import edit  # openpyxl: only for the commands that write

    path = Path(path)
    wb = edit.open_for_edit(path)
    book = edit.read_raw(wb, path.name)
    if book is None:
        book = file.read_raw(path)
    return wb, model.build(book)
