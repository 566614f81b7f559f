"""The map of what changed at a review: marks for new, removed, gone and changed; positions kept from the last
snapshot; beside the workbook, on its Map changes sheet and in the review's minutes."""

import datetime as dt

import docx
import openpyxl
import pytest

from peermap_xl.draw import change_map, layout, style
from peermap_xl.draw.network_map import BOX
from peermap_xl.examples import city_road, record_review, write_example
from peermap_xl.operations import CHANGES_SHEET, record_session, write_minutes
from peermap_xl.record import history, labels
from peermap_xl.record.reading import read_network

D = dt.date


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """The demo's worked example (checked and mapped as of city_road.AS_OF) after its review (M03 on
    city_road.REVIEW_DAY, compared with M02's snapshot, which keeps where that map put everyone)."""
    folder = tmp_path_factory.mktemp("reviewed")
    book = write_example(folder / city_road.FILE_NAME, checked_as_of=city_road.AS_OF)
    review, _ = record_review(book)
    return book, review


def drawn(book, tmp_path, anonymise=False):
    network = read_network(book)
    before = history.latest_before(network, city_road.REVIEW_DAY, "M03")
    out = change_map.draw(network, before, tmp_path / "changes.png", city_road.REVIEW_DAY, anonymise)
    return network, before, out


def test_the_review_draws_what_changed_beside_the_workbook_and_on_its_sheet(reviewed):
    book, review = reviewed
    assert review.session == "M03" and review.change_map == book.parent / change_map.file_name(
        read_network(book), city_road.REVIEW_DAY, anonymise=False)
    assert review.change_map.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    wb = openpyxl.load_workbook(book)
    assert CHANGES_SHEET in wb.sheetnames and len(wb[CHANGES_SHEET]._images) == 1


def test_new_removed_gone_and_changed_are_each_marked(reviewed, tmp_path):
    _, _, out = drawn(reviewed[0], tmp_path)
    assert {k: v for k, v in out.change.items()} == {
        "S16": "new", "S09": "removed", "L31": "new", "L32": "new", "L25": "gone", "L29": "gone", "L20": "changed"}
    edges = {e.id: e for e in out.edges}
    assert edges["L31"].alpha == 1.0 and edges["L31"].width > style.LINK_WIDTHS["Moderate"]
    assert edges["L29"].style == "dashed" and edges["L29"].colour == style.GONE_COLOUR
    assert edges["L01"].alpha == style.UNCHANGED_ALPHA  # unchanged: pale
    names = {n.id: n.label for n in out.nodes}
    assert names["S16"] == "Male J (new)" and names["S09"] == "Female C (removed)"
    assert names["S08"] == "Male E (was Medium, now High)" and names["S01"] == "Male A"
    assert out.notes == ("1. L20 (Male D \u2013 Male A): moderate to strong",)
    said = [e.text for e in out.legend if e.section == "What changed"]
    assert said == [change_map.WORDS[k] for k in ("new", "removed", "new link", "gone", "changed", "same")]
    assert out.layout_json()["nodes"][0]["change"] in (None, "new", "removed")
    assert {n.id: n.incidents for n in out.nodes if n.incidents} == {"C01": 1, "C02": 1, "C06": 3}  # I05 too


def test_everyone_is_drawn_where_the_last_snapshot_put_them(reviewed, tmp_path):
    _, before, out = drawn(reviewed[0], tmp_path)
    kept = history.positions(before)
    assert len(kept) >= 20
    at = {n.id: (n.x, n.y) for n in out.nodes}
    for node, (u, v) in kept.items():
        x, y = BOX.to_pixels(u, v)
        assert abs(at[node][0] - x) < 1 and abs(at[node][1] - y) < 1, node


def test_the_change_map_has_no_overlaps(reviewed, tmp_path):
    _, _, out = drawn(reviewed[0], tmp_path)
    data = out.layout_json()
    edges = [(e["source"], e["target"]) for e in data["edges"]]
    measured = layout.readability(data["nodes"], edges, out.width, out.height)
    assert measured["node overlaps"] == measured["label overlaps"] == measured["label over node"] == 0, measured
    assert measured["labels outside"] == 0


def test_the_anonymised_change_map_names_nobody(reviewed, tmp_path):
    network, _, out = drawn(reviewed[0], tmp_path, anonymise=True)
    coded = labels.codes(network)
    names = [n for n in network.subjects["name"]] + [n for n in network.contexts["name"]]
    text = " ".join([n.label for n in out.nodes] + list(out.notes))
    assert not [name for name in names if name in text]
    assert all(n.label.split(" (")[0] == coded[n.id] for n in out.nodes)


def test_a_first_review_with_no_earlier_snapshot_draws_no_change_map(book):
    recorded = record_session(book, "Review", D(2026, 10, 1))
    assert recorded.changes is None and recorded.change_map is None
    assert not list(book.parent.glob("Peer Map changes*"))


def test_the_review_minutes_carry_the_change_map_after_the_map_described_in_their_labels(reviewed, tmp_path):
    book, _ = reviewed
    plain = docx.Document(write_minutes(book, "M03", out=tmp_path))
    said = [s._inline.docPr.get("descr") for s in plain.inline_shapes]
    assert len(said) == 2 and said[0].startswith("Map dated 20/10/2026")
    assert said[1].startswith("What changed since session M02 on 16/09/2026")
    assert "Added: Male J (person)" in said[1] and "Risk changed: Male E, medium to high" in said[1]
    headings = [p.text for p in plain.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("What changed on the map") == headings.index("The map") + 1
    assert "The young person's view" in headings
    hidden = docx.Document(write_minutes(book, "M03", out=tmp_path, anonymise=True))
    described = hidden.inline_shapes[1]._inline.docPr.get("descr")
    assert described.startswith("What changed since session M02") and "Male J" not in described
    assert "Female C" not in described


def test_the_start_review_button_draws_what_changed_beside_the_workbook_and_on_it(reviewed, tmp_path, monkeypatch):
    import xlwings as xw
    from xlwings_payload import payload

    from peermap_xl import buttons

    monkeypatch.chdir(tmp_path)  # the remote engine gives no folder: files go to the current one
    book = xw.Book(json=payload(reviewed[0]))  # a review after M03: compared with M03's snapshot
    buttons.review(book)
    sent = book.json()["actions"]
    [alert] = [a["args"][0] for a in sent if a["func"] == "alert"]
    [drawn] = list(tmp_path.glob("Peer Map changes - City Road peer network - *.png"))
    assert alert.startswith("Review M04 recorded.") and f"What changed is drawn in {drawn.name}." in alert
    names = [a["args"][-1] for a in sent if a["func"] == "setPictureName"]
    assert names == ["PeerMapChanges"] and [a for a in sent if a["func"] == "addPicture"]
