"""The VBA document modules: a pick adds to the list (Worksheet_Change), and sheets peermap adds get theirs."""

import io
import re
import struct
import zipfile

import olefile
import openpyxl
import pytest

from conftest import TEMPLATE
from peermap_xl.book import edit, vba_modules
from peermap_xl.book.package import Package
from peermap_xl.contract import schema
from peermap_xl.macros import excel, vba

#: {sheet: headers of its columns holding several entries}, from the schema.
ADDING = {s.name: [c.header for c in s.columns if c.adds_picks] for s in schema.DATA_SHEETS}


def modules_of(path) -> dict[str, str]:
    """{module name: source} as olevba extracts them."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {name.rpartition(".")[0]: code.replace("\r\n", "\n") for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def handled_headers(source: str) -> list[str] | None:
    """The headers a document module's Worksheet_Change hands to AddPick (None: no handler)."""
    if "Private Sub Worksheet_Change(ByVal Target As Range)" not in source:
        return None
    [headers] = re.findall(rf'{excel.MODULE}\.{excel.PICK_MACRO} Target, "([^"]*)"', source)
    return headers.split("|")


# --- a pick adds to the list ------------------------------------------------------------------


def test_the_sheets_with_multi_entry_columns_hand_their_changes_to_addpick():
    assert {("Gaps", "About"), ("Actions", "About"), ("Incidents", "Who")} <= {
        (sheet, h) for sheet, headers in ADDING.items() for h in headers}
    modules = modules_of(TEMPLATE)
    for sheet in schema.DATA_SHEETS:
        headers = handled_headers(modules[schema.code_name(sheet.name)])
        if not ADDING[sheet.name]:
            assert headers is None, sheet.name
            continue
        assert headers == ADDING[sheet.name], sheet.name
        for header in headers:  # each one a header of the sheet's table that holds several entries
            assert sheet.column(header).kind in schema.MULTI_PICK
    others = [name for name in modules if name not in {schema.code_name(s.name) for s in schema.DATA_SHEETS}]
    assert all(handled_headers(modules[name]) is None for name in others)


def test_addpick_is_defensive_and_undoes_only_a_single_pick_from_the_list():
    source = modules_of(TEMPLATE)[excel.MODULE]
    body = source[source.index(f"Public Sub {excel.PICK_MACRO}("):]
    body = body[:body.index("End Sub")]
    order = ["On Error GoTo Done", "Target.Cells.CountLarge <> 1", "InColumns(Target, headers)",
             "OnItsList(Target, picked)", "Application.EnableEvents = False", "Application.Undo",
             "Target.Value = WithPick(held, picked)", "Done:", "Application.EnableEvents = True"]
    positions = [body.find(step) for step in order]
    assert -1 not in positions and positions == sorted(positions), dict(zip(order, positions))
    assert body.count("Application.Undo") == 1
    on_list = source[source.index("Private Function OnItsList"):]
    assert "Target.Validation.Type <> 3" in on_list[:on_list.index("End Function")]  # a drop-down's pick only
    in_columns = source[source.index("Private Function InColumns"):]
    assert "Target.ListObject" in in_columns[:in_columns.index("End Function")]  # found by header in the table


def test_a_pick_adds_and_an_entry_already_there_is_not_repeated():
    """WithPick's rule, stated once in VBA: checked here on the source's own lines."""
    source = modules_of(TEMPLATE)[excel.MODULE]
    with_pick = source[source.index("Private Function WithPick"):]
    with_pick = with_pick[:with_pick.index("End Function")]
    assert 'WithPick = held & "; " & picked' in with_pick  # added after what the cell held
    assert "StrComp(Trim$(entry), picked, vbTextCompare) = 0 Then WithPick = held" in with_pick  # not twice
    assert 'If held = "" Then WithPick = picked' in with_pick


def test_the_multi_entry_drop_downs_never_reject_a_cell_holding_several_entries():
    wb = openpyxl.load_workbook(TEMPLATE)
    for sheet_name, headers in ADDING.items():
        ws = wb[sheet_name]
        column = {c.value: c.coordinate.rstrip("1") for c in ws[1]}
        for header in headers:
            [dv] = [dv for dv in ws.data_validations.dataValidation if f"{column[header]}2" in dv.sqref]
            assert dv.type == "list" and dv.showDropDown in (None, False)  # the arrow is shown
            assert dv.errorStyle in ("information", "warning") or not dv.showErrorMessage, (sheet_name, header)


# --- sheets peermap adds get their document module -----------------------------------------------


def with_project(path, project: bytes) -> None:
    package = Package(path.read_bytes())
    package.parts[vba_modules.VBA_PART] = project
    path.write_bytes(package.bytes())


def without_sheet(path, sheet_name: str) -> None:
    """An older workbook: made before `sheet_name` existed, so neither the sheet nor its module is there."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    del wb[sheet_name]
    wb.save(path)
    names = [n for n in excel.sheet_names() if n != sheet_name]
    with_project(path, vba.project_bin({excel.MODULE: excel.module_source()}, excel.document_modules(names)))


def add_sheet(path, name: str) -> None:
    wb = edit.open_for_edit(path)
    edit.sheet_named(wb, name)
    edit.save(wb, path, backup=False)


def test_a_sheet_peermap_creates_gets_its_document_module_and_the_rest_is_kept(new_book):
    before = modules_of(new_book)
    assert schema.code_name(schema.MAP_LAYOUT.name) not in before
    add_sheet(new_book, schema.MAP_LAYOUT.name)
    after = modules_of(new_book)
    added = schema.code_name(schema.MAP_LAYOUT.name)
    assert openpyxl.load_workbook(new_book, keep_vba=True)[schema.MAP_LAYOUT.name].sheet_properties.codeName == added
    assert after.pop(added).rstrip() == vba.document_source(added).replace("\r\n", "\n").rstrip()
    assert after == before


def test_an_older_workbook_given_incidents_gets_its_module_with_the_pick_handler(new_book):
    without_sheet(new_book, schema.INCIDENTS.name)
    assert schema.code_name(schema.INCIDENTS.name) not in modules_of(new_book)
    add_sheet(new_book, schema.INCIDENTS.name)
    modules = modules_of(new_book)
    assert handled_headers(modules[schema.code_name(schema.INCIDENTS.name)]) == ADDING[schema.INCIDENTS.name]
    assert modules[excel.MODULE].strip() == excel.module_source().replace("\r\n", "\n").strip()
    with olefile.OleFileIO(io.BytesIO(zipfile.ZipFile(new_book).read(vba_modules.VBA_PART))) as ole:
        assert ole.openstream("VBA/_VBA_PROJECT").read()[2:4] == b"\xff\xff"  # still source only


def compiled(project: bytes) -> bytes:
    """The project as if Excel had saved it: its _VBA_PROJECT version no longer 0xFFFF."""
    streams = {"/".join(e): None for e in olefile.OleFileIO(io.BytesIO(project)).listdir()}
    assert "VBA/_VBA_PROJECT" in streams
    source_only = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 0)
    assert project.count(source_only) == 1
    return project.replace(source_only, struct.pack("<HHBH", 0x61CC, 0x00B2, 0, 0))


@pytest.mark.parametrize("change", ["compiled by Excel", "a module edited"])
def test_a_project_changed_outside_peermap_is_kept_byte_for_byte_with_a_note(new_book, capsys, change):
    project = zipfile.ZipFile(new_book).read(vba_modules.VBA_PART)
    if change == "compiled by Excel":
        changed = compiled(project)
    else:
        documents = excel.document_modules(excel.sheet_names())
        documents["shtGaps"] += "\r\nPrivate Sub Worksheet_Activate()\r\n    Beep\r\nEnd Sub\r\n"
        changed = vba.project_bin({excel.MODULE: excel.module_source()}, documents)
    with_project(new_book, changed)
    add_sheet(new_book, schema.MAP_LAYOUT.name)
    assert zipfile.ZipFile(new_book).read(vba_modules.VBA_PART) == changed
    note = capsys.readouterr().err.strip().splitlines()
    assert len(note) == 1 and "Excel adds the code module of the new sheet when it next saves" in note[0]


def test_the_templates_project_is_recognised_as_peermaps():
    project = zipfile.ZipFile(TEMPLATE).read(vba_modules.VBA_PART)
    modules = vba_modules.read_modules(project)
    assert vba_modules.is_peermaps(project, modules)
    assert not vba_modules.is_peermaps(compiled(project), modules)
    again = vba_modules.rebuilt(modules, [])
    assert vba_modules.read_modules(again) == modules
