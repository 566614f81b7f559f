"""Reading a workbook file with openpyxl (no Excel needed).

Finds each table of the contract by its Excel Table name, or else by its
header row, and hands the cell values, with their worksheet row numbers, to
peermap_xl.model, which types them.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from peermap_xl import schema
from peermap_xl.book import raw
from peermap_xl.book.raw import RawBook, RawTable
from peermap_xl.errors import WorkbookError

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


def read_network(path: str | Path):
    """The workbook at `path` as a peermap_xl.model.Network."""
    from peermap_xl import model

    return model.build(read_raw(path))


def read_raw(path: str | Path) -> RawBook:
    """The cell values of every table of the contract found in the workbook."""
    path = Path(path)
    check_is_workbook(path)
    import openpyxl  # imported here: `peermap new` and `peermap rules` do not need it

    try:
        with zipfile.ZipFile(path) as package:
            tables = _tables_by_sheet(package)
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except WorkbookError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged package
        raise WorkbookError(f"{path.name} could not be read as a workbook ({type(exc).__name__}). "
                            "Open it in Excel, save it as .xlsm, and try again.") from None
    try:
        sheets = {schema.normalise_header(name): name for name in wb.sheetnames}
        book = RawBook(source=path.name, epoch=wb.epoch, sheet_names=tuple(wb.sheetnames))
        for wanted in raw.WANTED:
            table = _find_table(wb, sheets, tables, wanted)
            if table is not None:
                book.tables[wanted] = table
        return book
    finally:
        wb.close()


def check_is_workbook(path: Path) -> None:
    """Refuse, in words a person can act on, anything that is not an .xlsx/.xlsm file."""
    if not path.exists():
        raise WorkbookError(f"{path.name} was not found in {path.parent.resolve()}. Check the name and folder.")
    if path.is_dir():
        raise WorkbookError(f"{path.name} is a folder, not a workbook.")
    with path.open("rb") as f:
        head = f.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file
            if _ENCRYPTED_MARK in f.read():
                raise WorkbookError(
                    f"{path.name} is password-protected. In Excel, remove the password "
                    "(File > Info > Protect Workbook > Encrypt with Password), save, and try again.")
            raise WorkbookError(f"{path.name} is an old .xls workbook. Save it in Excel as .xlsm and try again.")
    if not head.startswith(b"PK"):
        raise WorkbookError(f"{path.name} is not an Excel workbook. Give peermap the .xlsm file.")
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            damaged = package.testzip()
    except (zipfile.BadZipFile, OSError, EOFError):
        names, damaged = set(), "?"
    if damaged or "xl/workbook.xml" not in names:
        raise WorkbookError(f"{path.name} is damaged or is not an Excel workbook. "
                            f"Use the backup beside it, or the last copy you saved.")


def _tables_by_sheet(package: zipfile.ZipFile) -> dict[str, list[tuple[str, str]]]:
    """{sheet name: [(table name, ref), ...]}, read from the package's XML."""

    def rels(part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        if rels_part not in package.namelist():
            return {}
        root = ElementTree.fromstring(package.read(rels_part))
        out = {}
        for rel in root.iter(_PKG_REL + "Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id")] = full
        return out

    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    book_rels = rels("xl/workbook.xml")
    found: dict[str, list[tuple[str, str]]] = {}
    for sheet in workbook.iter(_MAIN + "sheet"):
        part = book_rels.get(sheet.get(_REL + "id"))
        if not part or part not in package.namelist():
            continue
        sheet_xml = ElementTree.fromstring(package.read(part))
        sheet_rels = rels(part)
        for table_part in sheet_xml.iter(_MAIN + "tablePart"):
            table_file = sheet_rels.get(table_part.get(_REL + "id"))
            if not table_file or table_file not in package.namelist():
                continue
            table = ElementTree.fromstring(package.read(table_file))
            if table.get("headerRowCount") == "0":
                continue  # a table without headers cannot be matched to the contract
            ref = table.get("ref", "")
            if table.get("totalsRowCount") not in (None, "0"):
                ref = _drop_last_row(ref)
            found.setdefault(sheet.get("name"), []).append((table.get("name") or "", ref))
    return found


def _drop_last_row(ref: str) -> str:
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    c0, r0, c1, r1 = range_boundaries(ref)
    return f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{max(r0, r1 - 1)}"


def _find_table(wb, sheets: dict[str, str], tables, wanted: str) -> RawTable | None:
    """The table named like `wanted`, or the header row of the sheet called `wanted`."""
    from openpyxl.utils.cell import range_boundaries

    key = schema.normalise_header(wanted).replace(" ", "")
    for sheet_name, sheet_tables in tables.items():
        for table_name, ref in sheet_tables:
            if schema.normalise_header(table_name).replace(" ", "") == key:
                c0, r0, c1, r1 = range_boundaries(ref)
                return _read_rows(wb[sheet_name], r0, c0, c1, table_end=r1)
    sheet_name = sheets.get(schema.normalise_header(wanted))
    if sheet_name is None:
        return None
    ws = wb[sheet_name]
    header_row = _find_header_row(ws, wanted)
    if header_row is None:
        return RawTable(sheet=sheet_name, headers=[], rows=[])
    return _read_rows(ws, header_row, 1, None, table_end=None)


def _find_header_row(ws, wanted: str) -> int | None:
    return raw.find_header_row(ws.iter_rows(max_row=raw.HEADER_SEARCH_ROWS, values_only=True), wanted)


def _read_rows(ws, header_row: int, first_col: int, last_col: int | None, table_end: int | None) -> RawTable:
    rows = ws.iter_rows(min_row=header_row, min_col=first_col, max_col=last_col, values_only=True)
    return raw.table_from_rows(ws.title, rows, header_row, first_col, table_end)
