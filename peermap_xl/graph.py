"""The network as a graph: active subjects and contexts, joined by their live links."""

from __future__ import annotations

import networkx as nx

from peermap_xl.model import Network, rows

PLACE = "place"


def build(network: Network) -> nx.MultiGraph:
    """One node per active subject or context, one edge per live link (parallel links kept)."""
    graph = nx.MultiGraph()
    for person in rows(network.active_subjects):
        graph.add_node(person["id"], kind=person["type"] if isinstance(person["type"], str) else "Unknown",
                       risk=person["risk_level"], row=person["row"])
    for place in rows(network.active_contexts):
        graph.add_node(place["id"], kind=PLACE, nature=place["nature"], row=place["row"])
    for link in rows(network.live_links):
        graph.add_edge(link["from_id"], link["to_id"], key=link["id"], source=link["from_id"],
                       relationship=link["relationship"], nature=link["nature"], influence=link["influence"],
                       evidence=link["evidence"])
    return graph


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
EXACT_BETWEENNESS_NODES = 300


def brokers(graph: nx.MultiGraph) -> dict[str, float]:
    """Betweenness centrality: the share of shortest paths between others that pass through each node."""
    simple = nx.Graph(graph)
    sample = EXACT_BETWEENNESS_NODES if len(simple) > EXACT_BETWEENNESS_NODES else None
    return nx.betweenness_centrality(simple, k=sample, seed=0)


def splits(graph: nx.MultiGraph) -> dict[str, int]:
    """{node: how many parts its component falls into without it}, for nodes that split it."""
    simple = nx.Graph(graph)
    out = {}
    for node in nx.articulation_points(simple):
        component = nx.node_connected_component(simple, node) - {node}
        out[node] = nx.number_connected_components(simple.subgraph(component))
    return out


def groups(graph: nx.MultiGraph, smallest: int = 3) -> list[set[str]]:
    """The network's groups (communities by modularity), largest first; empty when there is only one."""
    simple = nx.Graph(graph)
    if simple.number_of_edges() == 0:
        return []
    found = [set(c) for c in nx.community.greedy_modularity_communities(simple) if len(c) >= smallest]
    found.sort(key=lambda c: (-len(c), min(c)))
    return found if len(found) > 1 else []
