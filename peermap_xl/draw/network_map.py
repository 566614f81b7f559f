"""The network map: a dated, legible picture of who is linked to whom, and how we know.

Drawn the networkx way, in steps a caller can take one by one:
`scene` (what to draw, no matplotlib) -> `positions` (layout.py, with the labels measured on the page)
-> `render` (drawn onto the page, returning a typed `DrawnMap`) -> `frame.save`.
`draw` does all four for callers that only want the file. Every coordinate is in figure pixels,
origin at the bottom left; `DrawnMap.layout_json()` is what `peermap map --layout-json` writes.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from dataclasses import dataclass, field, replace
from pathlib import Path

from peermap_xl.draw import agg  # noqa: F401  (first: matplotlib set up for drawing files)

# isort: split

import matplotlib  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import LineCollection, PatchCollection, PolyCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Circle, Patch, Polygon, RegularPolygon  # noqa: E402

from peermap_xl.book.safe import name_part  # noqa: E402
from peermap_xl.contract import domain  # noqa: E402
from peermap_xl.contract.domain import weak_grounds  # noqa: E402
from peermap_xl.draw import frame, labelling, layout, style  # noqa: E402
from peermap_xl.record import graph as graphs  # noqa: E402
from peermap_xl.record import labels  # noqa: E402
from peermap_xl.record.model import Network, rows  # noqa: E402

WIDTH, HEIGHT, DPI = 1500, 1060, frame.DPI
BOX = layout.Box(40, 60, WIDTH - 360, HEIGHT - 130)
LABEL_POINTS = 9
LABEL_WRAP = 18
LINK_GAP = 2.0  # pixels between a node's outline and the end of its links
RING_GAP = 4.0  # pixels between a node's shape and its out-of-borough ring
MARK_WORDS = {"risky": " (filled diamond)", "protective": " (open ring)"}


@dataclass(frozen=True)
class DrawnNode:
    id: str
    label: str
    kind: str
    x: float
    y: float
    radius: float
    label_box: tuple[float, float, float, float]
    fill: str
    symbol: str | None
    label_at: str  # below, above, right, left or a corner: where the links left room
    incidents: int = 0  # at a place: incidents recorded there up to the map's date (its badge)
    significant: int = 0  # of which significant
    reach: float = 0.0  # how far the drawn shape (and its out-of-borough ring) reaches from the centre


@dataclass(frozen=True)
class DrawnEdge:
    id: str
    source: str
    target: str
    style: str  # solid (evidenced) or dashed (anecdotal or weakly graded)
    stale: bool
    nature: str
    arrow: str  # none, forward, backward or both
    colour: str
    alpha: float
    width: float  # points
    mark: str | None  # the marker at the link's middle (risky, protective), as matplotlib names it


@dataclass(frozen=True)
class DrawnMap:
    """What was drawn: the page size, every node and link as drawn, the legend and kept positions."""

    width: int
    height: int
    nodes: tuple[DrawnNode, ...]
    edges: tuple[DrawnEdge, ...]
    legend: tuple[frame.LegendEntry, ...]
    positions: dict[str, list[float]]  # map units, for the hidden Map layout sheet
    png: bytes | None = field(default=None, compare=False, repr=False)
    paths: dict[str, list] = field(default_factory=dict, compare=False, repr=False)  # {link ID: polyline drawn}
    groups: tuple[dict, ...] = ()  # each group: its members, whether shaded, and why not (see shading)
    page_text: tuple[dict, ...] = ()  # the legend and every text on the page: {"text", "box"} (frame.text_boxes)

    def layout_json(self) -> dict:
        """The layout JSON: figure, nodes and edges (the keys users and tests rely on), the legend, the groups
        and the boxes of the page's texts."""
        return {"figure": {"width": self.width, "height": self.height},
                "nodes": [node_json(n) for n in self.nodes],
                "edges": [edge_json(e, self.paths) for e in self.edges],
                "legend": [{"section": e.section, "text": e.text} for e in self.legend],
                "groups": list(self.groups), "page_text": list(self.page_text)}


def edge_json(edge: DrawnEdge, paths: dict[str, list]) -> dict:
    """A link in the layout JSON: how it is drawn and, when drawn, its "path" (the polyline, in pixels)."""
    out = {k: getattr(edge, k) for k in edge.__dataclass_fields__}
    if edge.id in paths:
        out["path"] = paths[edge.id]
    return out


def polylines(paths: dict[str, np.ndarray]) -> dict[str, list]:
    """The drawn polylines as the layout JSON keeps them: [[x, y], ...] rounded to a hundredth of a pixel."""
    return {lid: np.round(line, 2).tolist() for lid, line in paths.items()}


def node_json(node: DrawnNode) -> dict:
    out = {k: getattr(node, k) for k in node.__dataclass_fields__}
    out["label_box"] = list(node.label_box)
    return out


@dataclass
class Scene:
    """What the map will show, worked out from the network before anything is placed or drawn."""

    graph: nx.MultiGraph
    nodes: list[str]
    label: dict[str, str]
    kind: dict[str, str]
    radius: dict[str, float]
    reach: dict[str, float]  # how far the drawn shape (and its out-of-borough ring) reaches from the centre
    fill: dict[str, str]
    symbol: dict[str, str | None]
    away: set[str]
    edges: list[DrawnEdge]
    groups: list[set[str]]
    used: set[str]
    title: str
    dated: str
    marking: str
    home: object
    stale_after: int
    shaded: bool = True  # the Network's "Shade groups on the map"
    incidents: dict[str, tuple[int, int]] = field(default_factory=dict)  # {place: (incidents, significant)}


def alt_text() -> str:
    """How the map's links are drawn, in words: for the minutes' picture description."""
    return style.LINK_WORDS


def next_review(network: Network, as_of: dt.date) -> dt.date | None:
    """The network's next review as the sessions held by the map's day left it (Network.next_review), as a
    date."""
    due = network.next_review(on=as_of)
    return due.due if due else None


def review_words(network: Network, as_of: dt.date) -> str:
    """ "Next review: 16/12/2026", "Closed on 20/01/2027" (a closed network has no next review), or "Next review:
    not set"."""
    if network.settings.closed:
        when = network.settings.get("closed_on")
        return "Closed" + ("" if domain.blank(when) else f" on {pd.Timestamp(when):%d/%m/%Y}")
    review = next_review(network, as_of)
    return "Next review: " + (f"{review:%d/%m/%Y}" if review else "not set")


def file_name(network: Network, as_of: dt.date, anonymise: bool, suffix: str = ".png") -> str:
    """ "Peer Map - City Road peer network - 2026-10-01.png", as DESIGN.md names it."""
    said = labels.View(network).names_replaced  # a name typed in the network's name becomes its label
    name = "anonymised" if anonymise else said(network.settings["network_name"] or "network")
    safe = name_part(name)  # no characters Windows forbids, and short enough for any folder
    return f"Peer Map - {safe} - {as_of:%Y-%m-%d}{suffix}"


def kept_positions(drawn: DrawnMap, day: dt.date) -> list[list]:
    """The rows of the hidden Map layout sheet: where each node was drawn, in map units, and when."""
    from peermap_xl.contract import schema

    return [[c.header for c in schema.MAP_LAYOUT.columns]] + [
        [node, x, y, day] for node, (x, y) in drawn.positions.items()]


def draw(network: Network, out: str | Path, as_of: dt.date, anonymise: bool = False,
         png_copy: bool = False, banner: str | None = None, view: labels.View | None = None) -> DrawnMap:
    """Lay out, draw and save the map to `out` (.png, .svg or .pdf); return what was drawn
    (with `png_copy`, also the picture as PNG bytes in `.png`, for a sheet). `view`: the labels, when the
    caller has them already (the pages of a large map share the whole network's)."""
    view = view or labels.View(network, anonymise)
    what = scene(network, as_of, anonymise, view)
    with matplotlib.rc_context(frame.RC), labels.names_out(view):
        fig, ax = frame.page(WIDTH, HEIGHT)
        pos, sizes = positions(what, network, fig)
        drawn = render(fig, ax, what, pos, sizes)
        if banner:  # "This record has errors: ...", above the bottom marking
            fig.text(0.5, 40 / HEIGHT, banner, ha="center", va="center", fontsize=11, fontweight="bold",
                     color=style.MARKING_COLOUR, bbox={"facecolor": "#FFC7CE", "edgecolor": style.MARKING_COLOUR})
            drawn = replace(drawn, page_text=tuple(frame.text_boxes(fig)))
        png = frame.save(fig, out, png_copy)
    return replace(drawn, png=png)


def scene(network: Network, as_of: dt.date, anonymise: bool = False, view: labels.View | None = None) -> Scene:
    """What to draw: nodes with their kinds, sizes, fills and symbols; links with their styles."""
    view = view or labels.View(network, anonymise)
    g = graphs.build(network)
    types = dict(zip(network.contexts["id"], network.contexts["type"]))
    for node in g:
        g.nodes[node]["type"] = types.get(node)
    nodes = sorted(g)
    degree = dict(g.degree())
    name = view.label
    stale_after = network.settings.stale_after_days
    edges = [_edge(network, link, pd.Timestamp(as_of)) for link in rows(network.live_links)]
    what = Scene(graph=g, nodes=nodes, label={n: name(n) for n in nodes}, kind={n: node_kind(g, n) for n in nodes},
                 radius={n: 12 + 2.2 * math.sqrt(degree[n]) for n in nodes}, reach={}, fill={}, symbol={}, away=set(),
                 edges=edges, groups=graphs.groups(g), used=set(), title=_title(network, anonymise, view),
                 dated=_dated(network, as_of, anonymise, view), marking=network.settings["protective_marking"],
                 home=network.settings["home_borough"], stale_after=stale_after)
    _node_marks(what, network)
    what.home = "the home borough" if anonymise else what.home  # the legend's words: no borough when anonymised
    what.shaded = network.settings["shade_groups_on_the_map"] != "No"
    for n in nodes:
        sides = style.SHAPES[what.kind[n]][1]
        shape = what.radius[n] * (1.25 if sides == 4 and what.kind[n] == "unknown" else 1.1 if sides else 1.0)
        what.reach[n] = shape + RING_GAP if n in what.away else shape
    _incident_marks(what, network, as_of)
    for e in edges:
        what.used |= {f"nature:{e.nature}", f"style:{e.style}", f"width:{e.width}"}
        what.used |= ({"stale"} if e.stale else set()) | ({"arrow"} if e.arrow != "none" else set())
    what.used |= {"group"} if what.groups and what.shaded else set()
    return what


def node_kind(graph, node) -> str:
    data = graph.nodes[node]
    if data["kind"] == graphs.PLACE:
        return "online" if data.get("type") == "Online" else "place"
    return {"Young person": "young person", "Adult": "adult"}.get(data["kind"], "unknown")


def _edge(network: Network, link: dict, today: pd.Timestamp) -> DrawnEdge:
    nature = link["nature"].lower() if isinstance(link["nature"], str) else "not known"
    nature = nature if nature in style.LINK_COLOURS else "not known"
    stale = bool(network.is_stale(link, today))
    strength = link["strength"] if isinstance(link["strength"], str) else None
    return DrawnEdge(
        id=link["id"], source=link["from_id"], target=link["to_id"],
        style="dashed" if weak_grounds(link) else "solid", stale=stale, nature=nature,
        arrow={"From leads": "forward", "To leads": "backward", "Mutual": "both"}.get(link["influence"], "none"),
        colour=style.LINK_COLOURS[nature], alpha=style.STALE_ALPHA if stale else style.FRESH_ALPHA,
        width=style.LINK_WIDTHS.get(strength, style.DEFAULT_WIDTH), mark=style.LINK_MARKS.get(nature))


def _node_marks(what: Scene, network: Network) -> None:
    """Each node's fill and symbol (by risk, or by nature for places), and whether it is out of borough."""
    boroughs = {r["id"]: r["borough"] for frame_ in (network.active_subjects, network.active_contexts)
                for r in rows(frame_)}
    home = what.home
    for n in what.nodes:
        data, kind = what.graph.nodes[n], what.kind[n]
        if kind in ("place", "online"):
            key = data.get("nature") if data.get("nature") in style.PLACE_FILLS else "Not known"
            what.fill[n], what.symbol[n] = style.PLACE_FILLS[key], style.PLACE_SYMBOLS.get(key)
            what.used.add(f"place:{key}")
        else:
            key = data.get("risk") if data.get("risk") in style.RISK_FILLS else "Not known"
            what.fill[n], what.symbol[n] = style.RISK_FILLS[key], style.RISK_SYMBOLS.get(key)
            what.used.add(f"risk:{key}")
        what.used.add(f"kind:{kind}")
        if isinstance(boroughs.get(n), str) and isinstance(home, str) and \
                boroughs[n].casefold() not in (home.casefold(), "online"):
            what.away.add(n)
            what.used.add("away")


def _incident_marks(what: Scene, network: Network, as_of: dt.date) -> None:
    """Places on the map with incidents up to `as_of`: their badge's counts, and room for it in their reach."""
    from peermap_xl.record import incidents

    for incident in rows(incidents.up_to(network, as_of)):
        place = incident["where_id"]
        if place in what.graph and what.kind.get(place) in ("place", "online"):
            count, significant = what.incidents.get(place, (0, 0))
            what.incidents[place] = (count + 1, significant + (incident["significant"] == "Yes"))
    for place, (_, significant) in what.incidents.items():
        what.used |= {"incidents"} | ({"incidents:significant"} if significant else set())
        centre = _badge_centre((0.0, 0.0), what.radius[place])
        what.reach[place] = max(what.reach[place], math.hypot(*centre) + style.BADGE_RADIUS)


def _badge_centre(at, radius: float) -> tuple[float, float]:
    """On the shape's upper right edge."""
    return at[0] + 0.72 * radius, at[1] + 0.72 * radius


def draw_badges(ax, what: Scene, pos) -> None:
    """A small disc with the count of incidents at each place; red with "!" when one was significant."""
    for place, (count, significant) in what.incidents.items():
        fill = style.BADGE_SIGNIFICANT if significant else style.BADGE_FILL
        ax.add_patch(Circle(_badge_centre(pos[place], what.radius[place]), style.BADGE_RADIUS, facecolor=fill,
                            edgecolor="#FFFFFF", linewidth=1.2, zorder=5.5))
        ax.text(*_badge_centre(pos[place], what.radius[place]), f"{count}!" if significant else str(count),
                ha="center", va="center_baseline", fontsize=8, fontweight="bold", color="#FFFFFF", zorder=5.6)


def _title(network: Network, anonymise: bool, view: labels.View) -> str:
    said = view.names_replaced  # names typed in the Network's fields become labels
    return ("Peer network map (anonymised)" if anonymise
            else said(network.settings["network_name"] or "Peer network map"))


def _dated(network: Network, as_of: dt.date, anonymise: bool, view: labels.View) -> str:
    dated = f"Map dated {as_of:%d/%m/%Y}    " + review_words(network, as_of)
    risks = network.settings["key_contextual_risks"]
    if risks and not anonymise:
        dated += f"    Key contextual risks: {view.names_replaced(risks)}"
    return dated


def positions(what: Scene, network: Network, fig, previous: dict | None = None
              ) -> tuple[dict[str, tuple[float, float]], dict]:
    """({node: (x, y) pixels}, {node: (label width, height) pixels}): the layout, with each label
    measured as it will be drawn on `fig`, pins and kept positions (`previous`, in map units; by default
    the Map layout sheet's) honoured."""
    renderer = fig.canvas.get_renderer()
    sizes = {}
    for n in what.nodes:
        text = fig.text(0, 0, wrapped(what.label[n]), fontsize=LABEL_POINTS, linespacing=1.1)
        box = text.get_window_extent(renderer)
        sizes[n] = (box.width, box.height)
        text.remove()
    footprints = {n: layout.Footprint(what.reach[n], *sizes[n]) for n in what.nodes}
    pins = {n: p for n, p in network.pins.items() if n in what.graph}
    pos = layout.place(what.graph, footprints, BOX, pinned=pins,
                       previous=network.map_positions if previous is None else previous,
                       groups=what.groups)
    return pos, sizes


def wrapped(label: str) -> str:
    return textwrap.fill(label, LABEL_WRAP)


def render(fig, ax, what: Scene, pos: dict, sizes: dict) -> DrawnMap:
    """Draw the scene at `pos` onto the page `fig`/`ax`: groups, links, nodes, labels where the links
    leave room, the frame and the legend. Returns what was drawn; saving is the caller's."""
    paths = link_paths(what, pos)
    groups = shading(what, pos)
    if not any(g["shaded"] for g in groups):  # the legend's "Drawn close together" only with a shaded group
        what.used.discard("group")
    _draw_groups(ax, groups)
    draw_links(ax, what.edges, paths)
    draw_nodes(ax, what, pos)
    draw_badges(ax, what, pos)
    boxes, sides = labelling.place(what.nodes, pos, what.reach, sizes, list(paths.values()),
                                   labelling.Area(BOX.x0 - 30, 24, BOX.x1 + 20, BOX.y1 + 20))
    renderer = fig.canvas.get_renderer()
    drawn_nodes = []
    for n in what.nodes:
        left, bottom, right, top = boxes[n]
        text = ax.text((left + right) / 2, (bottom + top) / 2, wrapped(what.label[n]), ha="center", va="center",
                       fontsize=LABEL_POINTS, zorder=6, linespacing=1.1, color=style.LABEL_COLOUR)
        x, y = pos[n]
        drawn_nodes.append(DrawnNode(
            id=n, label=what.label[n], kind=what.kind[n], x=round(x, 2), y=round(y, 2),
            radius=round(what.radius[n], 2), fill=what.fill[n], symbol=what.symbol[n], label_at=sides[n],
            label_box=tuple(round(v, 2) for v in text.get_window_extent(renderer).extents),
            incidents=what.incidents.get(n, (0, 0))[0], significant=what.incidents.get(n, (0, 0))[1],
            reach=round(what.reach[n], 2)))
    frame.heading(fig, what.marking, what.title, what.dated)
    entries = frame.legend(fig, legend_sections(what), left=WIDTH - 330, top=HEIGHT - 110)
    return DrawnMap(width=WIDTH, height=HEIGHT, nodes=tuple(drawn_nodes), edges=tuple(what.edges),
                    legend=tuple(entries), paths=polylines(paths), groups=tuple(groups),
                    page_text=tuple(frame.text_boxes(fig)),
                    positions={n: [round(v, 3) for v in BOX.to_units(*pos[n])] for n in what.nodes})


#: A group is shaded only where the shading reads as a group: at least layout.SHADED_MEMBERS people and
#: places, and an area at least layout.SLIVER times as wide as it is long (a thin band reads as a road).
GROUP_PAD = 16.0  # pixels the shading reaches beyond each member's shape


def shading(what: Scene, pos) -> list[dict]:
    """Each group of the scene: {"members", "shaded", "why" (when not shaded), "hull" (the area shaded,
    pixels)}; shaded only when the Network says so and the area reads as a group."""
    out = []
    for members in what.groups:
        points = [(pos[n][0] + (what.radius[n] + GROUP_PAD) * math.cos(a * math.pi / 8),
                   pos[n][1] + (what.radius[n] + GROUP_PAD) * math.sin(a * math.pi / 8))
                  for n in sorted(members) for a in range(16)]
        hull = _hull(points)
        why = ("not shaded on this map" if not what.shaded else
               f"only {len(members)} people and places" if len(members) < layout.SHADED_MEMBERS else
               "a thin band" if layout.thinness(np.array(hull)) < layout.SLIVER else None)
        out.append({"members": sorted(members), "shaded": why is None, "why": why,
                    "hull": [[round(x, 2), round(y, 2)] for x, y in hull]})
    return out


def _draw_groups(ax, groups: list[dict]) -> None:
    for i, group in enumerate(g for g in groups if g["shaded"]):
        colour = style.GROUP_FILLS[i % len(style.GROUP_FILLS)]
        ax.add_patch(Polygon(group["hull"], closed=True, facecolor=colour, edgecolor=colour,
                             alpha=style.GROUP_ALPHA, linewidth=1.5, joinstyle="round", zorder=0))


def _hull(points):
    """The convex hull of the points (Andrew's monotone chain)."""
    points = sorted(set(points))

    def half(seq):
        out = []
        for p in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(p)
        return out

    return half(points)[:-1] + half(reversed(points))[:-1]


def link_paths(what: Scene, pos) -> dict[str, np.ndarray]:
    """{link ID: its polyline in pixels}, from outside one end's outline to outside the other's: straight,
    or a gentle curve when two links join the same pair (each bent its own way), or bent around any circle
    in its way (layout.routed: no link passes through a person or place it does not join)."""
    pairs: dict[tuple, list[DrawnEdge]] = {}
    for e in what.edges:
        if e.source != e.target:
            pairs.setdefault(tuple(sorted((e.source, e.target))), []).append(e)
    lines = []
    for (a, b), parallel in pairs.items():
        start, end = np.array(pos[a], dtype=float), np.array(pos[b], dtype=float)
        for k, e in enumerate(parallel):
            lines.append((e.id, a, b, _curve(start, end, 0.18 * (k - (len(parallel) - 1) / 2))))
    routes = layout.routed(pos, what.reach, lines)
    paths = {}
    for lid, a, b, _ in lines:
        line = labelling.trim(routes[lid], np.array(pos[a], dtype=float), what.reach[a] + LINK_GAP)
        line = labelling.trim(line[::-1], np.array(pos[b], dtype=float), what.reach[b] + LINK_GAP)[::-1]
        paths[lid] = line
    source = {e.id: e.source for e in what.edges}
    return {lid: line if source[lid] == a else line[::-1] for (lid, a, _, _), line in zip(lines, paths.values())}


def _curve(start: np.ndarray, end: np.ndarray, bend: float, samples: int = 17) -> np.ndarray:
    if bend == 0:
        return np.array([start, end])
    d = end - start
    control = (start + end) / 2 + bend * np.array([d[1], -d[0]])
    t = np.linspace(0, 1, samples)[:, None]
    return (1 - t) ** 2 * start + 2 * (1 - t) * t * control + t ** 2 * end


def draw_links(ax, edges: list[DrawnEdge], paths: dict[str, np.ndarray]) -> None:
    """All links as one line collection; arrowheads only where influence is recorded; a mark at the
    middle of risky and protective links."""
    drawn = [e for e in edges if e.id in paths]
    lines, heads, head_colours = [], [], []
    for e in drawn:
        line, tips = _with_heads(paths[e.id], e)
        lines.append(line)
        heads += tips
        head_colours += [to_rgba(e.colour, e.alpha)] * len(tips)
    ax.add_collection(LineCollection(
        lines, colors=[to_rgba(e.colour, e.alpha) for e in drawn], linewidths=[e.width for e in drawn],
        linestyles=[style.DASHES if e.style == "dashed" else "solid" for e in drawn], capstyle="butt", zorder=2))
    if heads:
        ax.add_collection(PolyCollection(heads, facecolors=head_colours, edgecolors="none", zorder=3))
    for nature, mark in style.LINK_MARKS.items():
        chosen = [e for e in drawn if e.nature == nature]
        if not chosen:
            continue
        middles = np.array([labelling.middle(paths[e.id]) for e in chosen])
        colours = [to_rgba(e.colour, e.alpha) for e in chosen]
        faces = colours if nature == "risky" else [to_rgba("#FFFFFF", e.alpha) for e in chosen]
        ax.scatter(middles[:, 0], middles[:, 1], s=[(6 + 1.2 * e.width) ** 2 for e in chosen], marker=mark,
                   facecolors=faces, edgecolors=colours, linewidths=1.6, zorder=3)


def _with_heads(line: np.ndarray, e: DrawnEdge) -> tuple[np.ndarray, list[np.ndarray]]:
    """The line shortened where an arrowhead goes, and the arrowheads (triangles, tip on the end)."""
    heads = []
    size = 7 + 1.6 * e.width
    ends = {"forward": (False, True), "backward": (True, False), "both": (True, True)}.get(e.arrow, (False, False))
    for at_start, wanted in zip((True, False), ends):
        if not wanted or labelling.length(line) <= 2 * size:
            continue
        seq = line if at_start else line[::-1]
        tip = seq[0]
        shortened = labelling.trim(seq, tip, size * 0.8)
        base = labelling.trim(seq, tip, size)[0]
        d = tip - base
        side = np.array([-d[1], d[0]]) * 0.45
        heads.append(np.array([tip, base + side, base - side]))
        line = shortened if at_start else shortened[::-1]
    return line, heads


def draw_nodes(ax, what: Scene, pos) -> None:
    shapes = []
    for n in what.nodes:
        _, sides, rotation = style.SHAPES[what.kind[n]]
        x, y = pos[n]
        r = what.radius[n]
        shape = (Circle((x, y), r) if sides == 0 else
                 RegularPolygon((x, y), numVertices=sides, radius=r * (1.25 if sides == 4 else 1.1),
                                orientation=rotation))
        shape.set(facecolor=what.fill[n], edgecolor=style.NODE_EDGE, linewidth=1.2)
        shapes.append(shape)
        if n in what.away:  # a dashed ring just outside the shape: seen on dark fills and in grey too
            shapes.append(Circle((x, y), what.reach[n] - 1, facecolor="none", edgecolor=style.OUT_OF_BOROUGH,
                                 linewidth=2.2, linestyle=(0, (3, 1.5))))
        if what.symbol[n]:
            ax.text(x, y, what.symbol[n], ha="center", va="center_baseline", fontsize=0.95 * r * 72 / DPI * 1.2,
                    fontweight="bold", color=style.text_on(what.fill[n]), zorder=5)
    ax.add_collection(PatchCollection(shapes, match_original=True, zorder=4))


def legend_sections(what: Scene) -> list[tuple[str, list]]:
    """The legend: every mark on this map, and only those, in sections."""
    used = what.used
    return [("Who and where", _who_items(what)),
            ("Risk (people)", [(node_handle("young person", style.RISK_FILLS[r], style.RISK_SYMBOLS.get(r)),
                                r if r != "Not known" else "Risk not known")
                               for r in style.RISK_FILLS if f"risk:{r}" in used]),
            ("Places", [(node_handle("place", style.PLACE_FILLS[p], style.PLACE_SYMBOLS.get(p)),
                         style.PLACE_WORDS[p]) for p in style.PLACE_FILLS if f"place:{p}" in used]
             + _badge_items(used)),
            ("Links", _link_items(what))]


def _badge_items(used: set[str]) -> list:
    """The incident badges in the legend: the plain count, and the significant one, when drawn."""
    items = []
    for key, fill, text, words in (("incidents", style.BADGE_FILL, "2", style.BADGE_WORDS[0]),
                                   ("incidents:significant", style.BADGE_SIGNIFICANT, "1!", style.BADGE_WORDS[1])):
        if key in used:
            disc = Line2D([], [], linestyle="none", marker="o", markersize=13, markerfacecolor=fill,
                          markeredgecolor="#FFFFFF")
            items.append(((disc, Line2D([], [], linestyle="none", marker=frame.symbol_marker(text), markersize=7,
                                         color="#FFFFFF")),
                          words))
    return items


def node_handle(kind: str, fill: str, symbol: str | None):
    shape = Line2D([], [], linestyle="none", marker=style.SHAPES[kind][0], markersize=13, markerfacecolor=fill,
                   markeredgecolor=style.NODE_EDGE)
    if not symbol:
        return shape
    mark = Line2D([], [], linestyle="none", marker=frame.symbol_marker(symbol), markersize=7, color=style.text_on(fill))
    return (shape, mark)


def _who_items(what: Scene) -> list:
    items = [(node_handle(k, "#FFFFFF", None), style.KIND_NAMES[k]) for k in style.SHAPES
             if f"kind:{k}" in what.used]
    if "away" in what.used:
        ring = Line2D([], [], linestyle="none", marker="o", markersize=15, markerfacecolor="none",
                      markeredgecolor=style.OUT_OF_BOROUGH, markeredgewidth=2.0)
        items.append(((node_handle("young person", "#FFFFFF", None), ring), f"Outside {what.home} (dashed ring)"))
    items.append((Line2D([], [], linestyle="none", marker="o", markersize=6, markerfacecolor="#FFFFFF",
                         markeredgecolor=style.NODE_EDGE), "Larger: more links"))
    if "group" in what.used:
        items.append((Patch(facecolor=style.GROUP_FILLS[0], alpha=0.25),
                      "Drawn close together:\nmany links between them"))
    return items


def _link_items(what: Scene) -> list:
    used, grey = what.used, "#555555"
    items = []
    for nature, colour in style.LINK_COLOURS.items():
        if f"nature:{nature}" not in used:
            continue
        mark = style.LINK_MARKS.get(nature)
        face = colour if nature == "risky" else "#FFFFFF"
        items.append((Line2D([], [], color=colour, linewidth=2.4, marker=mark or "None", markersize=8,
                             markerfacecolor=face, markeredgecolor=colour, markeredgewidth=1.6),
                      nature.capitalize() + MARK_WORDS.get(nature, "")))
    if "style:solid" in used:
        items.append((Line2D([], [], color=grey, linewidth=1.8), "Evidenced"))
    if "style:dashed" in used:
        items.append((Line2D([], [], color=grey, linewidth=1.8, linestyle=style.DASHES), "Anecdotal or weakly graded"))
    if "stale" in used:
        items.append((Line2D([], [], color=grey, linewidth=1.8, alpha=style.STALE_ALPHA),
                      f"Faded: not seen for over {what.stale_after} days"))
    for strength, width in style.LINK_WIDTHS.items():
        if f"width:{width}" in used:
            items.append((Line2D([], [], color=grey, linewidth=width), strength))
    if "arrow" in used:
        items.append((Line2D([], [], color=grey, linewidth=1.5, marker=">", markersize=7), "Arrow: who leads whom"))
    return items
