"""Where each label goes: beside its node, on the side the links leave free.

The layout (layout.py) makes room for every label below its node, so "below" is always free of other
nodes and labels. Here each label whose box a link passes through tries the other sides (above, right,
left, the corners) and moves to the one crossed by the fewest links, but only into space that no node
and no other label covers, so the map keeps 0 overlaps. Polylines are numpy arrays of (x, y) pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GAP = 3.0  # pixels between a node's outline and its label, as layout.Footprint has it
PADDING = 1.0
SIDES = ("below", "above", "right", "left", "below right", "below left", "above right", "above left") + tuple(
    f"at {a} degrees{away}" for away in ("", " further") for a in range(15, 360, 15))  # tried last
FURTHER = 10.0  # pixels: how much further out the "further" sides are


@dataclass(frozen=True)
class Area:
    """Where labels may go, in pixels."""

    x0: float
    y0: float
    x1: float
    y1: float


def length(line: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(line, axis=0), axis=1).sum())


def middle(line: np.ndarray) -> np.ndarray:
    """The point halfway along a polyline."""
    steps = np.linalg.norm(np.diff(line, axis=0), axis=1)
    run = np.concatenate([[0.0], np.cumsum(steps)])
    half = run[-1] / 2
    i = min(int(np.searchsorted(run, half, side="right")) - 1, len(steps) - 1)
    t = (half - run[i]) / steps[i] if steps[i] > 0 else 0.0
    return line[i] + t * (line[i + 1] - line[i])


def trim(line: np.ndarray, centre: np.ndarray, radius: float) -> np.ndarray:
    """The polyline without its first part inside the circle (centre, radius)."""
    distance = np.linalg.norm(line - centre, axis=1)
    outside = np.nonzero(distance >= radius)[0]
    if not len(outside):
        return np.array([line[-1], line[-1]])
    i = int(outside[0])
    if i == 0:
        return line
    p, q = line[i - 1], line[i]
    d, f = q - p, p - centre
    a, b, c = d @ d, 2 * f @ d, f @ f - radius ** 2
    t = (-b + np.sqrt(max(b * b - 4 * a * c, 0.0))) / (2 * a) if a > 0 else 1.0
    return np.vstack([p + min(max(t, 0.0), 1.0) * d, line[i:]])


def _directions() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per side: its direction (c, s) and extra distance. The eight named sides come first."""
    named = {"below": (0, -1), "above": (0, 1), "right": (1, 0), "left": (-1, 0), "below right": (1, -1),
             "below left": (-1, -1), "above right": (1, 1), "above left": (-1, 1)}
    angles = [np.radians(float(side.split()[1])) for side in SIDES[8:]]
    c = np.array([named[side][0] for side in SIDES[:8]] + [np.cos(a) for a in angles])
    s = np.array([named[side][1] for side in SIDES[:8]] + [np.sin(a) for a in angles])
    extra = np.array([FURTHER if side.endswith("further") else 0.0 for side in SIDES])
    return c, s, extra


DIRECTIONS = _directions()


def candidates(x: float, y: float, r: float, w: float, h: float) -> np.ndarray:
    """The label boxes (left, bottom, right, top), one row per side in SIDES, of a node at (x, y)."""
    c, s, extra = DIRECTIONS
    cx, cy = np.full(len(SIDES), float(x)), np.full(len(SIDES), float(y))
    corner = 0.72 * r + GAP
    straight = slice(0, 4)  # below, above, right, left: touching the circle's top, bottom or side
    cx[straight] += c[straight] * (r + GAP + w / 2)
    cy[straight] += s[straight] * (r + GAP + h / 2)
    corners = slice(4, 8)
    cx[corners] += c[corners] * (corner + w / 2)
    cy[corners] += s[corners] * (corner + h / 2)
    between = slice(8, None)
    t = _clear(np.abs(c[between]), np.abs(s[between]), r + GAP, w, h) + extra[between]
    cx[between] += c[between] * t
    cy[between] += s[between] * t
    return np.column_stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])


def candidate(side: str, x: float, y: float, r: float, w: float, h: float) -> tuple[float, float, float, float]:
    """The label box (left, bottom, right, top) on `side` of a node at (x, y) with radius r."""
    return tuple(float(v) for v in candidates(x, y, r, w, h)[SIDES.index(side)])


def _clear(c: np.ndarray, s: np.ndarray, reach: float, w: float, h: float) -> np.ndarray:
    """How far along directions (c, s) (both >= 0) a w x h box's centre must be for the box to stay
    `reach` away from the origin: the least of the three ways it can touch that is clear."""
    def gap(t):
        return np.hypot(np.maximum(0.0, t * c - w / 2), np.maximum(0.0, t * s - h / 2))

    with np.errstate(divide="ignore", invalid="ignore"):
        b, k = c * w + s * h, (w * w + h * h) / 4 - reach * reach
        tries = np.stack([np.where(c > 1e-9, (reach + w / 2) / c, np.inf),
                          np.where(s > 1e-9, (reach + h / 2) / s, np.inf),
                          (b + np.sqrt(np.maximum(b * b - 4 * k, 0.0))) / 2])
        clear = gap(np.where(np.isfinite(tries), tries, 0.0)) >= reach - 1e-6
    return np.where(clear & np.isfinite(tries), tries, np.inf).min(axis=0)


def segments(paths: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """All the pieces of all the polylines as rows (x0, y0, x1, y1), and which polyline each is from."""
    pieces = [np.hstack([p[:-1], p[1:]]) for p in paths if len(p) > 1]
    if not pieces:
        return np.zeros((0, 4)), np.zeros(0, dtype=int)
    owner = np.concatenate([np.full(len(p) - 1, i) for i, p in enumerate(paths) if len(p) > 1])
    return np.vstack(pieces), owner


def crossed_by(box, segs: np.ndarray, owner: np.ndarray) -> int:
    """How many polylines pass through the box."""
    near = _near(box, segs)
    return int(_crossings(np.array([box], dtype=float), segs[near], owner[near])[0])


def place(nodes: list[str], pos: dict, radius: dict, sizes: dict, paths: list[np.ndarray],
          area: Area) -> tuple[dict[str, tuple], dict[str, str]]:
    """({node: label box}, {node: side}): every label below its node unless links cross it there and
    another side, free of nodes and other labels, is crossed by fewer."""
    boxes = {n: candidate("below", *pos[n], radius[n], *sizes[n]) for n in nodes}
    sides = {n: "below" for n in nodes}
    segs, owner = segments(paths)
    centres = np.array([pos[n] for n in nodes], dtype=float).reshape(-1, 2)
    radii = np.array([radius[n] for n in nodes], dtype=float)
    taken = np.array([boxes[n] for n in nodes], dtype=float).reshape(-1, 4)
    crossed = dict(zip(nodes, _crossings(taken, segs, owner).tolist()))  # every label below, weighed at once
    for i, n in list(enumerate(nodes)) * 2:  # twice: a label moved later may free room for an earlier one
        if not crossed[n]:
            continue
        x, y = pos[n]
        reach = radius[n] + GAP + FURTHER + sum(sizes[n])  # every candidate box lies within this
        region = (x - reach, y - reach, x + reach, y + reach)
        near = _near(region, segs)
        local = np.nonzero(_meets(region, taken, 0.0) | _within(region, centres, radii + reach))[0]
        moved = _best_side(boxes[n], pos[n], radius[n], sizes[n], area, (segs[near], owner[near]),
                           (centres[local], radii[local], taken[local[local != i]]), crossed[n])
        if moved:
            boxes[n], sides[n] = moved
            taken[i] = moved[0]
            crossed[n] = crossed_by(boxes[n], segs, owner)
    return boxes, sides


def _best_side(now, at, r, size, area: Area, links, others, now_crossed: int | None = None):
    """(box, side) crossed by the fewest links, fewer than the label's box `now` (crossed by `now_crossed`
    links, when the caller has counted them), free of nodes and labels; None when no side is better. All
    sides are weighed at once."""
    segs, owner = links
    centres, radii, taken = others
    boxes = candidates(*at, r, *size)
    free = ((boxes[:, 0] >= area.x0) & (boxes[:, 1] >= area.y0) & (boxes[:, 2] <= area.x1) & (boxes[:, 3] <= area.y1))
    x = np.clip(centres[None, :, 0], boxes[:, 0:1], boxes[:, 2:3]) - centres[None, :, 0]
    y = np.clip(centres[None, :, 1], boxes[:, 1:2], boxes[:, 3:4]) - centres[None, :, 1]
    free &= ~(x ** 2 + y ** 2 < (radii[None, :] + PADDING) ** 2).any(axis=1)
    free &= ~((boxes[:, 0:1] < taken[None, :, 2] + PADDING) & (taken[None, :, 0] < boxes[:, 2:3] + PADDING)
              & (boxes[:, 1:2] < taken[None, :, 3] + PADDING) & (taken[None, :, 1] < boxes[:, 3:4] + PADDING)
              ).any(axis=1)
    if not free.any():
        return None
    counts = np.where(free, _crossings(boxes, segs, owner), np.iinfo(np.int64).max)
    best = int(np.argmin(counts))
    if now_crossed is None:
        now_crossed = crossed_by(now, segs, owner)
    return (tuple(float(v) for v in boxes[best]), SIDES[best]) if counts[best] < now_crossed else None


def _crossings(boxes: np.ndarray, segs: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """For each box, how many polylines pass through it (Liang-Barsky, every box and piece at once)."""
    if not len(segs):
        return np.zeros(len(boxes), dtype=np.int64)
    x0, y0 = segs[None, :, 0], segs[None, :, 1]
    dx, dy = segs[None, :, 2] - x0, segs[None, :, 3] - y0
    t0, t1 = np.zeros((len(boxes), len(segs))), np.ones((len(boxes), len(segs)))
    hit = np.ones_like(t0, dtype=bool)
    for p, q in ((-dx, x0 - boxes[:, 0:1]), (dx, boxes[:, 2:3] - x0), (-dy, y0 - boxes[:, 1:2]),
                 (dy, boxes[:, 3:4] - y0)):
        p = np.broadcast_to(p, q.shape)
        parallel = p == 0
        hit &= ~(parallel & (q < 0))
        ratio = np.divide(q, p, out=np.zeros_like(q), where=~parallel)
        t0 = np.where(~parallel & (p < 0), np.maximum(t0, ratio), t0)
        t1 = np.where(~parallel & (p > 0), np.minimum(t1, ratio), t1)
    hit &= t0 <= t1
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    return np.logical_or.reduceat(hit, starts, axis=1).sum(axis=1)


def _near(box, segs: np.ndarray) -> np.ndarray:
    left, bottom, right, top = box
    return ((np.minimum(segs[:, 0], segs[:, 2]) <= right) & (np.maximum(segs[:, 0], segs[:, 2]) >= left)
            & (np.minimum(segs[:, 1], segs[:, 3]) <= top) & (np.maximum(segs[:, 1], segs[:, 3]) >= bottom))


def _within(box, centres: np.ndarray, reach: np.ndarray) -> np.ndarray:
    x = np.clip(centres[:, 0], box[0], box[2])
    y = np.clip(centres[:, 1], box[1], box[3])
    return (x - centres[:, 0]) ** 2 + (y - centres[:, 1]) ** 2 < reach ** 2


def _meets(box, taken: np.ndarray, padding: float) -> np.ndarray:
    """Which of the boxes in `taken` overlap `box` (with padding)."""
    return ((box[0] < taken[:, 2] + padding) & (taken[:, 0] < box[2] + padding)
            & (box[1] < taken[:, 3] + padding) & (taken[:, 1] < box[3] + padding))
