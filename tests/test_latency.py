"""A click never waits (issue 12 at meeting size): the quick paths give what the slow ones gave, and a
command imports only what it needs. Figures of speed live in benchmarks/, not here."""

import math
import random
import subprocess
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from peermap_xl.draw import layout
from peermap_xl.record import graph, model
from peermap_xl.record.reading import read_network


def _random_graph(seed: int, most: int = 40):
    rnd = random.Random(seed)
    n = rnd.randint(1, most)
    nodes = [f"n{i:02d}" for i in range(n)]
    edges = [(rnd.choice(nodes), rnd.choice(nodes)) for _ in range(rnd.randint(0, 2 * n))]
    return nodes, edges


@pytest.mark.parametrize("seed", range(60))
def test_cut_points_and_parts_are_networkx_s(seed):
    nodes, edges = _random_graph(seed)
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    adjacent = graph.adjacency(nodes, edges)
    assert graph.cut_points(adjacent) == set(nx.articulation_points(g))
    assert graph.components(adjacent) == [set(c) for c in nx.connected_components(g)]


def test_the_checks_graph_gives_the_networkx_graph_s_leaders_and_brokers(example_book):
    network = read_network(example_book)
    plain, full = graph.plain(network), graph.build(network)
    assert list(plain) == list(full) and plain.nodes == dict(full.nodes(data=True))
    assert graph.leaders(plain) == graph.leaders(full)
    assert graph.brokers(plain) == pytest.approx(nx.betweenness_centrality(nx.Graph(full)))


@pytest.mark.parametrize("seed", range(40))
def test_small_graph_shortest_paths_are_scipy_s_exactly(seed):
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import dijkstra

    rnd = random.Random(seed)
    nodes, edges = _random_graph(seed, most=layout.SMALL_NODES)
    g = nx.Graph()
    g.add_nodes_from(nodes)
    for a, b in edges:
        g.add_edge(a, b, length=rnd.choice([layout.GROUP_PULL, 1.0, layout.GROUP_PUSH]))
    index = {n: i for i, n in enumerate(nodes)}
    ends = [(index[a], index[b], w) for a, b, w in g.edges(data="length") if a != b]
    rows, cols, lengths = (np.array(c) for c in zip(*ends)) if ends else (np.zeros(0, int),) * 2 + (np.zeros(0),)
    expected = dijkstra(coo_array((lengths, (rows, cols)), shape=(len(nodes),) * 2).tocsr(), directed=False)
    assert np.array_equal(layout.distances(g, nodes), expected)
    assert np.array_equal(layout.distances(g, nodes, [0]), expected[[0]])


def test_rows_are_to_dict_records_value_for_value(example_book):
    network = read_network(example_book)
    frames = [*network.frames.values(), network.active_subjects, network.live_links, network.open_actions]
    frames.append(pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "when": [pd.Timestamp(2026, 1, 2), pd.NaT]}))
    for frame in frames:
        expected, got = frame.to_dict("records"), model.rows(frame)
        assert [list(r) for r in got] == [list(r) for r in expected]
        for mine, theirs in zip(got, expected):
            for key, value in theirs.items():
                assert type(mine[key]) is type(value)
                assert mine[key] == value or (value is None and mine[key] is None) or pd.isna(value)


def test_stress_from_several_starts_is_stress_from_each():
    nodes, edges = _random_graph(7)
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    starts = [layout._start(sorted(g), k) for k in range(4)]
    together = layout.stress_from(g, starts, length=1.0)
    for start, got in zip(starts, together):
        alone = layout.stress(g, start, set(), length=1.0)
        assert list(got) == list(alone)
        assert np.allclose([got[n] for n in got], [alone[n] for n in alone], rtol=0, atol=1e-9)


def test_uncrossing_takes_a_crossing_out_and_never_adds_one():
    drawn = {"x": (0.0, 0.0), "y": (2.0, 0.0), "m": (1.0, 1.5), "leaf": (1.0, -0.4)}  # m-leaf crosses x-y
    edges = [("x", "y"), ("x", "m"), ("y", "m"), ("m", "leaf")]
    assert layout.crossings(drawn, edges) == 1
    assert layout.crossings(layout.uncrossed(drawn, edges), edges) == 0
    for seed in range(20):
        nodes, edges = _random_graph(seed)
        rnd = random.Random(seed)
        pos = {n: (rnd.uniform(0, 5), rnd.uniform(0, 5)) for n in nodes}
        once = layout.uncrossed(pos, edges)
        assert layout.crossings(once, edges) <= layout.crossings(pos, edges)
        assert layout.uncrossed(pos, edges) == once  # deterministic


def test_uncrossing_keeps_room_between_nodes():
    nodes, edges = _random_graph(3, most=30)
    pos = layout._best_of_starts(nx.Graph(edges)) if edges else {}
    points = np.array(list(pos.values()))
    if len(points) > 1:
        apart = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
        assert apart[np.triu_indices(len(points), 1)].min() > 0.1


def _imported(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True).stdout.split()
    return {name.split(".")[0] for name in out} | {name for name in out if name.startswith("matplotlib.")}


def test_check_imports_neither_networkx_nor_drawing(example_book):
    found = _imported(f"from peermap_xl.cli import main; main(['check', {str(example_book)!r}, '--as-of', "
                      "'2026-10-01'])")
    assert "pandas" in found  # the test would pass on an import that failed
    assert not found & {"networkx", "scipy", "matplotlib", "docx", "openpyxl"}  # reading needs lxml alone


def test_a_meeting_sized_map_imports_neither_scipy_nor_pyplot(example_book, tmp_path):
    found = _imported(f"from peermap_xl.cli import main; main(['map', {str(example_book)!r}, '--as-of', "
                      f"'2026-10-01', '--out', {str(tmp_path / 'map.png')!r}])")
    assert "matplotlib" in found and (tmp_path / "map.png").exists()
    assert not found & {"scipy", "matplotlib.pyplot"}


def test_legend_symbols_are_drawn_without_mathtext():
    from peermap_xl.draw import frame

    mark = frame.symbol_marker("?")
    extent = mark.vertices.max(axis=0) - mark.vertices.min(axis=0)
    assert math.isclose(float(extent.max()), 1.0) and np.allclose(mark.vertices.max(axis=0), -mark.vertices.min(axis=0))


@pytest.mark.parametrize("module", ["network_map", "overview", "ego", "change_map", "frame"])
def test_drawing_modules_skip_matplotlib_s_help_texts_and_set_still_works(module):
    code = (f"import peermap_xl.draw.{module}\n"
            "from matplotlib.lines import Line2D\n"
            "from matplotlib.text import Text\n"
            "line = Line2D([], []); line.set(color='#123456', linewidth=3)\n"
            "text = Text(); text.set(text='x', fontweight='bold')\n"
            "print(getattr(Line2D.set, '__signature__', None) is None, line.get_color(), line.get_linewidth(),"
            " text.get_fontweight(), Line2D.set is not Text.set)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "#123456", "3.0", "bold", "True"]


def test_the_command_imports_what_it_needs_first_and_no_more():
    from peermap_xl import cli

    assert not any(m.startswith(("peermap_xl.draw", "docx", "matplotlib")) for m in cli.needs(["check", "B.xlsm"]))
    assert "peermap_xl.draw.overview" in cli.needs(["map", "B.xlsm", "--write"])
    assert {"docx", "peermap_xl.draw.overview"} <= set(cli.needs(["minutes", "B.xlsm"]))
    assert cli.needs(["--version"]) == cli.needs(["rules"]) == ()
    assert "openpyxl" not in cli.needs(["check", "B.xlsm"]) and "openpyxl" in cli.needs(["check", "B.xlsm", "--write"])


def test_the_installed_command_settles_its_imports_and_still_collects_garbage(example_book):
    code = ("import gc, sys\n"
            f"sys.argv = ['peermap', 'check', {str(example_book)!r}, '--as-of', '2026-10-01']\n"
            "from peermap_xl import cli\n"
            "code = cli.run()\n"
            "class Loop:\n"
            "    pass\n"
            "loop = Loop(); loop.me = loop; del loop\n"
            "print(code, gc.isenabled(), gc.get_freeze_count() > 10000, gc.collect() >= 1,"
            " 'matplotlib' in sys.modules, 'openpyxl' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[-6:] == ["0", "True", "True", "True", "False", "False"]
