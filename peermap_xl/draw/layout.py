"""Where each person and place goes on the map: readable, deterministic and stable.

Positions are worked out in map units (0-100 across the drawing area, left to
right and bottom to top), the units of the optional `Map x` / `Map y` columns
and of the positions kept from the last map. Pinned nodes stay exactly where
they are pinned; nodes drawn last time stay where they were; new ones are
placed near their links. A last pass pushes apart any two nodes whose circle
and label would overlap.

The costs grow gently: shortest paths in compiled code (scipy; numpy up to SMALL_NODES), stress majorization
as array sums over its terms (every pair up to FULL_STRESS_NODES nodes, above that
the links and a few pivots), overlaps found by a sweep along x, crossings as arrays.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import networkx as nx
import numpy as np

UNITS = 100.0


@dataclass(frozen=True)
class Box:
    """The drawing area, in figure pixels with the origin at the bottom left."""

    x0: float
    y0: float
    x1: float
    y1: float

    def to_pixels(self, u: float, v: float) -> tuple[float, float]:
        return self.x0 + u / UNITS * (self.x1 - self.x0), self.y0 + v / UNITS * (self.y1 - self.y0)

    def to_units(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.x0) / (self.x1 - self.x0) * UNITS, (y - self.y0) / (self.y1 - self.y0) * UNITS


@dataclass(frozen=True)
class Footprint:
    """What a node covers around its centre: its shape and the label below it (pixels)."""

    radius: float
    label_width: float
    label_height: float
    gap: float = 3.0

    def extent(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) offsets from the centre."""
        half = max(self.radius, self.label_width / 2)
        return -half, -(self.radius + self.gap + self.label_height), half, self.radius


def place(graph: nx.Graph, footprints: dict[str, Footprint], box: Box,
          pinned: dict[str, tuple[float, float]] | None = None,
          previous: dict[str, tuple[float, float]] | None = None,
          groups: list[set[str]] | None = None) -> dict[str, tuple[float, float]]:
    """{node: (x, y) in pixels}. `pinned` and `previous` are in map units; members of one of `groups`
    are drawn closer together, so that each group can be shaded as one area."""
    graph = _grouped(graph, groups or [])
    pinned = {n: _clip(p) for n, p in (pinned or {}).items() if n in graph}
    previous = {n: p for n, p in (previous or {}).items() if n in graph}
    if previous:
        units = _grow(graph, {**previous, **pinned}, fixed=set(previous) | set(pinned))
    else:
        units = _fresh(graph)
        units.update(pinned)
        if pinned and len(pinned) < len(graph):
            units = _grow(graph, units, fixed=set(pinned), settle=True)
    pixels = {n: box.to_pixels(*units[n]) for n in sorted(graph)}
    return _separate(pixels, footprints, box, fixed=set(pinned)) if pixels else {}


def arranged(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """{node: (u, v) in map units}: where `place` puts each node (no pins, no kept positions, no groups) before
    pushing nodes apart; for a caller that tries several footprints on one arrangement (`separated`)."""
    return _fresh(_grouped(graph, []))


def separated(units: dict[str, tuple[float, float]], footprints: dict[str, Footprint],
              box: Box) -> dict[str, tuple[float, float]]:
    """{node: (x, y) in pixels}: the arrangement `units` in `box`, nodes pushed apart as `place` pushes them."""
    pixels = {n: box.to_pixels(*units[n]) for n in sorted(units)}
    return _separate(pixels, footprints, box, fixed=set()) if pixels else {}


GROUP_PULL, GROUP_PUSH = 0.75, 1.35  # link distances inside a group and across groups


def _grouped(graph: nx.Graph, groups: list[set[str]]) -> nx.Graph:
    """The graph with each link's ideal length shorter inside a group and longer between groups."""
    weighted = nx.Graph()
    weighted.add_nodes_from(sorted(graph))
    member = {n: i for i, group in enumerate(groups) for n in group}
    for a, b in graph.edges():
        same = a in member and member.get(a) == member.get(b)
        apart = a in member and b in member and member[a] != member[b]
        weighted.add_edge(a, b, length=GROUP_PULL if same else (GROUP_PUSH if apart else 1.0))
    return weighted


def _clip(point: tuple[float, float]) -> tuple[float, float]:
    return tuple(min(max(float(c), 0.0), UNITS) for c in point)


def _jitter(node: str) -> tuple[float, float]:
    """A small offset that depends only on the node's ID, so that layouts are repeatable."""
    h = zlib.crc32(node.encode())
    angle = (h % 3600) / 3600 * 2 * math.pi
    return 4 * math.cos(angle), 4 * math.sin(angle)


STRIP = 12.0  # map units along the bottom for people and places linked to one other or to nobody


def _fresh(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """A new layout: each connected part laid out by stress and the parts packed in rows; the lone
    people and pairs along the bottom, so that the network itself has the room."""
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    large = [c for c in components if len(c) > 2]
    small = [n for c in components if len(c) <= 2 for n in c]
    if not large or not small:
        return _packed(graph, components)
    placed = {n: (u, STRIP + v * (UNITS - STRIP) / UNITS) for n, (u, v) in _packed(graph, large).items()}
    step = (UNITS - 12.0) / max(len(small) - 1, 1)
    placed.update({n: (6.0 + i * step if len(small) > 1 else UNITS / 2, STRIP / 2) for i, n in enumerate(small)})
    return placed


def _packed(graph: nx.Graph, components: list[list[str]]) -> dict[str, tuple[float, float]]:
    cells = []
    for nodes in components:
        sub = graph.subgraph(nodes)
        if len(nodes) == 1:
            pos = {nodes[0]: (0.0, 0.0)}
        elif len(nodes) == 2:
            pos = {nodes[0]: (-1.0, 0.0), nodes[1]: (1.0, 0.0)}
        else:
            pos = _best_of_starts(sub)
        cells.append((nodes, pos, math.sqrt(len(nodes))))
    # shelf packing: rows of cells whose side grows with the square root of the group's size
    total = sum(side * side for _, _, side in cells)
    row_width = max(max(side for _, _, side in cells), math.sqrt(total) * 1.3)
    placed, x, y, row_height = {}, 0.0, 0.0, 0.0
    for nodes, pos, side in cells:
        if x > 0 and x + side > row_width + 1e-9:
            x, y, row_height = 0.0, y + row_height, 0.0
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        for n, (px, py) in pos.items():
            inner = 0.8 * side if len(nodes) > 1 else 0.0
            placed[n] = (x + side / 2 + (px - (max(xs) + min(xs)) / 2) / span * inner,
                         y + side / 2 + (py - (max(ys) + min(ys)) / 2) / span * inner)
        x += side
        row_height = max(row_height, side)
    return _fit(placed)


def _fit(points: dict[str, tuple[float, float]], margin: float = 6.0) -> dict[str, tuple[float, float]]:
    """Stretch points to fill the map, leaving a margin; the first row of groups at the top."""
    xs = [p[0] for p in points.values()]
    ys = [p[1] for p in points.values()]
    width, height = max(xs) - min(xs) or 1.0, max(ys) - min(ys) or 1.0
    inner = UNITS - 2 * margin
    out = {}
    for n, (x, y) in points.items():
        u = margin + (x - min(xs)) / width * inner if len(xs) > 1 and max(xs) > min(xs) else UNITS / 2
        v = UNITS - (margin + (y - min(ys)) / height * inner) if max(ys) > min(ys) else UNITS / 2
        out[n] = (u, v)
    return out


def _grow(graph: nx.Graph, known: dict[str, tuple[float, float]], fixed: set[str],
          settle: bool = False) -> dict[str, tuple[float, float]]:
    """Place the nodes not yet known near their known neighbours, then let them settle (the fixed stay put)."""
    pos = dict(known)
    todo = sorted(n for n in graph if n not in pos)
    for _ in range(len(todo) + 1):
        waiting = []
        for n in todo:
            around = [pos[m] for m in sorted(graph[n]) if m in pos]
            if around:
                dx, dy = _jitter(n)
                pos[n] = _clip((sum(p[0] for p in around) / len(around) + dx,
                                sum(p[1] for p in around) / len(around) + dy))
            else:
                waiting.append(n)
        if len(waiting) == len(todo):
            break
        todo = waiting
    for i, n in enumerate(todo):  # unconnected to anything placed: along the bottom
        pos[n] = _clip((8 + (i * 12) % 84, 6 + 6 * (i * 12 // 84)))
    movable = [n for n in graph if n not in fixed]
    if movable and (settle or len(movable) < len(graph)):
        settled = stress(graph, pos, fixed, length=_edge_length(graph, pos))
        pos.update({n: _clip(settled[n]) for n in movable})
    return pos


def _edge_length(graph: nx.Graph, pos) -> float:
    """The typical length of a link on this map, in map units."""
    lengths = sorted(math.dist(pos[a], pos[b]) for a, b in graph.edges() if a != b)
    return lengths[len(lengths) // 2] if lengths else UNITS / math.sqrt(max(len(graph), 1))


#: The small-graph layout's search: every start settles for SHORT_ROUNDS rounds, the FINALISTS with the
#: fewest crossings then settle fully and are `uncrossed`, and the one of those with the fewest is kept.
STARTS, SHORT_ROUNDS, FINALISTS = 16, 60, 2


def _best_of_starts(graph: nx.Graph, starts: int = STARTS) -> dict[str, tuple[float, float]]:
    """Stress layouts from a few fixed starting points; the one with the fewest crossing links wins
    (up to SMALL_NODES nodes and SMALL_EDGES links, all the starts at once as arrays; above that one start,
    and crossings are not counted: among so many they decide little, and counting them costs links squared)."""
    nodes = sorted(graph)
    tries = starts if len(nodes) <= SMALL_NODES and graph.number_of_edges() <= SMALL_EDGES else 1
    inits = [_start(nodes, attempt) for attempt in range(tries)]
    if tries == 1:
        return stress(graph, inits[0], set(), length=1.0)
    edges = list(graph.edges())
    early = stress_from(graph, inits, length=1.0, rounds=SHORT_ROUNDS)
    counts = [crossings(pos, edges) for pos in early]
    finalists = sorted(range(tries), key=lambda k: (counts[k], k))[:FINALISTS]
    layouts = [uncrossed(pos, edges) for pos in stress_from(graph, [early[k] for k in finalists], length=1.0,
                                                              jitter=False)]
    counts = [crossings(pos, edges) for pos in layouts]
    return layouts[counts.index(min(counts))]


def _start(nodes: list[str], attempt: int) -> dict[str, tuple[float, float]]:
    """Starting point `attempt`: the nodes on a circle first, then fixed random draws (seeded by the attempt)."""
    if attempt == 0:
        return {n: (math.cos(2 * math.pi * i / len(nodes)), math.sin(2 * math.pi * i / len(nodes)))
                for i, n in enumerate(nodes)}
    rng = np.random.default_rng(attempt)
    return {n: tuple(float(v) for v in rng.uniform(-1, 1, 2)) for n in nodes}


#: Where `uncrossed` tries each node: around where it is, up to this share of a link's length away.
_NUDGES = np.array([(0.0, 0.0)] + [(r * math.cos(a), r * math.sin(a)) for r in (0.25, 0.5, 0.75)
                                   for a in np.arange(12) * math.pi / 6])
#: A node is not moved nearer than this (in link lengths) to another.
_ROOM = 0.55


def uncrossed(pos: dict[str, tuple[float, float]], edges: list[tuple[str, str]],
              passes: int = 4) -> dict[str, tuple[float, float]]:
    """The layout with fewer crossing links: each node in turn moves to the nearby spot (_NUDGES) where its
    links cross the fewest others, if that is fewer than where it is and leaves it room; passes over every
    node until none moves. Deterministic (nodes in order, the nearest of equal spots)."""
    nodes = sorted(pos)
    index = {n: i for i, n in enumerate(nodes)}
    ends = np.array(sorted({tuple(sorted((index[a], index[b]))) for a, b in edges if a != b}), dtype=int).reshape(-1, 2)
    xy = np.array([pos[n] for n in nodes], dtype=float)
    if len(ends) < 2:
        return pos
    for _ in range(passes):
        moved = [_nudge(xy, ends, v) for v in range(len(nodes))]
        if not any(moved):
            break
    return {n: (float(xy[i, 0]), float(xy[i, 1])) for i, n in enumerate(nodes)}


def _nudge(xy: np.ndarray, ends: np.ndarray, v: int) -> bool:
    """Move node v (in place) to its best nearby spot; whether it moved."""
    touching = (ends == v).any(axis=1)
    if not touching.any() or touching.all():
        return False
    far = np.where(ends[touching, 0] == v, ends[touching, 1], ends[touching, 0])  # the other end of each link
    others = ends[~touching]
    now = _crossed(xy[v][None], xy, far, others)[0]
    if now == 0:
        return False
    rest = np.delete(xy, v, axis=0)
    spots = xy[v] + _NUDGES[1:]
    room = np.hypot(spots[:, None, 0] - rest[None, :, 0], spots[:, None, 1] - rest[None, :, 1]).min(axis=1) >= _ROOM
    spots = spots[room]
    if not len(spots):
        return False
    count = _crossed(spots, xy, far, others)
    best = int(np.argmin(count))
    if count[best] >= now:
        return False
    xy[v] = spots[best]
    return True


def _crossed(spots: np.ndarray, xy: np.ndarray, far: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each spot, how many (link from the spot to a `far` end, other link) pairs cross."""
    p, q = xy[others[:, 0]][None, None], xy[others[:, 1]][None, None]
    a, b = spots[:, None, None, :], xy[far][None, :, None, :]  # (spots, links of the node, other links)
    cross = (_orient(a, b, p) * _orient(a, b, q) < 0) & (_orient(p, q, a) * _orient(p, q, b) < 0)
    cross &= ~(others[None, None, :, :] == far[None, :, None, None]).any(axis=3)  # sharing an end is no crossing
    return cross.sum(axis=(1, 2))


#: Up to this many nodes, stress counts every pair; above it, the links and the pivots' distances.
FULL_STRESS_NODES = 300
PIVOTS = 60


#: Up to this many nodes (a meeting's map), shortest paths are worked out with numpy alone: drawing it
#: does not pay for importing scipy (about a quarter of a second).
SMALL_NODES = 80
#: Up to this many links (with up to SMALL_NODES nodes), the layout tries several starts and keeps the one with
#: the fewest crossings: a meeting's map has a few hundred at most; an overview of 60 groups, a thousand.
SMALL_EDGES = 400


def distances(graph: nx.Graph, nodes: list[str], sources: list[int] | None = None) -> np.ndarray:
    """Shortest-path lengths (each link's `length`, 1 by default) from `sources` (indices; all by default)
    to every node, in compiled code: inf where there is no path."""
    index = {n: i for i, n in enumerate(nodes)}
    edges = [(index[a], index[b], float(w)) for a, b, w in graph.edges(data="length", default=1.0) if a != b]
    rows, cols, lengths = (np.array(c) for c in zip(*edges)) if edges else (np.zeros(0, int),) * 2 + (np.zeros(0),)
    if len(nodes) <= SMALL_NODES:
        found = _small_distances(len(nodes), rows, cols, lengths)
        return found if sources is None else found[sources]
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import dijkstra

    matrix = coo_array((lengths, (rows, cols)), shape=(len(nodes), len(nodes))).tocsr()
    matrix.sum_duplicates()
    return dijkstra(matrix, directed=False, indices=sources if sources is not None else None)


def _small_distances(n: int, rows: np.ndarray, cols: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Every pair's shortest path on a small graph: each link relaxed from every source at once until
    nothing shortens (each path summed from its source, link by link, as Dijkstra sums it). Parallel
    links add up, as scipy's dijkstra reads them from a matrix with duplicates summed."""
    link = np.zeros((n, n))
    np.add.at(link, (rows, cols), lengths)
    link = link + link.T
    link[link == 0] = np.inf
    found = np.full((n, n), np.inf)
    np.fill_diagonal(found, 0.0)
    for _ in range(n):
        before = found.copy()
        for k in range(n):
            np.minimum(found, found[:, k, None] + link[k, None, :], out=found)
        if np.array_equal(found, before):
            break
    return found


def _all_pair_terms(graph: nx.Graph, nodes: list[str], length: float):
    """Stress terms for every connected pair, as (ideal distance, weight) matrices."""
    ideal = distances(graph, nodes) * length
    weight = np.where(np.isfinite(ideal) & (ideal > 0), 1.0 / np.where(ideal > 0, ideal, 1.0) ** 2, 0.0)
    return np.where(np.isfinite(ideal), ideal, 0.0), weight


def _pivots(graph: nx.Graph, nodes: list[str], count: int) -> tuple[list[int], np.ndarray]:
    """Pivots spread by max-min distance (the first: node 0), and their distances to every node."""
    chosen = [0]
    rows = [distances(graph, nodes, [0])[0]]
    nearest = np.where(np.isfinite(rows[0]), rows[0], -1.0)
    while len(chosen) < min(count, len(nodes)):
        far = int(np.argmax(nearest))
        if nearest[far] <= 0:
            far = next((k for k in range(len(nodes)) if k not in chosen), None)
            if far is None:
                break
        chosen.append(far)
        rows.append(distances(graph, nodes, [far])[0])
        nearest = np.minimum(nearest, np.where(np.isfinite(rows[-1]), rows[-1], np.inf))
        nearest[chosen] = -1.0
    return chosen, np.vstack(rows)


def _pivot_terms(graph: nx.Graph, nodes: list[str], length: float):
    """Sparse stress (Ortmann, Klimenta and Brandes 2016): each link, and each node's distance to a few
    pivots, weighted by how many nodes near the pivot that term stands for."""
    index = {n: i for i, n in enumerate(nodes)}
    a = [index[x] for x, y, _ in graph.edges(data="length", default=1.0) if x != y]
    b = [index[y] for x, y, _ in graph.edges(data="length", default=1.0) if x != y]
    w = [float(v) for x, y, v in graph.edges(data="length", default=1.0) if x != y]
    pivots, far = _pivots(graph, nodes, PIVOTS)
    region = np.argmin(np.where(np.isfinite(far), far, np.inf), axis=0)
    terms_i, terms_j, terms_d, terms_w = [np.array(a + b)], [np.array(b + a)], [np.array(w + w) * length], []
    terms_w.append(1.0 / terms_d[0] ** 2)
    for k, p in enumerate(pivots):
        row = far[k]
        mine = np.sort(row[region == k])
        reach = np.isfinite(row) & (row > 0)
        i = np.nonzero(reach)[0]
        stands_for = np.maximum(np.searchsorted(mine, row[i] / 2, side="right"), 1)
        terms_i.append(i)
        terms_j.append(np.full(len(i), p))
        terms_d.append(row[i] * length)
        terms_w.append(stands_for / (row[i] * length) ** 2)
    return tuple(np.concatenate(t) for t in (terms_i, terms_j, terms_d, terms_w))


def stress(graph: nx.Graph, init: dict, fixed: set, length: float, rounds: int = 300) -> dict:
    """Stress majorization: place nodes so that map distances match link distances; fixed nodes stay."""
    nodes = sorted(graph)
    if not nodes:
        return {}
    terms = (_all_pair_terms if len(nodes) <= FULL_STRESS_NODES else _pivot_terms)(graph, nodes, length)
    x = _initial(nodes, init, length)
    still = np.array([m in fixed for m in nodes])
    x = (_majorize_all(x[None], terms, still, length, rounds)[0] if len(terms) == 2 else
         _majorize(x, terms, still, length, rounds))
    return {m: (float(x[i, 0]), float(x[i, 1])) for i, m in enumerate(nodes)}


def stress_from(graph: nx.Graph, inits: list[dict], length: float, rounds: int = 300,
                jitter: bool = True) -> list[dict]:
    """`stress` from each of several starting points (nothing fixed), worked out together as arrays: each
    layout is the one `stress` gives from that start (without `jitter`, the starts are taken as they are:
    layouts to settle further). Up to FULL_STRESS_NODES nodes."""
    nodes = sorted(graph)
    terms = _all_pair_terms(graph, nodes, length)
    x = np.stack([_initial(nodes, init, length) if jitter else np.array([init[m] for m in nodes], dtype=float)
                  for init in inits])
    x = _majorize_all(x, terms, np.zeros(len(nodes), dtype=bool), length, rounds)
    return [{m: (float(one[i, 0]), float(one[i, 1])) for i, m in enumerate(nodes)} for one in x]


def _initial(nodes: list[str], init: dict, length: float) -> np.ndarray:
    x = np.array([init[m] for m in nodes], dtype=float)
    return x + np.array([_jitter(m) for m in nodes]) * 1e-3 * length  # no two nodes start on one spot


def _majorize_all(x: np.ndarray, terms, still: np.ndarray, length: float, rounds: int) -> np.ndarray:
    """Rounds of the stress majorization update over every pair, as matrix products, for a stack of
    layouts `x` (layouts, nodes, 2) at once; each stops when it has settled."""
    ideal, weight = terms
    total = weight.sum(axis=1)
    idle = (total == 0) | still
    total = np.where(total > 0, total, 1.0)[:, None]
    weighted = weight * ideal
    x = x.copy()
    pulled = weight @ x
    moving = np.arange(len(x))
    for _ in range(rounds):
        here = x[moving]
        dx, dy = here[:, :, 0, None] - here[:, None, :, 0], here[:, :, 1, None] - here[:, None, :, 1]
        dx *= dx
        dy *= dy
        dx += dy
        dist = np.sqrt(dx, out=dx)  # not np.hypot: ten times slower, and stress needs no more precision
        pull = weighted / np.maximum(dist, 1e-9)
        new = (pulled[moving] + pull.sum(axis=2)[..., None] * here - pull @ here) / total
        new[:, idle] = here[:, idle]
        step = np.abs(new - here).max(axis=(1, 2))
        x[moving] = new
        pulled[moving] = weight @ new
        moving = moving[step >= 1e-4 * length]
        if not len(moving):
            break
    return x


def _majorize(x: np.ndarray, terms, still: np.ndarray, length: float, rounds: int) -> np.ndarray:
    """Rounds of the stress majorization update, each a weighted sum over the terms."""
    i, j, ideal, weight = terms
    n = len(x)
    total = np.bincount(i, weight, n)
    idle = (total == 0) | still
    total = np.where(total > 0, total, 1.0)
    for _ in range(rounds):
        diff = x[i] - x[j]
        dist = np.sqrt((diff ** 2).sum(axis=1)) + 1e-9
        pull = weight * ideal / dist
        new = np.empty_like(x)
        for axis in (0, 1):
            new[:, axis] = (np.bincount(i, weight * x[j, axis], n) + np.bincount(i, pull * diff[:, axis], n)) / total
        new[idle] = x[idle]
        step = np.abs(new - x).max()
        x = new
        if step < 1e-4 * length:
            break
    return x


def _rects(pos: np.ndarray, extent: np.ndarray, padding: float) -> np.ndarray:
    return np.column_stack([pos[:, 0] + extent[:, 0], pos[:, 1] + extent[:, 1],
                            pos[:, 0] + extent[:, 2], pos[:, 1] + extent[:, 3]]) + \
        np.array([-padding / 2, -padding / 2, padding / 2, padding / 2])


def overlapping_pairs(rects: np.ndarray) -> list[tuple[int, int]]:
    """The pairs of rectangles (x0, y0, x1, y1) that overlap, found by a sweep along x (not all pairs)."""
    n = len(rects)
    order = np.lexsort((np.arange(n), rects[:, 0]))
    r = rects[order]
    ends = np.searchsorted(r[:, 0], r[:, 2], side="left")
    counts = np.maximum(ends - np.arange(n) - 1, 0)
    first = np.repeat(np.arange(n), counts)
    second = first + 1 + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    a, b = r[first], r[second]
    meet = (np.minimum(a[:, 2], b[:, 2]) > np.maximum(a[:, 0], b[:, 0])) & \
        (np.minimum(a[:, 3], b[:, 3]) > np.maximum(a[:, 1], b[:, 1]))
    return [(int(order[p]), int(order[q])) for p, q in zip(first[meet], second[meet])]


def _separate(pixels: dict[str, tuple[float, float]], footprints: dict[str, Footprint], box: Box,
              fixed: set[str], padding: float = 4.0, rounds: int = 400) -> dict[str, tuple[float, float]]:
    """Push apart nodes whose shape-and-label rectangles overlap, keeping them inside the box."""
    names = sorted(pixels)
    pos = np.array([pixels[n] for n in names], dtype=float)
    extent = np.array([footprints[n].extent() for n in names], dtype=float)
    still = np.array([n in fixed for n in names])
    low = np.array([box.x0, box.y0]) - extent[:, :2]
    high = np.array([box.x1, box.y1]) - extent[:, 2:]
    pos[~still] = np.minimum(np.maximum(pos[~still], low[~still]), high[~still])
    for _ in range(rounds):
        pairs = overlapping_pairs(_rects(pos, extent, padding))
        if not pairs:
            break
        if len(pairs) > BULK_PAIRS:  # crowded: every pair pushed at once, as arrays
            _push_all_apart(pos, extent, still, low, high, np.array(pairs), padding)
            continue
        _push_pairs(pos, extent, still, low, high, pairs, padding)
    return {n: (float(pos[k, 0]), float(pos[k, 1])) for k, n in enumerate(names)}


#: Above this many overlapping pairs in a round, the pairs are pushed apart all at once (arrays), not one by one.
BULK_PAIRS = 50


def _push_all_apart(pos, extent, still, low, high, pairs: np.ndarray, padding: float) -> None:
    """One round of _push_apart for every overlapping pair at once, each node moved by the sum of its pushes."""
    rects = _rects(pos, extent, padding)
    a, b = pairs[:, 0], pairs[:, 1]
    dx = np.minimum(rects[a, 2], rects[b, 2]) - np.maximum(rects[a, 0], rects[b, 0])
    dy = np.minimum(rects[a, 3], rects[b, 3]) - np.maximum(rects[a, 1], rects[b, 1])
    share_a = np.where(still[a], 0.0, np.where(still[b], 1.0, 0.5))
    share_b = np.where(still[b], 0.0, 1.0 - share_a)
    axis = np.where(dx < dy, 0, 1)
    push = np.where(axis == 0, dx, dy)
    ahead = pos[b, axis] - pos[a, axis]
    sign = np.where((ahead > 0) | ((ahead == 0) & (b > a)), 1.0, -1.0)
    move = np.zeros_like(pos)
    np.add.at(move, (a, axis), -sign * (push * share_a + 0.5))
    np.add.at(move, (b, axis), sign * (push * share_b + 0.5))
    move[still] = 0.0
    pos += move
    pos[~still] = np.minimum(np.maximum(pos[~still], low[~still]), high[~still])


def _push_pairs(pos, extent, still, low, high, pairs, padding: float) -> None:
    """_push_apart for each pair in turn (each push sees the ones before it), on plain floats: the same
    arithmetic as arrays, without numpy's cost per call on two rows."""
    xy, ext, fixed, lo, hi = pos.tolist(), extent.tolist(), still.tolist(), low.tolist(), high.tolist()
    for a, b in pairs:
        _push_apart(xy, ext, fixed, lo, hi, a, b, padding)
    pos[:] = xy


def _push_apart(pos, extent, still, low, high, a: int, b: int, padding: float) -> None:
    """Move a and b apart along the axis where they overlap least (a fixed node does not move).
    Positions and extents are lists of [x, y] and [left, bottom, right, top] offsets."""
    ra, rb = (_rect(pos[n], extent[n], padding / 2) for n in (a, b))
    dx = min(ra[2], rb[2]) - max(ra[0], rb[0])
    dy = min(ra[3], rb[3]) - max(ra[1], rb[1])
    if dx <= 0 or dy <= 0:
        return
    share_a = 0.0 if still[a] else (1.0 if still[b] else 0.5)
    share_b = 0.0 if still[b] else 1.0 - share_a
    axis, push = (0, dx) if dx < dy else (1, dy)
    sign = 1 if (pos[b][axis], b) >= (pos[a][axis], a) else -1
    pos[a][axis] -= sign * (push * share_a + 0.5)
    pos[b][axis] += sign * (push * share_b + 0.5)
    for n in (a, b):
        if not still[n]:
            pos[n] = [min(max(pos[n][k], low[n][k]), high[n][k]) for k in (0, 1)]


def _rect(xy, extent, half: float) -> tuple[float, float, float, float]:
    """As _rects, for one node."""
    x, y = xy
    return x + extent[0] - half, y + extent[1] - half, x + extent[2] + half, y + extent[3] + half


def crossings(pos: dict[str, tuple[float, float]], edges: list[tuple[str, str]]) -> int:
    """How many pairs of straight edges cross, not counting edges that share an end."""
    segments = sorted({tuple(sorted(e)) for e in edges if e[0] != e[1]})
    if len(segments) < 2:
        return 0
    index = {n: i for i, n in enumerate(sorted({n for s in segments for n in s}))}
    ends = np.array([[index[a], index[b]] for a, b in segments])
    points = np.array([pos[n] for n in sorted(index)], dtype=float)
    p, q = points[ends[:, 0]], points[ends[:, 1]]
    count = 0
    for start in range(0, len(segments), 256):
        rows = slice(start, min(start + 256, len(segments)))
        cross = _orient(p[rows, None], q[rows, None], p[None]) * _orient(p[rows, None], q[rows, None], q[None]) < 0
        cross &= _orient(p[None], q[None], p[rows, None]) * _orient(p[None], q[None], q[rows, None]) < 0
        shared = (ends[rows, None, :, None] == ends[None, :, None, :]).any(axis=(2, 3))
        later = np.arange(len(segments))[None, :] > np.arange(start, rows.stop)[:, None]
        count += int((cross & ~shared & later).sum())
    return count


def _orient(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    value = (b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1]) - (b[..., 1] - a[..., 1]) * (c[..., 0] - a[..., 0])
    return (value > 1e-9).astype(np.int8) - (value < -1e-9).astype(np.int8)


def link_segments(pos: dict, radius: dict, edges: list[tuple[str, str]]) -> np.ndarray:
    """Each link as a straight segment (x0, y0, x1, y1): the part outside both end circles."""
    out = []
    for a, b in edges:
        (xa, ya), (xb, yb) = pos[a], pos[b]
        length = math.hypot(xb - xa, yb - ya)
        if a == b or length <= radius[a] + radius[b]:
            continue
        ux, uy = (xb - xa) / length, (yb - ya) / length
        out.append((xa + ux * radius[a], ya + uy * radius[a], xb - ux * radius[b], yb - uy * radius[b]))
    return np.array(out, dtype=float).reshape(-1, 4)


def segments_through(segments: np.ndarray, boxes) -> np.ndarray:
    """Which segments pass through the inside of each box (Liang-Barsky clipping, all at once): a
    (segments,) array for one box (x0, y0, x1, y1), a (segments, boxes) array for an array of boxes."""
    boxes = np.asarray(boxes, dtype=float)
    one = boxes.ndim == 1
    boxes = boxes.reshape(-1, 4)[None, :, :]
    x, y = segments[:, 0, None], segments[:, 1, None]
    dx, dy = segments[:, 2, None] - x, segments[:, 3, None] - y
    shape = (len(segments), boxes.shape[1])
    enter, leave, outside = np.zeros(shape), np.ones(shape), np.zeros(shape, dtype=bool)
    for p, q in ((-dx, x - boxes[..., 0]), (dx, boxes[..., 2] - x), (-dy, y - boxes[..., 1]), (dy, boxes[..., 3] - y)):
        p = np.broadcast_to(p, shape)
        flat = np.abs(p) < 1e-12
        outside |= flat & (q <= 0)
        ratio = np.divide(q, p, out=np.zeros(shape), where=~flat)
        enter = np.where(~flat & (p < 0), np.maximum(enter, ratio), enter)
        leave = np.where(~flat & (p > 0), np.minimum(leave, ratio), leave)
    hit = ~outside & (enter < leave - 1e-9)
    return hit[:, 0] if one else hit


def readability(nodes: list[dict], edges: list[tuple[str, str]], width: float, height: float) -> dict:
    """What a reader of the layout JSON meets: crossings, node overlaps, label overlaps, labels over another
    node, labels outside the figure, and links passing through a label (the part of each link outside both
    end circles, its own ends' labels included)."""
    pos = {n["id"]: (n["x"], n["y"]) for n in nodes}
    radius = {n["id"]: n["radius"] for n in nodes}
    boxes = np.array([n["label_box"] for n in nodes], dtype=float).reshape(-1, 4)
    centres = np.array([pos[n["id"]] for n in nodes], dtype=float).reshape(-1, 2)
    radii = np.array([radius[n["id"]] for n in nodes])
    apart = np.hypot(centres[:, 0, None] - centres[None, :, 0], centres[:, 1, None] - centres[None, :, 1])
    upper = np.triu(np.ones((len(nodes),) * 2, dtype=bool), 1)
    nearest_x = np.clip(centres[None, :, 0], boxes[:, None, 0], boxes[:, None, 2])
    nearest_y = np.clip(centres[None, :, 1], boxes[:, None, 1], boxes[:, None, 3])
    over = (nearest_x - centres[None, :, 0]) ** 2 + (nearest_y - centres[None, :, 1]) ** 2 < radii[None, :] ** 2
    segments = link_segments(pos, radius, edges)
    return {
        "crossings": crossings(pos, edges),
        "node overlaps": int((upper & (apart < radii[:, None] + radii[None, :])).sum()),
        "label overlaps": len(overlapping_pairs(boxes)) if len(boxes) else 0,
        "label over node": int((over & ~np.eye(len(nodes), dtype=bool)).sum()),
        "labels outside": int(((boxes[:, 0] < 0) | (boxes[:, 1] < 0) | (boxes[:, 2] > width)
                               | (boxes[:, 3] > height)).sum()),
        "links through labels": int(sum(segments_through(segments, b).sum() for b in boxes)),
    }


#: Pixels a link keeps clear of every circle it does not join, beyond the circle's reach; and the least
#: clearance `links_through_circles` accepts (less, so that rounding in the layout JSON does not count).
CLEARANCE, MARGIN = 5.0, 2.0
#: How many times a blocked link is bent further out before the best bend found is kept.
ROUTE_TRIES = 8


def point_segment_distances(points: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """(points, segments) array: each point's distance to each segment (x0, y0, x1, y1), all at once."""
    a, d = segments[None, :, :2], segments[None, :, 2:] - segments[None, :, :2]
    p = points[:, None, :]
    length2 = (d ** 2).sum(axis=2)
    t = np.clip(((p - a) * d).sum(axis=2) / np.where(length2 > 0, length2, 1.0), 0.0, 1.0)
    return np.hypot(*np.moveaxis(a + t[..., None] * d - p, 2, 0))


def polyline_distances(lines: list[np.ndarray], centres: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """(lines, centres) array: how near each polyline comes to each centre. In chunks of pieces, so that
    memory grows with the map's size, not with its square."""
    pieces = [np.hstack([line[:-1], line[1:]]) for line in lines]
    owner = np.concatenate([np.full(len(p), i) for i, p in enumerate(pieces)]) if pieces else np.zeros(0, int)
    flat = np.vstack(pieces) if pieces else np.zeros((0, 4))
    out = np.full((len(lines), len(centres)), np.inf)
    step = max(1, chunk * 64 // max(len(centres), 1))
    for start in range(0, len(flat), step):
        near = point_segment_distances(centres, flat[start:start + step]).T  # (pieces, centres)
        np.minimum.at(out, owner[start:start + step], near)
    return out


def routed(pos: dict[str, tuple[float, float]], reach: dict[str, float],
           links: list[tuple[str, str, str, np.ndarray]], clearance: float = CLEARANCE) -> dict[str, np.ndarray]:
    """{link ID: its polyline from centre to centre, in pixels}: each of `links` (ID, one end, other end, its
    polyline as drawn unrouted) as it is, when it keeps `clearance` from every circle it does not join, or
    bent around the circles in its way. All links against all circles at once (numpy); only the blocked are
    bent, one by one."""
    names = sorted(pos)
    centres = np.array([pos[n] for n in names], dtype=float).reshape(-1, 2)
    need = np.array([reach[n] for n in names], dtype=float) + clearance
    index = {n: i for i, n in enumerate(names)}
    out = {lid: line for lid, _, _, line in links}
    if not links or len(names) < 3:
        return out
    near = polyline_distances([line for *_, line in links], centres)
    ends = np.array([[index[a], index[b]] for _, a, b, _ in links])
    near[np.arange(len(links)), ends[:, 0]] = np.inf
    near[np.arange(len(links)), ends[:, 1]] = np.inf
    for k in np.nonzero((near < need[None, :]).any(axis=1))[0]:
        lid, a, b, line = links[k]
        out[lid] = _bent(line, centres, need, {index[a], index[b]})
    return out


#: The bends `routed` tries for a blocked link, as control points of a Bezier curve from one end to the other:
#: (share of the way along, share of the link's length to one side), for one control (a single arc) or two
#: (an S, to pass between circles on either side). The least bend that clears every circle is drawn.
_ALONG = (0.5, 0.4, 0.6, 0.3, 0.7)
_ASIDE = (0.06, 0.1, 0.15, 0.2, 0.27, 0.35, 0.45, 0.6, 0.8, 1.0, 1.3)
_ARCS = [((t, side * m),) for m in _ASIDE for side in (1, -1) for t in _ALONG]
_ESSES = [((0.3, side * m), (0.7, -side * n)) for m in (0.15, 0.3, 0.5, 0.8) for n in (0.15, 0.3, 0.5, 0.8)
          for side in (1, -1)]
SAMPLES = 25  # points along a bent link


def _bezier(start: np.ndarray, end: np.ndarray, controls: np.ndarray, samples: int = SAMPLES) -> np.ndarray:
    """(curves, samples, 2): Bezier curves from start to end with each row of `controls` (curves, k, 2) as
    their control points (Bernstein weights, every curve and sample at once)."""
    points = np.concatenate([np.broadcast_to(start, (len(controls), 1, 2)), controls,
                             np.broadcast_to(end, (len(controls), 1, 2))], axis=1)
    n = points.shape[1] - 1
    t = np.linspace(0.0, 1.0, samples)[:, None]
    k = np.arange(n + 1)[None, :]
    weights = np.array([math.comb(n, i) for i in range(n + 1)])[None, :] * t ** k * (1 - t) ** (n - k)
    return np.einsum("sk,ckd->csd", weights, points)


def _bent(line: np.ndarray, centres: np.ndarray, need: np.ndarray, own: set[int]) -> np.ndarray:
    """The line bent around the circles in its way: of the bends tried (_ARCS, then _ESSES), the one that
    clears every circle with the least bend; when none clears, the one that comes least near any."""
    start, end = line[0], line[-1]
    chord = end - start
    normal = np.array([-chord[1], chord[0]])
    for shapes in (_ARCS, _ESSES):
        controls = np.array([[start + t * chord + m * normal for t, m in shape] for shape in shapes])
        curves = _bezier(start, end, controls)
        pieces = np.concatenate([curves[:, :-1], curves[:, 1:]], axis=2).reshape(-1, 4)
        near = point_segment_distances(centres, pieces).T.reshape(len(curves), SAMPLES - 1, -1).min(axis=1)
        short = need[None, :] - near
        short[:, list(own)] = -np.inf
        worst = short.max(axis=1)
        if (worst <= 0).any():
            return curves[int(np.argmax(worst <= 0))]  # the shapes are in order of how much they bend
    return curves[int(np.argmin(worst))] if worst.min() < _blocking(line, centres, need, own).max() else line


def _blocking(line: np.ndarray, centres: np.ndarray, need: np.ndarray, own: set[int]) -> np.ndarray:
    """How far inside each circle's clearance the line comes (0 where it is clear), its own ends' left out."""
    short = need - polyline_distances([line], centres)[0]
    short[list(own)] = 0.0
    return np.maximum(short, 0.0)


def links_through_circles(layout_json: dict, margin: float = MARGIN) -> list[dict]:
    """Every link that passes within `margin` pixels of a circle it does not join, on the map and each of its
    pages, as {"page", "link", "through", "clearance"} (clearance: pixels from the circle's edge, negative
    inside it). Each link is read as its "path" (the polyline drawn) when the layout JSON has one, else as the
    straight line between its ends' centres; each circle as its "reach" (shape and ring), else its radius.
    An empty list: no link through a circle it does not join."""
    found = []
    for number, picture in enumerate([layout_json, *layout_json.get("pages", [])]):
        found += [{"page": picture.get("page", number), **hit} for hit in _through_circles(picture, margin)]
    return found


def _through_circles(picture: dict, margin: float) -> list[dict]:
    nodes = picture.get("nodes", [])
    index = {n["id"]: i for i, n in enumerate(nodes)}
    edges = [e for e in picture.get("edges", []) if e["source"] in index and e["target"] in index
             and e["source"] != e["target"]]
    if len(nodes) < 3 or not edges:
        return []
    centres = np.array([(n["x"], n["y"]) for n in nodes], dtype=float)
    reach = np.array([n.get("reach") or n["radius"] for n in nodes], dtype=float)
    lines = [np.array(e["path"], dtype=float) if e.get("path") else centres[[index[e["source"]], index[e["target"]]]]
             for e in edges]
    gaps = polyline_distances(lines, centres) - reach[None, :]
    for k, e in enumerate(edges):
        gaps[k, [index[e["source"]], index[e["target"]]]] = np.inf
    return [{"link": edges[k].get("id", f"{edges[k]['source']}-{edges[k]['target']}"), "through": nodes[i]["id"],
             "clearance": round(float(gaps[k, i]), 2)} for k, i in zip(*np.nonzero(gaps < margin))]


def thinness(hull: np.ndarray) -> float:
    """How wide a convex polygon is for its length: its least width (across, at right angles to one of its
    sides) over its greatest length (between two corners). 1 for a circle, near 0 for a thin band."""
    if len(hull) < 3:
        return 0.0
    sides = np.roll(hull, -1, axis=0) - hull
    normals = np.column_stack([-sides[:, 1], sides[:, 0]]) / np.maximum(np.hypot(*sides.T), 1e-12)[:, None]
    across = hull @ normals.T  # (corners, sides)
    width = float((across.max(axis=0) - across.min(axis=0)).min())
    length = float(np.hypot(hull[:, None, 0] - hull[None, :, 0], hull[:, None, 1] - hull[None, :, 1]).max())
    return width / length if length > 0 else 0.0


#: Shaded groups the layout JSON may not hold: fewer members than this, or thinner than this (thinness).
SHADED_MEMBERS, SLIVER = 3, 0.3


def page_defects(layout_json: dict) -> list[str]:
    """What a reader of the map would have to fix by hand, from its layout JSON (the map and each page):
    a legend, key or caption not wholly inside the page, a label outside it, a group shaded as a sliver or a
    two-person band. An empty list: nothing cut, nothing stray."""
    found = []
    for number, picture in enumerate([layout_json, *layout_json.get("pages", [])]):
        width, height = picture["figure"]["width"], picture["figure"]["height"]
        where = f"page {picture.get('page', number)}: " if number else ""
        boxes = [(t["text"], t["box"]) for t in picture.get("page_text", [])]
        boxes += [(f"the label of {n['id']}", n["label_box"]) for n in picture.get("nodes", [])]
        found += [f"{where}{text!r} is cut at the page's edge" for text, (x0, y0, x1, y1) in boxes
                  if x0 < 0 or y0 < 0 or x1 > width or y1 > height]
        for group in picture.get("groups", []):
            if group.get("shaded") and (len(group["members"]) < SHADED_MEMBERS
                                        or thinness(np.array(group["hull"], dtype=float)) < SLIVER):
                found.append(f"{where}the group of {', '.join(group['members'])} is shaded as a thin band")
    return found
