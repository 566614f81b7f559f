"""How long each step of the layout takes on one whole network, in-process (no drawing).

    python benchmarks/layout_speed.py              # 400/1600 and 1000/4000 subjects/links
    python benchmarks/layout_speed.py 5000 20000   # one size

The steps the issue 12 profile named, on the synthetic network laid out as one map (as a page
of a large map is): shortest paths between every pair (scipy), stress majorization (every pair up
to layout.FULL_STRESS_NODES nodes, links and pivots above), the push-apart pass (a sweep), counting
crossings (arrays), betweenness (Brandes as matrix products), the groups of a large map's pages.
The push-apart pass gets a drawing area grown with the network, as crowded as a 150-node page.
Times are CPU seconds of this process (the machine may be shared).
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1] / "tests")]

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402

from peermap_xl.draw import layout, network_map  # noqa: E402
from peermap_xl.record import graph as graphs  # noqa: E402


def timed(action):
    """(CPU seconds of this process, result): on a shared machine the wall clock says little."""
    start = time.process_time()
    result = action()
    return time.process_time() - start, result


def measure(subjects: int, links: int) -> None:
    from test_scale import network_of

    g = graphs.build(network_of(subjects, links))
    simple = nx.Graph(g)
    nodes = sorted(simple)
    degree = dict(simple.degree())
    footprints = {n: layout.Footprint(12 + 2.2 * math.sqrt(degree[n]), 60.0, 12.0) for n in nodes}
    init = {n: (math.cos(i), math.sin(i)) for i, n in enumerate(nodes)}
    paths_s, _ = timed(lambda: layout.distances(simple, nodes))
    stress_s, units = timed(lambda: layout.stress(simple, init, set(), length=1.0))
    fitted = layout._fit(units)
    grow = math.sqrt(max(len(nodes) / 150, 1.0))  # as crowded as a page of 150 nodes
    area = network_map.BOX
    box = layout.Box(0, 0, (area.x1 - area.x0) * grow, (area.y1 - area.y0) * grow)
    pixels = {n: box.to_pixels(*fitted[n]) for n in nodes}
    apart_s, pos = timed(lambda: layout._separate(pixels, footprints, box, set()))
    left = len(layout.overlapping_pairs(np.array([[x + e[0], y + e[1], x + e[2], y + e[3]] for (x, y), e in
                                                  ((pos[n], footprints[n].extent()) for n in nodes)])))
    cross_s, count = timed(lambda: layout.crossings(pos, list(simple.edges())))
    brokers_s, _ = timed(lambda: graphs.brokers(g))
    pages_s, pages = timed(lambda: graphs.pages(g, 150))
    print(f"| {subjects} / {links} | {len(nodes)} | {paths_s:.2f} s | {stress_s:.2f} s | {apart_s:.2f} s ({left}) | "
          f"{cross_s:.2f} s ({count}) | {brokers_s:.2f} s | {pages_s:.2f} s ({len(pages)} pages) |", flush=True)


def main() -> None:
    sizes = [(int(sys.argv[1]), int(sys.argv[2]))] if len(sys.argv) == 3 else [(400, 1600), (1000, 4000)]
    print("| subjects / links | nodes | all-pairs shortest paths | stress | push apart (overlaps left) | "
          "crossings (count) | betweenness | pages |")
    print("|---|---|---|---|---|---|---|---|")
    for subjects, links in sizes:
        measure(subjects, links)


if __name__ == "__main__":
    main()
