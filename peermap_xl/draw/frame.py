"""The page every map is drawn on: the protective marking at top and bottom, the title, the dates
line and a boxed legend; and saving it. Shared by the network map and the young person's map."""

from __future__ import annotations

import io
import textwrap
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
    line = fig.text(40 / width, (height - 84) / height, dated, fontsize=11, color=style.SUBTITLE_COLOUR)
    room = width - 40 - EDGE
    extent = line.get_window_extent(fig.canvas.get_renderer())
    if extent.width > room:  # a long "Key contextual risks": the line wrapped to the page
        line.set_text(textwrap.fill(dated, max(20, int(len(dated) * room / extent.width) - 2)))
        line.set(fontsize=9.5, va="top", y=(height - 72) / height)


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
    wrap = None
    for _ in range(FIT_TRIES):
        box = _boxed(fig, handles, [t if i in headings or not wrap else _rewrapped(t, wrap) for i, t in
                                    enumerate(texts)], headings, (left, top), fontsize, spacing)
        extent = box.get_window_extent(fig.canvas.get_renderer())
        over = extent.x1 - (fig.bbox.width - EDGE)
        low = EDGE + 16 - extent.y0  # above the marking at the bottom
        if over <= 0 and low <= 0:
            break
        box.remove()
        longest = max(len(line) for i, t in enumerate(texts) if i not in headings for line in t.splitlines())
        if over > 0:  # too wide: the items wrapped to the width there is
            wrap = max(12, int((wrap or longest) * (1 - over / max(extent.width, 1.0))) - 1)
        if low > 0:  # too tall: smaller words, closer lines
            fontsize, spacing = fontsize * 0.9, spacing * 0.8
    return entries


#: Pixels every legend, key and caption keeps from the page's edges; how many times a legend that does not
#: fit is redrawn narrower (its items wrapped) or smaller.
EDGE, FIT_TRIES = 8.0, 6


def _rewrapped(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(line, width) for line in text.splitlines())


def _boxed(fig, handles, texts, headings, corner, fontsize: float, spacing: float):
    width, height = fig.bbox.width, fig.bbox.height
    box = fig.legend(handles=handles, labels=texts, loc="upper left", frameon=True, fontsize=fontsize,
                     handlelength=2.8, bbox_to_anchor=(corner[0] / width, corner[1] / height), borderpad=0.9,
                     labelspacing=spacing, numpoints=1, labelcolor=style.LABEL_COLOUR)
    box.get_frame().set_edgecolor("#777777")
    for i, text in enumerate(box.get_texts()):
        if i in headings:
            text.set_fontweight("bold")
    return box


def text_boxes(fig) -> list[dict]:
    """Every legend and text placed on the page itself (not the labels on the map), as the layout JSON keeps
    them: {"text", "box": [x0, y0, x1, y1] in pixels}."""
    renderer = fig.canvas.get_renderer()
    out = []
    for artist in [*fig.legends, *fig.texts]:
        words = _words(artist)
        if artist.get_visible() and words:
            out.append({"text": words, "box": [round(v, 2) for v in artist.get_window_extent(renderer).extents]})
    return out


def outside(fig, edge: float = EDGE / 2) -> list[str]:
    """The words of every legend and text on the page that do not lie wholly inside it (`edge` pixels in):
    an empty list when nothing is cut."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    artists = [*fig.legends, *fig.texts, *(t for ax in fig.axes for t in ax.texts)]
    cut = []
    for artist in artists:
        if not artist.get_visible() or (hasattr(artist, "get_text") and not artist.get_text()):
            continue
        box = artist.get_window_extent(renderer)
        if box.x0 < edge or box.y0 < edge or box.x1 > width - edge or box.y1 > height - edge:
            cut.append(_words(artist))
    return cut


def _words(artist) -> str:
    """What a text says, or a legend's lines."""
    return artist.get_text() if hasattr(artist, "get_text") else "\n".join(t.get_text() for t in artist.get_texts())


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

    from peermap_xl.record import labels

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
