"""The worksheet reader (book/rows.py, lxml) reads every workbook exactly as the reader before it did (openpyxl's
worksheet parser, kept in tests/openpyxl_rows.py): the same RawBook, value for value and type for type, from the
worked example, synthetic networks, the hostile files and a sheet of every odd kind of cell; and the same
refusals, in the same words."""

from __future__ import annotations

import base64
import datetime as dt
import html
import random
import sys
import zipfile
from pathlib import Path

import openpyxl_rows
import pytest

import hostile_cases as hostile
from peermap_xl.book import file, formats, refs
from peermap_xl.contract.errors import WorkbookError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import synthetic  # noqa: E402


def typed(book) -> dict:
    """Every value the RawBook holds with its type (1, 1.0 and True are equal in Python, not in a record)."""
    tables = {name: (t.sheet, t.headers, t.header_row, t.first_col, t.columns,
                     [(n, [(type(v).__name__, v) for v in values]) for n, values in t.rows])
              for name, t in book.tables.items()}
    return {"tables": tables, "epoch": book.epoch, "sheets": book.sheet_names, "ranges": book.ranges}


def read_both(path: Path, monkeypatch):
    """(the RawBook or refusal of the new reader, that of the old one)."""
    def outcome():
        try:
            return typed(file.read_raw(path))
        except WorkbookError as refused:
            return ("refused", str(refused))

    new = outcome()
    with monkeypatch.context() as patched:
        patched.setattr(file, "read_rows", openpyxl_rows.read_rows)
        patched.setattr(file, "_cells", openpyxl_rows.cells)
        old = outcome()
    return new, old


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rows")
    hostile.example(folder)
    return folder


def test_the_worked_example_reads_as_before(folder, monkeypatch):
    new, old = read_both(hostile.example(folder), monkeypatch)
    assert new == old and len(new["tables"]["Links"][5]) == 30


@pytest.mark.parametrize("subjects, links", [(60, 200), (300, 1200)])
def test_synthetic_networks_read_as_before(subjects, links, tmp_path, monkeypatch):
    new, old = read_both(synthetic.write(tmp_path / "synthetic.xlsm", subjects, links), monkeypatch)
    assert new == old and len(new["tables"]["Links"][5]) == links


QUICK_CASES = [name for name in hostile.CASES if "bomb" not in name and "million" not in name]


@pytest.mark.parametrize("name", QUICK_CASES)
def test_each_hostile_file_reads_or_is_refused_as_before(name, folder, tmp_path, monkeypatch):
    (tmp_path / "base").symlink_to(folder / "base")
    new, old = read_both(hostile.CASES[name].build(tmp_path), monkeypatch)
    assert new == old
    assert isinstance(new, tuple) == (hostile.CASES[name].exit_code == 2)


# --- a sheet of every odd kind of cell -------------------------------------------------------------------

SHARED = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>plain shared</t></si>'
          '<si><r><t>rich </t></r><r><rPr><b/></rPr><t>shared</t></r></si><si><t>_x005F_x0041_ kept</t></si>'
          '<si><t/></si><si><t>one</t><t>two</t><r><t>a</t><t>b</t></r><rPh sb="0" eb="1"><t>phonetic</t></rPh></si>'
          '<si><t xml:space="preserve">  spaced\n line </t></si><si><r><t/></r></si></sst>')
#: Number formats a workbook may hold (custom ones from 170), each given a cell style, to compare how they read.
FORMAT_CODES = ["dd/mm/yyyy", "[h]:mm:ss", "0.00", '"day "0', "[Red]0.00", "[$-409]d-mmm-yy", "mm:ss.0", "@",
                "General", '0" mins"', "\\d0", "_d0", "yyyy", "[mm]:ss", "#,##0;[Red]-#,##0;d"]
BUILTIN_IDS = list(range(0, 60))


def with_formats(p) -> None:
    """The example's styles with a cell style for each of FORMAT_CODES and of the built-in format IDs."""
    codes = "".join(f'<numFmt numFmtId="{170 + i}" formatCode="{html.escape(code)}"/>'
                    for i, code in enumerate(FORMAT_CODES))
    xfs = "".join(f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'
                  for n in [170 + i for i in range(len(FORMAT_CODES))] + BUILTIN_IDS)
    hostile.sub(p, "xl/styles.xml", "</numFmts>", codes.replace("\\", "\\\\") + "</numFmts>")  # re.sub escapes
    hostile.sub(p, "xl/styles.xml", "</cellXfs>", xfs + "</cellXfs>")


def odd_rows(date_style: int) -> str:
    """Rows below the Subjects table holding a cell of each kind a workbook may hold."""
    d = date_style
    cells = [
        '<c r="A40" t="inlineStr"><is><r><rPr><b/></rPr><t>Rich</t></r><t>plain</t><r><t> run</t></r></is></c>',
        '<c r="B40" t="d"><v>2026-02-31</v></c>', '<c r="C40" t="d"><v>2026-03-01T10:30:00</v></c>',
        '<c r="D40" t="b"><v>1</v></c>', '<c r="E40" t="e"><v>#N/A</v></c>',
        '<c r="F40" t="str"><f>A1&amp;""</f><v></v></c>', '<c r="G40"><f>1+1</f></c>',
        f'<c r="H40" s="{d}"><v>46000.5</v></c>', f'<c r="I40" s="{d}"><v>60</v></c>',
        f'<c r="J40" s="{d}"><v>-5</v></c>', '<c r="K40"><v>1E3</v></c>', '<c r="L40"><v>abc</v></c>',
        '<c r="M40" t="s"><v>1</v></c>', '<c r="N40" t="s"><v>2</v></c>', '<c r="O40" t="s"><v>-1</v></c>',
        '<c r="U40" t="s"><v>3</v></c>', '<c r="V40" t="s"><v>4</v></c>', '<c r="W40" t="s"><v>5</v></c>',
        '<c r="P40" t="inlineStr"><is/></c>', '<c r="Q40" t="b"><v>true</v></c>', '<c r="R40"><v> 12 </v></c>',
        f'<c r="S40" s="{d}" t="d"><v>2026-03-01</v></c>', '<c r="T40" t="str"><f>B2</f><v>cached</v></c>',
    ]
    no_refs = ('<row><c t="inlineStr"><is><t>first</t></is></c><c><v>5</v></c><c s="x"><v>7</v></c>'
               '<c><v>nan</v></c><c r="F41" t="inlineStr"><is><t>at F</t></is></c><c><v>2</v></c>'
               '<c r="H41"><v>1</v></c><c r="H41"><v>2</v></c></row>')
    return f'<row r="40">{"".join(cells)}</row>{no_refs}<row r="44.0"><c r="a44"><v>3</v></c></row>'


def odd_book(folder: Path, name: str, epoch_1904: bool = False) -> Path:
    with zipfile.ZipFile(hostile.example(folder)) as package:
        date_style = min(formats.date_styles(package))

    def change(p):
        hostile.with_shared_strings(p, SHARED.encode())
        hostile.sub(p, "xl/_rels/workbook.xml.rels", "</Relationships>",
                    '<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        hostile.sub(p, hostile.sheet_part(p, "Subjects"), "</sheetData>", odd_rows(date_style) + "</sheetData>")
        with_formats(p)
        if epoch_1904:
            hostile.sub(p, "xl/workbook.xml", "<workbookPr ", '<workbookPr date1904="1" ')
    return hostile.rewritten(folder, name, change)


@pytest.mark.parametrize("epoch_1904", [False, True])
def test_every_kind_of_cell_reads_as_before(epoch_1904, folder, monkeypatch):
    new, old = read_both(odd_book(folder, f"odd cells {epoch_1904}.xlsm", epoch_1904), monkeypatch)
    assert new == old
    subjects = {n: dict(values) for n, values in [(n, list(zip(range(1, 99), v))) for n, v in
                                                   new["tables"]["Subjects"][5]]}
    assert set(subjects) >= {40, 41, 44}  # the odd rows were read, as rows of the table
    assert (new["epoch"] == dt.datetime(1904, 1, 1)) == epoch_1904


def test_every_number_format_shows_a_date_where_openpyxl_sees_one(folder):
    import openpyxl

    path = odd_book(folder, "formats.xlsm")
    wb = openpyxl.load_workbook(path, read_only=True)
    with zipfile.ZipFile(path) as package:
        assert formats.date_styles(package) == wb._date_formats - wb._timedelta_formats
        assert formats.shared_strings(package) == next(ws._shared_strings for ws in wb.worksheets)
    wb.close()
    assert len(formats.BUILTIN_DATE_FORMATS) > 5


@pytest.mark.parametrize("code", FORMAT_CODES + [None, "", "d;@", "[ss].00", "h AM/PM", 'yyyy" "'])
def test_date_and_duration_formats_are_openpyxl_s(code):
    from openpyxl.styles.numbers import is_date_format, is_timedelta_format

    assert formats.is_date_format(code) == is_date_format(code)
    assert formats.is_duration_format(code) == is_timedelta_format(code)


def test_a_cell_pointing_past_the_shared_strings_is_a_damaged_workbook(folder):
    def change(p):
        hostile.with_shared_strings(p, SHARED.encode())
        hostile.sub(p, "xl/_rels/workbook.xml.rels", "</Relationships>",
                    '<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        hostile.sub(p, hostile.sheet_part(p, "Subjects"), "</sheetData>",
                    '<row r="40"><c r="A40" t="s"><v>9</v></c></row></sheetData>')
    with pytest.raises(WorkbookError, match="is damaged or is not an Excel workbook"):
        file.read_raw(hostile.rewritten(folder, "string 9 of 3.xlsm", change))


def test_a_document_type_past_the_first_megabyte_is_refused(folder):
    """parts.py refuses a DOCTYPE in a part's first megabyte; a longer prolog (a comment) is refused by the reader."""
    def change(p):
        part = hostile.sheet_part(p, "Subjects")
        text = p[part].decode()
        start = text.index("<worksheet")
        filler = base64.b64encode(random.Random(0).randbytes(900 * 1024)).decode()  # hardly compressible
        p[part] = (text[:start] + "<!--" + filler + '-->\n<!DOCTYPE worksheet [<!ENTITY a "b">]>'
                   + text[start:]).encode()
    with pytest.raises(WorkbookError, match="declares entities"):
        file.read_raw(hostile.rewritten(folder, "late doctype.xlsm", change))


@pytest.mark.parametrize("coordinate, column", [("A1", 1), ("XFD1048576", 16384), ("ZZZ1", 18278), ("b7", 2),
                                                ("A01", 1)])
def test_cell_references_read_as_openpyxl_reads_them(coordinate, column):
    from openpyxl.utils.cell import coordinate_to_tuple

    assert refs.coordinate_column(coordinate) == coordinate_to_tuple(coordinate)[1] == column


@pytest.mark.parametrize("coordinate", ["A", "1", "A1B2", "AAAA1", "A 1", "Ä1", "A-1"])
def test_references_that_are_none_fail_as_in_openpyxl(coordinate):
    from openpyxl.utils.cell import coordinate_to_tuple

    with pytest.raises(ValueError):
        coordinate_to_tuple(coordinate)
    with pytest.raises(ValueError):
        refs.coordinate_column(coordinate)


@pytest.mark.libreoffice
def test_the_worked_example_saved_by_libreoffice_reads_as_before(soffice, folder, tmp_path, monkeypatch):
    """Another program's save: text in shared strings, its own styles and number formats, formulas calculated."""
    from test_pick_lists import libreoffice_convert

    saved = libreoffice_convert(soffice, hostile.example(folder), tmp_path, "xlsx")
    with zipfile.ZipFile(saved) as package:
        assert len(formats.shared_strings(package)) > 100 and formats.date_styles(package)
    new, old = read_both(saved, monkeypatch)
    assert new == old and len(new["tables"]["Links"][5]) == 30
