"""A document module for every sheet peermap adds to a workbook (issue 14).

A sheet created with openpyxl ("Map layout", or Incidents in a workbook older than that sheet) gets
its code name, but the VBA project in xl/vbaProject.bin has no document module for it. When the
project is the one peermap wrote, it is written again with the added sheets' modules and every other
module kept as it was. A project anyone else has changed is kept byte for byte, with a one-line note:
rewriting it from its source would drop what only Excel knows how to keep (its compiled code,
references, forms, protection), while Excel gives a sheet without a module one of its own when it
next saves the workbook. Refusing the write instead would stop a meeting's record for a module that
holds no code.

A project is peermap's when Office has never compiled it (source only: its _VBA_PROJECT version is
0xFFFF, which only a program writing source gives; editing the macros in Excel compiles them on save),
it holds only the streams peermap writes, its document modules are exactly those peermap writes
(excel.py), and its one standard module is peermap's (it opens with peermap's own lines). The
project is read with oletools.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

VBA_PART = "xl/vbaProject.bin"
SOURCE_ONLY = 0xFFFF


def add_document_modules(path: Path, code_names: list[str]) -> list[str]:
    """Give the workbook at `path` a document module for each code name its VBA project lacks.

    Returns the code names added (none when the project is not peermap's: then a note says so).
    """
    from peermap_xl.book.package import Package

    with zipfile.ZipFile(path) as package:
        if VBA_PART not in package.namelist():
            return []
        project = package.read(VBA_PART)
    streams = _module_streams(project)  # cheap, for every save; oletools only when a module is missing
    if not [c for c in code_names if c and c.casefold() not in streams]:
        return []
    modules = read_modules(project)
    known = {name.casefold() for name in modules}
    missing = [c for c in dict.fromkeys(code_names) if c and c.casefold() not in known]
    if not missing:
        return []
    if not is_peermaps(project, modules):
        print("peermap: note: the workbook's macros were changed outside peermap, so they are kept as they are; "
              "Excel adds the code module of the new sheet when it next saves the workbook.", file=sys.stderr)
        return []
    package = Package(Path(path).read_bytes())
    package.parts[VBA_PART] = rebuilt(modules, missing)
    Path(path).write_bytes(package.bytes())
    return missing


def read_modules(project: bytes) -> dict[str, tuple[str, bool]]:
    """{module name: (source, is a document module)} in the project's order, as oletools extracts them."""
    import logging

    from oletools.olevba import VBA_Parser

    logging.getLogger("olevba").setLevel(logging.ERROR)  # not its note that stomping goes unchecked in memory
    parser = VBA_Parser("vbaProject.bin", data=project)
    try:
        found = {}
        for _, _, file_name, code in parser.extract_macros():
            name, _, kind = file_name.rpartition(".")
            found[name] = (code.replace("\r\n", "\n").replace("\n", "\r\n"), kind == "cls")
        return found
    finally:
        parser.close()


def is_peermaps(project: bytes, modules: dict[str, tuple[str, bool]]) -> bool:
    """Was this project written by peermap and left untouched since (see the module's doc)?"""
    from peermap_xl.macros import excel

    if not _source_only_with_our_streams(project, modules):
        return False
    standard = [name for name, (_, document) in modules.items() if not document]
    if standard != [excel.MODULE] or not _ours(_lines(modules[excel.MODULE][0]), excel.module_source()):
        return False
    return all(_lines(source) in _document_sources(name) for name, (source, document) in modules.items() if document)


def rebuilt(modules: dict[str, tuple[str, bool]], added: list[str]) -> bytes:
    """The project again, every module's source kept, with a document module for each added code name."""
    from peermap_xl.macros import excel, vba

    documents = {name: source for name, (source, document) in modules.items() if document}
    documents |= {name: excel.sheet_module(name) for name in added}
    standard = {name: source for name, (source, document) in modules.items() if not document}
    return vba.project_bin(standard, documents)


def _lines(source: str) -> str:
    return source.replace("\r\n", "\n").replace("\n", "\r\n").rstrip("\r\n")


def _document_sources(name: str) -> set[str]:
    """The sources peermap writes (or wrote, before sheets had handlers) for this document module."""
    from peermap_xl.macros import excel, vba

    if name == "ThisWorkbook":
        return {_lines(vba.document_source(name, workbook=True))}
    return {_lines(excel.sheet_module(name)), _lines(vba.document_source(name))}


def _ours(source: str, current: str) -> bool:
    """peermap's standard module, of this version or an earlier one: it opens with the same lines."""
    head = current.split("\r\n")[:2]
    return source == _lines(current) or source.split("\r\n")[:2] == head


def _module_streams(project: bytes) -> set[str]:
    """The names of the streams in the project's VBA storage, casefolded (a module's stream is named like it)."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(project)) as ole:
            return {entry[1].casefold() for entry in ole.listdir(streams=True, storages=False)
                    if len(entry) == 2 and entry[0] == "VBA"}
    except OSError:
        return set()


def _source_only_with_our_streams(project: bytes, modules: dict) -> bool:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(project)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
            version = int.from_bytes(ole.openstream("VBA/_VBA_PROJECT").read()[2:4], "little")
    except (OSError, ValueError):
        return False
    ours = {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"} | {f"VBA/{name}" for name in modules}
    return version == SOURCE_ONLY and streams == ours
