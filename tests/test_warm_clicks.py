"""Warm clicks: with xlwings' "Use UDF Server" one Python process serves every click of every open
workbook. Each button must read its workbook afresh, keep nothing between calls or workbooks, and
leave the process usable after a failure."""

import copy
import sys

import pytest
import xlwings as xw
from xlwings_payload import payload

from conftest import ROOT
from peermap_xl import buttons

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

BUTTONS = ("check", "minutes", "review", "draw_map")


@pytest.fixture(scope="module")
def two_workbooks(example_book, tmp_path_factory):
    """The worked example and a different, smaller network, as Excel's client would send them."""
    other = synthetic.write(tmp_path_factory.mktemp("other") / "Other network.xlsm", 12, 20)
    return {"example": payload(example_book), "other": payload(other)}


def click(button: str, data: dict, folder, monkeypatch) -> list[dict]:
    """Press a button on a workbook (its files go to its own folder); what it sends back to Excel."""
    monkeypatch.chdir(folder)
    book = xw.Book(json=copy.deepcopy(data))  # Excel sends the workbook afresh with every click
    getattr(buttons, button)(book)
    return book.json()["actions"]


def alerts(sent: list[dict]) -> list[str]:
    return [a["args"][0] for a in sent if a["func"] == "alert"]


def broken(data: dict) -> dict:
    """The workbook with its Links' From header typed over: a problem the user must put right."""
    sheets = [dict(s) for s in data["sheets"]]
    links = next(s for s in sheets if s["name"] == "Links")
    links["values"] = [["To" if v == "From" else v for v in links["values"][0]]] + links["values"][1:]
    return {**data, "sheets": sheets}


@pytest.mark.parametrize("button", BUTTONS)
def test_each_button_twice_on_two_workbooks_in_one_process(button, two_workbooks, tmp_path, monkeypatch):
    folders = {name: tmp_path / name for name in two_workbooks}
    for folder in folders.values():
        folder.mkdir()
    first = {name: click(button, data, folders[name], monkeypatch) for name, data in two_workbooks.items()}
    assert first["example"] != first["other"]  # each answered for its own workbook
    for sent in first.values():
        assert alerts(sent) and not any("failed" in text for text in alerts(sent))
    # a problem in between, in the same process
    failed = click(button, broken(two_workbooks["example"]), folders["example"], monkeypatch)
    assert alerts(failed) == ["City Road peer network (example).xlsm: the 'Links' sheet has no 'From' column. "
                              "Add it to the header row (row 1 of the table), then try again."]
    # the second round, in the other order, says exactly what the first did
    for name in reversed(list(two_workbooks)):
        assert click(button, two_workbooks[name], folders[name], monkeypatch) == first[name], name


def test_a_failure_inside_the_map_leaves_the_process_usable(two_workbooks, tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    from peermap_xl.draw import layout

    def crash(*args, **kwargs):
        raise RuntimeError("a bug in the layout")

    good = click("draw_map", two_workbooks["other"], tmp_path, monkeypatch)
    with monkeypatch.context() as patched:
        patched.setattr(layout, "place", crash)
        failed = click("draw_map", two_workbooks["other"], tmp_path, monkeypatch)
    assert alerts(failed)[0].startswith("peermap itself failed (RuntimeError).")
    assert plt.get_fignums() == []  # the half-drawn figure did not stay behind in the process
    assert click("draw_map", two_workbooks["other"], tmp_path, monkeypatch) == good
    assert "draw_map: failed (RuntimeError)" in (tmp_path / "peermap.log").read_text()


def test_a_click_leaves_no_logging_handler_behind(two_workbooks, tmp_path, monkeypatch):
    before = list(buttons.log.handlers)
    for _ in range(3):
        click("check", two_workbooks["other"], tmp_path, monkeypatch)
    assert buttons.log.handlers == before
    assert (tmp_path / "peermap.log").read_text().count("check: done") == 3
