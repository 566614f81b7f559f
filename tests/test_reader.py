"""Reading workbooks: round trips through the template, and workbooks made by other tools."""

import datetime as dt
import shutil

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.cell import get_column_letter, range_boundaries

from peermap_xl.contract import schema
from peermap_xl.examples import city_road
from peermap_xl.record.reading import read_network

D = dt.date


def fill(path, sheet_name, rows, extend_table=True):
    """Type rows ({header: value}) under the table with plain openpyxl, as another program would."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[sheet_name]
    [table] = ws.tables.values()
    c0, r0, c1, r1 = range_boundaries(table.ref)
    headers = {ws.cell(r0, c).value: c for c in range(c0, c1 + 1)}
    row = r0
    for values in rows:
        row += 1
        for header, value in values.items():
            ws.cell(row, headers[header], value)
    if extend_table:
        table.ref = f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{max(row, r1)}"
        table.autoFilter.ref = table.ref
    wb.save(path)


@pytest.fixture
def filled(new_book):
    fill(new_book, "Subjects", [
        {"ID": "S01", "Name": "  Male  A ", "Type": "young person", "Age": " 15 ",
         "Date of birth": D(2011, 4, 3), "Status date": 46115},
        {"ID": None, "Name": "Male B", "Type": "Young person", "Age": 14.0, "Date of birth": "03/04/2012"},
        {"ID": "s7", "Name": "Unknown adult male", "Type": "Adult", "Age": "about 40",
         "Date of birth": "31/02/2000", "Risk level": "HIGH"},
        {"ID": "S08", "Name": "Twin", "Type": "Young person"},
        {"ID": "S09", "Name": "twin", "Type": "Young person", "Status": "removed"},
    ])
    fill(new_book, "Contexts", [{"ID": "C01", "Name": "123 City Road", "Type": "address"}])
    fill(new_book, "Links", [
        {"ID": "L01", "From": "s01", "To": "C01", "Relationship": "Stays at", "Evidence": "evidenced",
         "Source grade": "1", "Information grade": "b", "Last seen": "3/4/26", "First recorded": D(2026, 1, 5),
         "Times seen together": "4"},
        {"ID": "L02", "From": "male b", "To": "Male A", "Relationship": "Friend", "Source grade": 3},
        {"ID": "L03", "From": "Nobody", "To": "S01", "Relationship": "Friend", "Last seen": "yesterday"},
        {"ID": "L04", "From": "twin", "To": "S01", "Relationship": "Friend"},
        {"ID": "L05", "From": "S08", "To": "S01", "Relationship": "Friend", "Last seen": "2026-04-03"},
    ])
    fill(new_book, "Gaps", [{"Question": "Who is the adult at 123 City Road?", "About": "S07; C01 ;",
                             "Due": "03/05/2026"}])
    wb = openpyxl.load_workbook(new_book, keep_vba=True)
    ws = wb["Network"]
    ws["B2"] = "Test network"
    ws["B5"] = "county lines; missing"
    ws["B6"] = "24/08/2026"
    ws["B12"] = "60"
    wb.save(new_book)
    return new_book


def test_values_are_cleaned_and_typed(filled):
    net = read_network(filled)
    s = net.subjects.set_index("id")
    assert s.loc["S01", "name"] == "Male A"
    assert s.loc["S01", "type"] == "Young person"
    assert s.loc["S01", "age"] == 15 and s.loc["S10", "age"] == 14
    assert pd.isna(s.loc["S7", "age"])
    assert s.loc["S7", "risk_level"] == "High"
    assert s.loc["S09", "status"] == "Removed"


def test_dates_are_read_from_dates_serials_and_uk_text(filled):
    net = read_network(filled)
    s = net.subjects.set_index("id")
    assert s.loc["S01", "date_of_birth"] == pd.Timestamp(2011, 4, 3)
    assert s.loc["S01", "status_date"] == pd.Timestamp(2026, 4, 3)  # serial 46115
    assert s.loc["S10", "date_of_birth"] == pd.Timestamp(2012, 4, 3)  # "03/04/2012" is 3 April
    links = net.links.set_index("id")
    assert links.loc["L01", "last_seen"] == pd.Timestamp(2026, 4, 3)  # "3/4/26"
    assert links.loc["L05", "last_seen"] == pd.Timestamp(2026, 4, 3)  # ISO text
    assert net.gaps.loc[0, "due"] == pd.Timestamp(2026, 5, 3)
    assert net.settings["date_concern_identified"] == D(2026, 8, 24)


def test_cells_that_are_not_dates_or_numbers_are_kept_as_problems(filled):
    problems = {(p.sheet, p.row, p.column, p.kind) for p in read_network(filled).problems}
    assert problems == {
        ("Subjects", 4, "Date of birth", schema.DATE),  # 31/02/2000
        ("Subjects", 4, "Age", schema.WHOLE_NUMBER),  # "about 40"
        ("Links", 4, "Last seen", schema.DATE),  # "yesterday"
    }


def test_choices_take_the_lists_spelling_and_grades_accept_their_code(filled):
    links = read_network(filled).links.set_index("id")
    assert links.loc["L01", "evidence"] == "Evidenced"
    assert links.loc["L01", "source_grade"] == "1 Reliable"
    assert links.loc["L01", "information_grade"] == "B Known indirectly, corroborated"
    assert links.loc["L02", "source_grade"] == "3 Not reliable"
    assert links.loc["L01", "times_seen_together"] == 4


def test_blank_ids_are_numbered_after_the_highest(filled):
    s = read_network(filled).subjects
    assert list(s["id"]) == ["S01", "S10", "S7", "S08", "S09"]
    assert list(s["auto_id"]) == [False, True, False, False, False]
    assert list(read_network(filled).gaps["id"]) == ["G01"]


def test_endpoints_resolve_by_id_or_exact_name_in_any_case(filled):
    net = read_network(filled)
    links = net.links.set_index("id")
    assert (links.loc["L01", "from_id"], links.loc["L01", "to_id"]) == ("S01", "C01")
    assert (links.loc["L02", "from_id"], links.loc["L02", "to_id"]) == ("S10", "S01")
    assert pd.isna(links.loc["L03", "from_id"])  # nobody of that name
    assert pd.isna(links.loc["L04", "from_id"])  # "twin" names two people
    assert net.resolve("twin") == ["S08", "S09"]
    assert net.resolve("S7") == ["S7"] and net.resolve(" c01 ") == ["C01"]


def test_rows_are_the_worksheet_rows_a_person_would_click(filled):
    net = read_network(filled)
    assert list(net.subjects["row"]) == [2, 3, 4, 5, 6]
    assert list(net.links["row"]) == [2, 3, 4, 5, 6]


def test_network_settings_are_typed_with_defaults(filled):
    settings = read_network(filled).settings
    assert settings["network_name"] == "Test network"
    assert settings["themes"] == ("County lines", "Missing")
    assert settings["stale_after_days"] == 60
    assert settings["review_every_months"] == 3 and settings["home_borough"] == "Hackney"
    assert settings["protective_marking"] == "OFFICIAL-SENSITIVE"


def test_lists_split_on_semicolons(filled):
    assert read_network(filled).gaps.loc[0, "about"] == ("S07", "C01")


def test_rows_typed_below_a_table_that_did_not_grow_are_read(new_book):
    fill(new_book, "Contexts", [{"ID": "C01", "Name": "Youth hub", "Type": "Youth provision"},
                                {"ID": "C02", "Name": "Park", "Type": "Park or open space"}],
         extend_table=False)
    contexts = read_network(new_book).contexts
    assert list(contexts["name"]) == ["Youth hub", "Park"]
    assert list(contexts["row"]) == [2, 3]


def test_blank_and_space_only_rows_are_ignored(new_book):
    fill(new_book, "Subjects", [{"Name": "Male A", "Type": "Young person"}, {"Name": "   ", "Notes": " "},
                                {"Name": "Male B", "Type": "Young person"}, {}, {}])
    subjects = read_network(new_book).subjects
    assert list(subjects["name"]) == ["Male A", "Male B"] and list(subjects["row"]) == [2, 4]


def test_a_team_can_extend_a_drop_down_list(new_book):
    wb = openpyxl.load_workbook(new_book, keep_vba=True)
    lists = wb["Lists"]
    column = next(c for c in lists[1] if c.value == "Relationship").column
    last = max(r for r in range(1, 40) if lists.cell(r, column).value)
    lists.cell(last + 1, column, "Neighbour")
    wb.save(new_book)
    fill(new_book, "Links", [{"From": "S01", "To": "S02", "Relationship": "neighbour"}])
    net = read_network(new_book)
    assert net.lists["Relationship"][-1] == "Neighbour"
    assert net.links.loc[0, "relationship"] == "Neighbour"


def test_the_worked_example_reads_as_written(example_book):
    net = read_network(example_book)
    assert len(net.subjects) == 15 and len(net.contexts) == 6 and len(net.links) == 30
    assert not net.problems
    assert net.links["from_id"].notna().all() and net.links["to_id"].notna().all()
    assert net.links.set_index("id").loc["L05", "to_id"] == "S03"  # typed as "Male B"
    assert net.settings["key_contextual_risks"] == "County line to Plymouth"
    assert (net.direct_work["young_person_id"] == "S01").all()
    for sheet in schema.DATA_SHEETS:
        written = city_road.RECORDS[sheet.name]
        assert len(net.frames[sheet.name]) == len(written), sheet.name


# --- a workbook made by another tool, matched by header rows only ------------


def header_only_copy(path, example):
    """The example's data in a plain workbook: no tables, shuffled and extra columns, a title row."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("network")  # sheet names match whatever their case
    ws.append(["FIELD", " value "])
    for name, value in city_road.NETWORK.items():
        ws.append([name, value])
    for sheet in schema.DATA_SHEETS:
        ws = wb.create_sheet(sheet.name.upper() if sheet is schema.LINKS else sheet.name)
        ws.append([f"{sheet.name} exported from the case system"])  # a title above the headers
        headers = [c.header for c in sheet.columns][::-1] + ["Exported by"]
        ws.append([f"  {h.upper()} " if i % 2 else h for i, h in enumerate(headers)])
        for record in city_road.RECORDS[sheet.name]:
            ws.append([record.get(h) for h in headers[:-1]] + ["system"])
    wb.save(path)
    return path


def test_a_workbook_following_only_the_header_rows_reads_the_same(tmp_path, example_book):
    other = read_network(header_only_copy(tmp_path / "export.xlsx", example_book))
    ours = read_network(example_book)
    assert other.settings == ours.settings
    for sheet in schema.DATA_SHEETS:
        theirs = other.frames[sheet.name].drop(columns="row")
        mine = ours.frames[sheet.name].drop(columns="row")
        pd.testing.assert_frame_equal(theirs, mine, check_dtype=False, obj=sheet.name)
        # the header is on row 2, so every record sits one row lower than in the template
        assert list(other.frames[sheet.name]["row"]) == [r + 1 for r in ours.frames[sheet.name]["row"]]


def test_a_copy_of_the_template_saved_by_openpyxl_still_reads(tmp_path, example_book):
    copy = shutil.copy(example_book, tmp_path / "copy.xlsm")
    wb = openpyxl.load_workbook(copy, keep_vba=True)
    wb.save(copy)
    assert len(read_network(copy).links) == 30
