"""The tree is the pipeline (issue 23, docs/design.md): each stage imports only the stages before it.

Read from the source with ast (scripts/package_graph.py), every import counted, those inside functions too.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import package_graph as pg  # noqa: E402

IMPORTS = pg.all_imports()
MODULES = pg.modules()


def test_every_package_and_root_module_has_a_stage():
    units = {pg.unit(m) for m in MODULES} - {""}
    assert not [u for u in units if pg.stage_of(u) is None], "add the new package to STAGES and docs/design.md"


def test_the_package_root_keeps_only_its_entry_points():
    at_root = sorted(path.stem for path in pg.PACKAGE.glob("*.py"))
    assert at_root == sorted(pg.ROOT_MODULES)


def test_the_package_root_imports_nothing():
    assert [i for i in IMPORTS if i.module == "peermap_xl"] == []


def against_the_order(imports: list[pg.Import]) -> list[str]:
    wrong = []
    for imp in imports:
        source, target = pg.unit(imp.module), pg.unit(imp.target)
        if not target or source == target:
            continue  # peermap_xl itself (__version__), or within one package
        if pg.stage_of(target) >= pg.stage_of(source):
            wrong.append(f"{imp.module}:{imp.line} imports {imp.target} ({target} is not before {source})")
    return wrong


def test_every_import_follows_the_stage_order():
    assert against_the_order(IMPORTS) == []


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle found by a depth-first walk, as the path that closes it."""
    found, done = [], set()

    def walk(node: str, path: list[str]) -> None:
        if node in path:
            found.append(path[path.index(node):] + [node])
            return
        if node in done:
            return
        for nxt in sorted(edges.get(node, ())):
            walk(nxt, path + [node])
        done.add(node)

    for start in sorted(edges):
        walk(start, [])
    return found


def test_no_cycle_between_packages():
    edges = {source: set(targets) for source, targets in pg.graph(IMPORTS).items()}
    assert cycles(edges) == []


def private_reaches(path, module: str) -> list[str]:
    """Uses of another peermap_xl module's private name: `from m import _x` or `m._x` on an imported module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: set[str] = set()
    reaches = []
    for imp in pg.imports_of(module, path, set(MODULES)):
        if imp.name and imp.name.startswith("_") and not imp.name.startswith("__"):
            reaches.append(f"{module}:{imp.line} takes {imp.target}.{imp.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("peermap_xl") or \
                isinstance(node, ast.ImportFrom) and node.level:
            imported |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            imported |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("peermap_xl")}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported \
                and node.attr.startswith("_") and not node.attr.startswith("__"):
            reaches.append(f"{module}:{node.lineno} uses {node.value.id}.{node.attr}")
    return reaches


def test_no_module_uses_another_module_s_private_names():
    assert [r for module, path in MODULES.items() for r in private_reaches(path, module)] == []


# --- the test's own checks can fail ------------------------------------------------------------------------


def test_an_import_against_the_order_is_caught():
    backwards = pg.Import("peermap_xl.record.model", "peermap_xl.checks.core", "Finding", 1)
    forwards = pg.Import("peermap_xl.checks.core", "peermap_xl.record.model", "Network", 1)
    between_doors = pg.Import("peermap_xl.buttons", "peermap_xl.cli", None, 1)
    assert against_the_order([backwards, forwards, between_doors]) == [
        "peermap_xl.record.model:1 imports peermap_xl.checks.core (checks is not before record)",
        "peermap_xl.buttons:1 imports peermap_xl.cli (cli is not before buttons)"]


def test_a_cycle_is_caught():
    assert cycles({"book": {"record"}, "record": {"book"}, "checks": {"record"}}) == [["book", "record", "book"]]


def test_a_private_reach_is_caught(tmp_path):
    source = tmp_path / "change_map.py"
    source.write_text("from peermap_xl.draw import network_map\nfrom peermap_xl.record.model import _lists\n\n"
                      "network_map._wrapped('x')\nnetwork_map.public('y')\n")
    assert private_reaches(source, "peermap_xl.draw.change_map") == [
        "peermap_xl.draw.change_map:2 takes peermap_xl.record.model._lists",
        "peermap_xl.draw.change_map:4 uses network_map._wrapped"]


@pytest.mark.parametrize("flag", [[], ["--modules"]])
def test_the_graph_script_prints_each_stage_once(flag):
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "package_graph.py"), *flag],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    sources = [line.split(" -> ")[0] for line in out]
    assert len(sources) == len(set(sources))
    if not flag:
        assert "record -> contract" in "\n".join(out) and {s for s in sources} >= {"contract", "cli", "buttons"}
