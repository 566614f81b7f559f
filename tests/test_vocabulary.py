"""One vocabulary: every output agrees on what is stale and when the next review is; the plan of edits
is applied by both doors; a command reads once and runs each rule once; book/ stays below the rest."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, change, run_peermap
from peermap_xl import checks, formulas, minutes, operations
from peermap_xl.contract import domain
from peermap_xl.record import labels
from peermap_xl.record.reading import read_network

D = dt.date


def docx_text(path: Path) -> str:
    import docx

    document = docx.Document(path)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_next_review_is_the_same_everywhere(book, tmp_path):
    change(book, [("Sessions", "M02", "Next review", dt.datetime(2027, 1, 15))])
    as_of = D(2027, 2, 1)
    network = read_network(book)
    assert network.next_review().due == D(2027, 1, 15) and network.next_review().agreed

    [overdue] = [f for f in checks.run_checks(network, as_of) if f.code == "PM505"]
    assert "15/01/2027" in overdue.message
    drawn = run_peermap("map", book, "--as-of", as_of.isoformat(), "--out", tmp_path / "map.svg")
    assert drawn.returncode == 0, drawn.stderr
    assert "Next review: 15/01/2027" in (tmp_path / "map.svg").read_text()
    written = run_peermap("minutes", book, "--out", tmp_path / "minutes.docx")
    assert written.returncode == 0, written.stderr
    assert "Next review: 15/01/2027" in docx_text(tmp_path / "minutes.docx")
    reviewed = run_peermap("review", book, "--date", "2026-10-01")  # today (the tests fix it): held, not ahead
    assert "was due on 15/01/2027" in reviewed.stdout, reviewed.stdout


def test_a_review_agreed_later_than_the_period_is_not_overdue(book):
    change(book, [("Sessions", "M02", "Next review", dt.datetime(2027, 3, 1))])
    network = read_network(book)
    assert not [f for f in checks.run_checks(network, D(2027, 1, 1)) if f.code == "PM505"]
    assert [f for f in checks.run_checks(network, D(2027, 3, 2)) if f.code == "PM505"]


def test_stale_means_the_same_everywhere(book, tmp_path):
    as_of = D(2026, 10, 1)
    stale_day, fresh_day = as_of - dt.timedelta(days=61), as_of - dt.timedelta(days=60)
    change(book, [("Network", "stale_after_days", "Value", 60),
                     ("Links", "L05", "Last seen", dt.datetime.combine(stale_day, dt.time())),
                     ("Links", "L06", "Last seen", dt.datetime.combine(fresh_day, dt.time()))])
    network = read_network(book)
    stale = {"L05": True, "L06": False}

    found = {f.id for f in checks.run_checks(network, as_of) if f.code == "PM201"}
    assert {i: i in found for i in stale} == stale
    assert {i: network.is_stale(link, as_of) for i, link in _links(network).items() if i in stale} == stale
    assert {i: formulas.stale(_links(network)[i]["last_seen"], network.settings.stale_after_days, as_of)
            for i in stale} == stale

    layout_json = tmp_path / "layout.json"
    assert run_peermap("map", book, "--as-of", as_of.isoformat(), "--out", tmp_path / "map.png",
                       "--layout-json", layout_json).returncode == 0
    edges = {e["id"]: e["stale"] for e in json.loads(layout_json.read_text())["edges"]}
    assert {i: edges[i] for i in stale} == stale

    figure = minutes.figure_one(network, "S01", on=as_of)
    label = labels.labeller(network)
    for link_id, other in (("L05", "S03"), ("L06", "S04")):
        [entry] = [e for rows in figure.values() for e in rows if e.startswith(label(other) + " ")]
        assert ("stale" in entry) == stale[link_id], entry

    record, written = operations.check_book(book, as_of)
    flags = {i: "STALE" in str(link["flags"]) for i, link in _links(read_network(book)).items()}
    assert {i: flags[i] for i in stale} == stale


def _links(network) -> dict:
    return {link["id"]: link for link in network.links.to_dict("records")}


def test_check_write_loads_once_and_runs_each_rule_once(book, monkeypatch):
    loads = []
    real_load = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: loads.append(k) or real_load(*a, **k))
    calls: dict[str, int] = {}
    counted = [dataclasses.replace(r, check=_counting(r.check, r.code, calls)) for r in checks.RULES]
    monkeypatch.setattr(checks.core, "RULES", counted)  # the same list object the catalogue holds
    monkeypatch.setattr(checks, "RULES", counted)
    operations.check_book(book, D(2026, 10, 1))
    assert len(loads) == 1
    assert calls == {r.code: 1 for r in checks.RULES}


def _counting(check, code, calls):
    def counted(ctx):
        calls[code] = calls.get(code, 0) + 1
        return check(ctx)
    return counted


def test_anonymised_findings_are_worded_without_running_the_rules_again(book, monkeypatch):
    record, network = operations.check_book(book, D(2026, 10, 1))
    monkeypatch.setattr(checks, "evaluate", lambda *a, **k: pytest.fail("the rules ran again"))
    coded = record.worded(network, anonymise=True)
    assert [f.code for f in coded] == [f.code for f in record.findings]
    names = {n for n in network.subjects["name"].dropna()}
    assert not [f.message for f in coded if any(n in f.message for n in names)]
    assert any("YP1" in f.message for f in coded)


def test_the_catalogue_is_in_code_order_and_lists_every_rule():
    codes = [r.code for r in checks.RULES]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    listed = [line.split()[0] for line in run_peermap("rules").stdout.splitlines() if line.startswith("PM")]
    assert listed == codes


FORBIDDEN = ("checks", "draw", "minutes", "excel", "operations")


def test_book_imports_nothing_above_it():
    for module in (ROOT / "peermap_xl" / "book").glob("*.py"):
        tree = ast.parse(module.read_text())
        for node in ast.walk(tree):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module == "peermap_xl":
                names = [f"peermap_xl.{a.name}" for a in node.names]
            for name in names:
                parts = name.split(".")
                assert not (parts[0] == "peermap_xl" and len(parts) > 1 and parts[1] in FORBIDDEN), \
                    f"{module.name} imports {name}"


def test_the_domain_words_decide_on_the_boundary():
    assert domain.is_stale(D(2026, 7, 3), D(2026, 10, 1), 90) is False  # 90 days: not yet
    assert domain.is_stale(D(2026, 7, 2), D(2026, 10, 1), 90) is True
    assert domain.is_stale(None, D(2026, 10, 1), 90) is False
    assert domain.question_is_open(None) and domain.question_is_open("Open") and not domain.question_is_open("Answered")
    assert domain.action_is_open("In progress") and not domain.action_is_open("Done")
    assert domain.review_after(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_a_review_held_early_keeps_the_review_date_agreed_before(book):
    change(book, [("Sessions", "M02", "Next review", dt.datetime(2026, 12, 16))])
    early = operations.record_session(book, "Review", D(2026, 10, 1))  # after an incident, before it was due
    assert early.next_review == D(2026, 12, 16)
    late = operations.record_session(book, "Review", D(2026, 12, 20))  # held after it: the period from now
    assert late.next_review == D(2027, 3, 20)
