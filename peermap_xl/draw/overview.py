"""The map of a large network: an overview of its groups, and one page per group at full detail.

Up to OVERVIEW_ABOVE people and places, the map is one picture (network_map). Above that, one picture
cannot be read: in the drawing area (1,100 x 870 pixels, a landscape page) each node with its label
takes about 85 x 50 pixels, so 100 of them fill 45% of it and 150 fill 65%; measured on synthetic
maps (benchmarks/map_readability.py), at 100 nodes the push-apart pass clears every node and label,
at 150 it cannot (24 to 36 labels left over another node, with links crossing 1,000 to 1,600 times).
So the map becomes:

- the overview: each group one bubble, its area by its members, its slices the risk mix (places apart);
  a line between two groups as thick as the links between them; under each bubble the people who
  connect it to other groups, by name (or code);
- one page per group (at most PAGE_MOST nodes: a group too large is split by its own groups), drawn
  exactly as a small network's map, with pins and kept positions honoured.

The layout JSON has the overview's bubbles as "nodes", the lines between groups as "edges", and every
page under "pages".
"""

from __future__ import annotations

import copy
import math
import textwrap
from pathlib import Path

from peermap_xl.draw import agg  # noqa: F401  (first: matplotlib set up for drawing files)

# isort: split

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Circle, Patch, Wedge  # noqa: E402

from peermap_xl.book import safe  # noqa: E402
from peermap_xl.contract.progress import Progress, quiet  # noqa: E402
from peermap_xl.draw import frame, layout, network_map, style  # noqa: E402
from peermap_xl.record import graph as graphs  # noqa: E402
from peermap_xl.record import labels  # noqa: E402
from peermap_xl.record.model import Network  # noqa: E402

#: Above this many people and places on the map, the map is an overview plus one page per group.
OVERVIEW_ABOVE = 100
PAGE_MOST = 100
CONNECTORS_NAMED = 3  # people named under each bubble: those with the most links to other groups
CAPTION_WRAP = 24  # characters a line under a bubble: narrow captions leave the bubbles room
RISKS = ("High", "Medium", "Low", "Not known")
PLACES = "Places"
WIDTH, HEIGHT, DPI = network_map.WIDTH, network_map.HEIGHT, network_map.DPI
BOX = network_map.BOX


class Drawn(dict):
    """What the overview drew, read as a dict (drawn["pages"]) or as attributes (drawn.pages), like the
    single map's result; `layout_json()` is what `peermap map --layout-json` writes."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def layout_json(self) -> dict:
        return {k: self[k] for k in ("figure", "nodes", "edges", "page_text", "pages", "key") if k in self}


def is_large(graph) -> bool:
    return len(graph) > OVERVIEW_ABOVE


def draw(network: Network, out: str | Path, as_of, anonymise: bool = False, png_copy: bool = False,
         named: str | Path | None = None, wanted=None, banner: str | None = None, workers: int = 1,
         progress: Progress = quiet):
    """The network map: one picture up to OVERVIEW_ABOVE nodes; above, the overview at `out` and each
    group's page beside the file `named` (`out` by default) as "<name> - group 01 of 12.png" (with
    `wanted`, only the pages whose set of members it accepts). With `workers` over 1, the pages are drawn
    in that many processes beside this one (each page is the same as drawn here); `progress` is told of
    each page drawn. Returns the layout."""
    graph = graphs.build(network)
    if not is_large(graph):
        return network_map.draw(network, out, as_of, anonymise, png_copy=png_copy, banner=banner)
    parts = graphs.pages(graph, PAGE_MOST)
    view = labels.View(network, anonymise)  # every page's labels are the whole network's: worked out once
    view.labels  # noqa: B018  (worked out here, so that the processes drawing pages are given them)
    named = Path(named or out)
    jobs = [(members, number, len(parts), page_file(named, number, len(parts)))
            for number, members in enumerate(parts, start=1) if wanted is None or wanted(members)]
    with (Pages(workers if len(jobs) > 1 else 1, (network, as_of, anonymise, banner, view), progress) as pages,
          labels.names_out(view)):
        waiting = pages.start(jobs)  # the pages are drawn beside this process while it draws the overview
        drawn = draw_overview(network, graph, parts, out, as_of, anonymise, png_copy, view)
        groups = drawn.pop("groups")
        if drawn["figure"]["captions"] != CAPTIONS[0]:  # the captions could not say who links the groups
            drawn["key"] = draw_key(network, groups, named, as_of, anonymise, view)
        drawn["pages"] = [{"page": number, "of": of, "group": _group_id(number), "file": target.name, **page}
                          for (_, number, of, target), page in zip(jobs, waiting())]
    drawn["positions"] = {n: p for page in drawn["pages"] for n, p in page.get("positions", {}).items()}
    return drawn


class Pages:
    """Group pages drawn in this process or, with `workers` over 1, in that many processes beside it. Each
    process is given the network, the date, the labels and the banner once; each page, its members."""

    def __init__(self, workers: int, shared: tuple, progress: Progress = quiet):
        self.workers, self.shared, self.pool, self.progress = workers, shared, None, progress

    def __enter__(self):
        if self.workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            try:
                self.pool = ProcessPoolExecutor(self.workers, initializer=_take,
                                                initargs=(self.shared, safe.output_mask()))
            except (OSError, ValueError, NotImplementedError):  # no processes to be had: drawn here
                self.pool = None
        return self

    def start(self, jobs: list[tuple]):
        """Start drawing `jobs` [(members, number, pages, target)]; returns what gives their layouts, in order."""
        if self.pool is None:
            return lambda: self._here(jobs)
        futures = [self.pool.submit(_page_there, *job) for job in jobs]

        def results() -> list[dict]:
            from concurrent.futures import as_completed
            from concurrent.futures.process import BrokenProcessPool

            try:
                for done, _ in enumerate(as_completed(futures), start=1):
                    self.progress(done, len(jobs), f"Drawn {done} of {len(jobs)} group pages")
                return [f.result() for f in futures]
            except BrokenProcessPool:  # a process drawing pages was stopped (out of memory, say): drawn here
                return self._here(jobs)

        return results

    def _here(self, jobs: list[tuple]) -> list[dict]:
        out = []
        for done, job in enumerate(jobs, start=1):
            out.append(_page_here(self.shared, *job))
            self.progress(done, len(jobs), f"Drawn {done} of {len(jobs)} group pages")
        return out

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


_SHARED: tuple | None = None  # in a process drawing pages: what every page needs (see Pages)


def _take(shared: tuple, output_mask: int) -> None:
    global _SHARED
    _SHARED = shared
    safe.set_output_mask(output_mask)  # its pages as private as the workbook, as those drawn here


def _page_there(members: set[str], number: int, pages: int, target: Path) -> dict:
    return _page_here(_SHARED, members, number, pages, target)


def _page_here(shared: tuple, members: set[str], number: int, pages: int, target: Path) -> dict:
    network, as_of, anonymise, banner, view = shared
    return _draw_page(page_of(network, members, number, pages), target, as_of, anonymise, banner, view)


def _draw_page(page: Network, target: Path, as_of, anonymise: bool, banner: str | None = None,
               view: labels.View | None = None) -> dict:
    drawn: dict = {}
    safe.write_output(target, lambda temp: drawn.update(_as_dict(network_map.draw(
        page, temp, as_of, anonymise, banner=banner, view=view))))
    drawn.pop("png", None)
    return drawn


def page_file(named: Path, number: int, pages: int) -> Path:
    return named.with_name(f"{named.stem} - group {number:02d} of {pages:02d}{named.suffix}")


def _group_id(number: int) -> str:
    return f"G{number:02d}"


def _as_dict(drawn) -> dict:
    """A page's layout as a dict, whether the single map returns a dict or an object with layout_json()."""
    if isinstance(drawn, dict):
        return drawn
    return {**drawn.layout_json(), "positions": drawn.positions}


def page_of(network: Network, members: set[str], number: int, pages: int) -> Network:
    """The network as one group's page shows it: only `members` and the live links between them. Every
    record stays on the network, so each label (and each anonymised code) is the one the whole network gives."""
    page = copy.copy(network)
    name = network.settings.get("network_name") or "Peer network"
    page.settings = type(network.settings)({**network.settings,
                                            "network_name": f"{name}: group {number} of {pages}"})
    links = network.live_links
    page.__dict__.update(
        active_subjects=network.active_subjects[network.active_subjects["id"].isin(members)],
        active_contexts=network.active_contexts[network.active_contexts["id"].isin(members)],
        live_links=links[links["from_id"].isin(members) & links["to_id"].isin(members)])
    return page


def summary(graph, parts: list[set[str]]) -> tuple[list[dict], dict[tuple[int, int], int]]:
    """([per group: risk mix and the people who connect it to other groups], {(group, group): links})."""
    where = {n: i for i, members in enumerate(parts) for n in members}
    between: dict[tuple[int, int], int] = {}
    outward: dict[str, int] = {}
    reach: dict[str, set[int]] = {}  # person: the other groups they have links into (numbered from 1)
    for a, b in graph.edges():
        if where[a] != where[b]:
            key = tuple(sorted((where[a], where[b])))
            between[key] = between.get(key, 0) + 1
            for n, other in ((a, b), (b, a)):
                if graph.nodes[n]["kind"] != graphs.PLACE:
                    outward[n] = outward.get(n, 0) + 1
                    reach.setdefault(n, set()).add(where[other] + 1)
    groups = []
    for members in parts:
        mix = dict.fromkeys((*RISKS, PLACES), 0)
        for n in members:
            data = graph.nodes[n]
            risk = data.get("risk") if data.get("risk") in RISKS else "Not known"
            mix[PLACES if data["kind"] == graphs.PLACE else risk] += 1
        connectors = sorted((n for n in members if n in outward), key=lambda n: (-outward[n], n))
        groups.append({"members": sorted(members), "mix": mix, "connectors": connectors[:CONNECTORS_NAMED],
                       "reach": {n: sorted(reach[n]) for n in connectors[:CONNECTORS_NAMED]}})
    return groups, between


def draw_overview(network: Network, graph, parts: list[set[str]], out, as_of, anonymise: bool,
                  png_copy: bool, view: labels.View | None = None) -> Drawn:
    """Draw the overview to `out`; return its layout (bubbles as nodes, links between groups as edges)."""
    groups, between = summary(graph, parts)
    name = (view or labels.View(network, anonymise)).label
    area = (BOX.x1 - BOX.x0) * (BOX.y1 - BOX.y0)
    scale = math.sqrt(0.22 * area / (math.pi * sum(len(g["members"]) for g in groups)))
    radius = [max(18.0, scale * math.sqrt(len(g["members"]))) for g in groups]
    ids = [_group_id(i) for i in range(1, len(groups) + 1)]
    with matplotlib.rc_context(frame.RC):
        fig = frame.figure(WIDTH, HEIGHT)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, WIDTH)
        ax.set_ylim(0, HEIGHT)
        ax.set_axis_off()
        renderer = fig.canvas.get_renderer()
        detail, captions, texts, pos, radius, footprints = _captioned(ax, groups, name, ids, between, radius)
        top = max(between.values(), default=1)
        paths = _routes(ids, pos, radius, between)
        for (i, j), count in sorted(between.items()):
            line = paths[f"{ids[i]}-{ids[j]}"]
            ax.add_line(Line2D(line[:, 0], line[:, 1], linewidth=0.8 + 7 * count / top, color="#737373",
                               alpha=0.55, zorder=1))
        for k, gid in enumerate(ids):
            _bubble(ax, pos[gid], radius[k], groups[k]["mix"])
            texts[k].set_position((pos[gid][0], pos[gid][1] - radius[k] - footprints[gid].gap))
        _heading(fig, network, as_of, anonymise, len(graph), len(groups), keyed=detail != CAPTIONS[0])
        _legend(fig)
        fig.canvas.draw()
        drawn = Drawn({
            "page_text": frame.text_boxes(fig),
            "figure": {"width": WIDTH, "height": HEIGHT, "overview": True, "captions": detail},
            "width": WIDTH, "height": HEIGHT,
            "nodes": [{"id": gid, "label": captions[k], "kind": "group", "x": round(pos[gid][0], 2),
                       "y": round(pos[gid][1], 2), "radius": round(radius[k], 2),
                       "label_box": [round(v, 2) for v in texts[k].get_window_extent(renderer).extents],
                       "members": groups[k]["members"], "mix": groups[k]["mix"],
                       "connectors": groups[k]["connectors"]} for k, gid in enumerate(ids)],
            "edges": [{"id": f"{ids[i]}-{ids[j]}", "source": ids[i], "target": ids[j], "links": count,
                       "path": np.round(paths[f"{ids[i]}-{ids[j]}"], 2).tolist()}
                      for (i, j), count in sorted(between.items())],
            "groups": groups,  # for the key, where the captions could not name who links them (taken off by draw)
        })
        drawn["png"] = _save(fig, Path(out), png_copy)
    return drawn


def _routes(ids: list[str], pos: dict, radius: list[float], between: dict) -> dict:
    """{edge ID: the line between two bubbles, centre to centre}: straight, or bent around any bubble in its way."""
    lines = [(f"{ids[i]}-{ids[j]}", ids[i], ids[j], np.array([pos[ids[i]], pos[ids[j]]], dtype=float))
             for i, j in sorted(between)]
    return layout.routed(pos, dict(zip(ids, radius)), lines)


def _captioned(ax, groups: list[dict], name, ids: list[str], between: dict, radius: list[float]):
    """(detail, captions, their texts, positions, radii, footprints): the bubbles placed with the fullest
    captions (CAPTIONS) that leave every bubble and caption clear of the others."""
    renderer = ax.figure.canvas.get_renderer()
    units = layout.arranged(_group_graph(ids, between))
    for detail in CAPTIONS:
        captions = [_caption(i, g, name, detail) for i, g in enumerate(groups, start=1)]
        texts = [ax.text(0, 0, c, ha="center", va="top", fontsize=9, zorder=5, linespacing=1.15) for c in captions]
        pos, radii, footprints = _placed(ids, units, radius, [t.get_window_extent(renderer) for t in texts])
        if detail == CAPTIONS[-1] or not layout.overlapping_pairs(_covered(ids, pos, footprints)):
            break
        for t in texts:
            t.remove()
    return detail, captions, texts, pos, radii, footprints


def _placed(ids: list[str], units: dict, radius: list[float], sizes: list) -> tuple[dict, list[float], dict]:
    """(positions, radii, footprints) of the bubbles arranged as `units` (layout.arranged), with no bubble or
    caption over another: where the page is too crowded for that, the bubbles are drawn smaller."""
    for shrink in (1.0, 0.85, 0.7, 0.55, 0.4):
        radii = [max(18.0, r * shrink) for r in radius]
        footprints = {g: layout.Footprint(r, s.width, s.height, gap=5.0) for g, r, s in zip(ids, radii, sizes)}
        pos = layout.separated(units, footprints, BOX)
        if not layout.overlapping_pairs(_covered(ids, pos, footprints)):
            break
    return pos, radii, footprints


def _covered(ids: list[str], pos: dict, footprints: dict):
    """Each bubble's rectangle with its caption, as layout.overlapping_pairs takes them."""
    import numpy as np

    return np.array([[pos[g][0] + e[0], pos[g][1] + e[1], pos[g][0] + e[2], pos[g][1] + e[3]]
                     for g, e in ((g, footprints[g].extent()) for g in ids)])


def _group_graph(ids: list[str], between: dict[tuple[int, int], int]):
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from((ids[i], ids[j]) for i, j in between)
    return g


#: How much each bubble's caption says, fullest first: who links the group to others, its size and risk, its number.
CAPTIONS = ("links out", "size", "number")


def _caption(number: int, group: dict, name, detail: str = CAPTIONS[0]) -> str:
    if detail == "number":
        return f"Group {number}"
    text = f"Group {number}: {_size(group)}"
    text += f"\n{group['mix']['High']} at high risk" if group["mix"]["High"] else ""
    if group["connectors"] and detail == "links out":
        text += "\n" + textwrap.fill("Links out: " + ", ".join(name(n) for n in group["connectors"]), CAPTION_WRAP)
    return text


def _size(group: dict) -> str:
    places = group["mix"][PLACES]
    people = _count(len(group["members"]) - places, "person", "people")
    return f"{people}, {_count(places, 'place', 'places')}" if places else people


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _bubble(ax, centre, radius: float, mix: dict) -> None:
    """One group: a circle in slices, one per risk level (and places), each as wide as its share."""
    total = sum(mix.values()) or 1
    start = 90.0
    for key, count in mix.items():
        if not count:
            continue
        sweep = 360.0 * count / total
        fill = style.RISK_FILLS[key] if key in style.RISK_FILLS else style.PLACE_FILLS["Mixed"]
        ax.add_patch(Wedge(centre, radius, start, start + sweep, facecolor=fill, edgecolor="white",
                           linewidth=0.8, zorder=3))
        start += sweep
    ax.add_patch(Circle(centre, radius, facecolor="none", edgecolor=style.NODE_EDGE, linewidth=1.2, zorder=4))


def _heading(fig, network: Network, as_of, anonymise: bool, nodes: int, groups: int, keyed: bool = False) -> None:
    frame.heading(fig, network.settings["protective_marking"], f"{_title(network, anonymise)}: overview",
                  f"Map dated {as_of:%d/%m/%Y}    {nodes} people and places in {groups} groups; each group is drawn "
                  "in full on its own page" + ("; who links the groups: see the key beside this map" if keyed else ""))


def _title(network: Network, anonymise: bool) -> str:
    return "Peer network map (anonymised)" if anonymise else (network.settings["network_name"] or "Peer network map")


def _legend(fig) -> None:
    handles = [Patch(facecolor=style.RISK_FILLS[r], edgecolor=style.NODE_EDGE, label=f"{r} risk") for r in RISKS]
    handles.append(Patch(facecolor=style.PLACE_FILLS["Mixed"], edgecolor=style.NODE_EDGE, label="Places"))
    handles.append(Line2D([], [], color="#737373", linewidth=4, alpha=0.55,
                          label="Links between groups\n(thicker: more links)"))
    fig.legend(handles=handles, loc="upper left", frameon=True, fontsize=9.5, title="Each circle: one group",
               title_fontproperties={"weight": "bold", "size": 9.5}, borderpad=0.9, labelspacing=0.7,
               bbox_to_anchor=((WIDTH - 330) / WIDTH, (HEIGHT - 110) / HEIGHT))


#: Rows of groups on one page of the key, and where its columns start (pixels from the left).
KEY_ROWS = 60
KEY_COLUMNS = (("Group", 40), ("People and places", 130), ("At high risk", 330), ("Links out: who links the "
                                                                                 "group to others (their groups)", 440))


def key_file(named: Path, number: int, pages: int) -> Path:
    return named.with_name(f"{named.stem} - key{'' if pages == 1 else f' {number} of {pages}'}{named.suffix}")


def draw_key(network: Network, groups: list[dict], named: Path, as_of, anonymise: bool,
             view: labels.View) -> list[str]:
    """The key to an overview whose captions could not name who links each group to others: a table of every
    group, on as many pages as it takes, beside the overview. Returns the files' names."""
    pages = max(1, math.ceil(len(groups) / KEY_ROWS))
    files = []
    for page in range(pages):
        target = key_file(named, page + 1, pages)
        rows = [_key_row(k + 1, groups[k], view.label) for k in range(page * KEY_ROWS,
                                                                       min(len(groups), (page + 1) * KEY_ROWS))]
        safe.write_output(target, lambda temp, rows=rows, page=page: _key_page(
            network, rows, temp, as_of, anonymise, f" ({page + 1} of {pages})" if pages > 1 else ""))
        files.append(target.name)
    return files


#: Groups listed after a person in the key; more are counted ("and 9 more"), so that a row fits the page.
KEY_REACH = 8


def _key_row(number: int, group: dict, name) -> tuple[str, ...]:
    out = ", ".join(f"{name(n)} ({_groups_list(group['reach'][n])})" for n in group["connectors"])
    return f"Group {number}", _size(group), str(group["mix"]["High"]), out or "no links to other groups"


def _groups_list(numbers: list[int]) -> str:
    shown = ", ".join(str(g) for g in numbers[:KEY_REACH])
    return shown + (f" and {len(numbers) - KEY_REACH} more" if len(numbers) > KEY_REACH else "")


def _key_page(network: Network, rows: list[tuple[str, ...]], out: Path, as_of, anonymise: bool, part: str) -> None:
    with matplotlib.rc_context(frame.RC):
        fig = frame.figure(WIDTH, HEIGHT)
        frame.heading(fig, network.settings["protective_marking"], f"{_title(network, anonymise)}: key to the "
                      f"overview{part}",
                      f"Map dated {as_of:%d/%m/%Y}    Each group is drawn in full on its own page")
        top, step = HEIGHT - 125, (HEIGHT - 125 - 40) / (KEY_ROWS + 1)
        for (words, x) in KEY_COLUMNS:
            fig.text(x / WIDTH, top / HEIGHT, words, fontsize=9, fontweight="bold", va="top")
        for r, row in enumerate(rows, start=1):
            for value, (_, x) in zip(row, KEY_COLUMNS):
                fig.text(x / WIDTH, (top - r * step) / HEIGHT, value, fontsize=9, va="top")
        frame.rendered(fig, out, False, DPI)


def _save(fig, out: Path, png_copy: bool) -> bytes | None:
    from peermap_xl.draw import frame

    return frame.rendered(fig, out, png_copy, DPI)


def minutes_pictures(network: Network, folder: Path, day, anonymise: bool = False,
                     banner: str | None = None, workers: int = 1,
                     progress: Progress = quiet) -> list[tuple[Path, str]]:
    """The map pictures the minutes carry, drawn into `folder`, as [(picture, caption)]: the map (for a
    large network its overview) first, then the page of each group with a young person at high risk."""
    picture = Path(folder) / "map.png"
    subjects = network.active_subjects
    high = set(subjects["id"][(subjects["type"] == "Young person") & (subjects["risk_level"] == "High")])
    drawn = draw(network, picture, day, anonymise, wanted=lambda members: bool(members & high), banner=banner,
                 workers=workers, progress=progress)
    out = [(picture, f"Map dated {day:%d/%m/%Y}. Key: see the legend on the map.")]
    keys = drawn.get("key", []) if isinstance(drawn, dict) else []
    out += [(picture.with_name(name), f"Key to the overview{f' ({k} of {len(keys)})' if len(keys) > 1 else ''}: "
             "each group's size and risk, and who links it to other groups.") for k, name in enumerate(keys, start=1)]
    for page in drawn.get("pages", []) if isinstance(drawn, dict) else []:
        at_risk = _count(len({n["id"] for n in page["nodes"]} & high), "young person", "young people")
        out.append((picture.with_name(page["file"]),
                    f"Group {page['page']} of {page['of']} in full: {at_risk} at high risk."))
    return out
