"""The page every map is drawn on: the protective marking at top and bottom, the title, the dates
line and a boxed legend; and saving it. Shared by the network map and the young person's map."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from peermap_xl.draw import agg  # noqa: F401  (first: matplotlib set up for drawing files)

# isort: split
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from peermap_xl.draw import style  # noqa: E402

DPI = 100
#: How every page is drawn: text kept as text in an SVG, the one font, repeatable SVG ids; glyphs drawn
#: without hinting (FreeType's auto-hinter took two fifths of the time of every label, for shapes that
#: differ by a fraction of a pixel at 100 dpi).
RC = {"svg.fonttype": "none", "font.family": style.FONT, "svg.hashsalt": "peermap", "text.hinting": "no_hinting"}


@dataclass(frozen=True)
class LegendEntry:
    """One line of a legend: its section and its words."""

    section: str
    text: str


def figure(width: int, height: int) -> Figure:
    """A blank figure of `width` x `height` pixels, drawn by Agg. Not pyplot's: nothing is kept in the
    process once it is saved (a long-lived Python behind Excel's buttons), and pyplot is not imported."""
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def page(width: int, height: int):
    """A blank figure of `width` x `height` pixels with one axes in pixel units, origin bottom left.
    Call inside `matplotlib.rc_context(frame.RC)`."""
    fig = figure(width, height)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def heading(fig, marking: str, title: str, dated: str, title_size: float = 18) -> None:
    """The marking at top and bottom, the title and the dates line under it."""
    width, height = fig.bbox.width, fig.bbox.height
    for y in (height - 16, 14):
        fig.text(0.5, y / height, marking, ha="center", va="center", fontsize=11, fontweight="bold",
                 color=style.MARKING_COLOUR)
    fig.text(40 / width, (height - 52) / height, title, fontsize=title_size, fontweight="bold",
             color=style.TITLE_COLOUR)
    fig.text(40 / width, (height - 84) / height, dated, fontsize=11, color=style.SUBTITLE_COLOUR)


def legend(fig, sections: list[tuple[str, list[tuple[object, str]]]], left: float, top: float,
           fontsize: float = 9.5, spacing: float = 0.55) -> list[LegendEntry]:
    """A boxed legend with a bold heading per section, its top left corner at (left, top) pixels.
    Each section is (heading, [(handle, words)]); a handle may be a tuple of artists drawn on top of
    each other. Returns what the legend says."""
    handles, texts, entries, headings = [], [], [], set()
    for title, items in sections:
        if not items:
            continue
        headings.add(len(handles))
        handles.append(Line2D([], [], linestyle="none"))
        texts.append(title)
        for handle, words in items:
            handles.append(handle)
            texts.append(words)
            entries.append(LegendEntry(title, words))
    width, height = fig.bbox.width, fig.bbox.height
    box = fig.legend(handles=handles, labels=texts, loc="upper left", frameon=True, fontsize=fontsize,
                     handlelength=2.8, bbox_to_anchor=(left / width, top / height), borderpad=0.9,
                     labelspacing=spacing, numpoints=1, labelcolor=style.LABEL_COLOUR)
    box.get_frame().set_edgecolor("#777777")
    for i, text in enumerate(box.get_texts()):
        if i in headings:
            text.set_fontweight("bold")
    return entries


def symbol_marker(symbol: str):
    """A marker drawing `symbol` (a character or two: ?, !, +, the tick, a count) in bold, centred, for a legend: as the
    node shows it, and without matplotlib's mathtext, whose parser takes a fifth of a second to set up."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path as Shape
    from matplotlib.textpath import TextPath

    glyph = TextPath((0, 0), symbol, size=1, prop=FontProperties(family=style.FONT, weight="bold"))
    low, high = glyph.vertices.min(axis=0), glyph.vertices.max(axis=0)
    middle, span = (low + high) / 2, max(float((high - low).max()), 1e-9)
    return Shape((glyph.vertices - middle) / span, glyph.codes)


def save(fig, out: str | Path, png_copy: bool = False) -> bytes | None:
    """Save the page to `out` (.png, .svg or .pdf), with no creator stamp in an SVG (so it is
    repeatable); with `png_copy`, also return it as PNG bytes (for a sheet)."""
    copy = rendered(fig, out, png_copy, DPI)
    return copy


def rendered(fig, out: str | Path, png_copy: bool, dpi: int) -> bytes | None:
    """Save `fig` to `out`; with `png_copy`, also return the PNG's bytes: a .png drawn once for both
    (so that `peermap map --write` draws the map once), another format drawn again as PNG."""
    from matplotlib.text import Text

    from peermap_xl import labels

    labels.through_names_out(fig.findobj(Text))  # no text on a picture escapes its names view
    out = Path(out)
    if png_copy and out.suffix.lower() == ".png":
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, pil_kwargs=PNG)
        out.write_bytes(buffer.getvalue())
        return buffer.getvalue()
    suffix = out.suffix.lower()
    fig.savefig(out, dpi=dpi, metadata={"Creator": None} if suffix == ".svg" else None,
                **({"pil_kwargs": PNG} if suffix == ".png" else {}))
    if not png_copy:
        return None
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, pil_kwargs=PNG)
    return buffer.getvalue()


#: PNG compression: zlib level 3 takes two thirds of the time of the default (6) for files 7% larger.
PNG = {"compress_level": 3}
