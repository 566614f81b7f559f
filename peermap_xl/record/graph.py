"""The network as a graph: active subjects and contexts, joined by their live links."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

import numpy as np

from peermap_xl.contract import domain
from peermap_xl.record.labels import id_order
from peermap_xl.record.model import Network, rows

PLACE = "place"


class _Networkx:
    """networkx, imported on first use: the checks of a meeting-sized network never need it."""

    def __getattr__(self, name: str):
        import networkx

        return getattr(networkx, name)


nx = _Networkx()


class Plain:
    """The graph `build` makes, as plain dicts, for code that only walks it (the checks' rules): nodes with
    their data (`graph.nodes[n]`), edges `(a, b)` or `(a, b, data)` as networkx's MultiGraph gives them."""

    def __init__(self):
        self.nodes: dict[str, dict] = {}
        self._edges: list[tuple[str, str, dict]] = []
        self.graph: dict = {}  # the graph's own data, as networkx keeps it

    def add_node(self, node: str, **data) -> None:
        self.nodes.setdefault(node, {}).update(data)

    def add_edge(self, a: str, b: str, key=None, **data) -> None:
        for node in (a, b):
            self.nodes.setdefault(node, {})
        self._edges.append((a, b, data))

    def __iter__(self) -> Iterator[str]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def edges(self, data: bool = False) -> list[tuple]:
        return list(self._edges) if data else [(a, b) for a, b, _ in self._edges]

    def neighbours(self) -> dict[str, set[str]]:
        """{node: the nodes it shares a link with (itself left out)}."""
        return adjacency(self.nodes, self.edges())


def adjacency(nodes: Iterable[str], edges: Iterable[tuple]) -> dict[str, set[str]]:
    """{node: its neighbours} of an undirected graph given as nodes and (a, b) edges (self-links left out)."""
    out: dict[str, set[str]] = {n: set() for n in nodes}
    for a, b, *_ in edges:
        if a != b:
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return out


def components(adjacent: dict[str, set[str]], within: set[str] | None = None) -> list[set[str]]:
    """The connected parts of the graph (or of the part of it `within` those nodes), in the order of their
    first node, as networkx's connected_components gives them."""
    seen: set[str] = set()
    found = []
    for start in adjacent:
        if start in seen or (within is not None and start not in within):
            continue
        part, todo = {start}, [start]
        while todo:
            for other in adjacent[todo.pop()]:
                if other not in part and (within is None or other in within):
                    part.add(other)
                    todo.append(other)
        seen |= part
        found.append(part)
    return found


def cut_points(adjacent: dict[str, set[str]]) -> set[str]:
    """The nodes whose removal splits their connected part (articulation points), by one depth-first search
    (Hopcroft and Tarjan), without recursion."""
    depth: dict[str, int] = {}
    low: dict[str, int] = {}
    cuts: set[str] = set()
    for root in adjacent:
        if root in depth:
            continue
        depth[root] = low[root] = 0
        children, stack = 0, [(root, None, iter(adjacent[root]))]
        while stack:
            node, parent, todo = stack[-1]
            child = next(todo, None)
            if child is None:
                stack.pop()
                if parent is not None:
                    low[parent] = min(low[parent], low[node])
                    if low[node] >= depth[parent] and parent != root:
                        cuts.add(parent)
            elif child not in depth:
                depth[child] = low[child] = depth[node] + 1
                children += node == root
                stack.append((child, node, iter(adjacent[child])))
            elif child != parent:
                low[node] = min(low[node], depth[child])
        if children > 1:
            cuts.add(root)
    return cuts


def plain(network: Network) -> Plain:
    """The graph of `build`, without networkx."""
    return _fill(Plain(), network)


def build(network: Network) -> nx.MultiGraph:
    """One node per active subject or context, one edge per live link (parallel links kept)."""
    return _fill(nx.MultiGraph(), network)


def _fill(graph, network: Network):
    for person in rows(network.active_subjects):
        graph.add_node(person["id"], kind=person["type"] if isinstance(person["type"], str) else "Unknown",
                       risk=person["risk_level"], row=person["row"])
    for place in rows(network.active_contexts):
        graph.add_node(place["id"], kind=PLACE, nature=place["nature"], row=place["row"])
    for link in rows(network.live_links):
        graph.add_edge(link["from_id"], link["to_id"], key=link["id"], source=link["from_id"],
                       relationship=link["relationship"], nature=link["nature"], influence=link["influence"],
                       evidence=link["evidence"])
    graph.graph["earlier_links"] = earlier_links(network)
    return graph


def earlier_links(network: Network) -> list[tuple[str, str]]:
    """The live links of the last snapshot (History): the network as the previous session's map showed it,
    whose groups the groups drawn now keep their numbers from."""
    history = network.history
    if history is None or not len(history) or "taken_on" not in history:
        return []
    links = history[(history["record"] == "Link") & history["taken_on"].notna()]
    if not len(links):
        return []
    last = links.sort_values(["taken_on", "row"]).iloc[-1]["session"]
    links = links[(links["session"] == last) & links["status"].map(domain.link_on_map)]
    return [(a, b) for a, b in zip(links["from"], links["to"]) if isinstance(a, str) and isinstance(b, str)]


def leaders(graph: nx.MultiGraph) -> dict[str, set[str]]:
    """{person: the people they lead}, from each link's Influence (From leads / To leads)."""
    led: dict[str, set[str]] = {}
    for a, b, data in graph.edges(data=True):
        frm = data["source"]
        to = b if frm == a else a
        leader, follower = {"From leads": (frm, to), "To leads": (to, frm)}.get(data["influence"], (None, None))
        if leader and graph.nodes[follower]["kind"] != PLACE:
            led.setdefault(leader, set()).add(follower)
    return led


#: Above this many nodes, betweenness is estimated from a fixed sample of sources (exact below).
EXACT_BETWEENNESS_NODES = 2000
SAMPLED_SOURCES = 500


def brokers(graph: nx.MultiGraph) -> dict[str, float]:
    """Betweenness centrality: the share of shortest paths between others that pass through each node
    (as networkx's betweenness_centrality, normalised; above EXACT_BETWEENNESS_NODES, from the same
    sample of sources networkx would draw with seed 0)."""
    nodes = list(graph)  # a MultiGraph or a Plain graph: parallel links count once
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    index = {v: i for i, v in enumerate(nodes)}
    pairs = np.array(sorted({(min(index[a], index[b]), max(index[a], index[b])) for a, b in graph.edges() if a != b}),
                     dtype=np.int64).reshape(-1, 2)
    adjacency = _adjacency(n, np.concatenate([pairs, pairs[:, ::-1]]))
    sampled = n > EXACT_BETWEENNESS_NODES
    sources = [index[v] for v in random.Random(0).sample(nodes, SAMPLED_SOURCES)] if sampled else list(range(n))
    total = np.zeros(n)
    for start in range(0, len(sources), 256):
        total += _dependencies(adjacency, np.array(sources[start:start + 256]))
    if not sampled:
        return dict(zip(nodes, (total / ((n - 1) * (n - 2))).tolist()))
    k, scale = len(sources), np.full(n, 1 / (len(sources) * (n - 2)))
    scale[sources] = 1 / ((k - 1) * (n - 2))
    return dict(zip(nodes, (total * scale).tolist()))


#: Up to this many nodes the adjacency matrix is a plain array: the check of a meeting-sized network
#: does not pay for importing scipy.
DENSE_NODES = 500


def _adjacency(n: int, ends: np.ndarray):
    if n <= DENSE_NODES:
        matrix = np.zeros((n, n))
        matrix[ends[:, 0], ends[:, 1]] = 1.0
        return matrix
    from scipy.sparse import csr_array

    return csr_array((np.ones(len(ends)), (ends[:, 0], ends[:, 1])), shape=(n, n))


def _dependencies(adjacency, sources: np.ndarray) -> np.ndarray:
    """Brandes' dependency of each node, summed over `sources`: breadth-first search for many sources
    at once, as sparse matrix products (no Python loop over nodes)."""
    n, columns = adjacency.shape[0], np.arange(len(sources))
    paths = np.zeros((n, len(sources)))
    paths[sources, columns] = 1.0
    depth = np.full((n, len(sources)), -1, dtype=np.int32)
    depth[sources, columns] = 0
    frontier, level = paths.copy(), 0
    while frontier.any():
        reached = adjacency @ frontier
        reached[depth >= 0] = 0.0
        level += 1
        depth[reached > 0] = level
        paths += reached
        frontier = reached
    dependency = np.zeros_like(paths)
    for d in range(level - 1, 0, -1):
        share = np.where(depth == d + 1, (1.0 + dependency) / np.where(paths > 0, paths, 1.0), 0.0)
        dependency += np.where(depth == d, paths * (adjacency @ share), 0.0)
    return dependency.sum(axis=1)


def splits(graph: nx.MultiGraph) -> dict[str, int]:
    """{node: how many parts its component falls into without it}, for nodes that split it: the number
    of blocks (biconnected parts) it belongs to, from one depth-first search."""
    blocks: dict[str, int] = {}
    for block in nx.biconnected_components(nx.Graph(graph)):
        for node in block:
            blocks[node] = blocks.get(node, 0) + 1
    return {node: count for node, count in blocks.items() if count > 1}


#: Up to this many nodes, groups are found by greedy modularity (as drawn so far); above it by Louvain,
#: whose cost grows gently (greedy modularity takes minutes at 5,000 people).
GREEDY_GROUP_NODES = 300


def groups(graph: nx.MultiGraph, smallest: int = 3, earlier: list[set[str]] | None = None) -> list[set[str]]:
    """The network's groups (communities by modularity); empty when there is only one. The same links give the
    same groups whatever the order of the rows (nodes and links taken in ID order), and a connected part of
    the network whose links did not change keeps its groups when links elsewhere change (each part is
    grouped on its own). Numbered (listed) as the `earlier` groups were, by most members shared: by default
    the groups of the last snapshot's links (`build` keeps them); new groups after, largest first."""
    simple = nx.Graph(graph)
    found = _canonical_groups(simple, smallest)
    if len(found) < 2:
        return []
    if earlier is None:
        before = nx.Graph(graph.graph.get("earlier_links", []))
        if not len(before) or _same_links(before, simple):  # no snapshot, or no change since: as found
            return found
        earlier = _canonical_groups(_canonical(before), smallest)
    return _numbered(found, earlier)


def _same_links(one: nx.Graph, other: nx.Graph) -> bool:
    def pairs(g: nx.Graph) -> set[frozenset]:
        return {frozenset(e) for e in g.edges()}

    return set(one) == set(other) and pairs(one) == pairs(other)


def _canonical(simple: nx.Graph) -> nx.Graph:
    """The same graph with its nodes and edges added in ID order (community detection depends on the order)."""
    rank = {node: i for i, node in enumerate(sorted(simple, key=id_order))}
    out = nx.Graph()
    out.add_nodes_from(rank)
    ends = ((a, b) if rank[a] <= rank[b] else (b, a) for a, b in simple.edges())
    out.add_edges_from(sorted(ends, key=lambda e: (rank[e[0]], rank[e[1]])))
    return out


def _canonical_groups(simple: nx.Graph, smallest: int) -> list[set[str]]:
    """Groups of at least `smallest` found in each connected part on its own, in ID order."""
    rank = {node: i for i, node in enumerate(sorted(simple, key=id_order))}
    found = []
    for part in sorted(nx.connected_components(simple), key=lambda c: min(rank[n] for n in c)):
        if len(part) < smallest:
            continue
        piece = _canonical(simple.subgraph(part))
        found += [set(c) for c in (_communities(piece) if piece.number_of_edges() else [part]) if len(c) >= smallest]
    return sorted(found, key=lambda c: (-len(c), min(rank[n] for n in c)))


def _numbered(found: list[set[str]], earlier: list[set[str]]) -> list[set[str]]:
    """`found` listed in the order of the earlier group each shares most members with (each earlier group
    claimed once, most shared first); groups new since after them."""
    pairs = sorted(((len(g & e), -i, j) for i, e in enumerate(earlier) for j, g in enumerate(found) if g & e),
                   reverse=True)
    place: dict[int, int] = {}
    for _, minus_i, j in pairs:
        if j not in place and -minus_i not in place.values():
            place[j] = -minus_i
    ordered = sorted(range(len(found)), key=lambda j: (j not in place, place.get(j, 0), j))
    return [found[j] for j in ordered]


def _communities(simple: nx.Graph) -> list[set]:
    numbered, names = _numbered_graph(simple)
    if len(simple) <= GREEDY_GROUP_NODES:
        found = nx.community.greedy_modularity_communities(numbered)
    else:
        found = nx.community.louvain_communities(numbered, seed=0)
    return [{names[i] for i in c} for c in found]


def _louvain_levels(simple: nx.Graph) -> list[list[set[str]]]:
    """Louvain's groups at each level it passed through, finest first, the same in every process."""
    numbered, names = _numbered_graph(simple)
    return [[{names[i] for i in c} for c in level] for level in nx.community.louvain_partitions(numbered, seed=0)]


def _numbered_graph(simple: nx.Graph) -> tuple[nx.Graph, list[str]]:
    """(the graph with its nodes numbered in ID order and its links added in that order, the IDs by number).
    Community detection walks sets of nodes: over IDs that order follows Python's hashing of text, which
    differs from one process to the next (so would the groups); over numbers it is the same every time."""
    names = sorted(simple, key=id_order)
    number = {n: i for i, n in enumerate(names)}
    out = nx.Graph()
    out.add_nodes_from(range(len(names)))
    out.add_edges_from(sorted(tuple(sorted((number[a], number[b]))) for a, b in simple.edges()))
    return out, names


def pages(graph: nx.MultiGraph, most: int) -> list[set[str]]:
    """Every node on one page of at most `most` nodes (where the links allow): the network's groups (Louvain);
    a group too large is cut along the finer groups Louvain found on its way, packed into as few pages as
    fit; lone people and pairs gathered. One run of Louvain, whatever the size. Largest first."""
    simple = nx.Graph(graph)
    if simple.number_of_edges() == 0:
        return _gathered([{n} for n in simple], most)
    levels = _louvain_levels(simple)
    finest = levels[0]
    out, small = [], []
    for group in levels[-1]:
        if len(group) > most:
            out += _gathered([part for piece in finest if piece <= group for part in _cut(simple, set(piece), most)],
                             most)
        elif len(group) < 3:
            small.append(set(group))
        else:
            out.append(set(group))
    return sorted(out + _gathered(small, most), key=lambda c: (-len(c), min(c)))


def _cut(simple: nx.Graph, piece: set[str], most: int) -> list[set[str]]:
    """A piece too large for a page cut by its own groups (Louvain on it alone), as often as needed."""
    if len(piece) <= most:
        return [piece]
    inner = simple.subgraph(piece)
    parts = _louvain_levels(inner)[-1] if inner.number_of_edges() else []
    if len(parts) < 2:
        return [piece]
    return [p for part in parts for p in _cut(simple, part, most)]


def _gathered(parts: list[set[str]], most: int) -> list[set[str]]:
    """The parts packed into as few pages of at most `most` nodes as first-fit, largest part first, finds."""
    bins: list[set[str]] = []
    for part in sorted(parts, key=lambda p: (-len(p), min(p))):
        home = next((b for b in bins if len(b) + len(part) <= most), None)
        if home is None:
            bins.append(set(part))
        else:
            home |= part
    return bins
