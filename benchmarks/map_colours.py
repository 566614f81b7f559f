"""Can everyone in the room read the map? Colour differences of the map's meaningful pairs, and links
passing through labels, on the worked example.

    python benchmarks/map_colours.py [LAYOUT.json ...]

Colour differences are CAM02-UCS distances (colorspacious) between the colours as drawn (the layout
JSON's colours at their opacity, over white), for normal vision, full-severity deuteranomaly,
protanomaly and tritanomaly, and a greyscale print (luma). "Before" is the palette of issue 17's
table. Links through labels: link-label pairs where the straight part of a link outside both end
circles passes through a label's box, its own ends' labels included (issue 12's figure); given layout
JSON files (e.g. one written by an older version), they are measured too.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from colorspacious import cspace_convert

from peermap_xl.draw import ego, labelling, network_map, style
from peermap_xl.examples import city_road, write_example
from peermap_xl.record.reading import read_network

VISIONS = ("normal", "deuteranomaly", "protanomaly", "tritanomaly", "greyscale")
BEFORE = {"risky vs protective link": ("#B2182B", "#1A9850"),
          "young person's map: not a good vs good influence": ("#F46D43", "#66BD63"),
          "risky vs protective place fill": ("#C994C7", "#A6DBA0")}


def seen(colour: str, vision: str) -> np.ndarray:
    rgb = np.array(style.hex_rgb(colour))
    if vision == "normal":
        return rgb
    if vision == "greyscale":
        return np.full(3, rgb @ np.array([0.299, 0.587, 0.114]))
    return np.clip(cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}, "sRGB1"), 0, 1)


def difference(a: str, b: str, vision: str) -> float:
    return float(np.linalg.norm(cspace_convert(seen(a, vision), "sRGB1", "CAM02-UCS")
                                - cspace_convert(seen(b, vision), "sRGB1", "CAM02-UCS")))


def drawn_pairs(layout: dict, young: ego.EgoMap) -> dict[str, tuple[str, str]]:
    """The meaningful pairs as drawn on the worked example's maps."""
    def link(nature, stale=False):
        colour = next(e["colour"] for e in layout["edges"] if e["nature"] == nature)
        alpha = next(e["alpha"] for e in layout["edges"] if e["stale"] is stale)
        return style.faded(colour, alpha)

    view = {p.influence: p.colour for p in young.peers}
    return {"risky vs protective link": (link("risky"), link("protective")),
            "young person's map: not a good vs good influence": (view["Negative"], view["Positive"]),
            "risky vs protective place fill": (style.PLACE_FILLS["Risky"], style.PLACE_FILLS["Protective"]),
            "faded (stale) risky vs protective link": (link("risky", True), link("protective", True)),
            "high vs medium risk fill": (style.RISK_FILLS["High"], style.RISK_FILLS["Medium"]),
            "medium vs low risk fill": (style.RISK_FILLS["Medium"], style.RISK_FILLS["Low"])}


def through_labels(layout: dict) -> int:
    nodes = {n["id"]: n for n in layout["nodes"]}
    paths = []
    for e in layout["edges"]:
        a, b = nodes[e["source"]], nodes[e["target"]]
        line = np.array([[a["x"], a["y"]], [b["x"], b["y"]]], dtype=float)
        line = labelling.trim(line, line[0].copy(), a["radius"])
        line = labelling.trim(line[::-1], np.array([b["x"], b["y"]]), b["radius"])[::-1]
        paths.append(line)
    segs, owner = labelling.segments(paths)
    return sum(labelling.crossed_by(n["label_box"], segs, owner) for n in layout["nodes"])


def table(pairs: dict[str, tuple[str, str]], title: str) -> list[str]:
    out = [f"| {title} | " + " | ".join(VISIONS) + " |", "|---|" + "---|" * len(VISIONS)]
    for name, (a, b) in pairs.items():
        cells = [f"{difference(a, b, v):.0f}" for v in VISIONS]
        out.append(f"| {name} (`{a}` / `{b}`) | " + " | ".join(f"**{c}**" if float(c) < 20 else c for c in cells)
                   + " |")
    return out


def main(others: list[str]) -> None:
    folder = Path(tempfile.mkdtemp())
    book = write_example(folder / city_road.FILE_NAME, checked_as_of=city_road.AS_OF)
    network = read_network(book)
    layout = network_map.draw(network, folder / "map.png", city_road.AS_OF).layout_json()
    young = ego.draw(network, "Male A", folder / "ego.png", city_road.AS_OF)
    print("\n".join(table(BEFORE, "before (issue 17)")))
    print()
    print("\n".join(table(drawn_pairs(layout, young), "now, as drawn")))
    print(f"\nLinks through labels on the worked example: {through_labels(layout)}")
    for path in others:
        print(f"Links through labels in {path}: {through_labels(json.loads(Path(path).read_text()))}")


if __name__ == "__main__":
    main(sys.argv[1:])
