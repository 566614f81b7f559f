"""Maps that never mislead (issue 27): no link through a circle it does not join, nothing cut at the page's
edge, no group shaded as a sliver, and a change map that shows who was identified or renamed. Drawn on the
maps engineer's own case (tests/cases/southend_line.py: 13 people, 7 places, 41 links)."""

import copy
import datetime as dt

import numpy as np
import pytest

from peermap_xl.draw import change_map, ego, layout, network_map
from peermap_xl.record import history
from peermap_xl.record.reading import read_network
from tests.cases import southend_line as case

BEFORE = dt.date(2026, 9, 15)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return case.write_case(tmp_path_factory.mktemp("southend") / "southend.xlsm")


@pytest.fixture(scope="module")
def maps(book, tmp_path_factory):
    """The case's network map, named and anonymised, as their layout JSON."""
    folder = tmp_path_factory.mktemp("maps")
    network = read_network(book)
    return {anonymise: network_map.draw(network, folder / f"map-{anonymise}.png", case.AS_OF, anonymise).layout_json()
            for anonymise in (False, True)}


@pytest.fixture(scope="module")
def changes(book, tmp_path_factory):
    """The change map after the case's second session: S11, unknown at the first, identified as an adult with a
    name; S09 renamed; a new link. Drawn where the first session's map put everyone."""
    folder = tmp_path_factory.mktemp("changes")
    first = read_network(book)
    kept = network_map.draw(first, folder / "first.png", BEFORE).positions
    snapshot = history.snapshot(first, "M01", BEFORE)
    for row in snapshot:
        row["X"], row["Y"] = kept.get(row["ID"], (None, None))
    records = copy.deepcopy(case.RECORDS)
    people = {s["ID"]: s for s in records["Subjects"]}
    people["S11"].update({"Name": "Mandy Cross", "Type": "Adult", "Risk level": "High"})
    people["S09"]["Name"] = "Reece Hallam"
    records["Links"].append(case._link("L42", "S06", "C02", "Seen at", "Risky", strength="Strong"))
    now = read_network(case.write_case(folder / "second.xlsm", records))
    before = history.as_frame(snapshot)
    return {anonymise: change_map.draw(now, before, folder / f"changes-{anonymise}.png", case.AS_OF, anonymise)
            for anonymise in (False, True)}, before, now


def test_a_link_is_bent_round_a_circle_on_its_line_and_keeps_its_ends():
    pos = {"A": (100.0, 300.0), "B": (500.0, 300.0), "C": (300.0, 300.0), "D": (300.0, 340.0)}
    reach = dict.fromkeys(pos, 15.0)
    line = np.array([pos["A"], pos["B"]])
    route = layout.routed(pos, reach, [("L1", "A", "B", line)])["L1"]
    assert np.allclose(route[0], pos["A"]) and np.allclose(route[-1], pos["B"])
    near = layout.polyline_distances([route], np.array([pos["C"], pos["D"]]))[0]
    assert (near >= 15.0 + layout.CLEARANCE - 1e-6).all(), near
    clear = layout.routed(pos, reach, [("L2", "C", "D", np.array([pos["C"], pos["D"]]))])["L2"]
    assert len(clear) == 2  # a link in nobody's way stays straight


def test_links_through_circles_reads_the_layout_json():
    nodes = [{"id": n, "x": x, "y": 300.0, "radius": 15.0} for n, x in (("A", 100.0), ("B", 500.0), ("C", 300.0))]
    straight = {"nodes": nodes, "edges": [{"id": "L1", "source": "A", "target": "B"}]}
    assert layout.links_through_circles(straight) == [{"page": 0, "link": "L1", "through": "C", "clearance": -15.0}]
    bent = {"nodes": nodes, "edges": [{"id": "L1", "source": "A", "target": "B",
                                       "path": [[100, 300], [300, 340], [500, 300]]}]}
    assert layout.links_through_circles(bent) == []
    paged = {"nodes": [], "edges": [], "pages": [{"page": 2, **straight}]}
    assert [hit["page"] for hit in layout.links_through_circles(paged)] == [2]


def test_no_link_runs_through_a_circle_on_the_network_map(maps):
    for drawn in maps.values():
        assert layout.links_through_circles(drawn) == []
        assert sum(bool(e.get("path")) for e in drawn["edges"]) == len(drawn["edges"])
        bent = [e for e in drawn["edges"] if len(e["path"]) > 2]
        assert bent, "the case puts circles on straight links: some must be bent"
    straight = {**maps[False], "edges": [{k: v for k, v in e.items() if k != "path"} for e in maps[False]["edges"]]}
    assert layout.links_through_circles(straight), "drawn straight, the case's links would run through circles"


def test_no_link_runs_through_a_circle_on_the_change_map(changes):
    drawn, _, _ = changes
    for out in drawn.values():
        assert layout.links_through_circles(out.layout_json()) == []


def test_no_spoke_of_the_young_persons_map_runs_through_another_peer(book, tmp_path):
    drawn = ego.draw(read_network(book), "S01", tmp_path / "own.png", case.AS_OF)
    nodes = [{"id": "me", "x": ego.CENTRE[0], "y": ego.CENTRE[1], "radius": ego.ME_RADIUS}]
    nodes += [{"id": f"P{i}", "x": p.x, "y": p.y, "radius": 24} for i, p in enumerate(drawn.peers)]
    spokes = [{"source": "me", "target": n["id"]} for n in nodes[1:]]
    assert len(nodes) == 4 and layout.links_through_circles({"nodes": nodes, "edges": spokes}) == []


def test_the_anonymised_legend_is_not_cut_at_the_right_edge(maps):
    """The legend of the anonymised map ran off the page: "Outside the home borough (dashed ring"."""
    drawn = maps[True]
    assert "Outside the home borough (dashed ring)" in [e["text"] for e in drawn["legend"]]
    legend = next(t for t in drawn["page_text"] if "Who and where" in t["text"])
    assert legend["box"][2] <= drawn["figure"]["width"] - 4, legend["box"]
    assert layout.page_defects(drawn) == []
    assert layout.page_defects(maps[False]) == []


def test_page_defects_finds_a_cut_legend_and_a_label_off_the_page():
    picture = {"figure": {"width": 1500, "height": 1060},
               "page_text": [{"text": "Outside the home borough (dashed ring", "box": [1170, 500, 1512, 900]}],
               "nodes": [{"id": "S01", "label_box": [-3, 10, 30, 22]}]}
    said = layout.page_defects(picture)
    assert len(said) == 2 and "dashed ring" in said[0] and "S01" in said[1]


def _scene(pos: dict, groups: list[set]) -> network_map.Scene:
    what = network_map.Scene(graph=None, nodes=sorted(pos), label={}, kind={}, radius=dict.fromkeys(pos, 14.0),
                             reach={}, fill={}, symbol={}, away=set(), edges=[], groups=groups, used=set(), title="",
                             dated="", marking="", home=None, stale_after=90)
    return what


def test_a_two_person_group_or_a_thin_line_of_three_is_not_shaded_as_a_band():
    pos = {"A": (100.0, 500.0), "B": (700.0, 520.0), "C": (300.0, 300.0), "D": (600.0, 300.0),
           "E": (900.0, 305.0), "F": (400.0, 800.0), "G": (480.0, 900.0), "H": (330.0, 880.0)}
    groups = network_map.shading(_scene(pos, [{"A", "B"}, {"C", "D", "E"}, {"F", "G", "H"}]), pos)
    assert [(g["shaded"], g["why"]) for g in groups] == [
        (False, "only 2 people and places"), (False, "a thin band"), (True, None)]
    assert layout.page_defects({"figure": {"width": 1500, "height": 1060}, "groups": groups}) == []
    shaded_anyway = [{**g, "shaded": True} for g in groups]
    said = layout.page_defects({"figure": {"width": 1500, "height": 1060}, "groups": shaded_anyway})
    assert len(said) == 2 and all("thin band" in s for s in said)


def test_the_maps_shade_no_sliver(maps):
    for drawn in maps.values():
        for group in drawn["groups"]:
            assert not group["shaded"] or (len(group["members"]) >= layout.SHADED_MEMBERS
                                           and layout.thinness(np.array(group["hull"])) >= layout.SLIVER)


def test_an_identification_and_a_rename_are_drawn_and_listed_on_the_change_map(changes):
    drawn, before, now = changes
    named = drawn[False]
    assert named.change["S11"] == change_map.IDENTIFIED and named.change["S09"] == change_map.RENAMED
    assert "MC: identified as an adult (was an unknown person)" in named.notes
    assert "RH: renamed" in named.notes
    labels = {n.id: n.label for n in named.nodes}
    assert labels["S11"].startswith("MC (identified") and labels["S09"] == "RH (renamed)"
    assert any("Identified, renamed" in e.text for e in named.legend)
    assert not any("Mandy" in n or "Hallam" in n for n in drawn[True].notes + named.notes)
    said = history.compare(before, history.as_frame(history.snapshot(now, "M02", case.AS_OF)), case.AS_OF, 90, str)
    assert "Identified: S11, as an adult (was an unknown person)" in said and "Renamed: S09" in said
    assert "Renamed: S11" not in said  # named when identified: that is the identification


def test_a_change_of_type_is_said_as_one():
    rows = [{"Record": "Subject", "ID": "S01", "Name": "Kai", "Type": t, "Status": "Active",
             "Risk or nature": "High"} for t in ("Young person", "Adult")]
    diff = history.difference(history.as_frame(rows[:1]), history.as_frame(rows[1:]))
    assert history.who_changed(diff) == {"S01": "now an adult (was a young person)"} and not diff.identified()
