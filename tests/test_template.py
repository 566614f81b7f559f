"""The committed template: rebuilt identically, true to the contract, opened by other programs."""

import io
import json
import re
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from conftest import CONTRACT, TEMPLATE
from peermap_xl.contract import schema
from peermap_xl.xlsm import template

# --- the contract, read from its own text --------------------------------


def contract_sheets() -> dict[str, list[str]]:
    """{sheet: headers} from the header lines of docs/workbook-contract.md."""
    sheets, current = {}, None
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (\w[\w ]*?)(?: \(.*)?$", line)
        if heading:
            current = heading.group(1)
        elif current and " | " in line and not line.startswith("|") and current not in sheets:
            sheets[current] = [h.strip() for h in line.split("|")]
    return sheets


def contract_lists() -> dict[tuple[str, str], list[str]]:
    """{(sheet, column): values} from bullets such as "- Strength: Strong / Moderate / Weak."."""
    lists, current = {}, None
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (\w[\w ]*?)(?: \(.*)?$", line)
        if heading:
            current = heading.group(1)
        if not line.startswith("- ") or current is None:
            continue
        for sentence in re.split(r"\.\s+(?=[\"A-Z])", line[2:]):
            m = re.match(r"^([A-Z][A-Za-z ]+?)(?:\s*\([^)]*\))?:\s*(.+)$", sentence)
            if not m:
                continue
            values = re.sub(r'\s*\((?:[^()"]|"[^"]*")*\)', "", m.group(2)).rstrip(". ")
            if " / " in values:
                lists[(current, m.group(1))] = [v.strip() for v in values.split(" / ")]
    return lists


def contract_network_fields() -> dict[str, str]:
    fields, inside = {}, False
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            inside = line.startswith("## Network")
        elif inside and line.startswith("| ") and not line.startswith("| Field"):
            name, meaning = [c.strip() for c in line.strip("|").split("|")][:2]
            fields[name] = meaning
    return fields


def test_the_contract_parser_finds_every_sheet_and_list():
    sheets = contract_sheets()
    assert list(sheets) == [s.name for s in schema.DATA_SHEETS]
    assert len(contract_lists()) >= 20
    assert len(contract_network_fields()) == len(schema.NETWORK_FIELDS)


ADDITIONS = {"Links": ["Status"]}  # columns peermap adds after the contract's own


def test_schema_has_every_sheet_and_column_of_the_contract_in_order():
    for sheet_name, headers in contract_sheets().items():
        expected = headers + ADDITIONS.get(sheet_name, [])
        assert [c.header for c in schema.sheet(sheet_name).columns] == expected, sheet_name


def test_schema_lists_are_the_contract_lists():
    for (sheet_name, header), values in contract_lists().items():
        column = schema.sheet(sheet_name).column(header)
        assert column.list, f"{sheet_name}!{header} has no list"
        assert list(schema.LISTS[column.list]) == values, f"{sheet_name}!{header}"


def test_schema_network_fields_are_the_contract_fields():
    fields = contract_network_fields()
    assert [f.name for f in schema.NETWORK_FIELDS] == list(fields)
    for f in schema.NETWORK_FIELDS:
        meaning = fields[f.name]
        if f.kind == schema.CHOICES:
            listed = meaning.split(":", 1)[1].split(",")
            assert [v.casefold() for v in schema.LISTS[f.list]] == [v.strip().casefold() for v in listed]
        elif f.list:
            assert meaning.startswith(" / ".join(schema.LISTS[f.list])), f.name
        default = re.search(r"default (\S+?)[;:)]?(?:\s|$)", meaning)
        if default:
            assert str(f.default) == default.group(1), f.name


# --- the committed file -------------------------------------------------


def test_committed_template_matches_the_builder():
    built = template.template_bytes()
    with zipfile.ZipFile(TEMPLATE) as committed, zipfile.ZipFile(io.BytesIO(built)) as fresh:
        assert committed.namelist() == fresh.namelist()
        differ = [n for n in fresh.namelist() if committed.read(n) != fresh.read(n)]
    assert not differ, (f"workbook_template.xlsm is out of date in {differ}: "
                        "rebuild it with `python -m peermap_xl.xlsm.template`")
    assert TEMPLATE.read_bytes() == built


def test_template_is_macro_enabled_without_personal_author():
    with zipfile.ZipFile(TEMPLATE) as package:
        types = package.read("[Content_Types].xml").decode()
        core = package.read("docProps/core.xml").decode()
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert "<dc:creator></dc:creator>" in core and "<cp:lastModifiedBy></cp:lastModifiedBy>" in core
    assert "<dc:title>Peer group map</dc:title>" in core


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(TEMPLATE, keep_vba=True)


def test_every_sheet_is_there_in_order(book):
    assert book.sheetnames == [schema.START_SHEET, schema.NETWORK, *(s.name for s in schema.DATA_SHEETS),
                               *schema.OUTPUT_SHEETS, schema.LISTS_SHEET, schema.PICK_SHEET, "xlwings.conf"]
    for hidden in (schema.LISTS_SHEET, schema.PICK_SHEET, "xlwings.conf"):
        assert book[hidden].sheet_state == "hidden", hidden
    conf = {row[0].value: row[1].value for row in book["xlwings.conf"].iter_rows()}
    assert conf["UDF Modules"] == "peermap_udfs" and conf["Interpreter_Win"] in ("", None)
    assert book.active.title == schema.START_SHEET


def test_every_data_sheet_has_its_table_with_the_contract_headers(book):
    for sheet_name, headers in contract_sheets().items():
        ws = book[sheet_name]
        tables = list(ws.tables.values())
        assert [t.name for t in tables] == [sheet_name.title().replace(" ", "")]
        c0, r0, c1, _ = range_boundaries(tables[0].ref)
        assert [ws.cell(r0, c).value for c in range(c0, c1 + 1)] == headers + ADDITIONS.get(sheet_name, [])
        assert ws.freeze_panes in ("B2", "C2")


def test_network_table_has_every_field_with_its_default(book):
    ws = book[schema.NETWORK]
    assert ws.tables["Network"].ref == f"A1:B{len(schema.NETWORK_FIELDS) + 1}"
    rows = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, len(schema.NETWORK_FIELDS) + 2)}
    assert list(rows) == list(contract_network_fields())
    assert rows["Home borough"] == "Hackney" and rows["Stale after (days)"] == 90
    assert rows["Protective marking"] == "OFFICIAL-SENSITIVE" and rows["Review every (months)"] == 3


def validations_by_column(ws) -> dict[str, list]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            c0, r0, c1, r1 = cell_range.bounds
            for c in range(c0, c1 + 1):
                out.setdefault(ws.cell(1, c).value, []).append((dv, r0, r1))
    return out


def test_every_contract_list_is_a_drop_down_fed_from_the_lists_sheet(book):
    lists_ws = book[schema.LISTS_SHEET]
    lists_on_sheet = {}
    for col in lists_ws.iter_cols(values_only=True):
        lists_on_sheet[col[0]] = [v for v in col[1:] if v is not None]
    for (sheet_name, header), values in contract_lists().items():
        ws = book[sheet_name]
        found = validations_by_column(ws).get(header)
        assert found, f"{sheet_name}!{header} has no drop-down"
        dv, first, last = found[0]
        assert dv.type == "list" and first == 2 and last >= schema.ROWS_PREPARED
        name = dv.formula1.lstrip("=")
        defined = book.defined_names[name].attr_text
        column_letter = re.search(r"\$([A-Z]+)\$2", defined).group(1)
        key = lists_ws[f"{column_letter}1"].value
        assert lists_on_sheet[key] == values, f"{sheet_name}!{header}"


def test_dates_show_as_dd_mm_yyyy_and_are_checked(book):
    for sheet in schema.DATA_SHEETS:
        ws = book[sheet.name]
        validations = validations_by_column(ws)
        for i, col in enumerate(sheet.columns, start=1):
            if col.kind == schema.DATE:
                [dim] = [d for d in ws.column_dimensions.values() if d.min <= i <= d.max]
                assert dim.number_format == "dd/mm/yyyy", (sheet.name, col.header)
                assert validations[col.header][0][0].type == "date"


def test_grades_explain_themselves_when_selected(book):
    validations = validations_by_column(book[schema.LINKS.name])
    for header in ("Source grade", "Information grade", "Influence", "Evidence"):
        dv = validations[header][0][0]
        assert dv.showInputMessage and dv.prompt, header
    assert "Reliable" in validations["Source grade"][0][0].prompt
    assert "Suspected false" in validations["Information grade"][0][0].prompt


def conditional_formulas(ws) -> list[tuple[str, str]]:
    return [(str(cf.sqref), rule.formula[0]) for cf in ws.conditional_formatting for rule in cf.rules]


def letter(sheet: schema.Sheet, header: str) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter([c.header for c in sheet.columns].index(header) + 1)


def test_links_turn_amber_when_stale_and_anecdotal_evidence_stands_out(book):
    rules = conditional_formulas(book[schema.LINKS.name])
    stale = [f for ref, f in rules if "StaleAfterDays" in f]
    col = {h: letter(schema.LINKS, h) for h in ("From", "Status", "Last seen", "First recorded", "Evidence")}
    seen = f'IF(${col["Last seen"]}2<>"",${col["Last seen"]}2,${col["First recorded"]}2)'
    assert stale == [f'AND(${col["From"]}2<>"",${col["Status"]}2<>"Historic",${col["Status"]}2<>"Removed",'
                     f'ISNUMBER({seen}),{seen}<TODAY()-StaleAfterDays)']
    evidence = col["Evidence"]
    assert (f"{evidence}2:{evidence}2001", f'${evidence}2="Anecdotal"') in rules
    stale_row = 1 + [f.name for f in schema.NETWORK_FIELDS].index("Stale after (days)") + 1
    assert book.defined_names["StaleAfterDays"].attr_text == f"Network!$B${stale_row}"


def test_overdue_actions_and_gaps_turn_red(book):
    actions = conditional_formulas(book[schema.ACTIONS.name])
    assert any("$H2<TODAY()" in f and '"Done"' in f for _, f in actions)
    gaps = conditional_formulas(book[schema.GAPS.name])
    assert any("$G2<TODAY()" in f and '$H2="Open"' in f for _, f in gaps)


def test_every_sheet_prints_landscape_fitted_to_width_with_the_marking(book):
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        fit_width = ws.page_setup.fitToWidth or 1  # absent means 1 in the file format
        assert ws.sheet_properties.pageSetUpPr.fitToPage and fit_width == 1, ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert "OFFICIAL-SENSITIVE" in ws.oddHeader.center.text, ws.title
        assert "OFFICIAL-SENSITIVE" in ws.oddFooter.left.text, ws.title


def test_start_here_explains_the_process_and_its_timescales(book):
    text = " ".join(str(c.value) for row in book[schema.START_SHEET].iter_rows() for c in row if c.value)
    for phrase in ("within 14 days of the concern being identified", "within 14 days of session 1",
                   "at least 7 days before", "every 3 months", "Mosaic", "peer assessment",
                   "context assessment", "Closure", "OFFICIAL-SENSITIVE"):
        assert phrase in text, phrase
    for sheet in schema.DATA_SHEETS:
        assert sheet.name in text


def test_start_here_gives_an_example_of_every_worksheet_function(book):
    import ast

    tree = ast.parse((CONTRACT.parents[1] / "udfs" / "peermap_udfs.py").read_text())
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.isupper()]
    cells = [c.value for row in book[schema.START_SHEET].iter_rows() for c in row if isinstance(c.value, str)]
    for name in functions:
        assert any(cell.startswith(f"={name}(") for cell in cells), name  # typed as text, not as a formula
    readme = (CONTRACT.parents[1] / "README.md").read_text()
    for example, _ in template.FUNCTIONS:
        assert example in readme, example


# --- programs nobody here wrote -------------------------------------------


def test_openxml_audit_finds_no_errors():
    result = subprocess.run([sys.executable, "-m", "openxml_audit", "-o", "json", str(TEMPLATE)],
                            capture_output=True, text=True)
    [report] = json.loads(result.stdout)
    assert report["valid"] and report["error_count"] == 0, report["errors"]
    assert report["warning_count"] == 0, report
    assert result.returncode == 0


@pytest.mark.libreoffice
def test_libreoffice_opens_the_template_with_its_sheets_tables_and_drop_downs(soffice, tmp_path):
    result = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                             "--convert-to", "ods", "--outdir", str(tmp_path), str(TEMPLATE)],
                            capture_output=True, text=True, timeout=180)
    ods = tmp_path / "workbook_template.ods"
    assert ods.exists(), result.stderr
    content = zipfile.ZipFile(ods).read("content.xml").decode()
    sheets = re.findall(r'<table:table table:name="([^"]+)"', content)
    assert sheets == openpyxl.load_workbook(TEMPLATE).sheetnames
    ranges = set(re.findall(r'<table:database-range table:name="([^"]+)"', content))
    assert {s.table for s in schema.DATA_SHEETS} | {"Network"} <= ranges
    validations = re.findall(r'<table:content-validation [^>]*table:condition="([^"]*)"', content)
    used_lists = {c.list for s in schema.DATA_SHEETS for c in s.columns if c.list}
    for key in used_lists:
        assert any(f"cell-content-is-in-list({schema.list_name(key)})" in v for v in validations), key
    assert content.count("StaleAfterDays") >= 1  # the amber rule survived the import


# --- the Excel door: VBA, buttons, ribbon -------------------------------------------


def test_olevba_lists_every_macro_with_its_source():
    from oletools.olevba import VBA_Parser

    from peermap_xl.macros import excel

    parser = VBA_Parser(str(TEMPLATE))
    modules = {name: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    source = modules["PeerMap.bas"]
    assert source.replace("\r\n", "\n").strip() == excel.module_source().replace("\r\n", "\n").strip()
    for macro, _, function, _, _ in excel.ACTIONS:
        assert f"Public Sub {macro}()" in source and f'RunPeerMap "{function}"' in source
    assert 'Application.Run "xlwings.xlam!RunPython"' in source
    assert "Public Sub OnRibbon(control As Object)" in source
    restart = source[source.index("Public Sub RestartPython()"):]
    assert 'Application.Run "xlwings.xlam!KillPy"' in restart[:restart.index("End Sub")]
    assert 'Case "RestartPython": RestartPython' in source
    documents = {name[:-4] for name in modules if name.endswith(".cls")}
    assert documents == {"ThisWorkbook"} | {excel.code_name(name) for name in excel.sheet_names()}


def test_the_buttons_reuse_one_python_process():
    wb = openpyxl.load_workbook(TEMPLATE)
    conf = {row[0]: row[1] for row in wb["xlwings.conf"].iter_rows(values_only=True)}
    assert conf["Use UDF Server"] == "True" and conf["UDF Modules"] == "peermap_udfs"


def test_the_vba_project_compresses_and_decompresses_every_size():
    from oletools.olevba import decompress_stream

    from peermap_xl.macros import vba

    text = "Sub A()\r\n    MsgBox \"peermap\"\r\nEnd Sub\r\n"
    for size in (0, 1, 7, 300, 3000, 4096, 4097, 9000, 20000):
        data = (text * (size // len(text) + 1))[:size].encode()
        assert decompress_stream(bytearray(vba.compress(data))) == data, size


def test_the_ribbon_parts_are_well_formed_and_call_the_module():
    from xml.etree import ElementTree

    from peermap_xl.macros import excel

    with zipfile.ZipFile(TEMPLATE) as package:
        rels = package.read("_rels/.rels").decode()
        for part, namespace, rel_type in (excel.RIBBON_2010, excel.RIBBON_2007):
            root = ElementTree.fromstring(package.read(part))
            assert root.tag == f"{{{namespace}}}customUI"
            buttons = root.findall(f".//{{{namespace}}}button")
            assert [b.get("id") for b in buttons] == [a[0] for a in excel.ACTIONS] + ["RestartPython"]
            assert {b.get("onAction") for b in buttons} == {"OnRibbon"}
            assert f'Type="{rel_type}" Target="{part}"' in rels
        assert "xl/vbaProject.bin" in package.namelist()


def test_every_sheet_button_runs_its_macro():
    from peermap_xl.macros import excel

    with zipfile.ZipFile(TEMPLATE) as package:
        vml = " ".join(package.read(n).decode() for n in package.namelist() if n.endswith(".vml"))
    bound = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    expected = [macro for macro, *_, sheets in excel.ACTIONS for _ in sheets]
    assert sorted(bound) == sorted(expected)


@pytest.mark.libreoffice
def test_libreoffice_imports_the_module_and_binds_each_button(soffice, tmp_path):
    from peermap_xl.macros import excel

    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "ods", "--outdir", str(tmp_path), str(TEMPLATE)],
                   capture_output=True, text=True, timeout=180)
    with zipfile.ZipFile(tmp_path / "workbook_template.ods") as ods:
        module = ods.read("Basic/VBAProject/PeerMap.xml").decode()
        content = ods.read("content.xml").decode()
    for macro, *_ in excel.ACTIONS:
        assert f"Public Sub {macro}()" in module
    bound = re.findall(r"vnd\.sun\.star\.script:VBAProject\.PeerMap\.(\w+)\?", content)
    assert sorted(bound) == sorted(macro for macro, *_, sheets in excel.ACTIONS for _ in sheets)
