"""How each mark on the maps looks: one place for shapes, colours, symbols and line styles.

The colours are chosen so that every meaningful pair stays apart (at least 20 in CAM02-UCS)
for full deuteranomaly, protanomaly and tritanomaly and in a greyscale print (tests/test_palette.py
measures the colours actually drawn). Colour is never the only sign of what matters: risky and
protective links also carry a mark at their middle, places and unknown risk a symbol inside, and the
young person's map a symbol in each friend's circle. This module imports nothing heavy, so the
minutes can describe the map in words without loading matplotlib.
"""

from __future__ import annotations

# Node shapes: (legend marker, polygon sides or 0 for a circle, rotation in radians)
SHAPES = {
    "young person": ("o", 0, 0.0),
    "adult": ("s", 4, 0.785398),
    "unknown": ("D", 4, 0.0),
    "place": ("h", 6, 0.0),
    "online": ("p", 5, 0.0),
}
KIND_NAMES = {"young person": "Young person", "adult": "Adult", "unknown": "Unknown person",
              "place": "Place", "online": "Online space"}

# People by risk level: a light-to-dark orange-brown scale (ColorBrewer YlOrBr, colour-blind safe);
# "Not known" is white with a question mark, so that it never rests on a pale fill alone.
RISK_FILLS = {"High": "#8C2D04", "Medium": "#E6852E", "Low": "#FDD0A2", "Not known": "#FFFFFF"}
RISK_SYMBOLS = {"Not known": "?"}
# Places by nature (Okabe-Ito vermilion and a light sky blue), each with a symbol inside.
PLACE_FILLS = {"Risky": "#D55E00", "Protective": "#9BD2F0", "Mixed": "#E5CCDF", "Not known": "#FFFFFF"}
PLACE_SYMBOLS = {"Risky": "!", "Protective": "+", "Mixed": "±", "Not known": "?"}
PLACE_WORDS = {"Risky": "Risky place", "Protective": "Protective place", "Mixed": "Mixed place",
               "Not known": "Place: nature not known"}
OUT_OF_BOROUGH = "#6A3D9A"
NODE_EDGE = "#333333"
LABEL_COLOUR = "#1A1A1A"
DARK_TEXT, LIGHT_TEXT = "#000000", "#FFFFFF"

# Links by nature: a dark brown-red against a mid blue, apart in every colour vision and in grey;
# risky links carry a filled diamond at their middle, protective ones an open ring.
LINK_COLOURS = {"risky": "#7F2704", "protective": "#2B8CC4", "neutral": "#9A9A9A", "not known": "#CCCCCC"}
LINK_MARKS = {"risky": "D", "protective": "o"}  # matplotlib markers at the middle of the link
LINK_WIDTHS = {"Strong": 3.2, "Moderate": 1.9, "Weak": 1.0}  # points
DEFAULT_WIDTH = 1.4
DASHES = (0, (5, 3))
STALE_ALPHA = 0.4
FRESH_ALPHA = 0.95
GROUP_FILLS = ("#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")  # Okabe-Ito
GROUP_ALPHA = 0.08

# Incidents at a place: a small badge on the place's upper right with the count; "!" and red when at least one
# was significant (white text on both: WCAG AA).
BADGE_FILL = "#404040"
BADGE_SIGNIFICANT = "#C00000"
BADGE_RADIUS = 10.0  # pixels
BADGE_WORDS = ("Incidents at this place (count)", "At least one significant incident (!)")

# The map of what changed (change_map.py): new marked by a bold ring and name (Okabe-Ito bluish green, apart
# from every fill and link colour), removed and gone faint and dashed, changed links numbered.
NEW_COLOUR = "#009E73"
GONE_COLOUR = "#8A8A8A"
UNCHANGED_ALPHA = 0.5
REMOVED_VEIL = 0.6  # the white laid over a removed person or place
NOTE_COLOUR = "#1F4E78"

MARKING_COLOUR = "#C00000"
TITLE_COLOUR = "#1F4E78"
SUBTITLE_COLOUR = "#333333"
FONT = "DejaVu Sans"

# The young person's own map: Okabe-Ito blue and orange, with a symbol in every circle
VIEW_COLOURS = {"Positive": "#0072B2", "Negative": "#E69F00", "Mixed": "#CC79A7", "Not known": "#BBBBBB"}
VIEW_SYMBOLS = {"Positive": "✓", "Negative": "!", "Mixed": "±", "Not known": "?"}
VIEW_WORDS = {"Positive": "Good influence", "Negative": "Not a good influence", "Mixed": "A bit of both",
              "Not known": "Not sure"}
RING_COLOUR = "#DDE8F3"
ME_COLOUR = "#1F4E78"

LINK_WORDS = ("Risky links are drawn dark red-brown with a filled diamond at their middle; protective links "
              "blue with an open ring at their middle; neutral links grey with no mark. A link is solid when "
              "evidenced, dashed when anecdotal or weakly graded, and faded when not seen recently; an arrow "
              "shows who leads whom.")


def hex_rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4))


def luminance(colour: str) -> float:
    """WCAG relative luminance of an sRGB colour."""
    def linear(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in hex_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_on(fill: str) -> str:
    """Black or white, whichever reads better on `fill`."""
    return DARK_TEXT if contrast(fill, DARK_TEXT) >= contrast(fill, LIGHT_TEXT) else LIGHT_TEXT


def faded(colour: str, alpha: float, under: str = "#FFFFFF") -> str:
    """The colour seen when `colour` is drawn with `alpha` over `under`."""
    mixed = [alpha * c + (1 - alpha) * u for c, u in zip(hex_rgb(colour), hex_rgb(under))]
    return "#" + "".join(f"{round(v * 255):02X}" for v in mixed)
