"""Table columns wide enough for their longest word, so that no cell breaks a word ("OVERD UE").

Words are measured at the font the tables use (Arial, 9 pt) from Arial's advance widths (those of
Liberation Sans, its metric twin, for the printable ASCII characters; other characters count as the
widest letter). A column too narrow for a word takes the room from the columns with some to spare.
"""

from __future__ import annotations

import functools

#: Advance widths (1/2048 em) of the characters " " to "~", regular then bold (from LiberationSans-*.ttf:
#: hmtx; Arial's own are the same).
_EM = 2048
_REGULAR = (
    569, 569, 727, 1139, 1139, 1821, 1366, 391, 682, 682, 797, 1196, 569, 682, 569, 569, 1139, 1139, 1139, 1139,
    1139, 1139, 1139, 1139, 1139, 1139, 569, 569, 1196, 1196, 1196, 1139, 2079, 1366, 1366, 1479, 1479, 1366, 1251,
    1593, 1479, 569, 1024, 1366, 1139, 1706, 1479, 1593, 1366, 1593, 1479, 1366, 1251, 1479, 1366, 1933, 1366,
    1366, 1251, 569, 569, 569, 961, 1139, 682, 1139, 1139, 1024, 1139, 1139, 569, 1139, 1139, 455, 455, 1024, 455,
    1706, 1139, 1139, 1139, 1139, 682, 1024, 569, 1139, 1024, 1479, 1024, 1024, 1024, 684, 532, 684, 1196)
_BOLD = (
    569, 682, 971, 1139, 1139, 1821, 1479, 487, 682, 682, 797, 1196, 569, 682, 569, 569, 1139, 1139, 1139, 1139,
    1139, 1139, 1139, 1139, 1139, 1139, 682, 682, 1196, 1196, 1196, 1251, 1997, 1479, 1479, 1479, 1479, 1366, 1251,
    1593, 1479, 569, 1139, 1479, 1251, 1706, 1479, 1593, 1366, 1593, 1479, 1366, 1251, 1479, 1366, 1933, 1366,
    1366, 1251, 682, 569, 682, 1196, 1139, 682, 1139, 1251, 1139, 1251, 1139, 682, 1251, 1251, 569, 569, 1139, 569,
    1821, 1251, 1251, 1251, 1251, 797, 1139, 682, 1251, 1139, 1593, 1139, 1139, 1024, 797, 573, 797, 1196)
_WIDEST = 2079
#: Word's default cell margins (0.19 cm each side), and a little room for rounding in the renderers.
CELL_MARGINS_CM = 2 * 0.19 + 0.1
#: A word longer than this share of the table (an e-mail address, a web link) may break: no column is
#: widened beyond it.
MOST_OF_TABLE = 0.4
_PT_PER_CM = 72 / 2.54


def text_width_cm(text: str, points: float, bold: bool = False) -> float:
    """How wide `text` prints in Arial at `points`, in centimetres."""
    return _units(text, bold) / _EM * points / _PT_PER_CM


@functools.lru_cache(maxsize=1 << 16)
def _units(text: str, bold: bool) -> int:
    """The advance width of `text` in 1/2048 em; remembered, as the same words (labels, "None recorded.")
    fill the tables of a large network over and over."""
    table = _BOLD if bold else _REGULAR
    return sum(table[ord(c) - 32] if 32 <= ord(c) < 127 else _WIDEST for c in text)


def longest_word_cm(text: str, points: float, bold: bool = False) -> float:
    units = max((_units(word, bold) for word in str(text).split()), default=None)
    return 0.0 if units is None else units / _EM * points / _PT_PER_CM


def fitted(widths: tuple[float, ...], lines: list[list], points: float, bold_row: int | None,
           bold_column: int | None) -> tuple[float, ...]:
    """`widths` (cm) changed as little as they can be so that each column holds its longest word: the room a
    column needs is taken from the others in proportion to what they can spare. The total is kept."""
    need = [0.0] * len(widths)
    for i, values in enumerate(lines):
        for j, value in enumerate(values[:len(widths)]):
            bold = i == bold_row or j == bold_column
            need[j] = max(need[j], longest_word_cm(value, points, bold) + CELL_MARGINS_CM)
    cap = MOST_OF_TABLE * sum(widths)
    need = [min(n, max(cap, w)) for n, w in zip(need, widths)]
    short = sum(max(0.0, n - w) for n, w in zip(need, widths))
    spare = [max(0.0, w - n) for n, w in zip(need, widths)]
    if short <= 0 or sum(spare) < short:
        return tuple(widths)
    share = short / sum(spare)
    return tuple(max(n, w) if n > w else w - s * share for n, w, s in zip(need, widths, spare))
