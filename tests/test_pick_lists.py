"""Picking people and places in a live meeting: the drop-downs, the name columns beside IDs, and the reader."""

import datetime as dt
import re
import subprocess
import zipfile

import openpyxl
import pytest

from conftest import TEMPLATE
from peermap_xl.book import edit
from peermap_xl.contract import schema
from peermap_xl.contract.suggest import suggest
from peermap_xl.record import model
from peermap_xl.record.reading import read_network
from test_checks import A, B, link, network

#: (sheet, column) of every column that names people and places.
PICKED = [(sheet.name, col.header) for sheet in schema.DATA_SHEETS for col in sheet.columns
          if col.kind in (schema.REF, schema.REFS, schema.PEER)]


def validations(ws) -> dict[str, list]:
    """{header: [data validation, ...]} for the cells of row 2."""
    out: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for c in range(1, ws.max_column + 1):
            if ws.cell(2, c).coordinate in dv.sqref:
                out.setdefault(ws.cell(1, c).value, []).append(dv)
    return out


def test_every_column_that_names_people_and_places_is_picked_from_the_list():
    assert {(s, h) for s, h in PICKED} >= {("Links", "From"), ("Links", "To"), ("Contacts", "For"),
                                           ("Gaps", "About"), ("Actions", "About"),
                                           ("Direct work", "Young person"), ("Direct work", "Peer")}
    wb = openpyxl.load_workbook(TEMPLATE)
    for sheet_name, header in PICKED:
        [dv] = validations(wb[sheet_name])[header]
        picks = schema.sheet(sheet_name).column(header).pick_list
        assert picks in (schema.PICK_LIST, schema.PEOPLE_LIST, schema.PLACES_LIST)
        assert dv.type == "list" and dv.formula1 == picks, (sheet_name, header)
        assert dv.errorStyle == "information"  # a plain ID, a name or several separated by ; still go in
        last_row = max(r.max_row for r in dv.sqref.ranges)
        assert last_row >= schema.ROWS_PREPARED and dv.showInputMessage and dv.prompt


def test_the_pick_list_is_defined_over_its_sheet_and_the_two_tables():
    wb = openpyxl.load_workbook(TEMPLATE)
    lists = wb[schema.PICK_SHEET]
    headers = {c.value: c.column_letter for c in lists[1] if c.value}
    for header, name in schema.PICK_COLUMNS:
        letter = headers[header]
        assert wb.defined_names[name].attr_text == f"'Pick lists'!${letter}$2:${letter}${schema.PICK_ROWS + 1}"
        assert lists[f"{letter}2"].value.startswith("=")
    entries = headers[schema.PICK_COLUMNS[0][0]]
    grows = wb.defined_names[schema.PICK_LIST].attr_text
    assert grows.startswith(f"OFFSET('Pick lists'!${entries}$2,") and "ROWS(Subjects[Name])" in grows
    assert "ROWS(Contexts[Name])" in grows
    assert "Subjects[ID]" in lists[f"{headers['Pick: ID']}2"].value


def test_incidents_pick_the_place_from_the_places_and_who_from_the_people():
    incidents = schema.INCIDENTS
    assert incidents.column("Where").pick_list == schema.PLACES_LIST
    assert incidents.column("Who").pick_list == schema.PEOPLE_LIST
    wb = openpyxl.load_workbook(TEMPLATE)
    found = validations(wb[incidents.name])
    [where], [who] = found["Where"], found["Who"]
    assert (where.formula1, who.formula1) == (schema.PLACES_LIST, schema.PEOPLE_LIST)
    assert max(r.max_row for r in who.sqref.ranges) >= schema.ROWS_PREPARED


def test_the_people_and_the_places_are_the_two_parts_of_the_stacked_list():
    wb = openpyxl.load_workbook(TEMPLATE)
    headers = {c.value: c.column_letter for c in wb[schema.PICK_SHEET][1] if c.value}
    first = f"'Pick lists'!${headers[schema.PICK_COLUMNS[0][0]]}$2"
    people = wb.defined_names[schema.PEOPLE_LIST].attr_text
    places = wb.defined_names[schema.PLACES_LIST].attr_text
    assert people.startswith(f"OFFSET({first},0,0,") and "ROWS(Subjects[Name])" in people
    assert "Contexts" not in people
    # the places start where the people end, and are as many as the contexts
    assert places.startswith(f"OFFSET({first},MIN(") and "ROWS(Subjects[Name])),0," in places
    assert "ROWS(Contexts[Name])" in places


def test_name_columns_sit_beside_the_ids_and_excel_fills_them():
    headers = [c.header for c in schema.LINKS.columns]
    assert headers[headers.index("From") + 1] == "From name" and headers[headers.index("To") + 1] == "To name"
    wb = openpyxl.load_workbook(TEMPLATE)
    table = wb["Links"].tables["Links"]
    formulas = {c.name: c.calculatedColumnFormula for c in table.tableColumns}
    assert "Links[[#This Row],[From]]" in formulas["From name"].attr_text
    assert "Links[[#This Row],[To]]" in formulas["To name"].attr_text
    assert formulas["From"] is None


# --- the reader ---------------------------------------------------------------------------------

RENAMED = {**B, "Name": "Jordan Smith"}  # "Male B" identified since the pick


@pytest.mark.parametrize("typed", ["Male A (S01)", "male a (s01)", "Male A", "S01", "s01", " Male  A ",
                                   "Male A ( S01 )"])
def test_list_entries_names_and_ids_all_resolve(typed):
    net = network(links=(link(From=typed, To="Youth hub (C01)"),))
    assert list(net.links["from_id"]) == ["S01"] and list(net.links["to_id"]) == ["C01"]


def test_a_renamed_person_keeps_the_link_picked_before_the_rename():
    net = network(subjects=(A, RENAMED), links=(link(From="Male A (S01)", To="Male B (S02)"),))
    assert list(net.links["to_id"]) == ["S02"]
    assert net.resolve("Male B") == []  # the old name alone no longer names anyone


def test_an_entry_whose_id_is_gone_falls_back_to_its_name():
    net = network(links=(link(To="Male B (S99)"),))
    assert list(net.links["to_id"]) == ["S02"]


def test_a_name_with_brackets_is_still_a_name():
    net = network(subjects=(A, {**B, "Name": "Unknown adult (driver)"}),
                  links=(link(To="Unknown adult (driver)"),))
    assert list(net.links["to_id"]) == ["S02"]


def test_a_peer_picked_from_the_list_shows_as_the_name_with_its_id_kept():
    net = network(direct_work=({"Young person": "Male A (S01)", "Peer": "Male B (S02)", "Closeness": 1},
                               {"Young person": "S01", "Peer": "Kai (from football)", "Closeness": 2},
                               {"Young person": "S01", "Peer": "Male B (brother)", "Closeness": 2}))
    work = net.direct_work
    assert list(work["young_person_id"]) == ["S01", "S01", "S01"]
    assert list(work["peer"]) == ["Male B", "Kai (from football)", "Male B (brother)"]  # their own words kept
    assert list(work["peer_id"])[0] == "S02" and work["peer_id"].isna().tolist() == [False, True, True]


@pytest.mark.parametrize("where, who", [("Youth hub (C01)", "Male A (S01); Male B (S02)"),
                                        ("C01", "S01; s02"), ("youth hub", "Male A; Male B (S02)")])
def test_incidents_where_and_who_read_back_as_entries_ids_or_names(where, who):
    net = network(incidents=({"Date": dt.date(2026, 11, 1), "What happened": "Fight", "Where": where, "Who": who},))
    [incident] = net.incidents.to_dict("records")
    assert incident["where_id"] == "C01"
    assert [net.resolve(ref) for ref in incident["who"]] == [["S01"], ["S02"]]


def test_about_and_for_take_list_entries():
    net = network(gaps=({"Question": "Still friends?", "About": "Male A (S01); Youth hub (C01)"},))
    assert [net.resolve(ref) for ref in net.gaps.iloc[0]["about"]] == [["S01"], ["C01"]]


def test_the_nearest_names_are_suggested_as_the_list_shows_them():
    net = network(subjects=(A, B, {"ID": "S03", "Name": "Female A", "Type": "Young person"}))
    assert net.suggest("Mle B") == ["Male B (S02)"]
    assert net.suggest("femaleA") == ["Female A (S03)"]
    assert net.suggest("Youth hbu") == ["Youth hub (C01)"]
    assert net.suggest("Zzzz") == []


def test_suggest_is_one_function_for_any_list():
    relationships = schema.LISTS["Relationship"]
    assert suggest("Freind", relationships) == ["Friend"]
    assert suggest("lives", relationships) == ["Lives at"]
    assert suggest("Sibbling", relationships) == ["Sibling"]
    assert suggest("", relationships) == [] and suggest("Zebra crossing", relationships) == []
    assert model.split_entry("Male A (S01)") == ("Male A", "S01") and model.split_entry("S01") == ("S01", None)


def test_name_columns_are_not_read_as_data(new_book):
    wb = openpyxl.load_workbook(new_book, keep_vba=True)
    edit.append_records(wb, schema.SUBJECTS, [{"ID": "S01", "Name": "Male A", "Type": "Young person"}])
    edit.append_records(wb, schema.LINKS, [{"From": "S01", "To": "S01", "Relationship": "Friend"}])
    ws = wb["Links"]
    column = {c.value: c.column for c in ws[1]}
    assert ws.cell(2, column["From"]).value == "S01"  # the first empty row, though its name cells hold formulas
    assert str(ws.cell(2, column["From name"]).value).startswith("=IF(")
    ws.cell(3, column["From name"]).value = "typed by mistake"
    edit.save(wb, new_book, backup=False)
    net = read_network(new_book)
    assert len(net.links) == 1 and "from_name" not in net.links.columns


# --- in another spreadsheet program ----------------------------------------------------------------

RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def libreoffice_convert(soffice, source, out_dir, to: str):
    """Convert with LibreOffice, recalculating every formula on load (as Excel does for a file it did not save)."""
    profile = out_dir / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE)
    result = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", to,
                             "--outdir", str(out_dir), str(source)], capture_output=True, text=True, timeout=300)
    converted = out_dir / (source.stem + "." + to.split(":")[0])
    assert converted.exists(), result.stderr
    return converted


@pytest.mark.libreoffice
def test_libreoffice_grows_the_list_with_the_tables_and_fills_the_names(soffice, new_book, tmp_path):
    wb = openpyxl.load_workbook(new_book, keep_vba=True)
    edit.append_records(wb, schema.SUBJECTS, [{"ID": "S01", "Name": "Male A", "Type": "Young person"},
                                              {"ID": "S02", "Name": "Jordan Smith", "Type": "Young person"}])
    edit.append_records(wb, schema.CONTEXTS, [{"ID": "C01", "Name": "Youth hub", "Type": "Youth provision"}])
    edit.append_records(wb, schema.LINKS, [
        {"From": "S01", "To": "Youth hub"}, {"From": "Male B (S02)", "To": "male a (S01)"},
        {"From": "Nobody", "To": "Youth hub (C01)"}])
    # a subject added after the links, as a typist would: the list must cover it
    edit.append_records(wb, schema.SUBJECTS, [{"ID": "S03", "Name": "Female A", "Type": "Young person"}])
    probe = wb[schema.START_SHEET]
    probe["Z1"], probe["Z2"] = f"=ROWS({schema.PICK_LIST})", f"=INDEX({schema.PICK_LIST},3)"
    people, places = schema.PEOPLE_LIST, schema.PLACES_LIST
    probe["Z3"], probe["Z4"] = f"=ROWS({people})", f"=INDEX({people},ROWS({people}))"
    probe["Z5"], probe["Z6"] = f"=ROWS({places})", f"=INDEX({places},1)"
    wb.save(new_book)
    recalculated = openpyxl.load_workbook(libreoffice_convert(soffice, new_book, tmp_path, "xlsx"), data_only=True)
    probed = recalculated[schema.START_SHEET]
    assert probed["Z1"].value == 4
    assert probed["Z2"].value == "Female A (S03)"
    assert (probed["Z3"].value, probed["Z4"].value) == (3, "Female A (S03)")  # the people: the subjects only
    assert (probed["Z5"].value, probed["Z6"].value) == (1, "Youth hub (C01)")  # the places: the contexts only
    lists = recalculated[schema.PICK_SHEET]
    entries = next(c.column for c in lists[1] if c.value == schema.PICK_COLUMNS[0][0])
    assert [lists.cell(r, entries).value for r in range(2, 7)] == [
        "Male A (S01)", "Jordan Smith (S02)", "Female A (S03)", "Youth hub (C01)", None]
    links = recalculated["Links"]
    column = {c.value: c.column for c in links[1]}
    names = [(links.cell(r, column["From name"]).value, links.cell(r, column["To name"]).value) for r in (2, 3, 4)]
    assert names == [("Male A", "Youth hub"), ("Jordan Smith", "Male A"), ("not found", "Youth hub")]


@pytest.mark.libreoffice
def test_libreoffice_reads_the_pick_list_validations(soffice, tmp_path):
    ods = libreoffice_convert(soffice, TEMPLATE, tmp_path, "ods")
    content = zipfile.ZipFile(ods).read("content.xml").decode()
    for name in (schema.PICK_LIST, schema.PEOPLE_LIST, schema.PLACES_LIST):
        assert f"cell-content-is-in-list({name})" in content, name
    named = re.search(r'<table:named-expression table:name="PeopleAndPlaces"[^>]*table:expression="([^"]*)"', content)
    assert named and named.group(1).startswith("OFFSET([$&apos;Pick lists&apos;.")  # a formula over its sheet
    assert "ROWS([$Subjects." in named.group(1) and "ROWS([$Contexts." in named.group(1)
