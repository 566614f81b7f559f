"""The network map: a dated, legible picture of who is linked to whom, and how we know.

`draw` lays out the active people and places, draws them with matplotlib,
and returns what it drew (the layout JSON of `peermap map --layout-json`),
with every coordinate in figure pixels, origin at the bottom left.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, Patch, Polygon, RegularPolygon  # noqa: E402

from peermap_xl import graph as graphs  # noqa: E402
from peermap_xl import labels  # noqa: E402
from peermap_xl.domain import weak_grounds  # noqa: E402
from peermap_xl.draw import layout, style  # noqa: E402
from peermap_xl.model import Network, rows  # noqa: E402

WIDTH, HEIGHT, DPI = 1500, 1060, 100
BOX = layout.Box(40, 60, WIDTH - 360, HEIGHT - 130)
LABEL_POINTS = 9
LABEL_WRAP = 18


def next_review(network: Network) -> dt.date | None:
    """The network's next review (Network.next_review), as a date."""
    due = network.next_review()
    return due.due if due else None


def file_name(network: Network, as_of: dt.date, anonymise: bool, suffix: str = ".png") -> str:
    """ "Peer Map - City Road peer network - 2026-10-01.png", as DESIGN.md names it."""
    name = "anonymised" if anonymise else (network.settings["network_name"] or "network")
    safe = "".join(c for c in str(name) if c not in '<>:"/\\|?*').strip()
    return f"Peer Map - {safe} - {as_of:%Y-%m-%d}{suffix}"


def kept_positions(drawn: dict, day: dt.date) -> list[list]:
    """The rows of the hidden Map layout sheet: where each node was drawn, in map units, and when."""
    from peermap_xl import schema

    return [[c.header for c in schema.MAP_LAYOUT.columns]] + [
        [node, x, y, day] for node, (x, y) in drawn["positions"].items()]


def _kind(graph, node) -> str:
    data = graph.nodes[node]
    if data["kind"] == graphs.PLACE:
        return "online" if data.get("type") == "Online" else "place"
    return {"Young person": "young person", "Adult": "adult"}.get(data["kind"], "unknown")


def _edge_facts(network: Network, link: dict, today: pd.Timestamp) -> dict:
    nature = link["nature"] if isinstance(link["nature"], str) else "Not known"
    arrow = {"From leads": "forward", "To leads": "backward", "Mutual": "both"}.get(link["influence"], "none")
    return {
        "id": link["id"], "source": link["from_id"], "target": link["to_id"],
        "style": "dashed" if weak_grounds(link) else "solid",
        "stale": network.is_stale(link, today),
        "nature": nature.lower() if nature.lower() in style.LINK_COLOURS else "not known",
        "arrow": arrow, "strength": link["strength"] if isinstance(link["strength"], str) else None,
    }


def draw(network: Network, out: str | Path, as_of: dt.date, anonymise: bool = False,
         png_copy: bool = False) -> dict:
    """Draw the map to `out` (.png, .svg or .pdf) and return the layout of what was drawn
    (with `png_copy`, also the picture as PNG bytes under "png", for a sheet)."""
    g = graphs.build(network)
    label = labels.labeller(network, anonymise)
    today = pd.Timestamp(as_of)
    stale_after = network.settings.stale_after_days
    home = network.settings["home_borough"]
    boroughs = {r["id"]: r["borough"] for frame in (network.active_subjects, network.active_contexts)
                for r in rows(frame)}
    types = dict(zip(network.contexts["id"], network.contexts["type"]))
    for node in g:
        g.nodes[node]["type"] = types.get(node)
    degree = dict(g.degree())
    edges = [_edge_facts(network, link, today) for link in rows(network.live_links)]

    with plt.rc_context({"svg.fonttype": "none", "font.family": style.FONT, "svg.hashsalt": "peermap"}):
        fig = plt.figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, WIDTH)
        ax.set_ylim(0, HEIGHT)
        ax.set_axis_off()
        renderer = fig.canvas.get_renderer()

        nodes = sorted(g)
        radius = {n: 12 + 2.2 * math.sqrt(degree[n]) for n in nodes}
        texts = {n: ax.text(0, 0, textwrap.fill(label(n), LABEL_WRAP), ha="center", va="top",
                            fontsize=LABEL_POINTS, zorder=5, linespacing=1.1) for n in nodes}
        footprints = {}
        for n in nodes:
            box = texts[n].get_window_extent(renderer)
            footprints[n] = layout.Footprint(radius[n], box.width, box.height)
        pins = {n: p for n, p in network.pins.items() if n in g}
        found = graphs.groups(g)
        pos = layout.place(g, footprints, BOX, pinned=pins, previous=network.map_positions, groups=found)

        used = _draw_groups(ax, found, pos, radius)
        used |= _draw_edges(ax, edges, pos, radius)
        used |= _draw_nodes(ax, g, nodes, pos, radius, boroughs, home)
        for n in nodes:
            x, y = pos[n]
            texts[n].set_position((x, y - radius[n] - footprints[n].gap))
        _frame(fig, network, as_of, anonymise)
        _legend(fig, used, home, stale_after)

        fig.canvas.draw()
        drawn = {
            "figure": {"width": WIDTH, "height": HEIGHT},
            "nodes": [{"id": n, "label": label(n), "kind": _kind(g, n), "x": round(pos[n][0], 2),
                       "y": round(pos[n][1], 2), "radius": round(radius[n], 2),
                       "label_box": [round(v, 2) for v in texts[n].get_window_extent(renderer).extents]}
                      for n in nodes],
            "edges": [{k: e[k] for k in ("id", "source", "target", "style", "stale", "nature", "arrow")}
                      for e in edges],
            "positions": {n: [round(v, 3) for v in BOX.to_units(*pos[n])] for n in nodes},
        }
        out = Path(out)
        metadata = {"Creator": None} if out.suffix.lower() == ".svg" else {}
        fig.savefig(out, dpi=DPI, metadata=metadata or None)
        if png_copy:
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=DPI)
            drawn["png"] = buffer.getvalue()
        plt.close(fig)
    return drawn


def _draw_groups(ax, found, pos, radius) -> set[str]:
    for i, members in enumerate(found):
        points = []
        for n in members:
            x, y = pos[n]
            pad = radius[n] + 16
            points += [(x + pad * math.cos(a * math.pi / 8), y + pad * math.sin(a * math.pi / 8)) for a in range(16)]
        colour = style.GROUP_FILLS[i % len(style.GROUP_FILLS)]
        ax.add_patch(Polygon(_hull(points), closed=True, facecolor=colour, edgecolor=colour,
                             alpha=style.GROUP_ALPHA, linewidth=1.5, joinstyle="round", zorder=0))
    return {"group"} if found else set()


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


def _draw_edges(ax, edges, pos, radius) -> set[str]:
    used = set()
    pairs: dict[frozenset, list] = {}
    for e in edges:
        pairs.setdefault(frozenset((e["source"], e["target"])), []).append(e)
    to_points = 72 / DPI
    for parallel in pairs.values():
        for k, e in enumerate(parallel):
            start, end = pos[e["source"]], pos[e["target"]]
            arrowstyle = {"forward": "-|>", "backward": "<|-", "both": "<|-|>"}.get(e["arrow"], "-")
            width = style.LINK_WIDTHS.get(e["strength"], style.DEFAULT_WIDTH)
            bend = 0.18 * (k - (len(parallel) - 1) / 2)
            ax.add_patch(FancyArrowPatch(
                start, end, arrowstyle=arrowstyle, mutation_scale=10 + 2 * width,
                connectionstyle=f"arc3,rad={bend:.3f}", color=style.LINK_COLOURS[e["nature"]],
                linewidth=width, linestyle=style.DASHES if e["style"] == "dashed" else "-",
                alpha=style.STALE_ALPHA if e["stale"] else 0.9, zorder=2,
                shrinkA=(radius[e["source"]] + 2) * to_points, shrinkB=(radius[e["target"]] + 2) * to_points))
            used |= {f"nature:{e['nature']}", f"style:{e['style']}", f"strength:{e['strength']}"}
            used |= {"stale"} if e["stale"] else set()
            used |= {"arrow"} if e["arrow"] != "none" else set()
    return used


def _draw_nodes(ax, g, nodes, pos, radius, boroughs, home) -> set[str]:
    used = set()
    for n in nodes:
        data, kind = g.nodes[n], _kind(g, n)
        _, sides, rotation = style.SHAPES[kind]
        if kind in ("place", "online"):
            key = data.get("nature") if data.get("nature") in style.PLACE_FILLS else "Not known"
            fill = style.PLACE_FILLS[key]
            used.add(f"place:{key}")
        else:
            key = data.get("risk") if data.get("risk") in style.RISK_FILLS else "Not known"
            fill = style.RISK_FILLS[key]
            used.add(f"risk:{key}")
        used.add(f"kind:{kind}")
        away = isinstance(boroughs.get(n), str) and isinstance(home, str) and \
            boroughs[n].casefold() not in (home.casefold(), "online")
        edge_colour, edge_width, dashes = (style.OUT_OF_BOROUGH, 2.6, (0, (3, 1.5))) if away else \
            (style.NODE_EDGE, 1.2, "-")
        used |= {"away"} if away else set()
        x, y = pos[n]
        r = radius[n]
        shape = (Circle((x, y), r) if sides == 0 else
                 RegularPolygon((x, y), numVertices=sides, radius=r * (1.25 if sides == 4 else 1.1),
                                orientation=rotation))
        shape.set(facecolor=fill, edgecolor=edge_colour, linewidth=edge_width, linestyle=dashes, zorder=4)
        ax.add_patch(shape)
    return used


def _frame(fig, network: Network, as_of: dt.date, anonymise: bool) -> None:
    marking = network.settings["protective_marking"]
    for y in (HEIGHT - 16, 14):
        fig.text(0.5, y / HEIGHT, marking, ha="center", va="center", fontsize=11, fontweight="bold",
                 color=style.MARKING_COLOUR)
    title = "Peer network map (anonymised)" if anonymise else (network.settings["network_name"] or "Peer network map")
    fig.text(40 / WIDTH, (HEIGHT - 52) / HEIGHT, title, fontsize=18, fontweight="bold", color=style.TITLE_COLOUR)
    review = next_review(network)
    dated = f"Map dated {as_of:%d/%m/%Y}    Next review: {review:%d/%m/%Y}" if review else \
        f"Map dated {as_of:%d/%m/%Y}    Next review: not set"
    risks = network.settings["key_contextual_risks"]
    if risks and not anonymise:
        dated += f"    Key contextual risks: {risks}"
    fig.text(40 / WIDTH, (HEIGHT - 84) / HEIGHT, dated, fontsize=11, color="#333333")


def _legend(fig, used: set[str], home, stale_after: int) -> None:
    """A legend of every mark on this map, and only those."""
    handles: list = []
    headings: list = []

    def section(title):
        headings.append(Line2D([], [], linestyle="none", label=title))
        handles.append(headings[-1])

    def marker(kind, fill, text):
        shape = style.SHAPES[kind][0]
        handles.append(Line2D([], [], linestyle="none", marker=shape, markersize=11, markerfacecolor=fill,
                              markeredgecolor=style.NODE_EDGE, label=text))

    kinds = [k for k in style.SHAPES if f"kind:{k}" in used]
    if kinds:
        section("Who and where")
        for k in kinds:
            marker(k, "#FFFFFF", style.KIND_NAMES[k])
    risks = [r for r in style.RISK_FILLS if f"risk:{r}" in used]
    if risks:
        section("Risk (people)")
        for r in risks:
            marker("young person", style.RISK_FILLS[r], r)
    natures = [n for n in style.PLACE_FILLS if f"place:{n}" in used]
    if natures:
        section("Places")
        for n in natures:
            marker("place", style.PLACE_FILLS[n], n)
    if "away" in used:
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=11, markerfacecolor="#FFFFFF",
                              markeredgecolor=style.OUT_OF_BOROUGH, markeredgewidth=2.4,
                              label=f"Outside {home}"))
    handles.append(Line2D([], [], linestyle="none", marker="o", markersize=6, markerfacecolor="#FFFFFF",
                          markeredgecolor=style.NODE_EDGE, label="Larger: more links"))
    links = [n for n in style.LINK_COLOURS if f"nature:{n}" in used]
    if links:
        section("Links")
        for n in links:
            handles.append(Line2D([], [], color=style.LINK_COLOURS[n], linewidth=2.4, label=n.capitalize()))
    if "style:solid" in used:
        handles.append(Line2D([], [], color="#555555", linewidth=1.8, label="Evidenced"))
    if "style:dashed" in used:
        handles.append(Line2D([], [], color="#555555", linewidth=1.8, linestyle=style.DASHES,
                              label="Anecdotal or weakly graded"))
    if "stale" in used:
        handles.append(Line2D([], [], color="#555555", linewidth=1.8, alpha=style.STALE_ALPHA,
                              label=f"Faded: not seen for over {stale_after} days"))
    for strength, width in style.LINK_WIDTHS.items():
        if f"strength:{strength}" in used:
            handles.append(Line2D([], [], color="#555555", linewidth=width, label=strength))
    if "arrow" in used:
        handles.append(Line2D([], [], color="#555555", linewidth=1.5, marker=">", markevery=[-1],
                              markersize=7, label="Arrow: who leads whom"))
    if "group" in used:
        handles.append(Patch(facecolor=style.GROUP_FILLS[0], alpha=0.25, label="Shaded: a group"))
    legend = fig.legend(handles=handles, loc="upper left", frameon=True, fontsize=9.5, handlelength=2.6,
                        bbox_to_anchor=((WIDTH - 330) / WIDTH, (HEIGHT - 110) / HEIGHT), borderpad=0.9,
                        labelspacing=0.55)
    for text, handle in zip(legend.get_texts(), handles):
        if handle in headings:
            text.set_fontweight("bold")
