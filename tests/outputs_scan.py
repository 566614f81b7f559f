"""Reading every part of an output, for tests that look for what must not be there."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path


def every_part(path: Path) -> str:
    """All the text of a file: every part of a .docx/.xlsx (properties, alt text, headers) with tags as spaces;
    the text of an .svg; the bytes of anything else read as Latin-1 (PNG metadata)."""
    data = Path(path).read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as package:
            parts = [name + " " + package.read(name).decode("utf-8", "replace") for name in package.namelist()]
        return re.sub(r"<[^>]+>", " ", " ".join(parts))
    text = data.decode("utf-8") if path.suffix == ".svg" else data.decode("latin-1")
    return re.sub(r"<[^>]+>", " ", text)


def names_in(text: str, names: list[str]) -> list[str]:
    """The names (full, first or surname) found in `text` as whole words."""
    words = {w for name in names for w in [name, *name.split()]}
    return sorted(w for w in words if re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", text, re.IGNORECASE))
