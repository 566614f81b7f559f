"""Where each person and place goes on the map: readable, deterministic and stable.

Positions are worked out in map units (0-100 across the drawing area, left to
right and bottom to top), the units of the optional `Map x` / `Map y` columns
and of the positions kept from the last map. Pinned nodes stay exactly where
they are pinned; nodes drawn last time stay where they were; new ones are
placed near their links. A last pass pushes apart any two nodes whose circle
and label would overlap.
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
    return _separate(pixels, footprints, box, fixed=set(pinned))


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


def _best_of_starts(graph: nx.Graph, starts: int = 4) -> dict[str, tuple[float, float]]:
    """Stress layouts from a few fixed starting points; the one with the fewest crossing links wins."""
    nodes = sorted(graph)
    best, best_crossings = None, None
    tries = starts if len(nodes) <= 80 else 1
    for attempt in range(tries):
        rng = np.random.default_rng(attempt)
        if attempt == 0:
            init = {n: (math.cos(2 * math.pi * i / len(nodes)), math.sin(2 * math.pi * i / len(nodes)))
                    for i, n in enumerate(nodes)}
        else:
            init = {n: tuple(float(v) for v in rng.uniform(-1, 1, 2)) for n in nodes}
        pos = stress(graph, init, set(), length=1.0)
        count = crossings(pos, list(graph.edges()))
        if best_crossings is None or count < best_crossings:
            best, best_crossings = pos, count
    return best


def stress(graph: nx.Graph, init: dict, fixed: set, length: float, rounds: int = 300) -> dict:
    """Stress majorization: place nodes so that map distances match link distances; fixed nodes stay."""
    nodes = sorted(graph)
    index = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    hops = np.full((n, n), np.inf)
    for source, targets in nx.all_pairs_dijkstra_path_length(graph, weight="length"):
        for target, d in targets.items():
            hops[index[source], index[target]] = d
    ideal = hops * length
    weight = np.where(np.isfinite(ideal) & (ideal > 0), 1.0 / np.where(ideal > 0, ideal, 1.0) ** 2, 0.0)
    ideal = np.where(np.isfinite(ideal), ideal, 0.0)
    x = np.array([init[m] for m in nodes], dtype=float)
    x += np.array([_jitter(m) for m in nodes]) * 1e-3 * length  # no two nodes start on one spot
    still = np.array([m in fixed for m in nodes])
    total = weight.sum(axis=1)
    for _ in range(rounds):
        diff = x[:, None, :] - x[None, :, :]
        dist = np.sqrt((diff ** 2).sum(axis=2)) + 1e-9
        target = x[None, :, :] + ideal[:, :, None] * diff / dist[:, :, None]
        new = (weight[:, :, None] * target).sum(axis=1) / np.where(total > 0, total, 1.0)[:, None]
        new[total == 0] = x[total == 0]
        new[still] = x[still]
        step = np.abs(new - x).max()
        x = new
        if step < 1e-4 * length:
            break
    return {m: (float(x[i, 0]), float(x[i, 1])) for i, m in enumerate(nodes)}


def _separate(pixels: dict[str, tuple[float, float]], footprints: dict[str, Footprint], box: Box,
              fixed: set[str], padding: float = 4.0, rounds: int = 400) -> dict[str, tuple[float, float]]:
    """Push apart nodes whose shape-and-label rectangles overlap, keeping them inside the box."""
    pos = {n: list(p) for n, p in pixels.items()}
    extent = {n: footprints[n].extent() for n in pos}
    names = sorted(pos)

    def rect(n):
        left, bottom, right, top = extent[n]
        x, y = pos[n]
        return x + left - padding / 2, y + bottom - padding / 2, x + right + padding / 2, y + top + padding / 2

    def keep_inside(n):
        left, bottom, right, top = extent[n]
        pos[n][0] = min(max(pos[n][0], box.x0 - left), box.x1 - right)
        pos[n][1] = min(max(pos[n][1], box.y0 - bottom), box.y1 - top)

    for n in names:
        if n not in fixed:
            keep_inside(n)
    for _ in range(rounds):
        moved = False
        order = sorted(names, key=lambda n: rect(n)[0])
        for i, a in enumerate(order):
            ra = rect(a)
            for b in order[i + 1:]:
                rb = rect(b)
                if rb[0] >= ra[2]:
                    break  # sorted by left edge: nothing further right can overlap
                dx = min(ra[2], rb[2]) - max(ra[0], rb[0])
                dy = min(ra[3], rb[3]) - max(ra[1], rb[1])
                if dx <= 0 or dy <= 0:
                    continue
                moved = True
                share_a = 0.0 if a in fixed else (1.0 if b in fixed else 0.5)
                share_b = 0.0 if b in fixed else 1.0 - share_a
                axis, push = (0, dx) if dx < dy else (1, dy)
                sign = 1 if (pos[b][axis], b) >= (pos[a][axis], a) else -1
                pos[a][axis] -= sign * (push * share_a + 0.5)
                pos[b][axis] += sign * (push * share_b + 0.5)
                for n in (a, b):
                    if n not in fixed:
                        keep_inside(n)
                ra = rect(a)
        if not moved:
            break
    return {n: (pos[n][0], pos[n][1]) for n in names}


def crossings(pos: dict[str, tuple[float, float]], edges: list[tuple[str, str]]) -> int:
    """How many pairs of straight edges cross, not counting edges that share an end."""
    segments = sorted({tuple(sorted(e)) for e in edges if e[0] != e[1]})
    count = 0
    for i, (a, b) in enumerate(segments):
        for c, d in segments[i + 1:]:
            if len({a, b, c, d}) == 4 and _intersect(pos[a], pos[b], pos[c], pos[d]):
                count += 1
    return count


def _intersect(p1, p2, p3, p4) -> bool:
    def orient(a, b, c):
        value = float((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))
        return (value > 1e-9) - (value < -1e-9)

    return (orient(p1, p2, p3) * orient(p1, p2, p4) < 0) and (orient(p3, p4, p1) * orient(p3, p4, p2) < 0)
