"""Bad input: one clear message naming the file (and sheet and column), exit 2, the file untouched."""

import hashlib
import io

import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from conftest import TEMPLATE, run_peermap
from peermap_xl.contract.errors import WorkbookError
from peermap_xl.record.reading import read_network


def text_file(path):
    path.write_text("Name,Type\nMale A,Young person\n")


def truncated(path):
    path.write_bytes(TEMPLATE.read_bytes()[: TEMPLATE.stat().st_size // 2])


def empty_workbook(path):
    openpyxl.Workbook().save(path)


def without_links(path):
    wb = openpyxl.load_workbook(TEMPLATE, keep_vba=True)
    del wb["Links"]
    wb.save(path)


def without_from_column(path):
    wb = openpyxl.Workbook()
    wb.active.title = "Subjects"
    wb.active.append(["ID", "Name", "Type"])
    wb.create_sheet("Contexts").append(["ID", "Name", "Type"])
    links = wb.create_sheet("Links")
    links.append(["ID", "To", "Relationship"])
    links.append(["L01", "S01", "Friend"])
    wb.save(path)


def password_protected(path):
    encrypted = io.BytesIO()
    office = OOXMLFile(io.BytesIO(TEMPLATE.read_bytes()))
    office.encrypt("secret", encrypted)
    path.write_bytes(encrypted.getvalue())


def old_xls(path):
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))


CASES = {
    "text file renamed .xlsx": (text_file, "Map.xlsx", "is not an Excel workbook"),
    "truncated zip": (truncated, "Map.xlsm", "is damaged"),
    "empty workbook": (empty_workbook, "Map.xlsx", "has no 'Subjects' sheet"),
    "no Links sheet": (without_links, "Map.xlsm", "has no 'Links' sheet"),
    "no From column": (without_from_column, "Map.xlsx", "the 'Links' sheet has no 'From' column"),
    "password-protected": (password_protected, "Map.xlsm", "is password-protected"),
    "old .xls": (old_xls, "Map.xls", "is an old .xls workbook"),
}


@pytest.fixture(params=list(CASES), ids=list(CASES))
def bad_book(request, tmp_path):
    make, name, expected = CASES[request.param]
    path = tmp_path / name
    make(path)
    return path, expected


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_reader_raises_one_clear_error(bad_book):
    path, expected = bad_book
    before = digest(path)
    with pytest.raises(WorkbookError) as raised:
        read_network(path)
    message = str(raised.value)
    assert message.startswith(path.name) and expected in message
    assert "\n" not in message
    assert digest(path) == before


def test_the_command_says_it_in_one_line_and_exits_2(bad_book):
    path, expected = bad_book
    before = digest(path)
    result = run_peermap("summary", path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("peermap: ") and expected in lines[0]
    assert "Traceback" not in result.stderr
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temp or backup left


def test_a_missing_file_is_named(tmp_path):
    result = run_peermap("summary", tmp_path / "Nowhere.xlsm")
    assert result.returncode == 2 and "Nowhere.xlsm was not found" in result.stderr


def test_messages_never_quote_the_data(tmp_path):
    """A broken cell's content (possibly a child's details) stays out of the message."""
    path = tmp_path / "Map.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Subjects"
    wb.active.append(["ID", "Nme", "Type"])
    wb.active.append(["S01", "Male A lives at 1 Secret Road", "Young person"])
    wb.create_sheet("Contexts").append(["ID", "Name", "Type"])
    wb.create_sheet("Links").append(["ID", "From", "To", "Relationship"])
    wb.save(path)
    result = run_peermap("summary", path)
    assert result.returncode == 2 and "'Subjects' sheet has no 'Name' column" in result.stderr
    assert "Secret" not in result.stderr
