"""Progress for work a person waits on: a bar in the terminal, the status bar in Excel.

Operations take a `progress` callable and call it with (step, of, words); the
doors decide how to show it. Nothing is shown when no one is watching.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

Progress = Callable[[int, int, str], None]


def quiet(step: int, of: int, words: str) -> None:
    """Show nothing."""


def terminal(stream=None) -> Progress:
    """A bar on stderr, redrawn in place, when stderr is a terminal; nothing otherwise."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return quiet

    def show(step: int, of: int, words: str) -> None:
        filled = round(20 * step / of)
        end = "\n" if step >= of else ""
        stream.write(f"\r[{'#' * filled}{'.' * (20 - filled)}] {step}/{of} {words:<40}{end}")
        stream.flush()

    return show


def status_bar(book) -> Progress:
    """Excel's status bar, where xlwings can set it (desktop Excel); nothing elsewhere."""

    def show(step: int, of: int, words: str) -> None:
        try:
            book.app.status_bar = False if step >= of else f"peermap: {words} ({step}/{of})"
        except Exception:  # the remote engine, or an Excel that will not take it: no status is no harm
            pass

    return show
