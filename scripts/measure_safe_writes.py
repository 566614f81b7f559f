"""Measure the figures of issue 14 (safe writes) on files made here, and print them.

    python scripts/measure_safe_writes.py [--kills 60] [--big-kills 25] [--trials 6]

Kills: SIGKILL `check --write` and `review` at random moments; after each, the workbook and its
backup must open, and after the next whole run no `.peermap-*` temp may be left. Big kills:
SIGKILL during the backup of an 84 MB workbook; the backup must be the previous one or the new
one, whole. Then the file-system traps, the office lock files, and concurrent writers.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl

from peermap_xl.book import safe
from peermap_xl.book.file import check_is_workbook
from peermap_xl.examples import city_road, write_example
from peermap_xl.record.reading import read_network

AS_OF = "2026-10-01"
CLI = [sys.executable, "-m", "peermap_xl.cli"]


def run(*args, timeout=120):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def readable(path: Path) -> bool:
    try:
        check_is_workbook(path)
        openpyxl.load_workbook(path, read_only=True).close()
        return True
    except Exception:
        return False


def temps(folder: Path) -> list[Path]:
    return list(folder.glob(safe.TEMP_PREFIX + "*"))


def kills(example: Path, work: Path, count: int) -> None:
    rng = random.Random(14)
    book = Path(shutil.copy(example, work / "kills.xlsm"))
    left, unreadable, bad_backups = 0, 0, 0
    for _ in range(count):
        command = rng.choice([["check", "--write", "--as-of", AS_OF], ["review", "--date", AS_OF]])
        child = subprocess.Popen([*CLI, *command, str(book)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 3.0))
        child.send_signal(signal.SIGKILL)
        child.wait()
        left += bool(temps(work))
        unreadable += not readable(book)
        bad_backups += safe.backup_path(book).exists() and not readable(safe.backup_path(book))
    after = run("review", book, "--date", AS_OF)
    print(f"kills: {count}; kills leaving a temp file until the next run: {left}; temp files after the next "
          f"run: {len(temps(work))} (exit {after.returncode}); unreadable workbooks: {unreadable}; "
          f"unreadable backups: {bad_backups}")


def _big_zip(path: Path, megabytes: int, seed: int) -> None:
    rng = random.Random(seed)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for k in range(megabytes):
            z.writestr(f"xl/media/blob{k}.bin", rng.randbytes(1 << 20))


BIG_WRITER = """
import shutil, sys
from pathlib import Path
from peermap_xl.book import safe
safe.write_atomically(Path(sys.argv[1]), lambda temp: shutil.copyfile(sys.argv[2], temp))
"""


def big_kills(work: Path, count: int) -> None:
    rng = random.Random(25)
    book, new = work / "big.xlsm", work / "big-new.zip"
    _big_zip(book, 84, 1)
    _big_zip(new, 84, 2)
    shutil.copy(book, safe.backup_path(book))
    digest = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (book, new)}
    torn = 0
    for _ in range(count):
        child = subprocess.Popen([sys.executable, "-c", BIG_WRITER, str(book), str(new)])
        time.sleep(rng.uniform(0.05, 1.5))
        child.send_signal(signal.SIGKILL)
        child.wait()
        torn += hashlib.sha256(safe.backup_path(book).read_bytes()).hexdigest() not in digest
    print(f"kills during the backup of an 84 MB workbook: {count}; truncated or torn backups: {torn}")


def file_system(example: Path, work: Path) -> None:
    folder = work / "fs"
    folder.mkdir()
    book = Path(shutil.copy(example, folder / "Book.xlsm"))
    link = folder / "link.xlsm"
    link.symlink_to(book)
    before = len(read_network(book).sessions)
    result = run("review", link, "--date", AS_OF)
    print(f"symlinked workbook: exit {result.returncode}, link kept {link.is_symlink()}, target updated "
          f"{len(read_network(book).sessions) == before + 1}")
    victim = folder / "victim.txt"
    victim.write_text("x")
    safe.backup_path(book).unlink()
    safe.backup_path(book).symlink_to(victim)
    result = run("review", book, "--date", AS_OF)
    print(f"symlinked backup: exit {result.returncode}, its target untouched {victim.read_text() == 'x'}")
    book.chmod(0o444)
    result = run("review", book, "--date", AS_OF)
    print(f"read-only workbook: exit {result.returncode}, mode {oct(stat.S_IMODE(book.stat().st_mode))}")
    book.chmod(0o640)
    folder.chmod(0o555)
    result = run("review", book, "--date", AS_OF)
    folder.chmod(0o755)
    print(f"read-only folder: exit {result.returncode}")
    os.mkfifo(folder / "x.xlsm")
    started = time.monotonic()
    result = run("check", "--write", folder / "x.xlsm", timeout=30)
    print(f"FIFO x.xlsm: exit {result.returncode} in {time.monotonic() - started:.1f} s")
    result = run("review", book, "--date", AS_OF)
    print(f"mode 0640 after a write: {oct(stat.S_IMODE(book.stat().st_mode))} (exit {result.returncode})")


COMMANDS = (["check", "--write"], ["review"], ["invite"], ["minutes", "--write"], ["map", "--write"], ["close"])


def lock_files(example: Path, work: Path) -> None:
    for program, name in (("Excel", "~${}"), ("LibreOffice", ".~lock.{}#")):
        folder = work / program
        folder.mkdir()
        book = Path(shutil.copy(example, folder / "Book.xlsm"))
        book.with_name(name.format(book.name)).write_text("someone")
        data = book.read_bytes()
        refused = sum(run(*command, book).returncode == 2 for command in COMMANDS)
        print(f"{program} lock file: {refused} of {len(COMMANDS)} commands refused; workbook unchanged "
              f"{book.read_bytes() == data}")


def concurrency(example: Path, work: Path, trials: int) -> None:
    for other in (["review", "--date", AS_OF], ["check", "--write", "--as-of", AS_OF]):
        lost = 0
        for k in range(trials):
            book = Path(shutil.copy(example, work / f"together-{other[0]}-{k}.xlsm"))
            before = len(read_network(book).sessions)
            both = [subprocess.Popen([*CLI, *command, str(book)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL) for command in (["review", "--date", AS_OF], other)]
            codes = [p.wait(timeout=180) for p in both]
            sessions = len(read_network(book).sessions) - before
            wanted = 2 if other[0] == "review" else 1
            checks = openpyxl.load_workbook(book, read_only=True)["Checks"]["A1"].value or ""
            kept = sessions == wanted and (other[0] == "review" or "01/10/2026" in str(checks))
            lost += not kept or codes[0] != 0
        print(f"review + {other[0]} at once: {trials - lost} of {trials} trials kept both")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=60)
    parser.add_argument("--big-kills", type=int, default=25)
    parser.add_argument("--trials", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "example").mkdir()
        example = write_example(work / "example" / city_road.FILE_NAME)
        for step in (lambda: kills(example, work, args.kills), lambda: big_kills(work, args.big_kills),
                     lambda: file_system(example, work), lambda: lock_files(example, work),
                     lambda: concurrency(example, work, args.trials)):
            step()
            sys.stdout.flush()


if __name__ == "__main__":
    main()
