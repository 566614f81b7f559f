"""The checks' shortcuts change no finding: each frame's records shared in a run of the rules, each typed
reference resolved once, each repeated text typed once."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys

import pytest

from conftest import ROOT
from peermap_xl import checks
from peermap_xl.book.file import read_raw
from peermap_xl.contract import schema
from peermap_xl.record import model
from peermap_xl.record.reading import read_network

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

AS_OF = dt.date(2026, 10, 1)


def without_shortcuts(monkeypatch) -> None:
    monkeypatch.setattr(checks, "sharing_rows", contextlib.nullcontext)
    monkeypatch.setattr(model.Resolver, "__call__", lambda self, ref: list(model.Resolver._resolve(self, ref)[0]))
    monkeypatch.setattr(model, "_typer", lambda col, raw, lists, problems, sheet: (
        lambda value, row: model.typed_value(value, col, raw, lists, problems, sheet, row)))


@pytest.fixture(scope="module")
def synthetic_book(tmp_path_factory):
    return synthetic.write(tmp_path_factory.mktemp("speed") / "synthetic.xlsm", 300, 1200)


@pytest.mark.parametrize("which", ["worked example", "synthetic 300/1200"])
def test_the_findings_are_those_worked_out_without_shortcuts(which, example_book, synthetic_book, monkeypatch):
    path = example_book if which == "worked example" else synthetic_book
    fast = checks.run_checks(read_network(path), AS_OF)
    with monkeypatch.context() as patched:
        without_shortcuts(patched)
        slow = checks.run_checks(read_network(path), AS_OF)
    assert fast == slow and len(fast) > 20
    assert [f.message for f in fast] == [f.message for f in slow]


def test_a_network_built_with_repeated_texts_typed_once_is_the_same(synthetic_book, monkeypatch):
    raw = read_raw(synthetic_book)
    fast = model.build(raw)
    with monkeypatch.context() as patched:
        without_shortcuts(patched)
        slow = model.build(read_raw(synthetic_book))
    for name in fast.frames:
        assert fast.frames[name].equals(slow.frames[name]), name
    assert fast.problems == slow.problems and fast.settings == slow.settings


def test_rows_are_shared_within_a_run_and_a_replaced_frame_gets_its_own(example_book):
    network = read_network(example_book)
    outside = model.rows(network.links)
    with model.sharing_rows():
        first, again = model.rows(network.links), model.rows(network.links)
        assert first is again and first == outside
        model.add_records(network, schema.GAPS, [(99, {"Question": "Who drives the car?"})])
        assert any(g["question"] == "Who drives the car?" for g in model.rows(network.gaps))
    assert model.rows(network.links) is not first  # outside a run, worked out afresh


def test_a_resolved_reference_is_a_fresh_list_each_time(example_book):
    network = read_network(example_book)
    found = network.resolve("Male A")
    found.append("S99")
    assert network.resolve("Male A") == ["S01"]
