"""The map of what changed, for a review: the last snapshot's map and the network now, in one picture.

Everyone on either map is drawn where the last map put them (the positions kept with the snapshot, else
on the Map layout sheet), so that the team sees the picture they know with the changes marked: new
people, places and links bold with a green ring; people and places removed, and links gone, faint and
dashed; changed links (strength, nature, relationship, direction) numbered and listed beside the map;
a change of risk or nature beside the name. The same steps as the network map:
`scene` -> `positions` (network_map.positions, with the kept positions) -> `render` -> `frame.save`;
`draw` does all four.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field, replace
from pathlib import Path

from peermap_xl.draw import agg  # noqa: F401  (first: matplotlib set up for drawing files)

# isort: split

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from peermap_xl.book.safe import name_part  # noqa: E402
from peermap_xl.draw import frame, labelling, network_map, style  # noqa: E402
from peermap_xl.draw.network_map import BOX, HEIGHT, WIDTH, DrawnEdge, DrawnNode, Scene  # noqa: E402
from peermap_xl.record import graph as graphs  # noqa: E402
from peermap_xl.record import history, labels  # noqa: E402
from peermap_xl.record.model import Network  # noqa: E402

NEW, REMOVED, GONE, CHANGED = "new", "removed", "gone", "changed"
IDENTIFIED, RETYPED, RENAMED = "identified", "retyped", "renamed"  # a person or place the same, told differently
RING = 5.0  # pixels between a new node's shape and its green ring
NOTE_POINTS = 8.5
NOTE_WRAP = 46  # characters a line in the list beside the map
WORDS = {  # how each change is drawn, in the legend's words
    NEW: "New person or place\n(green ring, name in bold)",
    REMOVED: "Removed (faint, marked removed)",
    "new link": "New link (bold)",
    GONE: "Link gone (faint grey, dashed)",
    CHANGED: "Changed link (numbered: see the\nlist below)",
    IDENTIFIED: "Identified, renamed or of another\ntype (dark blue ring: see the list)",
    "same": "No change (pale)",
}


@dataclass
class Changes:
    """What the change map shows: the network's scene with the removed and gone added, and the marks."""

    scene: Scene
    difference: history.Difference
    since: str  # "session M02 on 16/09/2026"
    sentences: list[str]  # history.compare's sentences, in the labels of this output
    change: dict[str, str] = field(default_factory=dict)  # {node or link ID: NEW, REMOVED, GONE or CHANGED}
    numbers: dict[str, int] = field(default_factory=dict)  # {changed link ID: its number in the list}
    previous: dict[str, tuple[float, float]] = field(default_factory=dict)  # kept positions, map units
    names: dict[str, str] = field(default_factory=dict)  # {node: its label, before any change is added to it}
    who: dict[str, str] = field(default_factory=dict)  # {node: "identified as an adult (was an unknown person)"}


@dataclass(frozen=True)
class DrawnChanges:
    """What was drawn: nodes and links (each with its change, if any), the legend, the list beside it."""

    width: int
    height: int
    nodes: tuple[DrawnNode, ...]
    edges: tuple[DrawnEdge, ...]
    change: dict[str, str]
    legend: tuple[frame.LegendEntry, ...]
    notes: tuple[str, ...]
    png: bytes | None = field(default=None, compare=False, repr=False)
    paths: dict[str, list] = field(default_factory=dict, compare=False, repr=False)  # {link ID: polyline drawn}
    page_text: tuple[dict, ...] = ()  # the legend, the list and every text on the page (frame.text_boxes)

    def layout_json(self) -> dict:
        nodes = [{**network_map.node_json(n), "change": self.change.get(n.id)} for n in self.nodes]
        edges = [{**network_map.edge_json(e, self.paths), "change": self.change.get(e.id)} for e in self.edges]
        return {"figure": {"width": self.width, "height": self.height}, "nodes": nodes, "edges": edges,
                "legend": [{"section": e.section, "text": e.text} for e in self.legend], "notes": list(self.notes),
                "page_text": list(self.page_text)}


def file_name(network: Network, as_of: dt.date, anonymise: bool, suffix: str = ".png") -> str:
    """ "Peer Map changes - City Road peer network - 2026-10-20.png"."""
    said = labels.View(network).names_replaced
    name = "anonymised" if anonymise else said(network.settings["network_name"] or "network")
    return f"Peer Map changes - {name_part(name)} - {as_of:%Y-%m-%d}{suffix}"


def draw(network: Network, before: pd.DataFrame, out: str | Path, as_of: dt.date, anonymise: bool = False,
         png_copy: bool = False) -> DrawnChanges:
    """Lay out, draw and save the map of what changed since the snapshot `before` to `out`."""
    what = scene(network, before, as_of, anonymise)
    with matplotlib.rc_context(frame.RC), labels.names_out(labels.View(network, anonymise)):
        fig, ax = frame.page(WIDTH, HEIGHT)
        pos, sizes = network_map.positions(what.scene, network, fig, previous=what.previous)
        drawn = render(fig, ax, what, pos, sizes)
        png = frame.save(fig, out, png_copy)
    return replace(drawn, png=png)


def scene(network: Network, before: pd.DataFrame, as_of: dt.date, anonymise: bool = False) -> Changes:
    """The network map's scene, with who and what the last snapshot had and the network no longer has."""
    what = network_map.scene(network, as_of, anonymise)
    after = history.as_frame(history.snapshot(network, "now", as_of))
    label = labels.labeller(network, anonymise)
    found = Changes(what, history.difference(before, after), history.describe(before),
                    history.compare(before, after, as_of, network.settings.stale_after_days, label))
    for rid, row in found.difference.removed.items():
        _add_removed(what, rid, row, label)
    for lid, row in found.difference.gone_links.items():
        if {row["From"], row["To"]} <= set(what.graph):
            what.graph.add_edge(row["From"], row["To"], key=lid, source=row["From"], influence=None)
            what.edges.append(_gone(lid, row))
    found.names = dict(what.label)
    _mark(found)
    found.previous = {**network.map_positions, **history.positions(before)}
    what.shaded = False  # the changes stand out on a plain page
    what.used -= {"stale", "group"}
    what.title = f"What changed: {what.title}"
    what.dated = f"Changes since {found.since}, drawn where that map put everyone    Map dated {as_of:%d/%m/%Y}"
    return found


def _add_removed(what: Scene, rid: str, row: dict, label) -> None:
    """A person or place on the last map and not now: drawn faint where it was, its name marked."""
    place = row["Record"] == "Context"
    what.graph.add_node(rid, kind=graphs.PLACE if place else (row["Type"] or "Unknown"), type=row["Type"])
    what.nodes.append(rid)
    what.kind[rid] = network_map.node_kind(what.graph, rid)
    what.label[rid] = f"{label(rid)} (removed)"
    what.radius[rid] = what.reach[rid] = 12.0
    what.fill[rid], what.symbol[rid] = "#FFFFFF", None


def _gone(lid: str, row: dict) -> DrawnEdge:
    nature = row["Risk or nature"].lower() if isinstance(row["Risk or nature"], str) else "not known"
    return DrawnEdge(id=lid, source=row["From"], target=row["To"], style="dashed", stale=False,
                     nature=nature if nature in style.LINK_COLOURS else "not known", arrow="none",
                     colour=style.GONE_COLOUR, alpha=0.8, width=1.2, mark=None)


def _mark(found: Changes) -> None:
    """Each node's and link's change, and how it is drawn: new bold, unchanged pale, changed numbered."""
    what, diff = found.scene, found.difference
    found.change.update({n: NEW for n in diff.added if n in what.graph})
    found.change.update({n: REMOVED for n in diff.removed})
    found.change.update({e: GONE for e in diff.gone_links})
    for n in found.change:
        if found.change[n] == NEW:
            what.label[n] += " (new)"
            what.reach[n] += RING + 3
    found.who = {n: words for n, words in history.who_changed(diff).items() if n in what.label}
    for n in found.who:
        found.change[n] = IDENTIFIED if n in diff.identified() else RETYPED if n in diff.retyped else RENAMED
        what.reach[n] += RING + 3
    for n in what.nodes:  # one bracket after the name: "MC (identified; was Not known, now High)"
        said = ["identified" if found.change.get(n) == IDENTIFIED else found.who[n].split(" (")[0]] \
            if n in found.who else []
        if n in diff.changed:
            was, now = diff.changed[n].split(" to ")
            said.append(f"was {was}, now {now}")
        if said:
            what.label[n] += f" ({'; '.join(said)})"
    drawn = {e.id for e in what.edges}
    for number, lid in enumerate((i for i in diff.changed_links if i in drawn), start=1):
        found.change[lid], found.numbers[lid] = CHANGED, number
    found.change.update({e: NEW for e in diff.new_links if e in drawn})
    what.edges[:] = [_restyled(e, found.change.get(e.id)) for e in what.edges]


def _restyled(e: DrawnEdge, change: str | None) -> DrawnEdge:
    if change == NEW:
        return replace(e, alpha=1.0, width=max(e.width, style.LINK_WIDTHS["Moderate"]) + 1.6)
    if change == CHANGED:
        return replace(e, alpha=1.0)
    if change == GONE:
        return e
    return replace(e, alpha=style.UNCHANGED_ALPHA, stale=False)


def render(fig, ax, found: Changes, pos: dict, sizes: dict) -> DrawnChanges:
    """Draw the changes at `pos` onto the page: links, nodes (new ringed, removed veiled), labels, the
    numbers on changed links, the frame, the legend and the list of changes beside it."""
    what = found.scene
    paths = network_map.link_paths(what, pos)
    gone = [e for e in what.edges if found.change.get(e.id) == GONE]
    network_map.draw_links(ax, [e for e in what.edges if found.change.get(e.id) != GONE], paths)
    network_map.draw_links(ax, [replace(e, nature="gone") for e in gone], paths)  # no nature's mark: faint only
    network_map.draw_nodes(ax, what, pos)
    network_map.draw_badges(ax, what, pos)
    _draw_marks(ax, found, pos)
    _draw_numbers(ax, found, paths)
    boxes, sides = labelling.place(what.nodes, pos, what.reach, sizes, list(paths.values()),
                                   labelling.Area(BOX.x0 - 30, 24, BOX.x1 + 20, BOX.y1 + 20))
    nodes = _draw_labels(fig, ax, found, pos, boxes, sides)
    frame.heading(fig, what.marking, what.title, what.dated)
    entries = frame.legend(fig, _legend(found), left=WIDTH - 330, top=HEIGHT - 110)
    notes = _notes(found)
    _draw_notes(fig, notes)
    return DrawnChanges(WIDTH, HEIGHT, tuple(nodes), tuple(what.edges), dict(found.change), tuple(entries),
                        tuple(notes), paths=network_map.polylines(paths), page_text=tuple(frame.text_boxes(fig)))


def _draw_marks(ax, found: Changes, pos: dict) -> None:
    what = found.scene
    for n, change in found.change.items():
        if n not in pos:
            continue
        if change in (NEW, IDENTIFIED, RETYPED, RENAMED):
            ax.add_patch(Circle(pos[n], what.reach[n] - 3, facecolor="none", linewidth=3.0, zorder=4.5,
                                edgecolor=style.NEW_COLOUR if change == NEW else style.NOTE_COLOUR))
        elif change == REMOVED:
            ax.add_patch(Circle(pos[n], what.reach[n] + 1, facecolor="#FFFFFF", alpha=style.REMOVED_VEIL,
                                edgecolor="none", zorder=4.5))
            ax.add_patch(Circle(pos[n], what.reach[n] + 1, facecolor="none", edgecolor=style.GONE_COLOUR,
                                linewidth=1.2, linestyle=(0, (3, 2)), zorder=4.6))


def _draw_numbers(ax, found: Changes, paths: dict) -> None:
    """A numbered disc a third of the way along each changed link (its middle keeps the nature's mark)."""
    for lid, number in found.numbers.items():
        line = paths[lid]
        x, y = _along(line, 1 / 3)
        ax.text(x, y, str(number), ha="center", va="center", fontsize=8, fontweight="bold", color="#FFFFFF",
                zorder=7, bbox={"boxstyle": "circle,pad=0.25", "facecolor": style.NOTE_COLOUR, "edgecolor": "none"})


def _along(line: np.ndarray, fraction: float) -> np.ndarray:
    steps = np.linalg.norm(np.diff(line, axis=0), axis=1)
    run = np.concatenate([[0.0], np.cumsum(steps)])
    at = run[-1] * fraction
    i = min(int(np.searchsorted(run, at, side="right")) - 1, len(steps) - 1)
    t = (at - run[i]) / steps[i] if steps[i] > 0 else 0.0
    return line[i] + t * (line[i + 1] - line[i])


def _draw_labels(fig, ax, found: Changes, pos: dict, boxes: dict, sides: dict) -> list[DrawnNode]:
    what, renderer, out = found.scene, fig.canvas.get_renderer(), []
    for n in what.nodes:
        left, bottom, right, top = boxes[n]
        change = found.change.get(n)
        text = ax.text((left + right) / 2, (bottom + top) / 2, network_map.wrapped(what.label[n]), ha="center",
                       va="center", fontsize=network_map.LABEL_POINTS, zorder=6, linespacing=1.1,
                       fontweight="bold" if change == NEW else "normal",
                       color=style.GONE_COLOUR if change == REMOVED else style.LABEL_COLOUR)
        x, y = pos[n]
        out.append(DrawnNode(id=n, label=what.label[n], kind=what.kind[n], x=round(x, 2), y=round(y, 2),
                             radius=round(what.radius[n], 2), fill=what.fill[n], symbol=what.symbol[n],
                             label_at=sides[n], incidents=what.incidents.get(n, (0, 0))[0],
                             significant=what.incidents.get(n, (0, 0))[1], reach=round(what.reach[n], 2),
                             label_box=tuple(round(v, 2) for v in text.get_window_extent(renderer).extents)))
    return out


def _legend(found: Changes) -> list[tuple[str, list]]:
    """The marks of change used on this map, then the network map's own legend (without groups, faded)."""
    used = set(found.change.values()) | ({"new link"} if any(
        found.change.get(e.id) == NEW for e in found.scene.edges) else set())
    grey = "#555555"
    handles = {
        NEW: (network_map.node_handle("young person", "#FFFFFF", None),
              Line2D([], [], linestyle="none", marker="o", markersize=19, markerfacecolor="none",
                     markeredgecolor=style.NEW_COLOUR, markeredgewidth=2.5)),
        REMOVED: Line2D([], [], linestyle="none", marker="o", markersize=13, markerfacecolor="#FFFFFF",
                        markeredgecolor=style.GONE_COLOUR, alpha=0.6),
        IDENTIFIED: (network_map.node_handle("young person", "#FFFFFF", None),
                     Line2D([], [], linestyle="none", marker="o", markersize=19, markerfacecolor="none",
                            markeredgecolor=style.NOTE_COLOUR, markeredgewidth=2.5)),
        "new link": Line2D([], [], color=grey, linewidth=4.0),
        GONE: Line2D([], [], color=style.GONE_COLOUR, linewidth=1.2, linestyle=style.DASHES),
        CHANGED: Line2D([], [], color=style.NOTE_COLOUR, linewidth=1.8, marker="o", markersize=9),
        "same": Line2D([], [], color=grey, linewidth=1.8, alpha=style.UNCHANGED_ALPHA),
    }
    used |= {IDENTIFIED} if used & {RETYPED, RENAMED} else set()
    items = [(handles[k], WORDS[k]) for k in (NEW, IDENTIFIED, REMOVED, "new link", GONE, CHANGED) if k in used]
    items.append((handles["same"], WORDS["same"]))
    return [("What changed", items)] + network_map.legend_sections(found.scene)


def _notes(found: Changes) -> list[str]:
    """The list beside the map: who was identified, renamed or changed type, then each numbered link's change."""
    lines = [f"{found.names[n]}: {words}" for n, words in sorted(found.who.items())]
    for lid, number in found.numbers.items():
        e = next(e for e in found.scene.edges if e.id == lid)
        ends = f"{found.names[e.source]} \u2013 {found.names[e.target]}"
        lines.append(f"{number}. {lid} ({ends}): {', '.join(found.difference.changed_links[lid])}")
    return lines


def _draw_notes(fig, notes: list[str]) -> None:
    """The numbered changes under the legend, as many as fit; the rest are in the minutes."""
    if not notes:
        return
    renderer = fig.canvas.get_renderer()
    bottom = min(box.get_window_extent(renderer).y0 for box in fig.legends)
    text = "Changes listed\n" + "\n".join(textwrap.fill(n, NOTE_WRAP, subsequent_indent="   ") for n in notes)
    lines = text.splitlines()
    room = int((bottom - 60) // (NOTE_POINTS * 1.5))
    if len(lines) > room:
        lines = lines[:max(room - 1, 1)] + ["... and more: see the minutes."]
    fig.text((WIDTH - 322) / WIDTH, (bottom - 14) / HEIGHT, "\n".join(lines), ha="left", va="top",
             fontsize=NOTE_POINTS, color=style.LABEL_COLOUR, linespacing=1.35)


def caption(found_since: str, sentences: list[str]) -> str:
    """The picture's description (alt text) in the minutes: what changed, in the output's labels."""
    said = "; ".join(sentences) if sentences else "nothing changed on the map"
    return (f"What changed since {found_since}, drawn where that map put everyone: {said}. New people, places and "
            "links are bold with a green ring; those removed or gone are faint and dashed; changed links are "
            "numbered and listed beside the map.")
