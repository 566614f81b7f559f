import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check behaviour, not speed: no per-example deadline (budgets live in benchmarks/),
# so a loaded machine cannot fail them.
settings.register_profile("peermap", deadline=None)
settings.load_profile("peermap")
# Before a release: the meeting cycle (tests/cycles) runs hundreds of generated cycles, each random
# (`pytest tests/cycles --hypothesis-profile=long`); failures are saved in .hypothesis/ to replay.
settings.register_profile("long", deadline=None, max_examples=300, stateful_step_count=20)

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # xlwings' remote engine, for the Excel door

# "Today" is the worked example's own date in every test, in this process and in every command it starts, so no
# result depends on the calendar (the domain's clock reads it: contract.domain.today). A test that needs the real
# date asks for the `real_calendar` fixture.
from peermap_xl.contract.domain import TODAY_VARIABLE  # noqa: E402
from peermap_xl.examples.city_road import AS_OF  # noqa: E402

os.environ[TODAY_VARIABLE] = AS_OF.isoformat()

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_template.xlsm"
CONTRACT = ROOT / "docs" / "workbook-contract.md"


def need_tool(name: str) -> str:
    """The path of an external program; its tests skip here but fail in CI where it must exist."""
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not installed, and CI must run these tests (see .ci/run)")
    pytest.skip(f"{name} is not installed")


@pytest.fixture
def real_calendar(monkeypatch):
    """Today as the calendar has it, for the tests that show peermap works on the real date."""
    monkeypatch.delenv(TODAY_VARIABLE)


@pytest.fixture
def soffice():
    return need_tool("soffice")


@pytest.fixture
def new_book(tmp_path):
    """A fresh workbook made by `peermap new`."""
    path = tmp_path / "Network.xlsm"
    from peermap_xl.cli import main

    assert main(["new", str(path)]) == 0
    return path


@pytest.fixture(scope="session")
def example_book(tmp_path_factory):
    """The worked example, written once per test session; copy it before changing it."""
    from peermap_xl.examples import city_road, write_example

    return write_example(tmp_path_factory.mktemp("example") / city_road.FILE_NAME)


@pytest.fixture
def book(tmp_path, example_book):
    """A copy of the worked example to change."""
    return Path(shutil.copy(example_book, tmp_path / example_book.name))


def run_peermap(*args, cwd=None):
    """Run the installed command as a user would, in a fresh process."""
    return subprocess.run([sys.executable, "-m", "peermap_xl.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture(scope="session")
def case_master(tmp_path_factory):
    """The nine-young-people case (tests/nine_young_people.py), written once; copy it before changing it."""
    from nine_young_people import write_case

    return write_case(tmp_path_factory.mktemp("case") / "Mare Street.xlsm")


@pytest.fixture
def case_book(tmp_path, case_master):
    """A copy of the nine-young-people case to change."""
    return Path(shutil.copy(case_master, tmp_path / case_master.name))
def change(path, edits) -> None:
    """Edit cells found by sheet, record and column header (never by position), growing tables to hold new rows.

    `record`: a record's ID; a Network field's key (on "Network"); or 1, 2, ... for new rows below the records.
    """
    import openpyxl
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    from peermap_xl.record.reading import read_network

    network = read_network(path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    for sheet, record, header, value in edits:
        layout = network.layout[sheet]
        if sheet == "Network":
            row = network.setting_rows[record]
        elif isinstance(record, int):
            row = network.next_row(sheet) + record - 1
        else:
            frame = network.frames[sheet]
            row = int(frame.loc[frame["id"] == record, "row"].iloc[0])
        assert layout.column(header), f"{sheet} has no {header} column"
        ws = wb[layout.sheet]
        ws.cell(row, layout.column(header)).value = value
        for table in ws.tables.values():
            c0, r0, c1, r1 = range_boundaries(table.ref)
            if r0 == layout.header_row and row > r1:
                table.ref = f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{row}"
    wb.save(path)
