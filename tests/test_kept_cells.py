"""A cell openpyxl cannot type, through every command that writes the workbook (issue 15).

A date cell holding an impossible date (2026-02-31, typed as a date), or a date-formatted serial
Excel shows no date for (60, the 29/02/1900 that never was; -5), is a PM107 finding wherever it is
read, and every writing command either works or refuses in one line: none crashes, and the user's
cell is kept exactly as the file held it (its stored type and text), never blanked or "corrected".
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from lxml import etree
from openpyxl.utils.cell import get_column_letter

import hostile_cases as hostile
from conftest import run_peermap
from peermap_xl import checks
from peermap_xl.book import package as pkg
from peermap_xl.book.kept import Kept, reading
from peermap_xl.examples import city_road
from peermap_xl.record.reading import read_network

AS_OF = city_road.AS_OF.isoformat()
DATE_RULE = next(r for r in checks.RULES if r.slug == "invalid-date")

@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Each case's workbook, made once from the worked example; copy it before changing it."""
    folder = tmp_path_factory.mktemp("kept")
    return {build: build(folder) for build in (hostile.impossible_date, hostile.impossible_date_dmy,
                                                hostile.serial_59, hostile.serial_60, hostile.negative_serial)}


@pytest.fixture
def copy_of(made, tmp_path):
    def copy(build):
        return shutil.copy(made[build], tmp_path / made[build].name)
    return copy


WRITING_COMMANDS = {
    "check --write": ["check", "{book}", "--as-of", AS_OF, "--write"],
    "review": ["review", "{book}", "--date", AS_OF],
    "minutes --write": ["minutes", "{book}", "--write", "--out", "{folder}/minutes.docx"],
    "map --write": ["map", "{book}", "--write", "--as-of", AS_OF, "--out", "{folder}/map.png"],
    "invite": ["invite", "{book}", "--out", "{folder}/invite.docx"],
    "close": ["close", "{book}", "--reason", "young people moved", "--force"],
    "find --write": ["find", "{folder}", "--book", "{book}", "--write"],
}


def last_seen_cell(book) -> tuple[str, str | None, str | None]:
    """(the cell, its stored type, its stored text): the first link's Last seen, read from the package."""
    layout = read_network(book).layout["Links"]
    ref = f"{get_column_letter(layout.column('Last seen'))}{layout.header_row + 1}"
    parts = hostile.parts_of(book)
    root = etree.fromstring(parts[hostile.sheet_part(parts, "Links")])
    [cell] = [c for c in root.iter(f"{{{pkg.MAIN}}}c") if c.get("r") == ref]
    return ref, cell.get("t", "n"), cell.findtext(f"{{{pkg.MAIN}}}v")


def checks_sheet_findings(book) -> set[tuple[str, int, str]]:
    """(code, row, column) of each finding on the Checks sheet, its columns found by header."""
    ws = openpyxl.load_workbook(book, read_only=True)["Checks"]
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if "Code" in row and "Row" in row)
    header = rows[header_at]
    code, row, column = (header.index(h) for h in ("Code", "Row", "Column"))
    return {(r[code], r[row], r[column]) for r in rows[header_at + 1:] if r[code]}


@pytest.mark.parametrize("build", [hostile.impossible_date, hostile.impossible_date_dmy,
                                   hostile.serial_60, hostile.negative_serial])
def test_check_write_records_the_finding_check_gives_and_keeps_the_cell(build, copy_of):
    book = copy_of(build)
    before = last_seen_cell(book)
    row = int(read_network(book).links["row"].min())
    result = run_peermap("check", book, "--as-of", AS_OF, "--write")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert (DATE_RULE.code, row, "Last seen") in checks_sheet_findings(book)
    assert f"{DATE_RULE.code} {DATE_RULE.slug}" in run_peermap("check", book, "--as-of", AS_OF).stdout
    assert last_seen_cell(book) == before


@pytest.mark.parametrize("command", list(WRITING_COMMANDS))
def test_every_writing_command_works_on_an_impossible_date_and_keeps_the_cell(command, copy_of, made, tmp_path):
    book = copy_of(hostile.impossible_date)
    if command == "find --write":  # another team's map of the same people, to be found
        shutil.copy(made[hostile.serial_59], tmp_path)
    before = last_seen_cell(book)
    assert before[1:] == ("d", "2026-02-31")
    args = [a.format(book=book, folder=tmp_path) for a in WRITING_COMMANDS[command]]
    result = run_peermap(*args)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "peermap itself failed" not in result.stderr
    assert last_seen_cell(book) == before


@pytest.mark.parametrize("build, serial", [(hostile.serial_59, "59"), (hostile.serial_60, "60"),
                                           (hostile.negative_serial, "-5")])
def test_serials_59_60_and_negative_go_through_the_write_path_unchanged(build, serial, copy_of):
    book = copy_of(build)
    assert last_seen_cell(book)[2] == serial
    result = run_peermap("review", book, "--date", AS_OF)
    assert result.returncode == 0, result.stderr
    assert float(last_seen_cell(book)[2]) == float(serial)  # 60 stays 60 (openpyxl alone writes 59)


def test_serial_59_is_28_february_1900_on_both_readers(copy_of):
    from peermap_xl import operations

    book = copy_of(hostile.serial_59)
    ctx = checks.Context(read_network(book), city_road.AS_OF)
    assert [h for h in DATE_RULE.check(ctx) if h.sheet == "Links"] == []
    record, network = operations.check_book(book, city_road.AS_OF)
    assert not [f for f in record.findings if f.code == DATE_RULE.code and f.sheet == "Links"]
    first = network.links.loc[network.links["row"].idxmin(), "last_seen"]
    assert first.date().isoformat() == "1900-02-28"


def test_a_kept_cell_reads_as_the_file_reader_reads_it():
    assert reading(Kept("2026-02-31", "d")) == "2026-02-31"
    assert reading(Kept("60", None)) == 60 and isinstance(reading(Kept("60", None)), int)
    assert reading(Kept("-5.5", "n")) == -5.5
    assert reading(Kept("abc", "n")) == "abc"
    assert reading("plain") == "plain"
