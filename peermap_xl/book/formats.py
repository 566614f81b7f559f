"""What a workbook's cells need besides its worksheets, read as openpyxl's read-only load read them, without
importing openpyxl (`peermap check` does not need it): the shared strings, which cell styles show dates, and
the date system (1900 or 1904).

The parts are found where openpyxl finds them: the shared strings by their content type, the styles at
xl/styles.xml, the date system on the workbook's <workbookPr>. Elements are matched by their local name, as
openpyxl's object model matches them. The package's sizes and XML were checked first (book/parts.py), and
no entity is resolved, no DTD loaded, no network reached.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile

from peermap_xl.book import raw

SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
STYLES, WORKBOOK, CONTENT_TYPES = "xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
#: Day zero of the 1904 date system (Excel for Mac before 2011).
EPOCH_1904 = dt.datetime(1904, 1, 1)
#: Excel's built-in number formats that show a date or time (not a duration), by ID, as openpyxl reads them.
BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 47})
BUILTIN_DURATION_FORMATS = frozenset({46})
# openpyxl's tests for a date format (styles/numbers.py): what is quoted or bracketed (but [h], [m], [s]) is
# left out; a d, m, h, y or s left that is not escaped makes a date.
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_PART = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_DURATION = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def is_date_format(code: str | None) -> bool:
    if code is None:
        return False
    return _DATE_PART.search(_STRIP.sub("", code.split(";")[0])) is not None


def is_duration_format(code: str | None) -> bool:
    return code is not None and _DURATION.search(code.split(";")[0]) is not None


def _parse(package: zipfile.ZipFile, part: str):
    from defusedxml import ElementTree

    return ElementTree.fromstring(package.read(part))


def date_styles(package: zipfile.ZipFile) -> set[int]:
    """The cell styles (indexes into <cellXfs>) whose number format shows a date or time, not a duration."""
    if STYLES not in package.NameToInfo:
        return set()
    root = _parse(package, STYLES)
    custom, styles = {}, []
    for child in root:  # the last <numFmts> and <cellXfs> count, as openpyxl reads them
        if local(child.tag) == "numFmts":
            custom = {int(f.get("numFmtId", "")): f.get("formatCode") for f in child if local(f.tag) == "numFmt"}
        elif local(child.tag) == "cellXfs":
            styles = [int(xf.get("numFmtId", 0)) for xf in child if local(xf.tag) == "xf"]
    found = set()
    for index, format_id in enumerate(styles):
        if format_id in custom:
            code = custom[format_id]
            if is_date_format(code) and not is_duration_format(code):
                found.add(index)
        elif format_id in BUILTIN_DATE_FORMATS:
            found.add(index)
    return found


def epoch(package: zipfile.ZipFile) -> dt.datetime:
    """Day zero of the workbook's serial dates: 1904 where <workbookPr date1904> says so (as openpyxl reads a
    true value: anything but "false", "f", "0" or nothing)."""
    flag = None
    for child in _parse(package, WORKBOOK):
        if local(child.tag) == "workbookPr":
            flag = child.get("date1904")
    return EPOCH_1904 if flag and flag not in ("false", "f", "0") else raw.EXCEL_EPOCH


def shared_strings(package: zipfile.ZipFile) -> list[str]:
    """Every shared string, as openpyxl reads one: its last <t>, then each run's last <t> (phonetic text left
    out), with "x005F_" removed."""
    part = _shared_strings_part(package)
    if part is None:
        return []
    from lxml import etree

    from peermap_xl.book.rows import refuse_doctype

    strings, checked = [], False
    with package.open(part) as stream:
        for _, item in etree.iterparse(stream, events=("end",), tag=_MAIN + "si", resolve_entities=False,
                                       no_network=True, load_dtd=False, remove_comments=True, remove_pis=True):
            if not checked:
                refuse_doctype(item)
                checked = True
            strings.append(_string_text(item).replace("x005F_", ""))
            item.clear()
            while item.getprevious() is not None:
                del item.getparent()[0]
    return strings


def _string_text(item) -> str:
    plain, runs = None, []
    for child in item:
        name = local(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            text = None
            for part in child:
                if local(part.tag) == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    return "".join(([plain] if plain is not None else []) + runs)


def _shared_strings_part(package: zipfile.ZipFile) -> str | None:
    """The part the content types give for the shared strings (the first listed), where it is in the package."""
    if CONTENT_TYPES not in package.NameToInfo:
        return None
    for override in _parse(package, CONTENT_TYPES).iter(_CT + "Override"):
        if override.get("ContentType") == SHARED_STRINGS:
            part = (override.get("PartName") or "")[1:]
            return part if part in package.NameToInfo else None
    return None
