"""What peermap imports, it declares: a fresh `pip install .` (scripts/demo, the Excel door) must run it.

The tests install the test extras too, so a module only they bring would pass every other test and fail a
user: oletools did, once (the demo stopped with ModuleNotFoundError in a fresh clone).
"""

import ast
import re
import sys
from importlib.metadata import packages_distributions

import pytest

from conftest import ROOT

tomllib = pytest.importorskip("tomllib")  # Python 3.11+ (CI's); 3.10 has no TOML reader in the library


def third_party_imports() -> set[str]:
    """The top-level modules imported anywhere in peermap_xl that are neither the standard library nor ours."""
    found = set()
    for path in (ROOT / "peermap_xl").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "peermap_xl"}


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].lower().replace("_", "-")
            for d in project["dependencies"]}


def test_every_module_peermap_imports_is_a_declared_dependency():
    distributions = packages_distributions()
    imported = third_party_imports()
    assert {"openpyxl", "oletools", "olefile", "docx"} <= imported  # the scan sees real imports
    missing = {m: distributions.get(m) for m in imported
               if not {d.lower().replace("_", "-") for d in distributions.get(m, [m])} & declared()}
    assert not missing, f"imported by peermap_xl but not in [project] dependencies: {missing}"
