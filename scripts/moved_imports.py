"""Rewrite imports of the modules issue 23 moved into stage packages (docs/design.md).

    .venv/bin/python scripts/moved_imports.py FILE...      # rewrites the files in place, prints what changed

For a branch that still imports `from peermap_xl import model, schema` or `peermap_xl.template`: after
`git merge main`, run it on the files your branch added or changed, then `ruff check --fix --select I` on them.
It changes only import lines and dotted module paths (in code, strings, and text files alike).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

#: old module under peermap_xl -> the package it moved into (the module keeps its name).
MOVED = {
    "schema": "contract", "domain": "contract", "errors": "contract", "suggest": "contract",
    "progress": "contract",
    "excel": "macros", "vba": "macros",
    "vba_modules": "book",
    "model": "record", "labels": "record", "history": "record", "due": "record", "graph": "record",
    "incidents": "record",
    "gate": "checks",
    "agenda": "minutes", "voice": "minutes",
    "template": "xlsm",
}

_FROM_ROOT = re.compile(r"^(?P<indent>[ \t]*)from peermap_xl import (?P<names>[^()\n#]+?)(?P<comment>[ \t]*#.*)?$",
                        re.MULTILINE)
_DOTTED = re.compile(r"\bpeermap_xl\.(" + "|".join(sorted(MOVED, key=len, reverse=True)) + r")\b")


def _split_root_import(match: re.Match) -> str:
    """`from peermap_xl import domain, model, checks` -> one line per package the names now live in."""
    indent, comment = match["indent"], match["comment"] or ""
    by_package: dict[str, list[str]] = {}
    for item in (part.strip() for part in match["names"].split(",")):
        if item:
            by_package.setdefault(MOVED.get(item.split()[0], ""), []).append(item)
    lines = [f"{indent}from peermap_xl{'.' + package if package else ''} import {', '.join(names)}"
             for package, names in sorted(by_package.items())]
    lines[0] += comment
    return "\n".join(lines)


def rewrite(text: str) -> str:
    text = _FROM_ROOT.sub(_split_root_import, text)
    return _DOTTED.sub(lambda m: f"peermap_xl.{MOVED[m[1]]}.{m[1]}", text)


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        old = path.read_text(encoding="utf-8")
        new = rewrite(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
