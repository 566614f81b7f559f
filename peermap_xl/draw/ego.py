"""The young person's own map (Appendix B): their peers around "Me", as close as they put them.

Drawn from the Direct work rows for one young person: each peer on the ring
of its Closeness (1 closest), coloured by the influence the young person sees,
with their notes beside them. Friendly enough to show the young person.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from peermap_xl import labels  # noqa: E402
from peermap_xl.book.safe import name_part  # noqa: E402
from peermap_xl.draw import style  # noqa: E402
from peermap_xl.errors import PeermapError  # noqa: E402
from peermap_xl.model import Network, rows  # noqa: E402

WIDTH, HEIGHT, DPI = 1400, 1100, 100
CENTRE = (560, 520)
RING_GAP = 82
ME_RADIUS = 46
VIEW_WORDS = {"Positive": "Good influence", "Negative": "Not a good influence", "Mixed": "A bit of both",
              "Not known": "Not sure"}


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


def draw(network: Network, person: str, out: str | Path, as_of, anonymise: bool = False) -> dict:
    """Draw the young person's map to `out`; return what was drawn (peers, rings, positions)."""
    subject, work = direct_work_for(network, person)
    me = labels.labeller(network, anonymise)(subject) if subject else ("the young person" if anonymise else person)
    peers = sorted(rows(work), key=lambda r: (_closeness(r), r["row"]))
    drawn = {"young_person": me, "peers": []}
    with plt.rc_context({"svg.fonttype": "none", "font.family": style.FONT}):
        fig = plt.figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, WIDTH)
        ax.set_ylim(0, HEIGHT)
        ax.set_axis_off()
        cx, cy = CENTRE
        for ring in range(5, 0, -1):
            ax.add_patch(Circle(CENTRE, ME_RADIUS + RING_GAP * ring, facecolor=style.RING_COLOUR if ring % 2
                                else "#EEF4FA", edgecolor="#C6DBEF", linewidth=1, zorder=0))
        for ring, words in ((1, "closest"), (5, "furthest")):
            ax.text(cx, cy - ME_RADIUS - RING_GAP * ring + 10, words, ha="center", fontsize=9, color="#6B8BAD")
        ax.add_patch(Circle(CENTRE, ME_RADIUS, facecolor=style.ME_COLOUR, edgecolor="white", linewidth=3, zorder=3))
        ax.text(cx, cy, "Me", ha="center", va="center", fontsize=18, fontweight="bold", color="white", zorder=4)

        count = max(len(peers), 1)
        for i, peer in enumerate(peers):
            closeness = _closeness(peer)
            angle = math.pi / 2 - 2 * math.pi * i / count + (0.25 if count > 1 else 0)
            distance = ME_RADIUS + RING_GAP * (closeness - 0.5)
            x, y = cx + distance * math.cos(angle), cy + distance * math.sin(angle)
            view = peer["influence"] if peer["influence"] in style.VIEW_COLOURS else "Not known"
            ax.plot([cx, x], [cy, y], color=style.VIEW_COLOURS[view], linewidth=5.5 - closeness, alpha=0.5, zorder=1)
            ax.add_patch(Circle((x, y), 24, facecolor=style.VIEW_COLOURS[view], edgecolor="white", linewidth=2.5,
                                zorder=3))
            name = f"Friend {i + 1}" if anonymise else (peer["peer"] or f"Friend {i + 1}")
            if peer["would_help_if_in_trouble"] in ("Yes", "yes", "Y", "y"):
                ax.text(x + 17, y + 17, "★", fontsize=15, color="#F1C40F", ha="center", va="center", zorder=4)
            right = math.cos(angle) >= -0.05
            ax.text(x + (30 if right else -30), y + 6, name, ha="left" if right else "right", va="center",
                    fontsize=11, fontweight="bold", color="#1B2631", zorder=4)
            note = peer["notes"] if isinstance(peer["notes"], str) and not anonymise else None
            if note:
                ax.text(x + (30 if right else -30), y - 10, textwrap.fill(note, 30), ha="left" if right else "right",
                        va="top", fontsize=8.5, style="italic", color="#34495E", zorder=4)
            drawn["peers"].append({"peer": name, "closeness": closeness, "influence": view,
                                   "x": round(x, 2), "y": round(y, 2)})

        marking = network.settings["protective_marking"]
        for y in (HEIGHT - 16, 14):
            fig.text(0.5, y / HEIGHT, marking, ha="center", va="center", fontsize=11, fontweight="bold",
                     color=style.MARKING_COLOUR)
        fig.text(40 / WIDTH, (HEIGHT - 60) / HEIGHT, f"{me}'s peer map", fontsize=20, fontweight="bold",
                 color=style.TITLE_COLOUR)
        fig.text(40 / WIDTH, (HEIGHT - 88) / HEIGHT,
                 f"Drawn with them on the Direct work sheet. Dated {as_of:%d/%m/%Y}", fontsize=11, color="#555555")
        used = [v for v in style.VIEW_COLOURS if any(p["influence"] == v for p in drawn["peers"])]
        handles = [Line2D([], [], linestyle="none", marker="o", markersize=14, markerfacecolor=style.VIEW_COLOURS[v],
                          markeredgecolor="white", label=VIEW_WORDS[v]) for v in used]
        if any(p["would_help_if_in_trouble"] in ("Yes", "yes", "Y", "y") for p in peers):
            handles.append(Line2D([], [], linestyle="none", marker="*", markersize=16, color="#F1C40F",
                                  label="Would help me if I was in trouble"))
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=8, markerfacecolor=style.RING_COLOUR,
                              markeredgecolor="#C6DBEF", label="Closer to Me: closer friends"))
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(1070 / WIDTH, (HEIGHT - 130) / HEIGHT),
                   frameon=False, fontsize=11, labelspacing=1.1)
        fig.savefig(Path(out), dpi=DPI, metadata={"Creator": None} if str(out).endswith(".svg") else None)
        plt.close(fig)
    return drawn


def _closeness(peer) -> int:
    value = peer["closeness"]
    return int(value) if pd.notna(value) and 1 <= value <= 5 else 5
