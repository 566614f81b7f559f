"""Closure is all or nothing (issue 26 item 4): refused with nothing changed, or closed with its final minutes;
closed once; and said to be closed by every output after.

On the worked example (today 01/10/2026), which has open actions and questions.
"""

import datetime as dt
import json

import docx
import pytest

from conftest import AS_OF, change, run_peermap
from peermap_xl import operations
from peermap_xl.checks import FOLLOW_UP
from peermap_xl.contract.errors import PeermapError
from peermap_xl.draw import network_map
from peermap_xl.record.reading import read_network

DAY = AS_OF.isoformat()


def folder_files(book) -> dict:
    return {p.name: p.read_bytes() for p in book.parent.iterdir() if p.is_file()}


def document_text(path) -> str:
    doc = docx.Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_a_refused_closure_changes_nothing_and_exits_1(book):
    before = folder_files(book)
    refused = run_peermap("close", book, "--date", DAY, "--reason", "Risks reduced")
    assert refused.returncode == 1, refused.stderr
    assert "nothing was changed" in refused.stderr and "--force" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert folder_files(book) == before


def test_a_forced_closure_is_recorded_once_with_its_reason_as_given(book):
    closed = run_peermap("close", book, "--date", DAY, "--reason", "  Risks   reduced ", "--force")
    assert closed.returncode == 0, closed.stderr
    net = read_network(book)
    assert net.settings.closed and net.settings["closed_on"] == AS_OF
    closure = net.sessions[net.sessions["type"] == "Closure"]
    assert len(closure) == 1 and closure.iloc[0]["decisions"] == "Risks reduced"
    assert closure.iloc[0]["status"] == "Held"
    [minutes] = [p for p in book.parent.glob("Peer Mapping Minutes*.docx")]
    text = document_text(minutes)
    assert text.count("Risks reduced") == 1 and "Close the network:" not in text
    assert "peermap close --force" in text  # the meeting closed it with things open: said so
    assert "For the meeting to consider" not in text and "Now stale:" not in text
    assert "closed on 01/10/2026" in text


def test_a_closed_network_cannot_be_closed_again(book):
    assert run_peermap("close", book, "--date", DAY, "--reason", "Risks reduced", "--force").returncode == 0
    before = folder_files(book)
    again = run_peermap("close", book, "--date", DAY, "--reason", "Risks reduced", "--force")
    assert again.returncode == 2 and "closed on 01/10/2026" in again.stderr
    assert folder_files(book) == before
    assert len(read_network(book).sessions) == len(read_network(book).sessions.drop_duplicates("id"))


def test_a_closure_whose_minutes_fail_leaves_the_workbook_as_it_was(book, monkeypatch):
    before = book.read_bytes()

    def fails(*args, **kwargs):
        raise PeermapError("The minutes could not be written (test).")

    monkeypatch.setattr(operations, "write_minutes", fails)
    with pytest.raises(PeermapError):
        operations.close_network(book, "Risks reduced", AS_OF, force=True)
    assert book.read_bytes() == before
    assert not read_network(book).settings.closed


def test_after_closure_check_says_closed_and_prompts_nothing(book):
    assert run_peermap("close", book, "--date", DAY, "--reason", "Risks reduced", "--force").returncode == 0
    later = (AS_OF + dt.timedelta(days=200)).isoformat()
    found = json.loads(run_peermap("check", book, "--as-of", later, "--json").stdout)
    rules = {f["rule"] for f in found}
    assert "network-closed" in rules and not rules & FOLLOW_UP
    said = run_peermap("check", book, "--as-of", later).stdout
    assert "The network was closed on 01/10/2026" in said


def test_after_closure_the_map_says_closed_not_a_review(book):
    change(book, [("Network", "status", "Value", "Closed"),
                  ("Network", "closed_on", "Value", dt.datetime(2026, 9, 30))])
    net = read_network(book)
    dated = network_map.scene(net, AS_OF).dated
    assert "Closed on 30/09/2026" in dated and "Next review" not in dated


def test_a_closure_that_cannot_write_its_minutes_keeps_the_earlier_backup_and_says_it_did_not_close(book):
    from peermap_xl.book import safe

    assert run_peermap("check", book, "--write", "--as-of", DAY).returncode in (0, 1)
    backup, workbook = safe.backup_path(book).read_bytes(), book.read_bytes()
    folder = book.parent / "Peer Mapping Minutes Peer Network - County line to Plymouth - 2026-10-01.docx"
    folder.mkdir()  # where the final minutes go
    refused = run_peermap("close", book, "--date", DAY, "--reason", "Risks reduced", "--force")
    assert refused.returncode == 2 and "The network was not closed" in refused.stderr
    assert book.read_bytes() == workbook and safe.backup_path(book).read_bytes() == backup
