"""How each mark on the map looks: one place for shapes, colours and line styles."""

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

RISK_FILLS = {"High": "#D7301F", "Medium": "#FC8D59", "Low": "#FDD49E", "Not known": "#FFFFFF"}
PLACE_FILLS = {"Risky": "#C994C7", "Protective": "#A6DBA0", "Mixed": "#E7D4E8", "Not known": "#FFFFFF"}
OUT_OF_BOROUGH = "#6A3D9A"
NODE_EDGE = "#333333"

LINK_COLOURS = {"risky": "#B2182B", "protective": "#1A9850", "neutral": "#737373", "not known": "#BDBDBD"}
LINK_WIDTHS = {"Strong": 3.2, "Moderate": 1.9, "Weak": 1.0}  # points
DEFAULT_WIDTH = 1.4
DASHES = (0, (5, 3))
STALE_ALPHA = 0.3
GROUP_FILLS = ("#1F78B4", "#33A02C", "#FF7F00", "#6A3D9A", "#B15928", "#A6CEE3", "#B2DF8A")
GROUP_ALPHA = 0.08

MARKING_COLOUR = "#C00000"
TITLE_COLOUR = "#1F4E78"
FONT = "DejaVu Sans"

# The young person's own map: friendly, soft colours by how they see each friend
VIEW_COLOURS = {"Positive": "#66BD63", "Negative": "#F46D43", "Mixed": "#FDAE61", "Not known": "#BABABA"}
RING_COLOUR = "#DDE8F3"
ME_COLOUR = "#4575B4"
