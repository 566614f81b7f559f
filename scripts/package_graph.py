"""The package graph: which stage of peermap_xl imports which (docs/design.md), read from the source.

    .venv/bin/python scripts/package_graph.py            # each package, the packages it imports, how often
    .venv/bin/python scripts/package_graph.py --modules  # the same, module by module

Every import counts, those inside functions too (they are how a door keeps a click's start-up small,
but they are dependencies all the same). tests/test_imports.py holds the stages to this order.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "peermap_xl"

#: The pipeline, first stage first: each may import only the stages before it. The last stage is the
#: doors, the modules at the package's root that people and Excel call by name; they never import each other.
STAGES: tuple[tuple[str, ...], ...] = (
    ("contract",),    # the sheets and columns (schema), the domain's words, errors, progress, did-you-mean
    ("macros",),      # the VBA project the workbook carries (its source and its binary form)
    ("book",),        # workbook bytes <-> raw tables and plans of edits; knows no network
    ("record",),      # raw tables -> the typed network, and the questions over it (history, due, graph, labels)
    ("checks",),      # the rules over the record, and the record-error gate
    ("draw",),        # the map pictures
    ("minutes",),     # the documents: minutes with their sections, the subject list
    ("register",),    # other workbooks searched for the same young person or place
    ("operations",),  # one function per command: read, compute, plan
    ("xlsm",),        # the macro-enabled template, built from code
    ("examples",),    # the worked example (City Road)
    ("cli", "buttons", "formulas"),  # the doors: command line, Excel buttons, worksheet functions
)
ROOT_MODULES = ("__init__", "cli", "buttons", "formulas")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted
    name: str | None  # the name taken from it (from ... import name), or None for `import target`
    line: int


def module_name(path: Path) -> str:
    parts = ["peermap_xl", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(module: str, path: Path, known: set[str]) -> list[Import]:
    """Every import of a peermap_xl module in `path`, with `from pkg import sub` read as importing pkg.sub."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [Import(module, a.name, None, node.lineno) for a in node.names if a.name.startswith("peermap_xl")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "peermap_xl":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append(Import(module, sub, None, node.lineno) if sub in known
                             else Import(module, base, alias.name, node.lineno))
    return found


def all_imports() -> list[Import]:
    found = modules()
    return [imp for module, path in found.items() for imp in imports_of(module, path, set(found))]


def unit(module: str) -> str:
    """The stage package a module belongs to (or the root module's own name; "" for peermap_xl itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def stage_of(name: str) -> int | None:
    return next((i for i, stage in enumerate(STAGES) if name in stage), None)


def graph(imports: list[Import]) -> dict[str, Counter]:
    edges: dict[str, Counter] = {}
    for imp in imports:
        source, target = unit(imp.module), unit(imp.target)
        edges.setdefault(source, Counter())
        if target and target != source:
            edges[source][target] += 1
    return edges


def module_graph(imports: list[Import]) -> dict[str, Counter]:
    edges: dict[str, Counter] = {}
    for imp in imports:
        edges.setdefault(imp.module, Counter())
        if imp.target != imp.module:
            edges[imp.module][imp.target] += 1
    return edges


def rank(name: str) -> tuple[int, str]:
    """Stage order, for printing: a package name or a dotted module name."""
    stage = stage_of(unit(name) if name.startswith("peermap_xl") else name)
    return (-1 if stage is None else stage, name)


def main(argv: list[str]) -> int:
    imports = all_imports()
    edges = module_graph(imports) if "--modules" in argv else graph(imports)
    for name in modules():
        edges.setdefault(name if "--modules" in argv else unit(name), Counter())
    for source in sorted(edges, key=rank):
        targets = ", ".join(f"{t} ({n})" for t, n in sorted(edges[source].items(), key=lambda kv: rank(kv[0])))
        print(f"{source or 'peermap_xl'} -> {targets or '(nothing)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
