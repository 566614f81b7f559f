"""Reading a workbook file (no Excel needed): what is there, at a bounded cost.

The package is checked first (book/package.py: sizes, ratios, safe XML).
Each table of the contract is found by its Excel Table (through the
workbook's relationships, never by parsing worksheets) or else by its header
row. Worksheets are streamed row by row, and every row present is read,
whatever the file says its size is: a sheet's stored <dimension> and a
table's range are only where reading starts, and where they leave data out,
a RangeNote says so (rule PM109). The cell values, with their worksheet row
numbers, go to peermap_xl.record.model, which types them.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from peermap_xl.book import formats, raw
from peermap_xl.book import parts as pkg
from peermap_xl.book.raw import RawBook
from peermap_xl.book.rows import Cells, DamagedPart, read_rows
from peermap_xl.contract import schema
from peermap_xl.contract.errors import WorkbookError

_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_OLE = b"\xd0\xcf\x11\xe0"
_ODF = b"application/vnd.oasis.opendocument"
_DAMAGED = ("is damaged or is not an Excel workbook. Use the backup beside it, or the last copy you saved.")
_UNSAFE = ("holds XML that declares entities or reaches for other files, which no Excel workbook needs: "
           "peermap will not read it, as it may be made to harm the computer. Use the backup beside it, "
           "or the last copy you saved.")


def read_raw(path: str | Path, wanted: tuple[str, ...] = raw.WANTED) -> RawBook:
    """The cell values of every table of the contract found in the workbook (or of the `wanted` ones)."""
    from defusedxml import DefusedXmlException
    from lxml.etree import XMLSyntaxError

    path = Path(path)
    check_is_workbook(path)
    try:
        with zipfile.ZipFile(path) as package:
            return _read_tables(path, package, pkg.sheets(package), wanted)
    except DefusedXmlException:
        raise WorkbookError(f"{path.name} {_UNSAFE}") from None
    except (ParseError, XMLSyntaxError, DamagedPart, zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError,
            ValueError):
        raise WorkbookError(f"{path.name} {_DAMAGED}") from None


def _read_tables(path: Path, package: zipfile.ZipFile, sheets: list[pkg.SheetPart],
                 names: tuple[str, ...] = raw.WANTED) -> RawBook:
    cells = _cells(package, path)
    book = RawBook(source=path.name, epoch=cells.epoch, sheet_names=tuple(s.name for s in sheets))
    by_name = {schema.normalise_header(s.name): s for s in sheets}
    found = {wanted: hit for wanted in names if (hit := _find_table(sheets, by_name, wanted)) is not None}
    left = Counter(sheet.part for sheet, _ in found.values())  # tables still to read from each sheet
    readers: dict[str, _SheetReader] = {}
    for wanted, (sheet, table) in found.items():
        if sheet.part not in readers:  # a sheet holding two tables of the contract is read once
            readers[sheet.part] = _SheetReader(package, sheet, cells)
        sheet_rows = readers[sheet.part]
        reader = raw.TableReader(sheet.name, sheet_rows.rows, lambda rows=sheet_rows: rows.dimension)
        book.tables[wanted] = reader.read(wanted, table, book.ranges)
        left[sheet.part] -= 1
        if not left[sheet.part]:
            del readers[sheet.part]  # its rows are in its tables now: not held twice while the rest are read
    return book


def _cells(package: zipfile.ZipFile, path: Path) -> Cells:
    """How the workbook's cells read: its shared strings, date styles and date system (`path`: for the old reader,
    which tests/openpyxl_rows.py keeps as the reference, and which read them with openpyxl)."""
    return Cells(formats.shared_strings(package), formats.date_styles(package), formats.epoch(package))


def _find_table(sheets: list[pkg.SheetPart], by_name: dict, wanted: str):
    """(sheet, Excel Table or None) for a sheet of the contract: its Table by name, else its sheet by name."""
    key = schema.normalise_header(wanted).replace(" ", "")
    for sheet in sheets:
        for table in sheet.tables:
            if schema.normalise_header(table.name).replace(" ", "") == key:
                return sheet, table
    sheet = by_name.get(schema.normalise_header(wanted))
    return None if sheet is None else (sheet, None)


# --- is it a workbook at all? ------------------------------------------------


def check_is_workbook(path: Path) -> None:
    """Refuse, in words a person can act on, anything that is not an .xlsx/.xlsm file of a sane size."""
    path = Path(path)
    _check_regular_file(path)
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith(_OLE):
        _refuse_ole(path)
    if not head.startswith(b"PK"):
        raise WorkbookError(_not_a_zip(path, head))
    from defusedxml import DefusedXmlException

    try:
        with zipfile.ZipFile(path) as package:
            pkg.check_limits(package, path.name)
            _refuse_other_packages(path, package)
            pkg.check_parts_whole(package)
    except DefusedXmlException:
        raise WorkbookError(f"{path.name} {_UNSAFE}") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError):
        raise WorkbookError(f"{path.name} {_DAMAGED}") from None


def _check_regular_file(path: Path) -> None:
    """A regular file of a sane size: not missing, a folder, a pipe or device, empty, or huge."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise WorkbookError(f"{path.name} was not found in {path.parent.resolve()}. "
                            "Check the name and folder.") from None
    except OSError:
        raise WorkbookError(f"{path.name} could not be opened. Check that the file is there and "
                            "that you may read it.") from None
    if stat.S_ISDIR(info.st_mode):
        raise WorkbookError(f"{path.name} is a folder, not a workbook. Give peermap the .xlsm file inside it.")
    if not stat.S_ISREG(info.st_mode):
        raise WorkbookError(f"{path.name} is not a file but a device, pipe or socket. "
                            "Give peermap the .xlsm workbook file itself.")
    if info.st_size == 0:
        raise WorkbookError(f"{path.name} is empty (0 bytes). Use the backup beside it, or the last copy you saved.")
    if info.st_size > pkg.MAX_FILE_BYTES:
        raise pkg.too_big(path.name, f"{info.st_size // pkg.MB} MB on disk; the limit is "
                                     f"{pkg.MAX_FILE_BYTES // pkg.MB} MB")


def _refuse_ole(path: Path) -> None:
    """An OLE compound file: a password-protected workbook, or an old .xls (or another Office file)."""
    if _file_contains(path, _ENCRYPTED_MARK):
        raise WorkbookError(
            f"{path.name} is password-protected. In Excel, remove the password "
            "(File > Info > Protect Workbook > Encrypt with Password), save, and try again.")
    raise WorkbookError(f"{path.name} is an old .xls workbook. In Excel, choose File > Save As > "
                        "Excel Macro-Enabled Workbook (.xlsm), and try again with that file.")


def _file_contains(path: Path, mark: bytes) -> bool:
    """Whether `mark` occurs in the file, read in chunks (the file's size is already bounded)."""
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(pkg.MB):
            if mark in tail + chunk:
                return True
            tail = chunk[-len(mark):]
    return False


def _not_a_zip(path: Path, head: bytes) -> str:
    """Why a file that is not a zip package is not a workbook, and what to do."""
    text = None if b"\0" in head else head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n").lower()
    if text is None:
        return f"{path.name} is not an Excel workbook. Give peermap the .xlsm file."
    if text.startswith(("<html", "<!doctype html", "<table")):
        return (f"{path.name} is not an Excel workbook: it is a web page (HTML) with an Excel name. Open it "
                "in Excel, choose File > Save As > Excel Macro-Enabled Workbook (.xlsm), and try again.")
    if text.startswith("<?xml"):
        return (f"{path.name} is not an Excel workbook: it is an XML file (an old 'XML Spreadsheet'?). Open it "
                "in Excel, choose File > Save As > Excel Macro-Enabled Workbook (.xlsm), and try again.")
    kind = "a CSV text file" if path.suffix.lower() == ".csv" or "," in text.split("\n")[0] else "a text file"
    return (f"{path.name} is not an Excel workbook: it is {kind}, which holds one sheet and no lists. Copy "
            "its rows into a peermap workbook (make one with: peermap new \"Network.xlsm\"), and try again.")


def _refuse_other_packages(path: Path, package: zipfile.ZipFile) -> None:
    """A zip package that is not an Excel workbook: OpenDocument, .xlsb, Word and the like."""
    names = package.NameToInfo
    if "xl/workbook.xml" in names:
        return
    if "mimetype" in names and package.getinfo("mimetype").file_size < 200:
        mimetype = package.read("mimetype")
        if mimetype.startswith(_ODF + b".spreadsheet"):
            raise WorkbookError(
                f"{path.name} is an OpenDocument spreadsheet (.ods, from LibreOffice or OpenOffice), not an "
                "Excel workbook. In LibreOffice choose File > Save As > Excel 2007-365 (.xlsx), and try again.")
        if mimetype.startswith(_ODF):
            raise WorkbookError(f"{path.name} is an OpenDocument file (a text or slides file?), not a "
                                "workbook. Give peermap the .xlsm file.")
    if "xl/workbook.bin" in names:
        raise WorkbookError(f"{path.name} is a binary Excel workbook (.xlsb). In Excel, choose File > Save As > "
                            "Excel Macro-Enabled Workbook (.xlsm), and try again with that file.")
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise WorkbookError(f"{path.name} is a Word or PowerPoint file, not a workbook. "
                            "Give peermap the .xlsm file.")
    raise WorkbookError(f"{path.name} {_DAMAGED}")


# --- reading a worksheet, streamed -----------------------------------------


class _SheetReader:
    """One worksheet of the package, streamed once (book/rows.py); its rows then given as often as
    raw.TableReader asks."""

    def __init__(self, package: zipfile.ZipFile, sheet: pkg.SheetPart, cells):
        self.package, self.sheet, self.cells = package, sheet, cells
        self.dimension: str | None = None
        self._rows: list | None = None

    def rows(self) -> Iterator[tuple[int, dict[int, object]]]:
        """(worksheet row, {column: value}) for each row holding a value, in the file's order."""
        if self._rows is None:
            with self.package.open(self.sheet.part) as stream:
                self._rows, self.dimension = read_rows(stream, self.cells)
        return iter(self._rows)
