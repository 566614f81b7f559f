"""Safe writes: nothing lost, nothing left behind (issue 14).

Every file here is made in the test: symbolic links, read-only files and folders, pipes,
office lock files, stale temporary files, killed and concurrent writers.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import run_peermap

from peermap_xl.book import safe
from peermap_xl.book.file import check_is_workbook, read_network
from peermap_xl.errors import WorkbookError

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
