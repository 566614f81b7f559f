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

    def holds(self, box) -> bool:
        return box[0] >= self.x0 and box[1] >= self.y0 and box[2] <= self.x1 and box[3] <= self.y1


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


def candidate(side: str, x: float, y: float, r: float, w: float, h: float) -> tuple[float, float, float, float]:
    """The label box (left, bottom, right, top) on `side` of a node at (x, y) with radius r."""
    cx, cy = x, y
    corner = 0.72 * r + GAP
    if side == "below":
        cy = y - r - GAP - h / 2
    elif side == "above":
        cy = y + r + GAP + h / 2
    elif side == "right":
        cx = x + r + GAP + w / 2
    elif side == "left":
        cx = x - r - GAP - w / 2
    elif side.startswith("at "):
        angle = np.radians(float(side.split()[1]))
        c, s = np.cos(angle), np.sin(angle)
        t = _clear(abs(c), abs(s), r + GAP, w, h) + (FURTHER if side.endswith("further") else 0.0)
        cx, cy = x + c * t, y + s * t
    else:
        vertical, horizontal = side.split()
        cx = x + (corner + w / 2) * (1 if horizontal == "right" else -1)
        cy = y + (corner + h / 2) * (1 if vertical == "above" else -1)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _clear(c: float, s: float, reach: float, w: float, h: float) -> float:
    """How far along direction (c, s) (both >= 0) a w x h box's centre must be for the box to stay
    `reach` away from the origin."""
    def gap(t):
        return np.hypot(max(0.0, t * c - w / 2), max(0.0, t * s - h / 2))

    b, k = c * w + s * h, (w * w + h * h) / 4 - reach * reach
    tries = [(reach + w / 2) / c if c > 1e-9 else np.inf, (reach + h / 2) / s if s > 1e-9 else np.inf,
             (b + np.sqrt(max(b * b - 4 * k, 0.0))) / 2]
    return float(min(t for t in tries if gap(t) >= reach - 1e-6))


def segments(paths: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """All the pieces of all the polylines as rows (x0, y0, x1, y1), and which polyline each is from."""
    pieces = [np.hstack([p[:-1], p[1:]]) for p in paths if len(p) > 1]
    if not pieces:
        return np.zeros((0, 4)), np.zeros(0, dtype=int)
    owner = np.concatenate([np.full(len(p) - 1, i) for i, p in enumerate(paths) if len(p) > 1])
    return np.vstack(pieces), owner


def crossed_by(box, segs: np.ndarray, owner: np.ndarray) -> int:
    """How many polylines pass through the box (Liang-Barsky clipping, all pieces at once)."""
    left, bottom, right, top = box
    near = ((np.minimum(segs[:, 0], segs[:, 2]) <= right) & (np.maximum(segs[:, 0], segs[:, 2]) >= left)
            & (np.minimum(segs[:, 1], segs[:, 3]) <= top) & (np.maximum(segs[:, 1], segs[:, 3]) >= bottom))
    s = segs[near]
    if not len(s):
        return 0
    dx, dy = s[:, 2] - s[:, 0], s[:, 3] - s[:, 1]
    t0, t1 = np.zeros(len(s)), np.ones(len(s))
    hit = np.ones(len(s), dtype=bool)
    for p, q in ((-dx, s[:, 0] - left), (dx, right - s[:, 0]), (-dy, s[:, 1] - bottom), (dy, top - s[:, 1])):
        parallel = p == 0
        hit &= ~(parallel & (q < 0))
        ratio = np.divide(q, p, out=np.zeros_like(q), where=~parallel)
        t0 = np.where(~parallel & (p < 0), np.maximum(t0, ratio), t0)
        t1 = np.where(~parallel & (p > 0), np.minimum(t1, ratio), t1)
    hit &= t0 <= t1
    return len(set(owner[near][hit].tolist()))


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
    for i, n in list(enumerate(nodes)) * 2:  # twice: a label moved later may free room for an earlier one
        best = crossed_by(boxes[n], segs, owner)
        for side in SIDES[1:]:
            if best == 0:
                break
            box = candidate(side, *pos[n], radius[n], *sizes[n])
            if not area.holds(box) or _meets_node(box, centres, radii) or _meets_label(box, taken, i):
                continue
            count = crossed_by(box, segs, owner)
            if count < best:
                best, boxes[n], sides[n] = count, box, side
                taken[i] = box
    return boxes, sides


def _meets_node(box, centres: np.ndarray, radii: np.ndarray) -> bool:
    """Whether the box touches any node, its own included."""
    x = np.clip(centres[:, 0], box[0], box[2])
    y = np.clip(centres[:, 1], box[1], box[3])
    return bool(((x - centres[:, 0]) ** 2 + (y - centres[:, 1]) ** 2 < (radii + PADDING) ** 2).any())


def _meets_label(box, taken: np.ndarray, own: int) -> bool:
    meets = ((box[0] < taken[:, 2] + PADDING) & (taken[:, 0] < box[2] + PADDING)
             & (box[1] < taken[:, 3] + PADDING) & (taken[:, 1] < box[3] + PADDING))
    meets[own] = False
    return bool(meets.any())
