"""Anonymised means no free-typed text (issue 15): every text cell of the worked example carries a unique
marker, and no anonymised output (every part of every file, stdout, JSON, file names) holds one."""

import io
import re
from pathlib import Path

import pytest

from conftest import run_peermap
from outputs_scan import every_part
from peermap_xl.contract import schema
from peermap_xl.examples import city_road

MARKER = re.compile(r"QZ\d{4}Z")
FREE = (schema.TEXT, schema.LONG_TEXT)
NOT_FREE = {"Protective marking"}  # printed on every output by design: a marking, not a record
AS_OF = "2026-10-01"


def tagged_records() -> tuple[dict, dict]:
    """The worked example with a marker in every free-text cell and Network field (names included), references
    by name turned into IDs (a tagged name would name nobody), and one relationship typed off the list."""
    count = iter(range(1, 10_000))

    def tag(value) -> str:
        return f"{value or ''} QZ{next(count):04d}Z".strip()

    by_name = {r["Name"]: r["ID"] for sheet in ("Subjects", "Contexts") for r in city_road.RECORDS[sheet]}
    records = {}
    for sheet in schema.DATA_SHEETS:
        kinds = {c.header: c.kind for c in sheet.all_columns}
        records[sheet.name] = [{h: tag(v) if kinds.get(h) in FREE else by_name.get(v, v) for h, v in
                                {**{c.header: None for c in sheet.columns if c.kind in FREE}, **row}.items()}
                               for row in city_road.RECORDS[sheet.name]]
    records["Links"][0]["Relationship"] = tag("Mate from the estate")  # a value typed off the list
    network = {f.name: (tag(city_road.NETWORK.get(f.name)) if f.kind in FREE and f.name not in NOT_FREE
                        else city_road.NETWORK.get(f.name)) for f in schema.NETWORK_FIELDS}
    return records, {k: v for k, v in network.items() if v is not None}


@pytest.fixture(scope="module")
def canary(tmp_path_factory) -> Path:
    import openpyxl

    from peermap_xl.book import edit
    from peermap_xl.xlsm.template import template_bytes

    records, network = tagged_records()
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()), keep_vba=True)
    edit.set_network_values(wb, network)
    for sheet in schema.DATA_SHEETS:
        edit.append_records(wb, sheet, records[sheet.name])
    path = tmp_path_factory.mktemp("canary") / "canary.xlsm"
    edit.save(wb, path, backup=False)
    return path


def markers(text: str) -> list[str]:
    return sorted(set(MARKER.findall(text)))


def test_every_text_column_carries_a_marker(canary):
    from peermap_xl.record.reading import read_network

    network = read_network(canary)
    for sheet in schema.DATA_SHEETS:
        frame = network.frames[sheet.name]
        for column in sheet.columns:
            if column.kind in FREE:
                assert frame[column.key].map(lambda v: bool(MARKER.search(str(v)))).all(), (sheet.name, column.header)


def test_no_anonymised_output_holds_a_marker(canary, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    said = []
    for command in (("check", "--as-of", AS_OF, "--anonymise"), ("check", "--as-of", AS_OF, "--anonymise", "--json"),
                    ("map", "--as-of", AS_OF, "--anonymise", "--out", out / "map.svg", "--layout-json",
                     out / "layout.json"),
                    ("map", "--as-of", AS_OF, "--anonymise", "--out", out),
                    ("minutes", "--anonymise", "--out", out), ("invite", "--anonymise", "--out", out),
                    ("ego", "S01", "--as-of", AS_OF, "--anonymise", "--out", out / "ego.svg")):
        result = run_peermap(command[0], canary, *command[1:])
        assert result.returncode in (0, 1), result.stderr
        said.append(result.stdout + result.stderr)
    files = sorted(out.iterdir())
    assert {f.suffix for f in files} == {".svg", ".json", ".png", ".docx"}
    found = {f.name: markers(f.name + every_part(f)) for f in files}
    found["stdout"] = markers("\n".join(said))
    assert found == {name: [] for name in found}


def test_the_scan_finds_markers_where_names_are_allowed(canary, tmp_path):
    """The same scan on outputs that may carry the team's text: the markers are there to find."""
    assert markers(run_peermap("check", canary, "--as-of", AS_OF).stdout)
    result = run_peermap("minutes", canary, "--out", tmp_path / "m.docx")
    assert result.returncode == 0, result.stderr
    assert len(markers(every_part(tmp_path / "m.docx"))) > 50
