"""Maps everyone in the room can read: the colours actually drawn stay apart for every colour vision
and in greyscale, colour is never the only sign of risky vs protective, and text on fills is legible.

Colour differences are CAM02-UCS distances (colorspacious), after a full-severity simulation of each
colour-vision deficiency, or after a greyscale print (luma, as PIL's "L" mode makes it)."""

import json

import numpy as np
import pytest
from colorspacious import cspace_convert

from conftest import run_peermap
from peermap_xl.draw import ego, network_map, style
from peermap_xl.examples import city_road
from peermap_xl.record.reading import read_network

AS_OF = city_road.AS_OF
VISIONS = ("deuteranomaly", "protanomaly", "tritanomaly", "greyscale")
APART = 20
WCAG_AA = 4.5


def seen(colour: str, vision: str) -> np.ndarray:
    rgb = np.array(style.hex_rgb(colour))
    if vision == "greyscale":
        return np.full(3, rgb @ np.array([0.299, 0.587, 0.114]))
    cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
    return np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)


def difference(a: str, b: str, vision: str) -> float:
    return float(np.linalg.norm(cspace_convert(seen(a, vision), "sRGB1", "CAM02-UCS")
                                - cspace_convert(seen(b, vision), "sRGB1", "CAM02-UCS")))


@pytest.fixture(scope="module")
def layout(tmp_path_factory, example_book):
    folder = tmp_path_factory.mktemp("palette")
    result = run_peermap("map", example_book, "--as-of", AS_OF, "--out", folder / "map.png",
                         "--layout-json", folder / "layout.json")
    assert result.returncode == 0, result.stderr
    return json.loads((folder / "layout.json").read_text())


def drawn_link_colour(layout, nature: str, stale: bool) -> str:
    """The colour a link of this nature is seen in on white, as the layout JSON says it was drawn
    (its nature's colour, at the opacity the map's fresh or stale links have)."""
    colours = {e["colour"] for e in layout["edges"] if e["nature"] == nature}
    alphas = {e["alpha"] for e in layout["edges"] if e["stale"] is stale}
    assert len(colours) == 1 and len(alphas) == 1, (nature, stale, colours, alphas)
    return style.faded(colours.pop(), alphas.pop())


def fills(layout, kind: set[str]) -> dict[str, str]:
    return {n["id"]: n["fill"] for n in layout["nodes"] if n["kind"] in kind}


def test_the_palette_was_not_apart_before():
    """The check can fail: the colours of the issue's table (before this palette) do not pass it."""
    assert difference("#B2182B", "#1A9850", "deuteranomaly") < APART
    assert difference("#F46D43", "#66BD63", "protanomaly") < APART


@pytest.mark.parametrize("vision", VISIONS)
def test_risky_and_protective_links_as_drawn_stay_apart(layout, vision):
    risky, protective = (drawn_link_colour(layout, n, stale=False) for n in ("risky", "protective"))
    assert difference(risky, protective, vision) >= APART


@pytest.mark.parametrize("vision", VISIONS[:3])
def test_faded_links_stay_apart_in_every_colour_vision(layout, vision):
    """Stale links are faded; in greyscale their marks (diamond, ring) tell them apart (see the next test)."""
    risky, protective = (drawn_link_colour(layout, n, stale=True) for n in ("risky", "protective"))
    assert difference(risky, protective, vision) >= APART
    for nature in ("risky", "protective"):
        assert difference(drawn_link_colour(layout, nature, False), drawn_link_colour(layout, nature, True),
                          vision) >= APART


def test_risky_and_protective_links_differ_by_more_than_colour(layout):
    marks = {e["nature"]: e["mark"] for e in layout["edges"] if e["nature"] in ("risky", "protective")}
    assert marks["risky"] and marks["protective"] and marks["risky"] != marks["protective"]
    assert {(e["nature"], e["mark"]) for e in layout["edges"]} >= {("risky", marks["risky"]),
                                                                    ("protective", marks["protective"])}
    legend = {e["text"] for e in layout["legend"] if e["section"] == "Links"}
    assert {"Risky (filled diamond)", "Protective (open ring)", "Evidenced", "Anecdotal or weakly graded"} <= legend
    assert any(t.startswith("Faded") for t in legend)


@pytest.mark.parametrize("vision", VISIONS)
def test_risk_levels_and_place_natures_as_drawn_stay_apart(layout, example_book, vision):
    net = read_network(example_book)
    risk = dict(zip(net.subjects["id"], net.subjects["risk_level"]))
    people = fills(layout, {"young person", "adult", "unknown"})
    by_level = {risk[n]: fill for n, fill in people.items() if risk[n] in ("High", "Medium", "Low")}
    assert set(by_level) == {"High", "Medium", "Low"}
    for a, b in (("High", "Medium"), ("Medium", "Low"), ("High", "Low")):
        assert difference(by_level[a], by_level[b], vision) >= APART, (a, b)
    nature = dict(zip(net.contexts["id"], net.contexts["nature"]))
    places = {nature[n]: fill for n, fill in fills(layout, {"place", "online"}).items()}
    assert difference(places["Risky"], places["Protective"], vision) >= APART


def test_places_and_unknown_risk_carry_a_symbol(layout):
    for node in layout["nodes"]:
        if node["kind"] in ("place", "online"):
            assert node["symbol"], node["id"]
        elif node["fill"] == style.RISK_FILLS["Not known"]:
            assert node["symbol"] == "?", node["id"]


@pytest.mark.parametrize("vision", VISIONS)
def test_the_young_persons_good_and_not_good_influences_stay_apart(tmp_path, example_book, vision):
    drawn = ego.draw(read_network(example_book), "S01", tmp_path / "ego.png", AS_OF)
    by_view = {p.influence: p for p in drawn.peers}
    good, bad = by_view["Positive"], by_view["Negative"]
    assert difference(good.colour, bad.colour, vision) >= APART
    assert good.symbol != bad.symbol  # never colour alone
    assert {"Good influence", "Not a good influence"} <= {e.text for e in drawn.legend}


def test_text_on_fills_meets_wcag_aa(layout):
    for node in layout["nodes"]:
        if node["symbol"]:
            assert style.contrast(style.text_on(node["fill"]), node["fill"]) >= WCAG_AA, node["id"]
    shades = [style.faded(b, style.GROUP_ALPHA, style.faded(a, style.GROUP_ALPHA))
              for a in style.GROUP_FILLS for b in style.GROUP_FILLS]  # labels over one or two group areas
    assert min(style.contrast(style.LABEL_COLOUR, s) for s in shades) >= WCAG_AA
    assert style.contrast(style.LABEL_COLOUR, "#FFFFFF") >= WCAG_AA  # legend text
    for colour in style.VIEW_COLOURS.values():
        assert style.contrast(style.text_on(colour), colour) >= WCAG_AA


def test_the_alt_text_says_how_links_are_drawn():
    words = network_map.alt_text()
    assert "Risky links" in words and "protective links" in words and "diamond" in words and "ring" in words
