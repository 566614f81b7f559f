"""What a document is made of: headings, paragraphs, bullets, tables, the map, a banner.

One content, two renderings: the .docx (`word.py`) and the Minutes sheet (`sheet.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Para:
    text: str
    bold: bool = False


@dataclass
class Banner:
    """A warning the reader must see first ("This record has errors: ...")."""

    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    header: list[str] | None
    rows: list[list[str]]
    flagged: set[int] = field(default_factory=set)  # rows to mark (overdue)
    key_column: bool = False  # the first column names the row (a two-column matrix)
    widths: tuple[float, ...] | None = None  # centimetres; None: a name column and a wide one


@dataclass
class Picture:
    path: Path
    caption: str
    landscape: bool = False  # on a page of its own, turned, so that its labels print large enough
    title: str | None = None  # a heading that goes with it (onto its own page)
