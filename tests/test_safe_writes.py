"""Safe writes: nothing lost, nothing left behind (issue 14).

Every file here is made in the test: symbolic links, read-only files and folders, pipes,
office lock files, stale temporary files, killed and concurrent writers.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import signal
import stat
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from conftest import TEMPLATE as ROOT_TEMPLATE
from conftest import run_peermap
from peermap_xl import checks
from peermap_xl.book import package as pkg
from peermap_xl.book import safe
from peermap_xl.book.file import check_is_workbook
from peermap_xl.contract import schema
from peermap_xl.contract.errors import WorkbookError
from peermap_xl.record import model
from peermap_xl.record.reading import read_network

AS_OF = "2026-10-01"


def temps_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(safe.TEMP_PREFIX + "*"))


def refused(result) -> str:
    """The one line peermap printed when it refused (exit 2)."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def sessions_count(path: Path) -> int:
    return len(read_network(path).sessions)


def history_rows(path: Path) -> int:
    history = read_network(path).history
    return 0 if history is None else len(history)


def checks_title(path: Path) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return str(wb["Checks"]["A1"].value or "")
    finally:
        wb.close()


# --- the file system -----------------------------------------------------------------------------------


def test_symlinked_workbook_is_written_through_to_its_target(book, tmp_path):
    link = tmp_path / "link" / "Shortcut.xlsm"
    link.parent.mkdir()
    link.symlink_to(book)
    before = sessions_count(book)
    result = run_peermap("review", link, "--date", AS_OF)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == book.resolve()
    assert sessions_count(book) == before + 1
    assert safe.backup_path(link) == safe.backup_path(book)
    assert sessions_count(safe.backup_path(book)) == before
    assert not (link.parent / "Shortcut.backup.xlsm").exists()


def test_dangling_symlink_is_refused(tmp_path):
    link = tmp_path / "Gone.xlsm"
    link.symlink_to(tmp_path / "nowhere.xlsm")
    assert "symbolic link" in refused(run_peermap("review", link))


def test_symlinked_backup_is_replaced_never_followed(book, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("not a workbook")
    safe.backup_path(book).symlink_to(victim)
    result = run_peermap("check", "--write", "--as-of", AS_OF, book)
    assert result.returncode in (0, 1), result.stderr
    assert victim.read_text() == "not a workbook"
    backup = safe.backup_path(book)
    assert not backup.is_symlink() and backup.is_file()
    check_is_workbook(backup)


def test_read_only_workbook_is_refused_and_unchanged(book):
    data = book.read_bytes()
    book.chmod(0o444)
    line = refused(run_peermap("check", "--write", "--as-of", AS_OF, book))
    assert "read-only" in line and book.name in line
    assert book.read_bytes() == data and stat.S_IMODE(book.stat().st_mode) == 0o444
    assert not safe.backup_path(book).exists()


def test_read_only_folder_is_refused(book):
    folder = book.parent
    folder.chmod(0o555)
    try:
        line = refused(run_peermap("review", book, "--date", AS_OF))
    finally:
        folder.chmod(0o755)
    assert "read-only" in line
    assert not safe.backup_path(book).exists() and temps_in(folder) == []


def test_a_pipe_named_like_a_workbook_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "x.xlsm"
    os.mkfifo(fifo)
    for command in (["check", "--write"], ["review"], ["map", "--write"], ["minutes", "--write"], ["invite"]):
        line = refused(run_peermap(*command, fifo))
        assert "not an ordinary file" in line


def test_a_backup_path_that_is_a_read_only_file_does_not_stop_later_writes(book):
    shutil.copy(book, safe.backup_path(book))
    safe.backup_path(book).chmod(0o444)
    for _ in range(2):
        assert run_peermap("review", book, "--date", AS_OF).returncode == 0
    check_is_workbook(safe.backup_path(book))


def test_the_file_keeps_its_mode(book):
    book.chmod(0o640)
    assert run_peermap("review", book, "--date", AS_OF).returncode == 0
    assert stat.S_IMODE(book.stat().st_mode) == 0o640
    assert stat.S_IMODE(safe.backup_path(book).stat().st_mode) == 0o640



def _modes(folder: Path, but: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*")
            if p.is_file() and p != but and p != safe.backup_path(but)}


def test_the_outputs_of_a_private_workbook_are_private_too(book, tmp_path):
    """Issue 30: a workbook its owner alone may read (0600) gives maps, minutes, a young person's own map, a
    subject list and a register report nobody else may read; one the team's group may read gives them to it."""
    book.chmod(0o600)
    runs = [("map", book, "--as-of", AS_OF, "--write", "--layout-json", book.parent / "layout.json"),
            ("ego", book, "S01", "--as-of", AS_OF),
            ("minutes", book), ("invite", book, "--date", AS_OF),
            ("find", book.parent, "--out", book.parent / "register.xlsx")]
    for argv in runs:
        assert run_peermap(*argv).returncode in (0, 1), argv[0]
    written = _modes(book.parent, book)
    assert {Path(n).suffix for n in written} >= {".png", ".docx", ".xlsx", ".json"}, sorted(written)
    assert {n: oct(m) for n, m in written.items() if m & 0o077} == {}
    shared = tmp_path / "shared"
    shared.mkdir()
    team = shutil.copy(book, shared / "Team network.xlsm")
    os.chmod(team, 0o640)
    assert run_peermap("map", team, "--as-of", AS_OF).returncode == 0
    assert {m & 0o077 for m in _modes(shared, Path(team)).values()} == {0o040}


def test_the_layout_json_is_never_written_through_a_planted_link(book, tmp_path):
    """Issue 30: `map --layout-json` wrote through a symbolic link left where it writes, as no other output does."""
    decoy = tmp_path / "decoy.txt"
    decoy.write_text("not a layout\n")
    planted = book.parent / "layout.json"
    planted.symlink_to(decoy)
    done = run_peermap("map", book, "--as-of", AS_OF, "--layout-json", planted)
    assert done.returncode == 2 and "symbolic link" in done.stderr
    assert decoy.read_text() == "not a layout\n"
    assert not list(book.parent.glob("*.png"))  # refused before the map was drawn


def test_pages_drawn_in_other_processes_are_as_private_as_those_drawn_here(tmp_path, monkeypatch):
    """A borough-wide map's group pages are drawn in processes beside peermap's: each is given the mask."""
    from peermap_xl.draw import overview

    monkeypatch.setattr(overview, "_SHARED", None)
    token = safe._OUTPUTS_AT_MOST.set(0o600)
    try:
        overview._take(("shared",), safe.output_mask())
        assert overview._SHARED == ("shared",)
        written = tmp_path / "page.png"
        safe.write_output(written, lambda temp: temp.write_bytes(b"page"))
    finally:
        safe._OUTPUTS_AT_MOST.reset(token)
    assert stat.S_IMODE(written.stat().st_mode) & 0o077 == 0


@pytest.mark.parametrize("lock_name", ["~${}", ".~lock.{}#"])
def test_office_lock_files_are_honoured(book, lock_name):
    data = book.read_bytes()
    lock = book.with_name(lock_name.format(book.name))
    lock.write_text("someone,host,2026-10-01")
    for command in (["check", "--write"], ["review"], ["invite"], ["minutes", "--write"], ["map", "--write"]):
        line = refused(run_peermap(*command, book))
        assert lock.name in line and "open in" in line
    assert book.read_bytes() == data


def test_the_lock_file_of_a_symlinks_target_is_honoured(book, tmp_path):
    link = tmp_path / "link.xlsm"
    link.symlink_to(book)
    lock = book.with_name(f".~lock.{book.name}#")
    lock.write_text("x")
    assert "LibreOffice" in refused(run_peermap("review", link))


def test_refusals_are_workbook_errors(tmp_path):
    folder = tmp_path / "Book.xlsm"
    folder.mkdir()
    with pytest.raises(WorkbookError, match="folder"):
        with safe.transaction(folder):
            pass


# --- temporary files and backups ------------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temp_files_of_a_killed_run_are_removed_at_the_next_write(book):
    folder = book.parent
    stale = folder / f"{safe.TEMP_PREFIX}{_dead_pid()}-abcd.xlsm"
    old_style = folder / f"{safe.TEMP_PREFIX}zz9x_1.xlsm"
    for temp in (stale, old_style):
        temp.write_bytes(b"names")
    past = time.time() - 2 * safe.OLD_TEMP_AGE
    os.utime(old_style, (past, past))
    live_writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    live = folder / f"{safe.TEMP_PREFIX}{live_writer.pid}-efgh.xlsm"
    live.write_bytes(b"being written")
    try:
        assert run_peermap("review", book, "--date", AS_OF).returncode == 0
        assert temps_in(folder) == [live.name]
        assert list(folder.glob(".~peermap.*")) == []  # nor peermap's own lock, once it is done
    finally:
        live_writer.kill()
        live_writer.wait()


def test_a_failed_backup_keeps_the_previous_one(book, monkeypatch):
    previous = b"PK previous backup"
    safe.backup_path(book).write_bytes(previous)
    data = book.read_bytes()

    def torn_copy(src, dst, **_):
        Path(dst).write_bytes(Path(src).read_bytes()[:1000])
        raise OSError("disk full")

    monkeypatch.setattr(safe.shutil, "copyfile", torn_copy)
    with pytest.raises(OSError):
        safe.write_atomically(book, lambda temp: temp.write_bytes(b"new"))
    assert safe.backup_path(book).read_bytes() == previous
    assert book.read_bytes() == data
    assert temps_in(book.parent) == []


SLOW_WRITER = """
import sys, time
from pathlib import Path
from peermap_xl.book import safe

def write(temp):
    temp.write_bytes(b"half a workbook")
    print("writing", flush=True)
    time.sleep(30)

with safe.transaction(sys.argv[1]):
    safe.write_atomically(Path(sys.argv[1]), write)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_temp_files_are_removed_when_stopped(book, signum):
    data = book.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(book)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    assert len(temps_in(book.parent)) == 1
    child.send_signal(signum)
    assert child.wait(timeout=20) != 0
    assert temps_in(book.parent) == []
    assert book.read_bytes() == data


def test_a_second_writer_waits_for_the_first_then_reads_what_it_wrote(book):
    before = sessions_count(book)
    child = subprocess.Popen([sys.executable, "-c", SLOW_WRITER.replace("time.sleep(30)", "time.sleep(3)"),
                              str(book)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    started = time.monotonic()
    with pytest.raises(WorkbookError, match="Another peermap is still saving"):
        with safe.transaction(book, wait=0.2):
            pass
    with safe.transaction(book):
        assert time.monotonic() - started > 1  # it waited for the first writer
        assert book.read_bytes() == b"half a workbook"  # and sees what the first one wrote
    child.wait(timeout=20)
    assert before > 0


LOCK_HOLDER = """
import shutil, sys, time
from filelock import FileLock
from peermap_xl.book import safe

with FileLock(safe.peermap_lock(safe.real_path(sys.argv[1]))):
    print("holding", flush=True)
    time.sleep(2)
    shutil.copyfile(sys.argv[2], sys.argv[1])  # what the other writer saved
"""


def test_find_write_waits_for_another_writer_then_reads_what_it_wrote(book, tmp_path):
    """`find --write` is a read-modify-write too: it holds the workbook's lock from reading to saving."""
    from peermap_xl import operations
    from peermap_xl.book import edit

    wb = edit.open_for_edit(book)
    edit.set_network_values(wb, {"Key contextual risks": "written by the other writer"})
    other = tmp_path / "other" / "saved.xlsm"
    other.parent.mkdir()
    edit.save(wb, other, backup=False)
    child = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(book), str(other)], stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout.readline().strip() == "holding"
    operations.find_book(book, book.parent, 80)
    child.wait(timeout=20)
    assert read_network(book).settings["key_contextual_risks"] == "written by the other writer"


# --- killed and concurrent writers ----------------------------------------------------------------------


def _readable(path: Path) -> None:
    check_is_workbook(path)
    openpyxl.load_workbook(path, read_only=True).close()


def test_kills_during_writes_leave_whole_files_and_no_temp_after_the_next_run(book):
    """SIGKILL `check --write` and `review` at random moments (under a minute in all)."""
    rng = random.Random(14)
    commands = (["check", "--write", "--as-of", AS_OF], ["review", "--date", AS_OF])
    deadline = time.monotonic() + 40
    kills = 0
    while time.monotonic() < deadline and kills < 12:
        child = subprocess.Popen([sys.executable, "-m", "peermap_xl.cli", *rng.choice(commands), str(book)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.4, 2.5))
        child.send_signal(signal.SIGKILL)
        child.wait()
        kills += 1
        _readable(book)
        if safe.backup_path(book).exists():
            _readable(safe.backup_path(book))
    assert kills >= 3
    result = run_peermap("review", book, "--date", AS_OF)
    assert result.returncode == 0, result.stderr
    assert temps_in(book.parent) == []
    _readable(book)
    _readable(safe.backup_path(book))


def test_review_and_check_write_at_once_keep_both(book):
    before, history = sessions_count(book), history_rows(book)
    for trial in range(2):
        review = subprocess.Popen([sys.executable, "-m", "peermap_xl.cli", "review", "--date", AS_OF, str(book)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        check = subprocess.Popen([sys.executable, "-m", "peermap_xl.cli", "check", "--write", "--as-of",
                                  f"2026-10-0{trial + 2}", str(book)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert review.wait(timeout=120) == 0, review.stderr.read()
        assert check.wait(timeout=120) in (0, 1), check.stderr.read()
        assert sessions_count(book) == before + trial + 1  # the review's session is kept
        assert f"0{trial + 2}/10/2026" in checks_title(book)  # and so is the check's record
        assert history_rows(book) > history  # with its snapshot
        history = history_rows(book)


# --- what a user added in Excel ------------------------------------------------------------------------
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
CTRL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/ctrlProp"
VML_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
EXCEL_EXTRAS = f"""<extLst xmlns="{pkg.MAIN}">
 <ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}">
  <x14:dataValidations count="1" xmlns:xm="{XM}">
   <x14:dataValidation type="list" allowBlank="1" showErrorMessage="1">
    <x14:formula1><xm:f>Lists!$A$2:$A$9</xm:f></x14:formula1><xm:sqref>Z2:Z50</xm:sqref>
   </x14:dataValidation></x14:dataValidations></ext>
 <ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" xmlns:x14="{X14}">
  <x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="{XM}">
   <x14:cfRule type="containsText" priority="99" operator="containsText" id="{{00000000-0000-0000-0000-0000000000AA}}">
    <xm:f>NOT(ISERROR(SEARCH("x",Z2)))</xm:f><x14:dxf/></x14:cfRule><xm:sqref>Z2:Z50</xm:sqref>
  </x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>"""
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
ANCHOR = "".join(f"<{end}><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>"
                 f"<xdr:rowOff>0</xdr:rowOff></{end}>" for end, col, row in (("from", 25, 1), ("to", 26, 2)))
CONTROLS = f"""<mc:AlternateContent xmlns:mc="{pkg.MC}" xmlns="{pkg.MAIN}" xmlns:r="{pkg.R}" xmlns:xdr="{XDR}">
 <mc:Choice Requires="x14"><controls><mc:AlternateContent><mc:Choice Requires="x14">
  <control shapeId="5121" r:id="rIdCtrl1" name="Check Box 1"><controlPr defaultSize="0" autoPict="0">
   <anchor moveWithCells="1">{ANCHOR}</anchor>
  </controlPr></control></mc:Choice><mc:Fallback><control shapeId="5121" r:id="rIdCtrl1" name="Check Box 1"/>
  </mc:Fallback></mc:AlternateContent></controls></mc:Choice></mc:AlternateContent>"""
CTRL_PROP = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<formControlPr ' \
    b'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" objectType="CheckBox"/>'
VML10 = b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" ' \
    b'xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape id="_x0000_s5121" type="#_x0000_t201" ' \
    b'style="position:absolute;width:80pt;height:20pt"><x:ClientData ObjectType="Checkbox"><x:Anchor>25, 0, 1, 0,' \
    b' 26, 0, 2, 0</x:Anchor></x:ClientData></v:shape></xml>'
BEFORE_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst", "AlternateContent")


def _sheet_without_vml(package: pkg.Package) -> tuple[str, str]:
    for name, part in package.sheets().items():
        if b"legacyDrawing" not in package.parts[part] and name not in ("Lists", "Checks", "Minutes"):
            return name, part
    raise AssertionError("every sheet has a VML drawing")


def _add_rel(package: pkg.Package, part: str, rel_id: str, rel_type: str, target: str) -> None:
    name = pkg.rels_name(part)
    root = package.xml(name)
    if root is None:
        root = etree.Element(f"{{{pkg.PKG_REL}}}Relationships", nsmap={None: pkg.PKG_REL})
    etree.SubElement(root, f"{{{pkg.PKG_REL}}}Relationship", Id=rel_id, Type=rel_type, Target=target)
    package.parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _insert_before(root, element, names) -> None:
    at = [i for i, child in enumerate(root) if pkg.local(child.tag) in names]
    root.insert(at[0] if at else len(root), element)


def _add_type(package: pkg.Package, part: str, content_type: str) -> None:
    types = package.xml("[Content_Types].xml")
    etree.SubElement(types, f"{{{pkg.CT}}}Override", PartName="/" + part, ContentType=content_type)
    package.parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")


def plant_excel_extras(path: Path) -> dict:
    """What Excel adds that openpyxl does not keep: on Links, x14 drop-downs and formats and a check box
    (controls + ctrlProp part); on another sheet a vmlDrawing10.vml. Returns where each went."""
    package = pkg.Package(path.read_bytes())
    links = package.sheets()["Links"]
    root = package.xml(links)
    _insert_before(root, etree.fromstring(CONTROLS), ("webPublishItems", "tableParts", "extLst"))
    root.append(etree.fromstring(EXCEL_EXTRAS))
    package.parts[links] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    package.parts["xl/ctrlProps/ctrlProp1.xml"] = CTRL_PROP
    _add_rel(package, links, "rIdCtrl1", CTRL_TYPE, "../ctrlProps/ctrlProp1.xml")
    _add_type(package, "xl/ctrlProps/ctrlProp1.xml", "application/vnd.ms-excel.controlproperties+xml")
    other, part = _sheet_without_vml(package)
    root = package.xml(part)
    _insert_before(root, etree.Element(f"{{{pkg.MAIN}}}legacyDrawing", {f"{{{pkg.R}}}id": "rIdVml10"}),
                   BEFORE_LEGACY)
    package.parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    package.parts["xl/drawings/vmlDrawing10.vml"] = VML10
    _add_rel(package, part, "rIdVml10", VML_TYPE, "../drawings/vmlDrawing10.vml")
    path.write_bytes(package.bytes())
    return {"links": "Links", "vml_sheet": other}


def _sheet_xml(path: Path, sheet: str):
    package = pkg.Package(path.read_bytes())
    part = package.sheets()[sheet]
    return package, part, package.xml(part)


def _rel_target(package: pkg.Package, part: str, rel_id: str) -> str:
    return pkg.target_of(part, package.rels(part)[rel_id])


def assert_extras_kept(path: Path, where: dict) -> None:
    package, part, root = _sheet_xml(path, where["links"])
    uris = {ext.get("uri").upper() for ext in root.iter(f"{{{pkg.MAIN}}}ext")}
    assert {"{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}", "{78C0D931-6437-407D-A8EE-F0AAD7539E65}"} <= uris
    assert "Lists!$A$2:$A$9" in etree.tostring(root).decode()
    controls = list(root.iter(f"{{{pkg.MAIN}}}control"))
    assert controls and {c.get("name") for c in controls} == {"Check Box 1"}
    for control in controls:
        target = _rel_target(package, part, control.get(f"{{{pkg.R}}}id"))
        assert target == "xl/ctrlProps/ctrlProp1.xml" and target in package.parts
    assert b"/xl/ctrlProps/ctrlProp1.xml" in package.parts["[Content_Types].xml"]
    package, part, root = _sheet_xml(path, where["vml_sheet"])
    [legacy] = root.iter(f"{{{pkg.MAIN}}}legacyDrawing")
    target = _rel_target(package, part, legacy.get(f"{{{pkg.R}}}id"))
    assert package.parts[target] == VML10


def test_what_was_added_in_excel_survives_every_write(book):
    where = plant_excel_extras(book)
    assert_extras_kept(book, where)
    for command in (["check", "--write", "--as-of", AS_OF], ["review", "--date", AS_OF], ["map", "--write"]):
        result = run_peermap(*command, book)
        assert result.returncode in (0, 1), result.stderr
        assert "Warning" not in result.stderr and "openpyxl" not in result.stderr
        assert_extras_kept(book, where)
    _readable(book)


SLICERS = "{3A4CF648-6AED-40f4-86FF-DC5316D8AED3}"


def test_what_cannot_be_kept_is_refused_naming_it(book):
    package, part, root = _sheet_xml(book, "Links")
    ext_list = etree.SubElement(root, f"{{{pkg.MAIN}}}extLst")
    etree.SubElement(ext_list, f"{{{pkg.MAIN}}}ext", uri=SLICERS)
    package.parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    book.write_bytes(package.bytes())
    data = book.read_bytes()
    line = refused(run_peermap("review", book, "--date", AS_OF))
    assert "changed nothing" in line and "on Links" in line
    assert book.read_bytes() == data and temps_in(book.parent) == []


def test_a_macro_workbook_renamed_xlsx_keeps_its_macros_and_ribbon(book):
    renamed = book.rename(book.with_suffix(".xlsx"))
    assert run_peermap("review", renamed, "--date", AS_OF).returncode == 0
    with zipfile.ZipFile(renamed) as z:
        names = set(z.namelist())
        types = z.read("[Content_Types].xml").decode()
        root_rels = z.read("_rels/.rels").decode()
    assert "xl/vbaProject.bin" in names and "macroEnabled.main+xml" in types
    assert {"customUI/customUI14.xml", "customUI/customUI.xml"} <= names and "customUI14.xml" in root_rels


def test_a_plain_xlsx_stays_a_plain_xlsx(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    plain = tmp_path / "Plain.xlsx"
    wb.save(plain)
    assert run_peermap("review", plain, "--date", AS_OF).returncode == 0
    with zipfile.ZipFile(plain) as z:
        assert "xl/vbaProject.bin" not in z.namelist()
        assert "macroEnabled" not in z.read("[Content_Types].xml").decode()
    openpyxl.load_workbook(plain).close()


def test_sheet_names_are_never_changed(book):
    package = pkg.Package(book.read_bytes())
    workbook = pkg.workbook_part(package)
    package.parts[workbook] = package.parts[workbook].replace(b'name="Checks"', b'name="CHECKS"')
    book.write_bytes(package.bytes())
    assert run_peermap("check", "--write", "--as-of", AS_OF, book).returncode in (0, 1)
    wb = openpyxl.load_workbook(book, read_only=True)
    names = wb.sheetnames
    assert "CHECKS" in names and not {"Checks", "CHECKS1", "Checks1"} & set(names)
    assert "01/10/2026" in str(wb["CHECKS"]["A1"].value)
    wb.close()


def plant_formula_id(path: Path, cached: bool = True, empty_result: bool = False) -> tuple[str, str, str]:
    """Make the first Subjects ID a formula giving the same ID (`empty_result`: giving "", as Excel saves
    it: t="str" and an empty value); returns (sheet, cell, ID)."""
    from openpyxl.utils.cell import get_column_letter

    layout = read_network(path).layout["Subjects"]
    package, part, root = _sheet_xml(path, layout.sheet)
    ref = f"{get_column_letter(layout.column('ID'))}{layout.header_row + 1}"
    [cell] = [c for c in root.iter(f"{{{pkg.MAIN}}}c") if c.get("r") == ref]
    value = read_network(path).frames["Subjects"]["id"].iloc[0]
    for child in list(cell):
        cell.remove(child)
    cell.set("t", "str")
    etree.SubElement(cell, f"{{{pkg.MAIN}}}f").text = f'"{value[0]}"&"{value[1:]}"'
    if cached:
        etree.SubElement(cell, f"{{{pkg.MAIN}}}v").text = "" if empty_result else value
    package.parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    path.write_bytes(package.bytes())
    return layout.sheet, ref, value


def test_formula_ids_keep_their_values_and_are_never_renumbered(book):
    sheet, ref, value = plant_formula_id(book)
    ids = list(read_network(book).frames["Subjects"]["id"])
    for command in (["check", "--write", "--as-of", AS_OF], ["review", "--date", AS_OF]):
        assert run_peermap(*command, book).returncode in (0, 1)
        assert list(read_network(book).frames["Subjects"]["id"]) == ids
        formulas = openpyxl.load_workbook(book)[sheet][ref].value
        cached = openpyxl.load_workbook(book, data_only=True)[sheet][ref].value
        assert formulas.startswith("=") and cached == value


def test_a_formula_id_without_a_value_is_not_overwritten(book):
    sheet, ref, _ = plant_formula_id(book, cached=False)
    assert run_peermap("check", "--write", "--as-of", AS_OF, book).returncode in (0, 1)
    assert str(openpyxl.load_workbook(book)[sheet][ref].value).startswith("=")


UNCALCULATED_RULE = next(r for r in checks.RULES if r.slug == "uncalculated-formula")


def checks_sheet_codes(path: Path) -> list[tuple]:
    """(Code, Sheet, Row, Column) of each row of the Checks sheet, its columns found by header."""
    rows = list(openpyxl.load_workbook(path, read_only=True)["Checks"].iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if "Code" in row and "Column" in row)
    where = [rows[at].index(h) for h in ("Code", "Sheet", "Row", "Column")]
    return [tuple(row[i] for i in where) for row in rows[at + 1:] if row[where[0]]]


def test_a_formula_id_without_a_value_is_reported_and_read_as_unknown_never_renumbered(book):
    sheet, ref, value = plant_formula_id(book, cached=False)
    before = read_network(book)
    row = int(before.subjects["row"].min())
    assert before.subjects["id"].iloc[0] == model.unknown_id("S", row) and not before.subjects["auto_id"].any()
    others = list(before.subjects["id"].iloc[1:])
    for command in (["review", "--date", AS_OF], ["check", "--write", "--as-of", AS_OF]):  # openpyxl saves <v/>
        result = run_peermap(*command, book)
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
        network = read_network(book)
        assert list(network.subjects["id"]) == [model.unknown_id("S", row), *others]
        assert str(openpyxl.load_workbook(book)[sheet][ref].value).startswith("=")
    assert (UNCALCULATED_RULE.code, "Subjects", row, "ID") in checks_sheet_codes(book)
    found = [f for f in checks.run_checks(read_network(book)) if f.code == UNCALCULATED_RULE.code]
    assert [(f.sheet, f.row, f.column) for f in found] == [("Subjects", row, "ID")]
    assert value not in found[0].message and "save it so the formulas are calculated" in found[0].message


def test_a_formula_whose_value_excel_saved_as_empty_text_is_calculated_not_reported(book):
    sheet, ref, _ = plant_formula_id(book, empty_result=True)
    assert not [f for f in checks.run_checks(read_network(book)) if f.code == UNCALCULATED_RULE.code]
    assert run_peermap("review", "--date", AS_OF, book).returncode == 0  # openpyxl's save keeps it as Excel's ""
    assert not [f for f in checks.run_checks(read_network(book)) if f.code == UNCALCULATED_RULE.code]
    assert str(openpyxl.load_workbook(book)[sheet][ref].value).startswith("=")


def test_no_blank_id_is_numbered_into_a_sheet_whose_formula_id_is_unknown(book):
    """The unknown ID may be any number: writing a new one beside it could make two rows share it."""
    from peermap_xl.book.file import read_raw
    from peermap_xl.checks import record

    plant_formula_id(book, cached=False)
    raw = read_raw(book)
    subjects = raw.tables["Subjects"]
    id_at = [h.casefold() for h in subjects.headers].index("id")
    subjects.rows[-1][1][id_at] = None  # a person typed with no ID
    network = model.build(raw)
    assert network.subjects["auto_id"].iloc[-1]
    assert not [f for f in record.plan(network, dt.date.fromisoformat(AS_OF)).filled_ids if f[0] == "Subjects"]


def test_shared_formulas_keep_their_values_through_a_write(book):
    """Excel stores a formula filled down a column once, shared (t="shared"); openpyxl saves each cell's own
    formula: the cached values are still the same formulas' and must be kept."""
    from openpyxl.utils.cell import get_column_letter

    layout = read_network(book).layout["Subjects"]
    ids = list(read_network(book).subjects["id"])
    package, part, root = _sheet_xml(book, layout.sheet)
    letter, first = get_column_letter(layout.column("ID")), layout.header_row + 1
    refs = [f"{letter}{first + k}" for k in range(3)]
    for k, cell in enumerate(c for ref in refs for c in root.iter(f"{{{pkg.MAIN}}}c") if c.get("r") == ref):
        for child in list(cell):
            cell.remove(child)
        cell.set("t", "str")
        shared = {"t": "shared", "si": "0", **({"ref": f"{refs[0]}:{refs[-1]}"} if k == 0 else {})}
        etree.SubElement(cell, f"{{{pkg.MAIN}}}f", shared).text = (
            f'"S"&TEXT(ROW()-{first - 1},"00")' if k == 0 else None)
        etree.SubElement(cell, f"{{{pkg.MAIN}}}v").text = ids[k]
    package.parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    book.write_bytes(package.bytes())
    assert list(read_network(book).subjects["id"]) == ids
    assert run_peermap("check", "--write", "--as-of", AS_OF, book).returncode in (0, 1)
    assert list(read_network(book).subjects["id"]) == ids
    assert not [f for f in checks.run_checks(read_network(book)) if f.code == UNCALCULATED_RULE.code]
    formulas = openpyxl.load_workbook(book)[layout.sheet]
    assert all(str(formulas[ref].value).startswith("=") for ref in refs)


def test_openpyxl_warnings_are_reworded_without_cell_values(capsys, monkeypatch):
    import warnings

    monkeypatch.setattr(pkg, "_said", set())
    with pkg.openpyxl_notes():
        for message in ("Cell B7 is marked as a date but the serial value 2958466.5 is outside the limits",
                        "Print area cannot be set to Defined name: 'Male A'!$A$1.", "Something new about 'Jane Doe'"):
            warnings.warn(message, UserWarning, stacklevel=1)
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 3 and all(line.startswith("peermap: note:") for line in err.splitlines())
    assert not any(secret in err for secret in ("2958466", "Male A", "Jane Doe"))


# --- long names ------------------------------------------------------------------------------------------


def _set_long_names(book: Path) -> None:
    from peermap_xl.book import edit

    network = read_network(book)
    subjects = network.layout["Subjects"]
    wb = edit.open_for_edit(book)
    long_name = ("Very long network name " * 1500)[:32767]
    edit.set_network_values(wb, {"Network name": long_name, "Key contextual risks": "County line / risk? " * 12})
    person = ("Male A " * 5000)[:32767]
    first = wb[subjects.sheet].cell(subjects.header_row + 1, subjects.column("Name"))
    work = network.layout["Direct work"]
    column = work.column("Young person")
    for row in range(work.header_row + 1, wb[work.sheet].max_row + 1):
        if wb[work.sheet].cell(row, column).value == first.value:
            wb[work.sheet].cell(row, column).value = person
    first.value = person
    edit.save(wb, book, backup=False)


def test_long_names_make_short_file_names_with_the_date_and_nothing_fails_after_recording(book):
    _set_long_names(book)
    before = sessions_count(book)
    for command in (["map", "--as-of", AS_OF], ["invite"], ["ego", "{book}", "S01"],
                    ["close", "--date", AS_OF, "--reason", "risk reduced", "--force"]):
        args = [str(book) if a == "{book}" else a for a in command] + ([] if "{book}" in command else [book])
        result = run_peermap(*args)
        assert result.returncode == 0, (command, result.stderr)
    assert sessions_count(book) == before + 1
    written = [p for p in book.parent.iterdir() if p.suffix in (".png", ".docx")]
    assert len(written) >= 4
    for path in written:
        assert len(path.name.encode()) <= 160 and "\u2026" in path.name, path.name
        assert re.search(r" - \d{4}-\d{2}-\d{2}\.(png|docx)$", path.name), path.name
        assert not any(c in path.name for c in '<>:"/\\|?*')


def test_document_titles_stay_within_words_limit(tmp_path):
    import datetime as dt

    import docx

    from peermap_xl import minutes

    target = tmp_path / "t.docx"
    minutes.to_docx([minutes.Para("text")], target, "OFFICIAL-SENSITIVE", dt.date(2026, 10, 1), "T" * 5000)
    assert len(docx.Document(target).core_properties.title) <= 255


def test_name_part_is_safe_short_and_never_empty():
    assert safe.name_part("a/b:c*?\n d") == "a b c d"
    assert safe.name_part("???") == "network"
    long = safe.name_part("word " * 100)
    assert len(long) <= safe.NAME_PART and long.endswith("\u2026")


# --- the VBA project -------------------------------------------------------------------------------------


def incompressible(size: int, seed: int = 14) -> bytes:
    """Bytes in which no three in a row occur twice: nothing for the compressor to copy."""
    rng = random.Random(seed)
    out, seen = bytearray(rng.randbytes(2)), set()
    while len(out) < size:
        for byte in rng.sample(range(256), 256):
            gram = bytes(out[-2:]) + bytes([byte])
            if gram not in seen:
                seen.add(gram)
                out.append(byte)
                break
    return bytes(out[:size])


def chunk_headers(container: bytes) -> list[tuple[int, int, bool]]:
    """(size, signature, compressed) of each chunk of a CompressedContainer."""
    headers, at = [], 1
    while at < len(container):
        (header,) = struct.unpack_from("<H", container, at)
        size, signature, compressed = (header & 0x0FFF) + 3, (header >> 12) & 0b111, bool(header & 0x8000)
        headers.append((size, signature, compressed))
        at += size
    return headers


def test_incompressible_data_at_a_streams_end_makes_valid_chunks_at_every_size_from_3641_to_4095():
    from oletools.olevba import decompress_stream

    from peermap_xl.macros import vba

    text = b"Sub A()\r\n    MsgBox \"peermap\"\r\nEnd Sub\r\n" * 200
    tail = incompressible(4096)
    for size in [*range(3630, 4097), 1, 100]:
        for before in (b"", text[:2 * vba.CHUNK]):
            data = before + tail[:size]
            container = vba.compress(data)
            headers = chunk_headers(container)
            assert all(signature == 0b011 for _, signature, _ in headers), size
            assert all(compressed or chunk == vba.CHUNK + 2 for chunk, _, compressed in headers), size
            out = bytes(decompress_stream(bytearray(container)))
            assert out[:len(data)] == data and not out[len(data):].strip(b"\x00"), size
            assert len(out) == len(data) or len(out) % vba.CHUNK == 0, size


def test_the_vba_project_has_a_realistic_project_version():
    from peermap_xl.macros import excel, vba

    assert vba.PROJECT_VERSION[0] > 10**9  # Office and LibreOffice write a timestamp-like major
    with zipfile.ZipFile(ROOT_TEMPLATE) as package:
        assert package.read("xl/vbaProject.bin") == excel.vba_project()
    dir_stream = vba._dir_stream([("Module1", False)])
    at = dir_stream.index(struct.pack("<HI", 0x0009, 4))
    assert struct.unpack_from("<IH", dir_stream, at + 6) == vba.PROJECT_VERSION


def test_sheets_peermap_creates_get_a_code_name(book):
    assert run_peermap("map", "--write", "--as-of", AS_OF, book).returncode == 0
    from peermap_xl.macros import excel

    wb = openpyxl.load_workbook(book, keep_vba=True)
    assert wb[schema.MAP_LAYOUT.name].sheet_properties.codeName == excel.code_name(schema.MAP_LAYOUT.name)


# --- text is text, whatever column and whatever command (the integrator's appliers) ------------------------

FORMULA_LIKE = ('=HYPERLINK("http://example.invalid","click me")', "=1+1", "=cmd|' /C calc'!A0")
TEXTUAL = (schema.TEXT, schema.LONG_TEXT, schema.ID, schema.CHOICE, schema.CHOICES, schema.REF, schema.REFS)


def plant_everywhere(book: Path) -> int:
    """Formula-like text (stored as text) in every textual column of every data sheet, every other row, and
    in the Network's text fields; how many cells."""
    network = read_network(book)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    planted = 0
    for sheet in schema.DATA_SHEETS:
        layout = network.layout[sheet.name]
        for column in (c for c in sheet.columns if c.kind in TEXTUAL and layout.column(c.header)):
            for row in list(network.frames[sheet.name]["row"])[::2]:
                cell = wb[layout.sheet].cell(int(row), layout.column(column.header))
                cell.value, cell.data_type = f"{FORMULA_LIKE[planted % 3]} {planted}", "s"
                planted += 1
    settings = network.layout[schema.NETWORK]
    for key in ("network_name", "key_contextual_risks", "recorder"):
        cell = wb[settings.sheet].cell(network.setting_rows[key], settings.column("Value"))
        cell.value, cell.data_type = FORMULA_LIKE[planted % 3], "s"
        planted += 1
    wb.save(book)
    return planted


def formula_count(book: Path) -> dict[str, int]:
    """{sheet: formula cells} read from the package itself."""
    package = pkg.Package(book.read_bytes())
    return {name: pkg._count(package.xml(part), "f") for name, part in package.sheets().items()}


def test_planted_formula_text_in_every_textual_column_gives_no_formula_in_any_sheet_any_command_writes(book):
    assert plant_everywhere(book) > 200
    before = formula_count(book)
    for command in (["check", "--write", "--as-of", AS_OF], ["map", "--write", "--as-of", AS_OF],
                    ["minutes", "--write"], ["invite", "--date", AS_OF], ["review", "--date", AS_OF],
                    ["close", "--date", AS_OF, "--reason", "risk reduced", "--force"]):
        result = run_peermap(command[0], book, *command[1:])
        assert result.returncode in (0, 1), (command, result.stderr)
        after = formula_count(book)
        assert {s: n for s, n in after.items() if n != before.get(s, 0)} == {}, command


def test_the_layout_json_never_replaces_the_workbook_or_a_document(book):
    before = book.read_bytes()
    for target in (book, book.with_name("minutes.docx"), book.parent / "no such folder" / "layout.json"):
        refused = run_peermap("map", book, "--as-of", AS_OF, "--layout-json", target)
        assert refused.returncode == 2, target
    assert book.read_bytes() == before and not list(book.parent.glob("*.png"))
