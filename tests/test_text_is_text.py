"""Text typed by the team is stored back as text by every command, whatever it starts with: a name typed
as "=HYPERLINK(...)" never becomes a live formula in anything peermap writes."""

from __future__ import annotations

import openpyxl
import pytest

from conftest import run_peermap
from peermap_xl.book import live
from peermap_xl.contract import schema
from peermap_xl.record.reading import read_network

PLANTED = ('=HYPERLINK("http://example.invalid","click me")', "=1+1", "=cmd|' /C calc'!A0", "+SUM(A1)",
           "-2+3", "@SUM(A1)")
TEXT_KINDS = (schema.TEXT, schema.LONG_TEXT)


def plant(book) -> int:
    """Put formula-like text (as text) into every free-text column of every data sheet; how many cells."""
    network = read_network(book)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    planted = 0
    for sheet in schema.DATA_SHEETS:
        layout = network.layout[sheet.name]
        for column in sheet.columns:
            col = layout.column(column.header)
            if column.kind not in TEXT_KINDS or not col or column.header in ("Name", "Flags"):
                continue
            for i, row in enumerate(network.frames[sheet.name]["row"]):
                cell = wb[layout.sheet].cell(int(row), col)
                cell.value = PLANTED[(i + planted) % len(PLANTED)] + f" {i}"
                cell.data_type = "s"
                planted += 1
    subjects = network.layout[schema.SUBJECTS.name]
    frame = network.subjects
    name_col = subjects.column("Name")
    cell = wb[subjects.sheet].cell(int(frame.loc[frame["id"] == "S13", "row"].iloc[0]), name_col)
    cell.value, cell.data_type = PLANTED[0], "s"  # a person named like a formula (links name S13 by ID)
    wb.save(book)
    return planted + 1


def formula_cells(book) -> set[tuple[str, str]]:
    wb = openpyxl.load_workbook(book)
    return {(ws.title, c.coordinate) for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"}


@pytest.mark.parametrize("names", ["Full names", "Initials"])
def test_no_command_turns_typed_text_into_a_formula(book, names):
    network = read_network(book)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    wb[network.layout["Network"].sheet].cell(network.setting_rows["names_on_outputs"],
                                             network.layout["Network"].column("Value")).value = names
    wb.save(book)
    assert plant(book) > 100
    before = formula_cells(book)
    for command in (["check", "--as-of", "2026-10-01", "--write"], ["map", "--as-of", "2026-10-01", "--write"],
                    ["minutes", "--write"], ["invite", "--date", "2026-10-01"], ["review", "--date", "2026-10-01"],
                    ["check", "--as-of", "2026-10-01", "--write"]):
        result = run_peermap(command[0], book, *command[1:])
        assert result.returncode in (0, 1), (command, result.stderr)
        assert formula_cells(book) == before, command
    wb = openpyxl.load_workbook(book)
    history = [c.value for r in wb["History"].iter_rows() for c in r if isinstance(c.value, str)]
    assert PLANTED[0] in history  # kept, as text
    assert "nan" not in history


def test_the_open_workbook_gets_text_with_the_apostrophe_excel_hides():
    assert live.as_text("=1+1") == "'=1+1" and live.as_text("-2") == "'-2" and live.as_text("@x") == "'@x"
    assert live.as_text("12") == "'12" and live.as_text("Male A") == "Male A" and live.as_text(12) == 12


def test_a_far_stray_cell_on_an_output_sheet_costs_nothing_and_the_sheet_keeps_its_place(book):
    wb = openpyxl.load_workbook(book, keep_vba=True)
    for name in ("Checks", "Minutes", "Map"):
        wb[name]["XFD1048576"] = "stray"
    places = {ws.title: (i, ws.sheet_properties.codeName) for i, ws in enumerate(wb.worksheets)}
    wb.save(book)
    for command in (["check", "--as-of", "2026-10-01", "--write"], ["minutes", "--write"],
                    ["map", "--as-of", "2026-10-01", "--write"]):
        result = run_peermap(command[0], book, *command[1:])  # run_peermap stops a command after 120 s
        assert result.returncode in (0, 1), (command, result.stderr)
    wb = openpyxl.load_workbook(book)
    after = {ws.title: (i, ws.sheet_properties.codeName) for i, ws in enumerate(wb.worksheets)}
    assert {name: after[name] for name in places} == places  # the map adds its hidden Map layout at the end
    assert wb["Checks"].max_row < 1000 and wb["Minutes"].max_row < 1000


def test_a_merged_cell_where_peermap_writes_is_refused_naming_the_cell(book):
    network = read_network(book)
    links = network.layout["Links"]
    flags = openpyxl.utils.get_column_letter(links.column("Flags"))
    wb = openpyxl.load_workbook(book, keep_vba=True)
    wb[links.sheet].merge_cells(f"{flags}5:{flags}6")
    wb.save(book)
    before = book.read_bytes()
    result = run_peermap("check", book, "--as-of", "2026-10-01", "--write")
    assert result.returncode == 2
    assert f"Cell {flags}6 on the 'Links' sheet is part of merged cells" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and book.read_bytes() == before
