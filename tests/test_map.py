"""The network map and the young person's map: drawn, legible, stable, and anonymised when asked."""

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PIL import Image

from conftest import change, run_peermap
from peermap_xl.contract import domain
from peermap_xl.draw import ego, network_map, style
from peermap_xl.examples import city_road
from peermap_xl.record import labels
from peermap_xl.record.reading import read_network

AS_OF = city_road.AS_OF


@pytest.fixture(scope="module")
def drawn(tmp_path_factory, example_book):
    folder = tmp_path_factory.mktemp("map")
    result = run_peermap("map", example_book, "--as-of", AS_OF, "--out", folder / "map.png",
                         "--layout-json", folder / "layout.json")
    assert result.returncode == 0, result.stderr
    return folder / "map.png", json.loads((folder / "layout.json").read_text())


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def circle_meets_box(node, box) -> bool:
    x = min(max(node["x"], box[0]), box[2])
    y = min(max(node["y"], box[1]), box[3])
    return (x - node["x"]) ** 2 + (y - node["y"]) ** 2 < node["radius"] ** 2


def test_the_picture_is_there_at_its_size_and_not_blank(drawn):
    png, layout = drawn
    image = Image.open(png).convert("RGB")
    assert image.size == (layout["figure"]["width"], layout["figure"]["height"]) == (1500, 1060)
    pixels = np.asarray(image).reshape(-1, 3)
    coloured = (pixels != 255).any(axis=1).mean()
    assert coloured > 0.05
    assert len(np.unique(pixels, axis=0)) > 200


def test_the_layout_has_no_overlapping_nodes_or_labels(drawn):
    _, layout = drawn
    nodes = layout["nodes"]
    assert len(nodes) == 20 and len(layout["edges"]) == 29
    for i, a in enumerate(nodes):
        assert 0 <= a["label_box"][0] and a["label_box"][2] <= 1500 and 0 <= a["label_box"][1], a["id"]
        for b in nodes[i + 1:]:
            gap = ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5
            assert gap >= a["radius"] + b["radius"], (a["id"], b["id"])
            assert not overlaps(a["label_box"], b["label_box"]), (a["id"], b["id"])
        for b in nodes:
            if b is not a:
                assert not circle_meets_box(b, a["label_box"]), (a["id"], b["id"])


def test_the_layout_names_kinds_and_link_styles(drawn):
    _, layout = drawn
    nodes = {n["id"]: n for n in layout["nodes"]}
    assert nodes["S01"]["label"] == "Male A" and nodes["S01"]["kind"] == "young person"
    assert nodes["S02"]["kind"] == "adult" and nodes["S15"]["kind"] == "unknown"
    assert nodes["C05"]["kind"] == "online" and nodes["C01"]["kind"] == "place"
    assert "S14" not in nodes  # removed from the network
    edges = {e["id"]: e for e in layout["edges"]}
    assert edges["L02"]["style"] == "dashed" and edges["L01"]["style"] == "solid"  # anecdotal / evidenced
    assert edges["L05"]["stale"] is True and edges["L01"]["stale"] is False
    assert edges["L09"]["nature"] == "protective" and edges["L01"]["nature"] == "risky"
    assert edges["L02"]["arrow"] == "forward" and edges["L26"]["arrow"] == "forward"
    assert edges["L25"]["arrow"] == "both" and edges["L01"]["arrow"] == "none"
    assert "L27" not in edges  # touches a removed person


def test_the_same_workbook_gives_the_same_layout(tmp_path, example_book):
    net = read_network(example_book)
    first = network_map.draw(net, tmp_path / "a.png", AS_OF)
    second = network_map.draw(read_network(example_book), tmp_path / "b.png", AS_OF)
    assert first == second


def test_a_pinned_node_is_exactly_where_it_was_pinned(tmp_path, example_book):
    net = read_network(example_book)
    net.subjects.loc[net.subjects["id"] == "S05", ["map_x", "map_y"]] = [20.0, 80.0]
    drawn = network_map.draw(net, tmp_path / "pinned.png", AS_OF)
    node = next(n for n in drawn.nodes if n.id == "S05")
    assert (node.x, node.y) == pytest.approx(network_map.BOX.to_pixels(20.0, 80.0), abs=0.01)


def test_people_stay_near_where_they_were_when_the_network_changes(book):
    assert run_peermap("map", book, "--as-of", AS_OF, "--write", "--out", book.with_name("before.png")).returncode == 0
    before = read_network(book).map_positions
    assert len(before) == 20
    change(book, [
        ("Subjects", "S15", "Status", "Removed"),  # the unknown female leaves the network
        ("Subjects", 1, "ID", "S16"), ("Subjects", 1, "Name", "Male J"), ("Subjects", 1, "Type", "Young person"),
        ("Subjects", 2, "ID", "S17"), ("Subjects", 2, "Name", "Female E"), ("Subjects", 2, "Type", "Young person"),
        ("Links", 1, "ID", "L31"), ("Links", 1, "From", "S16"), ("Links", 1, "To", "S01"),
        ("Links", 1, "Relationship", "Friend"),
        ("Links", 2, "ID", "L32"), ("Links", 2, "From", "S17"), ("Links", 2, "To", "S16"),
        ("Links", 2, "Relationship", "Friend"),
    ])
    net = read_network(book)
    assert "S15" in net.removed_ids and {"S16", "S17"} <= set(net.active_subjects["id"])
    after = network_map.draw(net, book.with_name("after.png"), AS_OF)
    moved = {}
    for node in after.nodes:
        if node.id in before:
            x, y = network_map.BOX.to_pixels(*before[node.id])
            moved[node.id] = ((node.x - x) ** 2 + (node.y - y) ** 2) ** 0.5
    assert len(moved) == 19 and max(moved.values()) < 40, moved
    assert {"S16", "S17"} <= {n.id for n in after.nodes}


def test_write_puts_one_picture_on_the_map_sheet_and_keeps_positions(book):
    for _ in range(2):
        assert run_peermap("map", book, "--as-of", AS_OF, "--write").returncode == 0
    wb = openpyxl.load_workbook(book)
    assert len(wb["Map"]._images) == 1 and wb["Map"]["A1"].value == "Map dated 01/10/2026"
    assert wb["Map layout"].sheet_state == "hidden"
    assert wb["Map layout"].max_row == 21
    assert book.with_name("Peer Map - City Road peer network - 2026-10-01.png").exists()
    assert book.with_name(book.stem + ".backup.xlsm").exists()


def names_and_notes(net) -> set[str]:
    """Every name, initial and piece of free text the workbook holds about people and places."""
    found = set()
    for frame in (net.subjects, net.contexts):
        for column in ("name", "concerns", "strengths", "notes", "address_or_area"):
            if column in frame:
                found |= {v for v in frame[column] if isinstance(v, str)}
        found |= {labels.initials(v) for v in frame["name"] if isinstance(v, str)}
    found |= {v for v in net.links["notes"] if isinstance(v, str)}
    found |= {v for v in net.direct_work["peer"] if isinstance(v, str)}
    found |= {v for v in net.direct_work["notes"] if isinstance(v, str)}
    found |= {net.settings["network_name"], net.settings["key_contextual_risks"]}
    return found - {net.settings["home_borough"], "Online"}  # these name nobody


def svg_texts(path) -> str:
    svg = Path(path).read_text(encoding="utf-8")
    return " ".join(re.findall(r">([^<>]+)<", svg))


def test_anonymised_map_holds_no_name_initial_or_free_text(tmp_path, example_book):
    result = run_peermap("map", example_book, "--as-of", AS_OF, "--anonymise", "--out", tmp_path / "anon.svg",
                         "--layout-json", tmp_path / "anon.json")
    assert result.returncode == 0
    svg = (tmp_path / "anon.svg").read_text(encoding="utf-8")
    texts = svg_texts(tmp_path / "anon.svg")
    layout = (tmp_path / "anon.json").read_text()
    assert "YP1" in texts and "LOC1" in texts and "OFFICIAL-SENSITIVE" in texts
    for secret in names_and_notes(read_network(example_book)):
        if len(secret) <= 3:  # initials: as whole words
            assert not re.search(rf"\b{re.escape(secret)}\b", texts), secret
            assert f'"{secret}"' not in layout, secret
        else:
            assert secret not in svg and secret not in layout, secret


def test_the_legend_shows_only_marks_that_are_used(tmp_path, example_book):
    net = read_network(example_book)
    keep = net.links["evidence"].eq("Evidenced") & net.links["information_grade"].str.startswith(("A", "B"))
    net.frames["Links"] = net.links[keep].reset_index(drop=True)
    net.__dict__.pop("live_links", None)
    net.__dict__.pop("resolved_links", None)
    network_map.draw(net, tmp_path / "plain.svg", AS_OF)
    texts = svg_texts(tmp_path / "plain.svg")
    assert "Evidenced" in texts and "Anecdotal or weakly graded" not in texts
    full = tmp_path / "full.svg"
    network_map.draw(read_network(example_book), full, AS_OF)
    assert "Anecdotal or weakly graded" in svg_texts(full) and "Outside Hackney" in svg_texts(full)


def test_next_review_comes_from_the_latest_session(example_book):
    net = read_network(example_book)
    assert network_map.next_review(net, AS_OF) == dt.date(2026, 12, 16)
    net.sessions.loc[net.sessions["id"] == "M02", "next_review"] = pd.NaT
    assert network_map.next_review(net, AS_OF) == dt.date(2026, 12, 16)  # 16/09 + 3 months


def test_a_booked_session_sets_no_review_on_the_map(example_book):
    """A session booked for after the map's day is not held: the map's next review is the last held one's."""
    net = read_network(example_book)
    last = net.sessions.sort_values("date").iloc[-1]
    booked = {**last.to_dict(), "id": "M99", "row": int(net.sessions["row"].max()) + 1,
              "date": pd.Timestamp(AS_OF) + pd.Timedelta(days=7), "status": "Booked", "next_review": pd.NaT}
    frames = {**net.frames, "Sessions": pd.concat([net.sessions, pd.DataFrame([booked])], ignore_index=True)}
    later = dataclasses.replace(net, frames=frames)
    on_the_day = booked["date"].date()
    the_day_before, the_day_after = (on_the_day + dt.timedelta(days=d) for d in (-1, 1))
    assert network_map.next_review(later, the_day_before) == network_map.next_review(net, AS_OF)
    assert network_map.next_review(later, on_the_day) == domain.review_after(on_the_day, 3)  # the meeting's day
    assert network_map.next_review(later, the_day_after) == network_map.next_review(net, AS_OF)  # still Booked
    frames["Sessions"].loc[frames["Sessions"]["id"] == "M99", "status"] = "Held"
    held = dataclasses.replace(net, frames=frames)
    assert network_map.next_review(held, the_day_after) == domain.review_after(on_the_day, 3)


def test_the_young_persons_map(tmp_path, example_book):
    result = run_peermap("ego", example_book, "Male A", "--as-of", AS_OF, "--out", tmp_path / "ego.svg")
    assert result.returncode == 0, result.stderr
    texts = svg_texts(tmp_path / "ego.svg")
    assert "Male A's peer map" in texts and "Me" in texts and "Known since primary school." in texts
    drawn = ego.draw(read_network(example_book), "S01", tmp_path / "ego.png", AS_OF)
    rings = {p.peer: p.closeness for p in drawn.peers}
    assert rings == {"Male B": 1, "Female D": 1, "Female A": 2, "Male D": 3, "Male C": 4, "Cousin": 4,
                     "Male G": 5}
    centre = ego.CENTRE
    distance = {p.peer: ((p.x - centre[0]) ** 2 + (p.y - centre[1]) ** 2) ** 0.5 for p in drawn.peers}
    assert distance["Male B"] < distance["Female A"] < distance["Male D"] < distance["Male C"] < distance["Male G"]
    assert {p.peer: p.influence for p in drawn.peers}["Male C"] == "Negative"


def test_the_anonymised_young_persons_map_has_no_names_or_notes(tmp_path, example_book):
    assert run_peermap("ego", example_book, "S01", "--anonymise", "--out", tmp_path / "ego.svg").returncode == 0
    texts = svg_texts(tmp_path / "ego.svg")
    # peers on the list by their code, the others by the relationship they gave
    assert "YP1's peer map" in texts and "YP2" in texts and "cousin" in texts
    for secret in names_and_notes(read_network(example_book)):
        if len(secret) > 3:
            assert secret not in texts, secret


def test_ego_for_someone_without_direct_work_says_what_to_do(example_book):
    result = run_peermap("ego", example_book, "Male B")
    assert result.returncode == 2 and "Fill in the Direct work sheet" in result.stderr
    assert "Male B" not in result.stderr


def links_through_labels(layout) -> int:
    """Link-label pairs where the part of a straight link outside both end circles crosses a label box."""
    from peermap_xl.draw import labelling

    nodes = {n["id"]: n for n in layout["nodes"]}
    paths = []
    for e in layout["edges"]:
        a, b = nodes[e["source"]], nodes[e["target"]]
        line = np.array([[a["x"], a["y"]], [b["x"], b["y"]]], dtype=float)
        line = labelling.trim(line, np.array([a["x"], a["y"]]), a["radius"])
        paths.append(labelling.trim(line[::-1], np.array([b["x"], b["y"]]), b["radius"])[::-1])
    segs, owner = labelling.segments(paths)
    return sum(labelling.crossed_by(n["label_box"], segs, owner) for n in layout["nodes"])


def test_labels_sit_where_the_links_leave_room(drawn):
    _, layout = drawn
    assert links_through_labels(layout) <= 2
    assert {n["label_at"] for n in layout["nodes"]} - {"below"}  # some labels moved off the default side


def test_drawing_is_split_from_layout_and_saving(tmp_path, example_book):
    """scene -> positions -> render onto a page -> save: links in one collection, arrowheads only where
    influence is recorded, no arrow patches."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.patches import FancyArrowPatch

    from peermap_xl.draw import frame

    net = read_network(example_book)
    what = network_map.scene(net, AS_OF)
    with plt.rc_context(frame.RC):
        fig, ax = frame.page(network_map.WIDTH, network_map.HEIGHT)
        pos, sizes = network_map.positions(what, net, fig)
        drawn = network_map.render(fig, ax, what, pos, sizes)
        lines = [c for c in ax.collections if isinstance(c, LineCollection)]
        heads = [c for c in ax.collections if isinstance(c, PolyCollection) and not isinstance(c, LineCollection)]
        assert len(lines) == 1 and len(lines[0].get_segments()) == len(drawn.edges)
        ends = sum({"none": 0, "forward": 1, "backward": 1, "both": 2}[e.arrow] for e in drawn.edges)
        assert 0 < ends == len(heads[0].get_paths())
        assert not [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
        assert not (tmp_path / "map.png").exists()
        frame.save(fig, tmp_path / "map.png")
    assert (tmp_path / "map.png").stat().st_size > 10_000
    assert drawn == network_map.draw(net, tmp_path / "again.png", AS_OF)



def badge(node) -> dict:
    """Where a place's incident badge is drawn (network_map._badge_centre), as a node-like circle."""
    x, y = network_map._badge_centre((node["x"], node["y"]), node["radius"])
    return {"x": x, "y": y, "radius": style.BADGE_RADIUS}


def test_places_with_incidents_carry_a_badge_with_their_count(drawn, example_book):
    _, layout = drawn
    counted = {n["id"]: (n["incidents"], n["significant"]) for n in layout["nodes"] if n["incidents"]}
    expected = {}
    for row in read_network(example_book).incidents.to_dict("records"):  # up to the map's date
        if row["date"] <= pd.Timestamp(AS_OF):
            count, significant = expected.get(row["where_id"], (0, 0))
            expected[row["where_id"]] = (count + 1, significant + (row["significant"] == "Yes"))
    assert counted == expected and counted["C06"] == (2, 1) and counted["C01"] == (1, 0)
    assert [e["text"] for e in layout["legend"] if e["text"] in style.BADGE_WORDS] == list(style.BADGE_WORDS)
    for place in (n for n in layout["nodes"] if n["incidents"]):
        mark = badge(place)
        for other in layout["nodes"]:  # no label under a badge, and no other person or place
            assert not circle_meets_box(mark, other["label_box"]), (place["id"], other["id"])
            gap = ((mark["x"] - other["x"]) ** 2 + (mark["y"] - other["y"]) ** 2) ** 0.5
            assert other is place or gap >= mark["radius"] + other["radius"], (place["id"], other["id"])


def test_a_map_without_incidents_has_no_badge_in_its_legend(tmp_path, book):
    change(book, [("Incidents", i, "Where", None) for i in ("I01", "I02", "I03", "I04")])
    drawn_ = network_map.draw(read_network(book), tmp_path / "map.png", AS_OF)
    assert not any(n.incidents for n in drawn_.nodes)
    assert not [e for e in drawn_.legend if e.text in style.BADGE_WORDS]
