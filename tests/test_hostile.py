"""Hostile and broken files: every row read, bounded memory, every refusal one line (exit 2).

The files are built here (tests/hostile_cases.py), nothing large committed:
the bombs inflate to gigabytes from a few megabytes. Each command runs in a
fresh process whose address space is capped (resource.setrlimit), so a
reader that tried to inflate a bomb would fail inside the cap instead of
taking the machine down, and its own peak memory is measured.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

import hostile_cases as hostile
from conftest import ROOT, run_peermap
from peermap_xl import checks
from peermap_xl.book import parts as pkg
from peermap_xl.book.file import read_raw
from peermap_xl.book.raw import EXCEL_EPOCH
from peermap_xl.contract import schema
from peermap_xl.examples import city_road
from peermap_xl.record import model
from peermap_xl.record.reading import read_network

CAP_MB = 1024  # the address space each run may take; a peermap run needs about 600
PEAK_MB = 500  # the budget: every hostile file refused or read under this
RANGE_RULE = next(r for r in checks.RULES if r.slug == "read-range")
DATE_RULE = next(r for r in checks.RULES if r.slug == "invalid-date")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A folder holding the worked example, for the cases to start from."""
    folder = tmp_path_factory.mktemp("hostile")
    hostile.example(folder)
    return folder


@pytest.fixture(scope="module")
def base(folder):
    return read_network(hostile.example(folder))


@pytest.fixture
def case_folder(folder, tmp_path):
    shutil.copytree(folder / "base", tmp_path / "base")
    return tmp_path


@pytest.mark.parametrize("name", list(hostile.CASES))
def test_each_hostile_file_is_read_or_refused_in_a_line_under_the_memory_cap(name, case_folder):
    case = hostile.CASES[name]
    book = case.build(case_folder)
    run = hostile.run_measured(["summary", book], cap_mb=CAP_MB, timeout=60)
    assert run.code == case.exit_code, run.stderr
    assert run.peak_mb < PEAK_MB
    assert "Traceback" not in run.stderr
    if case.exit_code == 2:
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"peermap: {book.name} ") and case.says in lines[0]
        assert run.stdout == ""
    else:
        assert case.says in run.stdout


def ranges(network, sheet):
    ctx = checks.Context(network, city_road.AS_OF)
    return [hit for hit in RANGE_RULE.check(ctx) if hit.sheet == sheet]


@pytest.mark.parametrize("build, sheet", [(hostile.understated_subjects, "Subjects"),
                                          (hostile.understated_links, "Links")])
def test_an_understated_dimension_loses_no_row_and_is_reported(build, sheet, case_folder, base):
    network = read_network(build(case_folder))
    frame, expected = network.frames[sheet], base.frames[sheet]
    assert list(frame["id"]) == list(expected["id"]) and list(frame["row"]) == list(expected["row"])
    [hit] = ranges(network, sheet)
    assert hit.row == (expected["row"].min() if sheet == "Subjects" else 11)
    assert "but it holds data as far as" in hit.message


def test_rows_below_a_table_that_stops_short_are_all_read_and_reported(case_folder, base):
    network = read_network(hostile.short_links_table(case_folder))
    assert list(network.links["id"]) == list(base.links["id"])
    assert [(h.row, f"lie below the Links table (A1:{hostile.L}10)" in h.message) for h in ranges(network, "Links")
            if "table" in h.message] == [(11, True)]


@pytest.mark.parametrize("build, sheet", [(hostile.shifted_subjects_table, "Subjects"),
                                          (hostile.lowered_links_table, "Links")])
def test_a_slipped_table_range_is_read_by_its_headers_and_no_id_is_renumbered(build, sheet, case_folder, base):
    network = read_network(build(case_folder))
    frame, expected = network.frames[sheet], base.frames[sheet]
    assert list(frame["id"]) == list(expected["id"]) and not frame["auto_id"].any()
    assert network.layout[sheet].columns == base.layout[sheet].columns
    assert list(network.links["from_id"]) == list(base.links["from_id"])
    assert ranges(network, sheet) and all("Resize Table" in h.message for h in ranges(network, sheet))


def test_the_worked_example_reads_with_no_range_finding(base):
    assert base.ranges == []


def test_tables_are_found_without_parsing_any_worksheet(monkeypatch, folder):
    parsed = []
    real = pkg.parse_part
    monkeypatch.setattr(pkg, "parse_part", lambda package, part: parsed.append(part) or real(package, part))
    raw = read_raw(hostile.example(folder))
    assert schema.LINKS.name in raw.tables and any(p.startswith("xl/tables/") for p in parsed)
    assert not [p for p in parsed if p.startswith("xl/worksheets/") and p.endswith(".xml")]


@pytest.mark.parametrize("build", [hostile.impossible_date, hostile.serial_60, hostile.negative_serial])
def test_an_impossible_date_is_a_finding_never_a_crash(build, case_folder, base):
    network = read_network(build(case_folder))
    row = int(base.links["row"].min())
    ctx = checks.Context(network, city_road.AS_OF)
    hits = [(h.sheet, h.row, h.column) for h in DATE_RULE.check(ctx)]
    assert hits == [("Links", row, "Last seen")]
    assert pd.isna(network.links.loc[network.links["row"] == row, "last_seen"].iloc[0])


def test_check_write_on_an_impossible_date_reports_it_and_does_not_crash(case_folder):
    book = hostile.impossible_date(case_folder)
    result = run_peermap("check", book, "--as-of", city_road.AS_OF.isoformat(), "--write")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "peermap itself failed" not in result.stderr


def test_serial_dates_count_as_excel_counts_them():
    assert model.parse_date(1) == dt.date(1900, 1, 1)
    assert model.parse_date(59) == dt.date(1900, 2, 28)
    assert model.parse_date(61) == dt.date(1900, 3, 1)
    assert model.parse_date(45658) == dt.date(2025, 1, 1)
    for no_date in (60, 60.5, 0, -5, 0.5, 3e6, float("nan")):  # 29/02/1900 never was; Excel shows ##### below 1
        with pytest.raises(ValueError):
            model.parse_date(no_date)
    day_zero_1904 = dt.datetime(1904, 1, 1)
    assert model.parse_date(0, day_zero_1904) == dt.date(1904, 1, 1)
    assert model.parse_date(60, day_zero_1904) == dt.date(1904, 3, 1)
    with pytest.raises(ValueError):
        model.parse_date(-1, day_zero_1904)
    assert EXCEL_EPOCH == dt.datetime(1899, 12, 30)


@pytest.mark.parametrize("text", ["2026-02-31", "31/02/2026", "29/02/2027", "30 February 2026", "00/01/2026"])
def test_an_impossible_date_typed_as_text_is_not_a_date(text):
    with pytest.raises(ValueError):
        model.parse_date(text)


def test_summary_is_counts_only(base):
    text = "\n".join(model.summary(base))
    for free_text in (base.settings["network_name"], base.settings["key_contextual_risks"], "Male A"):
        assert free_text not in text
    assert f"[{base.settings['protective_marking']}]" in text


def test_the_readme_states_the_limits_the_code_holds():
    readme = (ROOT / "README.md").read_text()
    for limit in (pkg.MAX_FILE_BYTES, pkg.MAX_PART_BYTES, pkg.MAX_XML_PART_BYTES, pkg.MAX_SHARED_STRINGS_BYTES,
                  pkg.MAX_XML_TOTAL_BYTES, pkg.MAX_TOTAL_BYTES):
        assert f"{limit // pkg.MB} MB" in readme
    assert f"{pkg.MAX_RATIO} times" in readme and f"{pkg.MAX_PARTS:,} parts" in readme


@pytest.mark.parametrize("build", [hostile.serial_60, hostile.negative_serial, hostile.shifted_subjects_table])
def test_check_write_reads_what_check_reads(build, case_folder):
    """check --write reads its one load of the workbook as the file reader reads the file."""
    from peermap_xl import operations

    book = build(case_folder)
    reading = (DATE_RULE.code, RANGE_RULE.code)
    expected = {(f.code, f.sheet, f.row, f.column) for f in checks.run_checks(read_network(book), city_road.AS_OF)
                if f.code in reading}
    record, network = operations.check_book(book, city_road.AS_OF)
    assert expected and {(f.code, f.sheet, f.row, f.column) for f in record.findings if f.code in reading} == expected
    assert list(network.subjects["id"]) == list(read_network(book).subjects["id"])


def test_a_sheet_of_formatted_empty_rows_is_read_but_not_rewritten(case_folder):
    """120,000 formatted empty rows read in a stream, but a save would hold them all (510 MB): check --write
    refuses in one line saying what to delete, leaving the file as it was, under the memory budget."""
    book = hostile.styled_rows_to_the_limit(case_folder)
    before = book.read_bytes()
    run = hostile.run_measured(["check", book, "--write", "--as-of", f"{city_road.AS_OF}"], cap_mb=CAP_MB)
    assert run.code == 2 and run.peak_mb < PEAK_MB, run.stderr
    [line] = run.stderr.strip().splitlines()
    assert "Subjects sheet has 120,000 formatted empty rows" in line and "Delete" in line
    assert book.read_bytes() == before
    assert hostile.run_measured(["check", book, "--as-of", f"{city_road.AS_OF}"], cap_mb=CAP_MB).code in (0, 1)


def test_formatted_empty_rows_and_cells_are_counted_across_chunks(tmp_path, monkeypatch):
    """The count streams the sheet in chunks: an element cut at a chunk's edge is counted once."""
    import zipfile

    monkeypatch.setattr(pkg, "_CHUNK", 7)
    sheet = b'<sheetData><row r="1"><c r="A1" s="2"/><c r="B1"><v>1</v></c></row><row r="2" s="1"/>' \
            b'<x:row r="3" s="1" customFormat="1"/><c r="C4" s="3"/></sheetData>'
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("sheet.xml", sheet)
    with zipfile.ZipFile(path) as z:
        assert pkg.empty_elements(z, "sheet.xml") == (2, 2)
