"""Speed at every size without losing the picture: the layout's compiled paths give the same answers
as the plain ones, large networks get an overview and a page per group, and no page has overlaps."""

import datetime as dt
import json
import os
import random
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

from conftest import ROOT, run_peermap
from peermap_xl.book.raw import RawBook, RawTable
from peermap_xl.contract import schema
from peermap_xl.draw import layout, overview
from peermap_xl.record import graph as graphs
from peermap_xl.record import labels, model

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

AS_OF = dt.date(2026, 10, 1)


def network_of(subjects: int, links: int, seed: int = 1) -> model.Network:
    """A synthetic network (benchmarks/synthetic.py) read as the workbook reader would give it."""
    raw = RawBook(source="synthetic.xlsm")
    for name, records in synthetic.records(subjects, links, seed).items():
        sheet = schema.sheet(name)
        headers = [c.header for c in sheet.columns]
        raw.tables[sheet.name] = RawTable(sheet.name, headers,
                                          [(i + 2, [r.get(h) for h in headers]) for i, r in enumerate(records)])
    raw.tables[schema.NETWORK] = RawTable(schema.NETWORK, ["Field", "Value"], [(2, ["Network name", "Synthetic"])])
    return model.build(raw)


def random_graph(nodes: int, edges: int, seed: int) -> nx.Graph:
    g = nx.gnm_random_graph(nodes, edges, seed=seed)
    return nx.relabel_nodes(g, {i: f"N{i:04d}" for i in g})


def test_betweenness_is_networkx_s_exactly_and_sampled_from_the_same_sources(monkeypatch):
    g = random_graph(60, 150, 2)
    ours, theirs = graphs.brokers(nx.MultiGraph(g)), nx.betweenness_centrality(g)
    assert max(abs(ours[n] - theirs[n]) for n in g) < 1e-12 and max(theirs.values()) > 0.01
    monkeypatch.setattr(graphs, "EXACT_BETWEENNESS_NODES", 40)
    monkeypatch.setattr(graphs, "SAMPLED_SOURCES", 20)
    ours, theirs = graphs.brokers(nx.MultiGraph(g)), nx.betweenness_centrality(g, k=20, seed=0)
    assert max(abs(ours[n] - theirs[n]) for n in g) < 1e-12


def test_splits_count_the_parts_a_node_leaves_behind():
    g = nx.Graph([("A", "B"), ("B", "C"), ("C", "A"), ("C", "D"), ("D", "E"), ("D", "F"), ("G", "H")])
    assert graphs.splits(nx.MultiGraph(g)) == {"C": 2, "D": 3}


def test_crossings_as_arrays_match_the_pairwise_count():
    g = random_graph(40, 90, 3)
    rnd = random.Random(3)
    pos = {n: (rnd.random(), rnd.random()) for n in g}

    def orient(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (v > 1e-9) - (v < -1e-9)

    edges = sorted(tuple(sorted(e)) for e in g.edges())
    slow = sum(1 for i, (a, b) in enumerate(edges) for c, d in edges[i + 1:]
               if len({a, b, c, d}) == 4 and orient(pos[a], pos[b], pos[c]) * orient(pos[a], pos[b], pos[d]) < 0
               and orient(pos[c], pos[d], pos[a]) * orient(pos[c], pos[d], pos[b]) < 0)
    assert layout.crossings(pos, list(g.edges())) == slow > 0


def test_a_large_layout_is_repeatable_keeps_pins_and_has_no_overlaps():
    g = random_graph(layout.FULL_STRESS_NODES + 50, 700, 4)  # above the all-pairs size: sparse stress with pivots
    box = layout.Box(0, 0, 4000, 3000)
    footprints = {n: layout.Footprint(6.0, 30.0, 10.0) for n in g}
    pins = {"N0007": (20.0, 80.0)}
    first = layout.place(g, footprints, box, pinned=pins)
    assert first == layout.place(g, footprints, box, pinned=pins)
    assert first["N0007"] == pytest.approx(box.to_pixels(20.0, 80.0))
    rects = [(x + e[0], y + e[1], x + e[2], y + e[3]) for (x, y), e in
             ((first[n], footprints[n].extent()) for n in sorted(g))]
    assert layout.overlapping_pairs(np.array(rects)) == []


def test_below_the_threshold_one_map_above_it_an_overview_and_a_page_per_group(tmp_path, monkeypatch):
    monkeypatch.setattr(overview, "OVERVIEW_ABOVE", 30)
    monkeypatch.setattr(overview, "PAGE_MOST", 30)
    small = overview.draw(network_of(25, 60), tmp_path / "small.png", AS_OF).layout_json()
    assert "pages" not in small and len(small["nodes"]) > 25
    net = network_of(40, 120)
    drawn = overview.draw(net, tmp_path / "large.png", AS_OF).layout_json()
    pages = drawn["pages"]
    assert drawn["figure"]["overview"] and len(drawn["nodes"]) == len(pages) > 1
    members = [n["id"] for page in pages for n in page["nodes"]]
    assert len(members) == len(set(members)) == len(graphs.build(net))  # everyone on exactly one page
    assert all(len(page["nodes"]) <= 30 for page in pages)
    assert all((tmp_path / page["file"]).exists() for page in pages)
    between = sum(e["links"] for e in drawn["edges"])
    within = sum(len(page["edges"]) for page in pages)
    assert between + within == len(net.live_links)  # every link: inside one page or counted between two groups


@pytest.fixture(scope="module")
def large_layout(tmp_path_factory):
    """`peermap map --layout-json` on a workbook of 200 people and their places."""
    folder = tmp_path_factory.mktemp("large")
    book = synthetic.write(folder / "large.xlsm", 200, 500)
    result = run_peermap("map", book, "--as-of", AS_OF, "--layout-json", folder / "layout.json")
    assert result.returncode == 0, result.stderr
    return json.loads((folder / "layout.json").read_text())


def test_a_200_node_map_is_an_overview_with_no_overlaps_on_any_page(large_layout):
    assert len(large_layout["pages"]) > 1
    for drawn in (large_layout, *large_layout["pages"]):
        edges = [(e["source"], e["target"]) for e in drawn["edges"]]
        measured = layout.readability(drawn["nodes"], edges, 1500, 1060)
        assert measured["node overlaps"] == measured["label overlaps"] == measured["label over node"] == 0, measured
        assert measured["labels outside"] == 0, measured


def test_a_borough_wide_workbook_is_within_the_reading_limits(tmp_path):
    """5,000 people and 20,000 links (issue 12's largest size) must be read, not refused as a zip bomb:
    the Links and Subjects sheets of a smaller workbook, scaled to that size, fit the part and XML limits."""
    import zipfile

    from peermap_xl.book import parts

    book = synthetic.write(tmp_path / "borough.xlsm", 250, 1000)
    with zipfile.ZipFile(book) as package:
        sizes = {i.filename: i.file_size for i in package.infolist() if parts._is_xml(i.filename)}
        part = {s.name: s.part for s in parts.sheets(package)}
    links, subjects = sizes[part[schema.LINKS.name]], sizes[part[schema.SUBJECTS.name]]
    assert links == max(sizes.values())  # the Links sheet is the largest part
    assert links * 20 < parts.MAX_XML_PART_BYTES  # 20,000 links
    assert sum(sizes.values()) + links * 19 + subjects * 19 < parts.MAX_XML_TOTAL_BYTES


def test_map_write_draws_the_picture_once(tmp_path, monkeypatch):
    """`peermap map --write` puts on the sheet the very PNG it saved, drawn once (issue 12: no repeated work)."""
    from matplotlib.figure import Figure

    from peermap_xl.draw import network_map

    drawn = []
    save = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: (drawn.append(a[0]), save(self, *a, **k))[1])
    result = network_map.draw(network_of(25, 60), tmp_path / "map.png", AS_OF, png_copy=True)
    assert len(drawn) == 1 and result.png == (tmp_path / "map.png").read_bytes()
    drawn.clear()
    network_map.draw(network_of(25, 60), tmp_path / "map.svg", AS_OF, png_copy=True)
    assert len(drawn) == 2  # an SVG file, and the PNG for the sheet


def test_the_pages_of_a_large_map_share_one_set_of_labels(tmp_path, monkeypatch):
    from peermap_xl.record import labels

    monkeypatch.setattr(overview, "OVERVIEW_ABOVE", 30)
    monkeypatch.setattr(overview, "PAGE_MOST", 30)
    made = []
    monkeypatch.setattr(labels.View, "labels", property(lambda self: made.append(self) or codes_of(self)))
    drawn = overview.draw(network_of(60, 150), tmp_path / "large.png", AS_OF, anonymise=True)
    assert len(drawn["pages"]) > 2
    assert len({id(v) for v in made}) == 1  # one View for the overview and every page


def codes_of(view):
    return labels.codes(view.network)


def test_a_layout_that_can_be_drawn_without_crossings_is():
    """A tree can always be drawn with no crossing links: the best of the starts (then uncrossed) finds such a
    layout, the same each time; a graph that must cross (K7) still gets its layout."""
    tree = nx.relabel_nodes(nx.balanced_tree(2, 3), {i: f"N{i:02d}" for i in range(15)})
    pos = layout._best_of_starts(tree)
    assert layout.crossings(pos, list(tree.edges())) == 0
    assert pos == layout._best_of_starts(tree)
    crossing = nx.relabel_nodes(nx.complete_graph(7), {i: f"N{i:02d}" for i in range(7)})
    assert set(layout._best_of_starts(crossing)) == set(crossing)


def test_figure_one_follows_the_record_when_its_links_change():
    """The minutes' per-person indexes (model.once) are made again when a sheet's frame is replaced."""
    from peermap_xl.minutes.figure import FIGURE_ONE_ROWS, figure_one

    net = network_of(30, 80)
    person = next(r["id"] for r in model.rows(net.active_subjects) if r["type"] == "Young person")
    before = figure_one(net, person, on=AS_OF)[FIGURE_ONE_ROWS[2]]
    links = net.frames[schema.LINKS.name]
    mine = (links["from_id"] == person) | (links["to_id"] == person)
    net.frames[schema.LINKS.name] = links[~mine]
    for derived in ("resolved_links", "live_links"):  # as a fresh read would give them
        net.__dict__.pop(derived, None)
    assert before and figure_one(net, person, on=AS_OF)[FIGURE_ONE_ROWS[2]] == []


def _pages_in_a_process(hash_seed: str) -> str:
    code = ("import json, sys\n"
            f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
            "from test_scale import network_of\n"
            "from peermap_xl.record import graph as graphs\n"
            "from peermap_xl.draw import overview\n"
            "g = graphs.build(network_of(1000, 4000))\n"
            "print(json.dumps([sorted(p) for p in graphs.pages(g, overview.PAGE_MOST)]))\n"
            "print(json.dumps([sorted(p) for p in graphs.groups(g)]))\n")
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout


def test_pages_and_groups_are_the_same_in_every_process():
    """Louvain walks sets of nodes; over text IDs their order follows Python's hashing, which differs from one
    process to the next: the same workbook drawn twice gave different groups and pages."""
    first, second = _pages_in_a_process("1"), _pages_in_a_process("2")
    assert json.loads(first.splitlines()[0]) and first == second


def test_pages_drawn_in_processes_are_the_pages_drawn_here(tmp_path):
    net = network_of(130, 300)
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir(), there.mkdir()
    one = overview.draw(net, here / "map.png", AS_OF, workers=1)
    two = overview.draw(net, there / "map.png", AS_OF, workers=2)
    assert len(one["pages"]) > 1 and one.layout_json() == two.layout_json()
    for page in one["pages"]:
        assert (here / page["file"]).read_bytes() == (there / page["file"]).read_bytes(), page["file"]


def test_each_page_drawn_is_told_to_the_progress_bar(tmp_path):
    told = []
    drawn = overview.draw(network_of(130, 300), tmp_path / "map.png", AS_OF, workers=2,
                          progress=lambda step, of, words: told.append((step, of)))
    pages = len(drawn["pages"])
    assert pages > 1 and told == [(k, pages) for k in range(1, pages + 1)]


def test_an_overview_of_many_groups_keeps_its_captions_clear_and_names_the_links_on_a_key(tmp_path, monkeypatch):
    monkeypatch.setattr(overview, "PAGE_MOST", 6)  # many small groups: more than long captions leave room for
    net = network_of(240, 420)
    drawn = overview.draw(net, tmp_path / "map.png", AS_OF)
    edges = [(e["source"], e["target"]) for e in drawn["edges"]]
    measured = layout.readability(drawn["nodes"], edges, 1500, 1060)
    assert len(drawn["nodes"]) > 40 and drawn["figure"]["captions"] != overview.CAPTIONS[0]
    assert measured["node overlaps"] == measured["label overlaps"] == measured["label over node"] == 0, measured
    assert drawn["key"] and all((tmp_path / name).exists() for name in drawn["key"])
    assert "Links out" not in " ".join(n["label"] for n in drawn["nodes"])


def test_the_key_says_whom_each_group_reaches_through_whom():
    group = {"members": ["S1", "S2", "C1"], "mix": {"High": 1, "Medium": 1, "Low": 0, "Not known": 0, "Places": 1},
             "connectors": ["S1", "S2"], "reach": {"S1": [2, 5], "S2": list(range(1, 12))}}
    row = overview._key_row(3, group, {"S1": "AB", "S2": "CD"}.get)
    assert row == ("Group 3", "2 people, 1 place", "1", "AB (2, 5), CD (1, 2, 3, 4, 5, 6, 7, 8 and 3 more)")


def test_an_overview_whose_captions_fit_has_no_key(large_layout):
    assert large_layout["figure"]["captions"] == overview.CAPTIONS[0] and "key" not in large_layout
    assert any("Links out" in n["label"] for n in large_layout["nodes"])
