"""What a document is made of: headings, paragraphs, bullets, tables, the map, a banner.

One content, two renderings: the .docx (`word.py`) and the rows of the Minutes sheet (`to_rows`).
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


def to_rows(blocks: list) -> list[list]:
    """The blocks as worksheet rows, for the Minutes sheet preview."""
    out: list[list] = []
    for block in blocks:
        if isinstance(block, Heading):
            out += ([[]] if out else []) + [[block.text]]
        elif isinstance(block, (Para, Banner)):
            out.append([block.text])
        elif isinstance(block, Bullets):
            out += [["\u2022 " + item] for item in block.items]
        elif isinstance(block, Table):
            out += ([block.header] if block.header else []) + [list(r) for r in block.rows]
        elif isinstance(block, Picture):
            heading = [[], [block.title]] if block.title else []
            out += heading + [[block.caption + " The picture is on the Map sheet."]]
    return out
