"""The young person's own map (Appendix B): their peers around "Me", as close as they put them.

Drawn from the Direct work rows for one young person: each peer on the ring
of its Closeness (1 closest), coloured and marked (a tick, !, ± or ?) by the influence
the young person sees,
with their notes beside them. Friendly enough to show the young person.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

from peermap_xl.draw import agg  # noqa: F401  (first: matplotlib set up for drawing files)

# isort: split

import matplotlib  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from peermap_xl.book.safe import name_part  # noqa: E402
from peermap_xl.contract.errors import PeermapError  # noqa: E402
from peermap_xl.draw import frame, style  # noqa: E402
from peermap_xl.record import labels  # noqa: E402
from peermap_xl.record.model import Network, rows  # noqa: E402
from peermap_xl.record.peers import peer_labels  # noqa: E402

WIDTH, HEIGHT, DPI = 1400, 1100, 100
CENTRE = (540, 520)
RING_GAP = 82
ME_RADIUS = 46
STAR_COLOUR = "#B8860B"


def direct_work_for(network: Network, person: str) -> tuple[str | None, pd.DataFrame]:
    """(subject ID or None, the Direct work rows) for a young person named by ID or name."""
    ids = network.resolve(person)
    work = network.direct_work
    if len(ids) == 1:
        chosen = work[work["young_person_id"] == ids[0]]
    else:
        chosen = work[work["young_person"].map(lambda v: isinstance(v, str) and v.casefold() == person.casefold())]
    if not len(chosen):
        raise PeermapError("There are no Direct work rows for that young person. Fill in the Direct work sheet "
                           "(Appendix B of the guidance) with them first, then draw their map.")
    return (ids[0] if len(ids) == 1 else None), chosen


def file_name(label: str, as_of, anonymise: bool) -> str:
    who = "anonymised" if anonymise else name_part(label, empty="young person")
    return f"Peer Map (young person) - {who} - {as_of:%Y-%m-%d}.png"


@dataclass(frozen=True)
class EgoPeer:
    peer: str
    closeness: int
    influence: str
    x: float
    y: float
    colour: str
    symbol: str


@dataclass(frozen=True)
class EgoMap:
    """What was drawn: the young person's label, each peer as drawn, and the legend."""

    young_person: str
    peers: tuple[EgoPeer, ...]
    legend: tuple[frame.LegendEntry, ...]


def draw(network: Network, person: str, out: str | Path, as_of, anonymise: bool = False) -> EgoMap:
    """Draw the young person's map and save it to `out`; return what was drawn."""
    subject, work = direct_work_for(network, person)
    view = labels.View(network, anonymise)
    me = view.label(subject) if subject else ("the young person" if view.mode != labels.FULL_NAMES else person)
    peers = sorted(rows(work), key=lambda r: (_closeness(r), r["row"]))
    shown = peer_labels(network, view, peers)
    peers = [{**p, "shown": s, "notes": view.text(p["notes"], withheld="")} for p, s in zip(peers, shown)]
    with matplotlib.rc_context(frame.RC), labels.names_out(view):
        fig, ax = frame.page(WIDTH, HEIGHT)
        drawn = render(fig, ax, me, peers, anonymise)
        frame.heading(fig, network.settings["protective_marking"], f"{me}'s peer map",
                      caption(work, me, view, as_of), title_size=20)
        entries = frame.legend(fig, _legend(drawn, peers), left=1010, top=HEIGHT - 130, fontsize=10.5, spacing=1.1)
        frame.save(fig, out)
    return EgoMap(me, drawn, tuple(entries))


def dated(work: pd.DataFrame, as_of) -> str:
    """When the map was drawn: dated by the day the direct work was done (its Date), not the day it is drawn; when
    the rows have no Date, it says so."""
    days = sorted({pd.Timestamp(d).date() for d in work["date"] if pd.notna(d)}) if "date" in work else []
    if not days:
        return f"The direct work has no Date (map drawn {as_of:%d/%m/%Y})"
    when = f"{days[-1]:%d/%m/%Y}" if len(days) == 1 else f"{days[0]:%d/%m/%Y} to {days[-1]:%d/%m/%Y}"
    undated = work["date"].isna().sum()
    rows_note = f" ({undated} {'row' if undated == 1 else 'rows'} with no Date)" if undated else ""
    return f"Direct work of {when}{rows_note}"


def caption(work: pd.DataFrame, me: str, view: labels.View, as_of) -> str:
    """Who drew the map with the young person, and when: "Drawn with KT by Dean Walsh (youth worker), on the
    Direct work sheet. Direct work of 20/09/2026"; the worker's name is withheld on the anonymised version."""
    workers = sorted({w.strip() for w in work["worker"] if isinstance(w, str) and w.strip()}) \
        if "worker" in work else []
    by = (" by their worker" if view.anonymise else f" by {', '.join(view.text(w) for w in workers)}") \
        if workers else " (worker not recorded)"
    return f"Drawn with {me}{by}, on the Direct work sheet.    {dated(work, as_of)}"


def render(fig, ax, me: str, peers: list[dict], anonymise: bool) -> tuple[EgoPeer, ...]:
    """The rings, "Me" and each peer on the ring of their closeness, with a symbol for their influence."""
    cx, cy = CENTRE
    for ring in range(5, 0, -1):
        ax.add_patch(Circle(CENTRE, ME_RADIUS + RING_GAP * ring, facecolor=style.RING_COLOUR if ring % 2
                            else "#EEF4FA", edgecolor="#C6DBEF", linewidth=1, zorder=0))
    for ring, words in ((1, "closest"), (5, "furthest")):
        ax.text(cx, cy - ME_RADIUS - RING_GAP * ring + 10, words, ha="center", fontsize=9, color="#4A6A8A")
    ax.add_patch(Circle(CENTRE, ME_RADIUS, facecolor=style.ME_COLOUR, edgecolor="white", linewidth=3, zorder=3))
    ax.text(cx, cy, "Me", ha="center", va="center", fontsize=18, fontweight="bold", color="white", zorder=4)
    count = max(len(peers), 1)
    return tuple(_peer(ax, i, peer, count, anonymise) for i, peer in enumerate(peers))


def _peer(ax, i: int, peer: dict, count: int, anonymise: bool) -> EgoPeer:
    cx, cy = CENTRE
    closeness = _closeness(peer)
    angle = math.pi / 2 - 2 * math.pi * i / count + (0.25 if count > 1 else 0)
    distance = ME_RADIUS + RING_GAP * (closeness - 0.5)
    x, y = cx + distance * math.cos(angle), cy + distance * math.sin(angle)
    view = peer["influence"] if peer["influence"] in style.VIEW_COLOURS else "Not known"
    colour, symbol = style.VIEW_COLOURS[view], style.VIEW_SYMBOLS[view]
    ax.plot([cx, x], [cy, y], color=colour, linewidth=max(5.5 - closeness, 1.6), alpha=0.7, zorder=1,
            linestyle="-" if view == "Positive" else (0, (4, 2)) if view == "Negative" else (0, (1, 2)))
    ax.add_patch(Circle((x, y), 24, facecolor=colour, edgecolor="white", linewidth=2.5, zorder=3))
    ax.text(x, y, symbol, ha="center", va="center_baseline", fontsize=17, fontweight="bold",
            color=style.text_on(colour), zorder=4)
    name = peer.get("shown") or f"Friend {i + 1}"
    if _would_help(peer):
        ax.text(x + 19, y + 19, "★", fontsize=15, color=STAR_COLOUR, ha="center", va="center", zorder=4)
    right = math.cos(angle) >= -0.05
    ax.text(x + (30 if right else -30), y + 6, name, ha="left" if right else "right", va="center",
            fontsize=11, fontweight="bold", color="#1B2631", zorder=4)
    note = peer["notes"] if isinstance(peer["notes"], str) and peer["notes"] and not anonymise else None
    if note:
        ax.text(x + (30 if right else -30), y - 10, textwrap.fill(note, 30), ha="left" if right else "right",
                va="top", fontsize=8.5, style="italic", color="#34495E", zorder=4)
    return EgoPeer(name, closeness, view, round(x, 2), round(y, 2), colour, symbol)


def _would_help(peer) -> bool:
    return peer["would_help_if_in_trouble"] in ("Yes", "yes", "Y", "y")


def _legend(drawn: tuple[EgoPeer, ...], peers: list[dict]) -> list:
    used = [v for v in style.VIEW_COLOURS if any(p.influence == v for p in drawn)]
    items = []
    for v in used:
        disc = Line2D([], [], linestyle="none", marker="o", markersize=18, markerfacecolor=style.VIEW_COLOURS[v],
                      markeredgecolor="white")
        mark = Line2D([], [], linestyle="none", marker=frame.symbol_marker(style.VIEW_SYMBOLS[v]), markersize=9,
                      color=style.text_on(style.VIEW_COLOURS[v]))
        items.append(((disc, mark), style.VIEW_WORDS[v]))
    if any(_would_help(p) for p in peers):
        items.append((Line2D([], [], linestyle="none", marker="*", markersize=16, color=STAR_COLOUR),
                      "Would help me if I was in trouble"))
    items.append((Line2D([], [], linestyle="none", marker="o", markersize=8, markerfacecolor=style.RING_COLOUR,
                         markeredgecolor="#C6DBEF"), "Closer to Me: closer friends"))
    return [("How I see them", items)]


def _closeness(peer) -> int:
    value = peer["closeness"]
    return int(value) if pd.notna(value) and 1 <= value <= 5 else 5
