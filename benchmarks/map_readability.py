"""How readable the maps are: crossings and overlaps, beside Graphviz neato on the same graphs.

    python benchmarks/map_readability.py         # 15, 40, 60 and 150 nodes; needs Graphviz
    python benchmarks/map_readability.py 15 40   # some sizes for the comparison (apt-get install graphviz)

40 synthetic peer maps (10 each of 15, 40, 60 and 150 nodes; 70% young people, 10% adults, 20% places;
1-3 friendship clusters joined by bridging people; about 3.7 links a node). For each, peermap draws
the map and reports, from its layout JSON: edge crossings, overlapping node pairs, overlapping label
pairs, labels over another node, labels outside the figure, links passing through a label (the part
of each link outside both end circles, its own ends' labels included), links through circles (a link
passing within layout.MARGIN pixels of a shape it does not join: layout.links_through_circles, each link
as drawn, routed or straight; budget 0 at every size: this column is the worst of the ten, not the
median), the smallest gap between two
labels, and the time taken. Above overview.OVERVIEW_ABOVE nodes the map is an overview and a page per group:
its figures are those of every page and the overview added up. neato lays out the same graph; its
positions are scaled into the same box and
given the same label sizes, with no clean-up pass. Medians per size.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peermap_xl.book.raw import RawBook, RawTable
from peermap_xl.contract import schema
from peermap_xl.draw import layout, network_map, overview
from peermap_xl.record import model

AS_OF = dt.date(2026, 10, 1)
SIZES = tuple(int(a) for a in sys.argv[1:]) or (15, 40, 60, 150)


def synthetic_network(nodes: int, seed: int):
    rnd = random.Random(seed)
    people = round(nodes * 0.8)
    places = nodes - people
    clusters = rnd.randint(1, 3)
    subjects = [{"ID": f"S{i:02d}", "Name": f"{rnd.choice(['Male', 'Female'])} {chr(65 + i % 26)}{i}",
                 "Type": "Adult" if rnd.random() < 0.125 else "Young person",
                 "Risk level": rnd.choice(["High", "Medium", "Low"])} for i in range(1, people + 1)]
    contexts = [{"ID": f"C{i:02d}", "Name": f"Place {i} {rnd.choice(['Park', 'Estate', 'School', 'Hub'])}",
                 "Type": "Park or open space", "Nature": "Risky"} for i in range(1, places + 1)]
    cluster_of = {s["ID"]: i % clusters for i, s in enumerate(subjects)}
    ids = [s["ID"] for s in subjects]
    links, seen = [], set()
    target = round(nodes * 3.7 / 2)
    while len(links) < target:
        a = rnd.choice(ids)
        if rnd.random() < 0.2:
            b = f"C{rnd.randint(1, places):02d}"
        elif rnd.random() < 0.9:
            b = rnd.choice([i for i in ids if cluster_of[i] == cluster_of[a]])
        else:
            b = rnd.choice(ids)
        if a == b or frozenset((a, b)) in seen:
            continue
        seen.add(frozenset((a, b)))
        links.append({"ID": f"L{len(links) + 1:02d}", "From": a, "To": b, "Relationship": "Friend",
                      "Evidence": "Evidenced", "Last seen": AS_OF})
    raw = RawBook(source="bench.xlsm")
    for sheet, records in ((schema.SUBJECTS, subjects), (schema.CONTEXTS, contexts), (schema.LINKS, links)):
        headers = [c.header for c in sheet.columns]
        raw.tables[sheet.name] = RawTable(sheet.name, headers,
                                          [(i + 2, [r.get(h) for h in headers]) for i, r in enumerate(records)])
    raw.tables[schema.NETWORK] = RawTable(schema.NETWORK, ["Field", "Value"], [(2, ["Names on outputs", "Full names"])])
    return model.build(raw)


def gap(a, b) -> float:
    dx = max(b[0] - a[2], a[0] - b[2], 0)
    dy = max(b[1] - a[3], a[1] - b[3], 0)
    return (dx * dx + dy * dy) ** 0.5


def measure(nodes: list[dict], edges: list[dict], width: float, height: float) -> dict:
    out = layout.readability(nodes, [(e["source"], e["target"]) for e in edges], width, height)
    out["links through circles"] = len(layout.links_through_circles({"nodes": nodes, "edges": edges}))
    boxes = [n["label_box"] for n in nodes]
    out["smallest label gap"] = min((gap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), default=0.0)
    return out


def measured_pages(drawn: dict) -> dict:
    """The measures of the map as drawn: one picture, or the overview and every page, added up (the
    smallest label gap: the smallest on any page)."""
    pictures = [drawn, *drawn.get("pages", [])]
    each = [measure(p["nodes"], p["edges"], 1500, 1060) for p in pictures]
    total = {k: sum(m[k] for m in each) for k in each[0]}
    total["smallest label gap"] = min(m["smallest label gap"] for m in each)
    return total


def neato(net, drawn: dict) -> dict:
    """neato's layout of the same graph, in the same box, with the same node and label sizes, its links
    straight (neato's -Tplain gives no routed paths without -Gsplines, and peermap's reader draws lines)."""
    edges = [(e["source"], e["target"]) for e in drawn["edges"]]
    dot = "graph G {\n" + "".join(f'  "{n["id"]}";\n' for n in drawn["nodes"]) + \
        "".join(f'  "{a}" -- "{b}";\n' for a, b in edges) + "}\n"
    start = time.perf_counter()
    plain = subprocess.run(["neato", "-Tplain"], input=dot, capture_output=True, text=True, check=True).stdout
    seconds = time.perf_counter() - start
    raw = {}
    for line in plain.splitlines():
        parts = line.split()
        if parts and parts[0] == "node":
            raw[parts[1].strip('"')] = (float(parts[2]), float(parts[3]))
    xs, ys = [p[0] for p in raw.values()], [p[1] for p in raw.values()]
    box = network_map.BOX
    nodes = []
    for n in drawn["nodes"]:
        x0, y0 = raw[n["id"]]
        x = box.x0 + 30 + (x0 - min(xs)) / ((max(xs) - min(xs)) or 1) * (box.x1 - box.x0 - 60)
        y = box.y0 + 50 + (y0 - min(ys)) / ((max(ys) - min(ys)) or 1) * (box.y1 - box.y0 - 80)
        lb = n["label_box"]
        dx, dy = x - n["x"], y - n["y"]
        nodes.append({**n, "x": x, "y": y, "label_box": [lb[0] + dx, lb[1] + dy, lb[2] + dx, lb[3] + dy]})
    result = measure(nodes, [{"source": a, "target": b} for a, b in edges], drawn["figure"]["width"],
                     drawn["figure"]["height"])
    result["ms"] = seconds * 1000
    return result


def main() -> None:
    have_neato = shutil.which("neato") is not None
    folder = Path(tempfile.mkdtemp())
    print(f"{'nodes':>5}  {'method':<8} {'crossings':>9} {'node ovl':>8} {'label ovl':>9} {'lbl/node':>8} "
          f"{'outside':>7} {'thru lbl':>8} {'thru circle':>11} {'min gap px':>10} {'ms':>7}")
    for size in SIZES:
        results = {"peermap": [], "neato": []}
        for seed in range(10):
            net = synthetic_network(size, seed)
            start = time.perf_counter()
            drawn = overview.draw(net, folder / f"{size}-{seed}.png", AS_OF).layout_json()
            ms = (time.perf_counter() - start) * 1000
            ours = measured_pages(drawn)
            ours["ms"] = ms
            results["peermap"].append(ours)
            if "pages" in drawn:  # neato lays out the whole network, with the labels as drawn on the pages
                drawn = {"figure": drawn["figure"], "nodes": [n for page in drawn["pages"] for n in page["nodes"]],
                         "edges": [{"source": a, "target": b} for a, b in zip(net.live_links["from_id"],
                                                                               net.live_links["to_id"])]}
            if have_neato:
                results["neato"].append(neato(net, drawn))
        for method, runs in results.items():
            if not runs:
                continue
            row = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            row["links through circles"] = max(r["links through circles"] for r in runs)  # the worst: budget 0
            print(f"{size:>5}  {method:<8} {row['crossings']:>9} {row['node overlaps']:>8} {row['label overlaps']:>9} "
                  f"{row['label over node']:>8} {row['labels outside']:>7} {row['links through labels']:>8} "
                  f"{row['links through circles']:>11} "
                  f"{row['smallest label gap']:>10.1f} "
                  f"{row['ms']:>7.0f}")
    if not have_neato:
        print("Graphviz neato is not installed: apt-get install graphviz for the comparison.", file=sys.stderr)


if __name__ == "__main__":
    main()
