"""The `peermap` command as a user runs it: new, demo, summary."""

import argparse
import datetime as dt
import hashlib
import io
import shutil
import sys
from pathlib import Path

import pytest

from conftest import TEMPLATE, run_peermap
from peermap_xl.book import safe
from peermap_xl.cli import parse_cli_date
from peermap_xl.examples import city_road


def test_new_makes_a_copy_of_the_template(tmp_path):
    result = run_peermap("new", tmp_path / "City Road.xlsm")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "City Road.xlsm").read_bytes() == TEMPLATE.read_bytes()
    assert "Network sheet" in result.stdout


def test_new_never_overwrites(tmp_path):
    book = tmp_path / "City Road.xlsm"
    book.write_bytes(b"the team's work")
    result = run_peermap("new", book)
    assert result.returncode == 2
    assert result.stderr.strip() == ("peermap: City Road.xlsm already exists. Choose another name: "
                                     "peermap never overwrites a workbook.")
    assert book.read_bytes() == b"the team's work"


def test_new_wants_a_macro_enabled_name_and_an_existing_folder(tmp_path):
    assert run_peermap("new", tmp_path / "Map.xlsx").returncode == 2
    missing = run_peermap("new", tmp_path / "no such folder" / "Map.xlsm")
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert list(tmp_path.iterdir()) == []


def test_demo_writes_the_example_and_summarises_it(tmp_path):
    result = run_peermap("demo", "--out", tmp_path / "demo")
    assert result.returncode == 0, result.stderr
    book = tmp_path / "demo" / city_road.FILE_NAME
    assert book.exists()
    assert "Counts only (no names, no notes) [OFFICIAL-SENSITIVE]" in result.stdout
    assert "14 people: 11 young people, 2 adults, 1 unknown (1 removed)" in result.stdout
    assert "30 links: 21 evidenced, 9 anecdotal" in result.stdout
    assert "2 sessions, the latest on 16/09/2026 (Multi-agency mapping)" in result.stdout
    assert "0 errors, 30 warnings, 25 for information." in result.stdout  # suggestions are not open questions
    assert (tmp_path / "demo" / "Peer Map - City Road peer network - 2026-10-01.png").exists()
    assert (tmp_path / "demo" / "Peer Map (young person) - Male A - 2026-09-20.png").exists()  # the direct work
    review = result.stdout.split("Recorded review session M03 on 20/10/2026", 1)[1]
    assert "  New link: L31 (Male J \u2013 Male E), associate" in review
    for printed in ("Peer Map changes - City Road peer network - 2026-10-20.png",
                    "Peer Mapping Minutes Peer Network - County line to Plymouth - 2026-10-20.docx"):
        assert printed in review and (tmp_path / "demo" / printed).exists()


def test_demo_again_keeps_the_previous_file_as_a_backup(tmp_path):
    assert run_peermap("demo", "--out", tmp_path).returncode == 0
    book = tmp_path / city_road.FILE_NAME
    first = hashlib.sha256(book.read_bytes()).hexdigest()
    assert run_peermap("demo", "--out", tmp_path).returncode == 0
    backup = safe.backup_path(book)
    assert hashlib.sha256(backup.read_bytes()).hexdigest() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([
        book.name, backup.name, "Peer Map - City Road peer network - 2026-10-01.png",
        "Peer Map (young person) - Male A - 2026-09-20.png",
        "Peer Mapping Minutes Peer Network - County line to Plymouth - 2026-09-16.docx",
        "Peer Map - City Road peer network - 2026-10-20.png",  # the review: its map, what changed, its minutes
        "Peer Map changes - City Road peer network - 2026-10-20.png",
        "Peer Mapping Minutes Peer Network - County line to Plymouth - 2026-10-20.docx"])


def test_a_workbook_open_in_excel_is_not_replaced(tmp_path):
    assert run_peermap("demo", "--out", tmp_path).returncode == 0
    book = tmp_path / city_road.FILE_NAME
    before = book.read_bytes()
    safe.lock_file(book).write_bytes(b"")
    result = run_peermap("demo", "--out", tmp_path)
    assert result.returncode == 2 and "is open in Excel" in result.stderr
    assert book.read_bytes() == before


def test_summary_reads_any_workbook(example_book):
    result = run_peermap("summary", example_book)
    assert result.returncode == 0
    assert "6 places: 3 risky, 1 protective, 2 mixed" in result.stdout
    for free_text in ("Male A", "City Road", "County line", "Plymouth"):  # counts only: no names, no key risks
        assert free_text not in result.stdout


def test_the_console_script_is_installed():
    script = Path(sys.executable).with_name("peermap")
    assert script.exists() or shutil.which("peermap")


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_a_bar_in_a_terminal_and_silent_otherwise(tmp_path, book):
    from peermap_xl.contract import progress
    from peermap_xl.operations import check_book

    screen = Terminal()
    check_book(book, city_road.AS_OF, progress=progress.terminal(screen))
    shown = screen.getvalue()
    assert "[" + "#" * 20 + "] 4/4 Done" in shown and "1/4 Checking the data" in shown
    piped = io.StringIO()
    assert progress.terminal(piped) is progress.quiet


@pytest.mark.parametrize("typed, day", [("04/11/2026", dt.date(2026, 11, 4)), ("2026-11-04", dt.date(2026, 11, 4)),
                                        ("4/11/2026", dt.date(2026, 11, 4)), (" 01/10/2026 ", dt.date(2026, 10, 1))])
def test_dates_on_the_command_line_as_people_write_them(typed, day):
    assert parse_cli_date(typed) == day


@pytest.mark.parametrize("typed", ["11/30/2026", "2026/11/04", "tomorrow", "04/11/26", ""])
def test_a_date_that_is_not_one_is_refused_saying_how_to_write_it(typed):
    with pytest.raises(argparse.ArgumentTypeError, match="write it as dd/mm/yyyy"):
        parse_cli_date(typed)


def test_check_as_of_a_uk_date_matches_the_iso_one(example_book):
    uk = run_peermap("check", example_book, "--as-of", "01/10/2026", "--json")
    iso = run_peermap("check", example_book, "--as-of", "2026-10-01", "--json")
    assert uk.returncode == iso.returncode == 0 and uk.stdout == iso.stdout and len(uk.stdout) > 100
    bad = run_peermap("check", example_book, "--as-of", "31/02/2026")
    assert bad.returncode == 2 and "'31/02/2026' is not a date: write it as dd/mm/yyyy" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 2  # argparse's usage line, then the reason
