"""Hostile and broken workbook files, built on the fly (nothing large is committed), and a measured run.

Each builder writes one file from the worked example. The bombs are deflate
streams made of one compressed block repeated (a full flush makes each copy
stand alone), so a file that inflates to 2 GiB takes a few megabytes and
well under a second to make. Used by tests/test_hostile.py; run as a script
it prints the table of cases with exit code, peak memory and time:

    python tests/hostile_cases.py [--commands summary,check] [CASE ...]
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

GiB = 1024**3
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# --- writing a zip part by part, deflated streams as given -------------------


@dataclass
class Deflated:
    """A part given as its raw deflate stream, with the CRC and size the package will declare."""

    stream: bytes
    crc: int
    size: int


def deflate(data: bytes) -> Deflated:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Deflated(c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def bomb(prefix: bytes, block: bytes, copies: int, suffix: bytes) -> Deflated:
    """prefix + block * copies + suffix, deflated without ever holding it whole."""

    def piece(data: bytes, mode: int) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(mode)

    stream = piece(prefix, zlib.Z_FULL_FLUSH) + piece(block, zlib.Z_FULL_FLUSH) * copies + piece(suffix, zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(copies):
        crc = zlib.crc32(block, crc)
    return Deflated(stream, zlib.crc32(suffix, crc), len(prefix) + len(block) * copies + len(suffix))


def write_zip(path: Path, parts: dict[str, bytes | Deflated]) -> Path:
    """A zip package holding `parts` in order (sizes below 4 GiB: no zip64 needed)."""
    central = []
    with open(path, "wb") as f:
        for name, part in parts.items():
            part = deflate(part) if isinstance(part, bytes) else part
            encoded, offset = name.encode(), f.tell()
            f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, part.crc, len(part.stream),
                                part.size, len(encoded), 0) + encoded + part.stream)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, part.crc,
                                       len(part.stream), part.size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
        start = f.tell()
        f.write(b"".join(central))
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), f.tell() - start, start, 0))
    return path


# --- the worked example, part by part ----------------------------------------


def example(folder: Path) -> Path:
    """The worked example, written once per folder."""
    from peermap_xl.examples import city_road, write_example

    path = folder / "base" / city_road.FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_example(path)
    return path


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    """The XML part of a worksheet, by the workbook's relationships (trusted input: the example)."""
    book = parts["xl/workbook.xml"].decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(rId\d+)"', book).group(1)
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rel = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*/>', rels).group(0)
    target = re.search(r'Target="/?([^"]+)"', rel).group(1)
    return target if target.startswith("xl/") else "xl/" + target


def table_part(parts: dict[str, bytes], table: str) -> str:
    return next(name for name, data in parts.items()
                if name.startswith("xl/tables/") and f'name="{table}"'.encode() in data)


def rewritten(folder: Path, name: str, change) -> Path:
    """The example with its parts changed by `change(parts)`, written as `name`."""
    parts = parts_of(example(folder))
    change(parts)
    return write_zip(folder / name, parts)


def sub(parts: dict[str, bytes], part: str, pattern: str, replacement: str, count: int = 0) -> None:
    text, n = re.subn(pattern, replacement, parts[part].decode(), count=count)
    assert n, f"{pattern} not in {part}"
    parts[part] = text.encode()


# --- the cases ---------------------------------------------------------------


def understated_subjects(folder):
    return rewritten(folder, "dimension A1 on Subjects.xlsm", lambda p: sub(
        p, sheet_part(p, "Subjects"), r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>'))


def _links_last_column() -> str:
    """The Links table's last column letter (found from the contract, not assumed)."""
    from openpyxl.utils.cell import get_column_letter

    from peermap_xl.contract import schema

    return get_column_letter(len(schema.LINKS.columns))


L = _links_last_column()


def understated_links(folder):
    return rewritten(folder, "Links claiming A1-S10.xlsm", lambda p: sub(
        p, sheet_part(p, "Links"), r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{L}10"/>'))


def short_links_table(folder):
    """The Links table (and the sheet's dimension) stop at row 10; 21 links lie below."""
    def change(p):
        sub(p, table_part(p, "Links"), rf'ref="A1:{L}\d+"', f'ref="A1:{L}10"')
        sub(p, sheet_part(p, "Links"), r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{L}10"/>')
    return rewritten(folder, "Links table to row 10.xlsm", change)


def shifted_subjects_table(folder):
    """The Subjects table's range slipped one column right (B1:...), leaving its ID column out."""
    def shift(match):
        from openpyxl.utils.cell import get_column_letter, range_boundaries

        c0, r0, c1, r1 = range_boundaries(match.group(1))
        return f'ref="{get_column_letter(c0 + 1)}{r0}:{get_column_letter(c1 + 1)}{r1}"'

    def change(p):
        part = table_part(p, "Subjects")
        p[part] = re.sub(r'ref="([A-Z]+\d+:[A-Z]+\d+)"', shift, p[part].decode()).encode()
    return rewritten(folder, "Subjects table shifted right.xlsm", change)


def lowered_links_table(folder):
    """The Links table's range starts a row low, on its first link instead of its headers."""
    return rewritten(folder, "Links table a row low.xlsm", lambda p: sub(
        p, table_part(p, "Links"), rf'ref="A1:{L}(\d+)"', lambda m: f'ref="A2:{L}{int(m.group(1)) + 1}"'))


def _sheet_bomb(p, sheet="Subjects", size=2 * GiB):
    block = b"<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>" * 20000
    p[sheet_part(p, sheet)] = bomb(f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode(), block,
                                   size // len(block), b"</sheetData></worksheet>")


def sheet_bomb(folder):
    return rewritten(folder, "Subjects inflating to 2 GiB.xlsm", _sheet_bomb)


def with_shared_strings(p, part: bytes | Deflated) -> None:
    """Give the package a sharedStrings part (the example keeps its text in the cells), listed as Excel lists it."""
    p["xl/sharedStrings.xml"] = part
    override = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    sub(p, "[Content_Types].xml", "</Types>", override + "</Types>")


def shared_strings_bomb(folder):
    def change(p):
        block = b"<si><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></si>" * 20000
        with_shared_strings(p, bomb(f'<sst xmlns="{MAIN_NS}">'.encode(), block, 2 * GiB // len(block), b"</sst>"))
    return rewritten(folder, "sharedStrings inflating to 2 GiB.xlsm", change)


def unreferenced_bomb(folder):
    def change(p):
        p["xl/media/unused.bin"] = bomb(b"", bytes(1 << 20), 2048 - 1, b"")
    return rewritten(folder, "unreferenced part of 2 GiB.xlsm", change)


def lying_size(folder):
    """A sheet part that declares 20 KB (with the CRC of its first 20 KB) and would inflate to 1 GiB."""
    def change(p):
        _sheet_bomb(p, "Links", GiB)
        part = p[sheet_part(p, "Links")]
        head = zlib.decompressobj(-15).decompress(part.stream, 20000)
        p[sheet_part(p, "Links")] = Deflated(part.stream, zlib.crc32(head), len(head))
    return rewritten(folder, "Links declaring 20 KB.xlsm", change)


def many_parts(folder):
    def change(p):
        for n in range(5000):
            p[f"customXml/item{n}.xml"] = b"<a/>"
    return rewritten(folder, "5000 parts.xlsm", change)


LAUGHS = ('<!DOCTYPE {root} [<!ENTITY a0 "dha">'
          + "".join(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)) + "]>")


def entity_bomb_strings(folder):
    def change(p):
        with_shared_strings(p, (LAUGHS.format(root="sst") + f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1">'
                                '<si><t>&a9;</t></si></sst>').encode())
    return rewritten(folder, "entity bomb in sharedStrings.xlsm", change)


def entity_bomb_sheet(folder):
    def change(p):
        part = sheet_part(p, "Subjects")
        text = re.sub(rb"^<\?xml[^>]*\?>", b"", p[part])
        p[part] = LAUGHS.format(root="worksheet").encode() + text.replace(
            b"</sheetData>", b'<row r="1000"><c r="B1000" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData>', 1)
    return rewritten(folder, "entity bomb in Subjects.xlsm", change)


def entity_bomb_workbook(folder):
    def change(p):
        text = re.sub(rb"^<\?xml[^>]*\?>", b"", p["xl/workbook.xml"])
        p["xl/workbook.xml"] = LAUGHS.format(root="workbook").encode() + text.replace(
            b'name="Network"', b'name="&a9;"', 1)
    return rewritten(folder, "entity bomb in workbook.xlsm", change)


def external_entity_table(folder):
    def change(p):
        part = table_part(p, "Subjects")
        text = re.sub(rb"^<\?xml[^>]*\?>", b"", p[part])
        p[part] = b'<!DOCTYPE table [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + text.replace(
            b'name="Subjects"', b'name="&x;"', 1)
    return rewritten(folder, "external entity in a table.xlsm", change)


def entity_in_an_unread_part(folder):
    """Entity declarations in a part no reader opens (a later save's XML parser might)."""
    def change(p):
        p["customXml/item1.xml"] = (LAUGHS.format(root="a") + "<a>&a9;</a>").encode()
    return rewritten(folder, "entity bomb in customXml.xlsm", change)


def _date_cell(folder, name: str, value: str, typed_as_date: bool):
    """The first link's Last seen replaced, in the XML, by `value` (an ISO date cell, or a serial)."""
    import openpyxl

    marker = dt.datetime(2031, 7, 7)
    source = example(folder)
    wb = openpyxl.load_workbook(source, keep_vba=True)
    ws = wb["Links"]
    column = next(c.column for c in ws[1] if c.value == "Last seen")
    ws.cell(2, column).value = marker
    staged = folder / ("staged " + name)
    wb.save(staged)
    serial = str((marker - dt.datetime(1899, 12, 30)).days)
    parts = parts_of(staged)
    staged.unlink()
    replacement = (r'<c\1 t="d"><v>' + value + "</v></c>") if typed_as_date else (r"<c\1><v>" + value + "</v></c>")
    sub(parts, sheet_part(parts, "Links"), rf'<c( r="[A-Z]+2"[^>]*?)(?: t="n")?><v>{serial}</v></c>', replacement)
    return write_zip(folder / name, parts)


def impossible_date(folder):
    return _date_cell(folder, "Last seen 2026-02-31.xlsm", "2026-02-31", typed_as_date=True)


def impossible_date_dmy(folder):
    """The same impossible date as another tool might type it into a date cell: day first."""
    return _date_cell(folder, "Last seen 31-02-2026.xlsm", "31/02/2026", typed_as_date=True)


def serial_59(folder):
    return _date_cell(folder, "Last seen serial 59.xlsm", "59", typed_as_date=False)


def serial_60(folder):
    return _date_cell(folder, "Last seen serial 60.xlsm", "60", typed_as_date=False)


def negative_serial(folder):
    return _date_cell(folder, "Last seen serial -5.xlsm", "-5", typed_as_date=False)


def styled_empty_rows(folder, count=1_000_000, name="a million styled empty rows.xlsm"):
    def change(p):
        part = sheet_part(p, "Subjects")
        head, tail = p[part].split(b"</sheetData>")
        rows = b"".join(b'<row r="%d" s="1" customFormat="1" ht="15" customHeight="1"/>' % n
                        for n in range(100, 100 + count))
        p[part] = head + rows + b"</sheetData>" + tail
    return rewritten(folder, name, change)


def styled_rows_to_the_limit(folder):
    """120,000 styled empty rows (7.7 MB): as many as the part limit let in before a borough-wide map
    (5,000 people, 20,000 links: 36 MB of Links sheet) needed it raised to 48 MB."""
    return styled_empty_rows(folder, 120_000, "120,000 styled empty rows.xlsm")


def shared_strings_to_the_limit(folder):
    """A sharedStrings part of 170,000 short strings, just under the 4 MB limit, none of them used."""
    def change(p):
        strings = b"".join(b"<si><t>s%06d</t></si>" % n for n in range(170_000))
        with_shared_strings(p, f'<sst xmlns="{MAIN_NS}">'.encode() + strings + b"</sst>")
    return rewritten(folder, "sharedStrings of 170,000 strings.xlsm", change)


def long_history(folder, rows=10_000):
    """A History sheet of 10,000 snapshot rows, 16 columns each: years of sessions on a large network."""
    def cell(ref, text):
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    def change(p):
        from openpyxl.utils.cell import get_column_letter

        from peermap_xl.contract import schema

        headers = [c.header for c in schema.HISTORY.columns]
        letters = [get_column_letter(i + 1) for i in range(len(headers))]
        lines = ['<row r="1">' + "".join(cell(f"{x}1", h) for x, h in zip(letters, headers)) + "</row>"]
        for r in range(2, rows + 2):
            values = [f"M{r % 40:02d}", "", "Link", f"L{r:05d}", f"Person {r}", "Young person", "Active",
                      "High", f"S{r % 90:02d}", f"S{(r + 1) % 90:02d}", "Friend", "3", "", "", "", ""]
            lines.append(f'<row r="{r}">' + "".join(cell(f"{x}{r}", v) for x, v in zip(letters, values) if v)
                         + f'<c r="B{r}"><v>46000</v></c><c r="O{r}"><v>0.5</v></c><c r="P{r}"><v>0.25</v></c></row>')
        part = sheet_part(p, "History")
        head = re.sub(rb"<sheetData>.*</sheetData>|<sheetData/>", b"<sheetData>@</sheetData>", p[part], flags=re.S)
        p[part] = head.replace(b"@", "".join(lines).encode())
    return rewritten(folder, "History of 10,000 rows.xlsm", change)


def ods(folder):
    path = folder / "Network.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
                                  'xmlns:office:1.0"/>')
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    return path


def xls(folder):
    path = folder / "Network.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    return path


def csv(folder):
    path = folder / "Subjects.csv"
    path.write_text("ID,Name,Type\nS01,Male A,Young person\n")
    return path


def password(folder):
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(example(folder).read_bytes())).encrypt("secret", encrypted)
    path = folder / "Network (password).xlsm"
    path.write_bytes(encrypted.getvalue())
    return path


def fifo(folder):
    path = folder / "Network pipe.xlsm"
    os.mkfifo(path)
    return path


def empty(folder):
    path = folder / "Empty.xlsm"
    path.write_bytes(b"")
    return path


@dataclass(frozen=True)
class Case:
    build: object
    exit_code: int  # of `peermap summary`, after the mends
    says: str  # in its stdout (exit 0) or its one line on stderr (exit 2)


CASES = {
    "understated dimension (Subjects A1)": Case(understated_subjects, 0, "14 people"),
    "understated dimension (Links A1:S10)": Case(understated_links, 0, "30 links"),
    "table ref stops at row 10 (Links)": Case(short_links_table, 0, "30 links"),
    "table ref shifted a column (Subjects)": Case(shifted_subjects_table, 0, "14 people"),
    "table ref a row low (Links)": Case(lowered_links_table, 0, "30 links"),
    "zip bomb: a sheet inflating to 2 GiB": Case(sheet_bomb, 2, "far larger inside than any peer map"),
    "zip bomb: sharedStrings inflating to 2 GiB": Case(shared_strings_bomb, 2, "far larger inside"),
    "zip bomb: an unreferenced 2 GiB part": Case(unreferenced_bomb, 2, "far larger inside"),
    "zip bomb: a part lying about its size": Case(lying_size, 2, "is damaged"),
    "5,000 parts": Case(many_parts, 2, "parts; the limit is 1000"),
    "entity bomb in sharedStrings": Case(entity_bomb_strings, 2, "declares entities"),
    "entity bomb in a sheet": Case(entity_bomb_sheet, 2, "declares entities"),
    "entity bomb in workbook.xml": Case(entity_bomb_workbook, 2, "declares entities"),
    "external entity in a table": Case(external_entity_table, 2, "declares entities"),
    "entity bomb in a part nothing reads": Case(entity_in_an_unread_part, 2, "declares entities"),
    "date cell holding 2026-02-31": Case(impossible_date, 0, "30 links"),
    "date serial 60 (29/02/1900)": Case(serial_60, 0, "30 links"),
    "date serial -5": Case(negative_serial, 0, "30 links"),
    "a million styled empty rows": Case(styled_empty_rows, 2, "far larger inside"),
    "120,000 styled empty rows (7.7 MB)": Case(styled_rows_to_the_limit, 0, "14 people"),
    "170,000 shared strings (to the limit)": Case(shared_strings_to_the_limit, 0, "14 people"),
    "History of 10,000 rows (real, large)": Case(long_history, 0, "14 people"),
    ".ods": Case(ods, 2, "is an OpenDocument spreadsheet (.ods"),
    ".xls": Case(xls, 2, "is an old .xls workbook"),
    ".csv": Case(csv, 2, "it is a CSV text file"),
    "password-protected": Case(password, 2, "is password-protected"),
    "a pipe, not a file": Case(fifo, 2, "is not a file but a device, pipe or socket"),
    "an empty file": Case(empty, 2, "is empty (0 bytes)"),
}


# --- running a command, measured ---------------------------------------------


@dataclass
class Run:
    code: int | None  # None: killed at the time limit
    peak_mb: float
    seconds: float  # wall time (on a shared machine, far more than the CPU time)
    cpu_seconds: float
    stdout: str
    stderr: str


def run_measured(args, cap_mb: int | None = None, timeout: float = 60, python: str = sys.executable,
                 env: dict | None = None) -> Run:
    """`peermap ARGS` in a fresh process: its exit code, its own peak memory (RSS) and its wall time.

    `cap_mb` caps the process's address space (resource.setrlimit), so that a
    reader that tried to inflate a bomb fails inside the cap instead of taking
    the machine down.
    """
    def limit():
        if cap_mb:
            resource.setrlimit(resource.RLIMIT_AS, (cap_mb * 1024 * 1024, cap_mb * 1024 * 1024))

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([python, "-m", "peermap_xl.cli", *map(str, args)], stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, preexec_fn=limit, env=env, cwd=tempfile.gettempdir())
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        code = None if proc.returncode == -9 and seconds >= timeout else proc.returncode
        return Run(code, usage.ru_maxrss / 1024, seconds, usage.ru_utime + usage.ru_stime,
                   out.read().decode(errors="replace"),
                   err.read().decode(errors="replace"))


COMMANDS = {
    "summary": ["summary", "{book}"],
    "check": ["check", "{book}", "--as-of", "2026-09-16"],
    "check --write": ["check", "{book}", "--as-of", "2026-09-16", "--write"],
    "map": ["map", "{book}", "--as-of", "2026-09-16", "--out", "{out}/map.png"],
    "minutes": ["minutes", "{book}", "--out", "{out}/minutes.docx"],
}


def _table(names, commands, python, env, cap_mb):
    print(f"| case | {' | '.join(commands)} |")
    print("|---|" + "---|" * len(commands))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for name in names:
            cells = []
            for command in commands:
                work = folder / "run"
                shutil.rmtree(work, ignore_errors=True)
                work.mkdir()
                book = CASES[name].build(work)
                args = [a.format(book=book, out=work) for a in COMMANDS[command]]
                run = run_measured(args, cap_mb, timeout=60, python=python, env=env)
                code = "killed at 60 s" if run.code is None else f"exit {run.code}"
                cells.append(f"{code}, {run.peak_mb:.0f} MB, {run.seconds:.1f} s ({run.cpu_seconds:.1f} s CPU)")
            print(f"| {name} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", nargs="*", help="cases by name (default: all)")
    parser.add_argument("--commands", default="summary,check,check --write,map,minutes")
    parser.add_argument("--python", default=sys.executable, help="the Python that runs peermap")
    parser.add_argument("--pythonpath", help="run the peermap_xl found here (e.g. an export of main)")
    parser.add_argument("--cap-mb", type=int, default=None, help="cap each run's address space")
    options = parser.parse_args()
    extra = {"PYTHONPATH": options.pythonpath} if options.pythonpath else None
    _table(options.cases or list(CASES), options.commands.split(","), options.python, extra, options.cap_mb)
