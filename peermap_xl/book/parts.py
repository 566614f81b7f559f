"""The parts of a workbook file (a zip package), checked before anything in it is parsed.

A workbook is a zip file. A hostile or broken one can claim small and inflate
to gigabytes (a "zip bomb"), or carry XML that expands itself (an "entity
bomb") or reaches out to other files. So, before openpyxl or peermap parses
a byte, every part's declared size and compression ratio is held to limits
that no real peer-map workbook approaches (the worked example is 0.2 MB
inflated, its largest part 36 KB at 7:1); the parts peermap parses whole
(the workbook, its relationships and its tables) are small by their nature
and parsed with defusedxml, which refuses entity declarations and external
references. Worksheets are never parsed here: they are streamed, row by row,
by book/file.py.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from peermap_xl.book import raw
from peermap_xl.contract.errors import WorkbookError

MB = 1024 * 1024
#: The limits, far above any real peer map (stated in README.md too).
MAX_FILE_BYTES = 100 * MB  # the file on disk
MAX_PARTS = 1000  # parts in the package (a new workbook has 57)
MAX_PART_BYTES = 50 * MB  # any one part, inflated (a map picture is the largest real part)
MAX_XML_PART_BYTES = 48 * MB  # any one XML part, inflated: some 25,000 links (a borough-wide map), 70,000 History rows
MAX_SHARED_STRINGS_BYTES = 4 * MB  # the text of every cell, inflated (real: well under 1 MB), held whole
MAX_XML_TOTAL_BYTES = 64 * MB  # all XML parts together, inflated: what reading costs in time
MAX_TOTAL_BYTES = 200 * MB  # all parts together, inflated
MAX_RATIO = 100  # inflated size / stored size, for parts over RATIO_FROM_BYTES (real parts: under 10)
RATIO_FROM_BYTES = 1 * MB
MAX_PARSED_PART_BYTES = 1 * MB  # the workbook, relationships and table parts, parsed whole (real: a few KB)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TABLE_TYPE = "/table"
_CHUNK = 1 * MB
#: Formatted empty rows and cells in one sheet that a save may rewrite. Reading streams them at no cost, but a
#: save holds each in memory twice over (openpyxl's load, then the sheet parsed again to carry back what it
#: drops): 120,000 such rows took 510 MB. Real sheets have none to a few thousand.
MAX_EMPTY_ROWS = 50_000
MAX_EMPTY_CELLS = 500_000
_EMPTY_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*/>")
_EMPTY_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*/>")


def too_big(name: str, what: str) -> WorkbookError:
    return WorkbookError(
        f"{name} is far larger inside than any peer map ({what}), so peermap will not open it: it may be "
        "damaged or made to harm the computer. Use the backup beside it or the last copy you saved; if the "
        "file is yours, delete empty formatted rows below your data in Excel, save, and try again.")


def check_limits(package: zipfile.ZipFile, name: str) -> None:
    """Refuse a package whose declared sizes pass the limits, before any part is read."""
    infos = package.infolist()
    if len(infos) > MAX_PARTS:
        raise too_big(name, f"{len(infos)} parts; the limit is {MAX_PARTS}")
    if len({i.filename for i in infos}) != len(infos):
        raise WorkbookError(f"{name} is damaged (two parts have the same name). "
                            "Use the backup beside it, or the last copy you saved.")
    for info in infos:
        limit = _part_limit(info.filename)
        if info.file_size > limit:
            raise too_big(name, f"one part inflates to {info.file_size // MB} MB; the limit is {limit // MB} MB")
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise too_big(name, f"one part inflates {info.file_size // max(info.compress_size, 1)} times; "
                                f"the limit is {MAX_RATIO} times")
    xml = sum(i.file_size for i in infos if _is_xml(i.filename))
    if xml > MAX_XML_TOTAL_BYTES:
        raise too_big(name, f"{xml // MB} MB of XML inflated; the limit is {MAX_XML_TOTAL_BYTES // MB} MB")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        raise too_big(name, f"{total // MB} MB inflated; the limit is {MAX_TOTAL_BYTES // MB} MB")


def _is_xml(part: str) -> bool:
    return part.endswith((".xml", ".rels", ".vml"))


def _part_limit(part: str) -> int:
    if part.lower() == "xl/sharedstrings.xml":
        return MAX_SHARED_STRINGS_BYTES
    return MAX_XML_PART_BYTES if _is_xml(part) else MAX_PART_BYTES


def check_parts_whole(package: zipfile.ZipFile) -> None:
    """Inflate every part in chunks: each must inflate to exactly its declared size, with its CRC.

    zipfile itself stops at the declared size, so a part that would inflate
    further passes its CRC there, yet a whole read of it (openpyxl's, keeping
    the macros) would inflate all of it at once: here such a part is found
    without inflating more than a chunk past what it declares.
    """
    for info in package.infolist():
        if info.compress_type == zipfile.ZIP_STORED:
            ok = info.compress_size == info.file_size
            if ok and _is_xml(info.filename):
                with package.open(info) as part:
                    refuse_dtd(part.read(_CHUNK))
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            ok = _inflates_as_declared(package, info, _is_xml(info.filename))
        else:
            raise zipfile.BadZipFile("a part is compressed in a way Excel does not use")
        if not ok:
            raise zipfile.BadZipFile("a part does not inflate to its declared size")


def _inflates_as_declared(package: zipfile.ZipFile, info: zipfile.ZipInfo, xml: bool) -> bool:
    with package.open(info) as part:  # checks the local header, and leaves the file at the part's data
        stream = part._fileobj  # noqa: SLF001 (zipfile gives no public door to a part's stored bytes)
        inflater, left, seen, crc = zlib.decompressobj(-15), info.compress_size, 0, 0
        pending = b""
        while not inflater.eof and seen <= info.file_size:
            if not pending:
                if left <= 0:
                    break
                pending = stream.read(min(_CHUNK, left))
                left -= len(pending)
                if not pending:
                    break
            out = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            if xml and seen == 0:
                refuse_dtd(out)
            seen, crc = seen + len(out), zlib.crc32(out, crc)
    return inflater.eof and seen == info.file_size and crc == info.CRC


def refuse_dtd(head: bytes) -> None:
    """Raise DTDForbidden if an XML part opens with a document type (where entities are declared).

    Excel never writes one, so no part of an accepted package has one, whichever
    parser reads it later (openpyxl, lxml on save, peermap's own). Only the prolog
    is read: the parse stops at the first element, where a DOCTYPE can no longer come.
    """
    from xml.parsers import expat

    from defusedxml import DTDForbidden

    def doctype(name, system_id, public_id, _internal_subset):
        raise DTDForbidden(name, system_id, public_id)

    def first_element(*_):
        raise _PrologRead

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = first_element
    try:
        parser.Parse(head, False)
    except (_PrologRead, expat.ExpatError):
        pass  # the prolog read; or a damaged part, found when it is read


class _PrologRead(Exception):
    """The first element of a part: no DOCTYPE can follow."""


def parse_part(package: zipfile.ZipFile, part: str):
    """A small part (the workbook, relationships, a table) parsed whole, with defusedxml."""
    from defusedxml import ElementTree

    if package.getinfo(part).file_size > MAX_PARSED_PART_BYTES:
        raise too_big(Path(package.filename or "").name or "The workbook",
                      f"{part} is {package.getinfo(part).file_size // 1024} KB; "
                      f"the limit is {MAX_PARSED_PART_BYTES // 1024} KB")
    return ElementTree.fromstring(package.read(part))


def relationships(package: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """{relationship id: (target part, type)} of a part, from its .rels part (internal targets only)."""
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    if rels_part not in package.NameToInfo:
        return {}
    out = {}
    for rel in parse_part(package, rels_part).iter(_PKG_REL + "Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id")] = (full, rel.get("Type", ""))
    return out


@dataclass(frozen=True)
class SheetPart:
    name: str  # the worksheet's name as the workbook spells it
    part: str  # its XML part in the package
    tables: tuple[raw.TableRange, ...]


def sheets(package: zipfile.ZipFile) -> list[SheetPart]:
    """The worksheets and their tables, found through relationships: no worksheet XML is parsed."""
    book_rels = relationships(package, "xl/workbook.xml")
    found = []
    for sheet in parse_part(package, "xl/workbook.xml").iter(_MAIN + "sheet"):
        part, _ = book_rels.get(sheet.get(_REL + "id"), ("", ""))
        if part not in package.NameToInfo:
            continue
        tables = tuple(t for target, kind in relationships(package, part).values()
                       if kind.endswith(_TABLE_TYPE) and target in package.NameToInfo
                       and (t := _table(package, target)) is not None)
        found.append(SheetPart(sheet.get("name") or "", part, tables))
    return found


def _table(package: zipfile.ZipFile, part: str) -> raw.TableRange | None:
    table = parse_part(package, part)
    if table.get("headerRowCount") == "0":
        return None  # a table without headers cannot be matched to the contract
    return raw.table_range(table.get("name") or "", table.get("ref", ""), table.get("totalsRowCount"))


def refuse_padding(package: zipfile.ZipFile, name: str) -> None:
    """Refuse to rewrite a workbook with a sheet of more formatted empty rows or cells than a save can hold
    (MAX_EMPTY_ROWS, MAX_EMPTY_CELLS): counted by streaming each worksheet, never parsing it."""
    smallest = len(b'<c r="A1"/>') * min(MAX_EMPTY_ROWS, MAX_EMPTY_CELLS)  # no sheet under it can pass a limit
    for sheet in sheets(package):
        if package.getinfo(sheet.part).file_size < smallest:
            continue
        rows, cells = empty_elements(package, sheet.part)
        if rows > MAX_EMPTY_ROWS or cells > MAX_EMPTY_CELLS:
            raise WorkbookError(
                f"{name} was not changed: its {sheet.name} sheet has {rows:,} formatted empty rows and {cells:,} "
                "formatted empty cells, more than peermap can rewrite safely. In Excel, select the empty rows "
                "below the table, right-click, Delete, save, and try again (peermap check without --write "
                "reads it as it is).")


def empty_elements(package: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(empty rows, empty cells): the self-closing <row/> and <c/> elements of a worksheet, streamed in chunks."""
    rows = cells = 0
    tail = b""
    with package.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            data = tail + chunk
            cut = data.rfind(b"<") if chunk else len(data)  # an element cut by the chunk waits for the next
            body, tail = data[:max(cut, 0)], data[max(cut, 0):]
            rows += sum(1 for _ in _EMPTY_ROW.finditer(body))
            cells += sum(1 for _ in _EMPTY_CELL.finditer(body))
            if not chunk:
                return rows, cells
