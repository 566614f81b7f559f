"""The network as a graph: active subjects and contexts, joined by their live links."""

from __future__ import annotations

import networkx as nx

from peermap_xl.model import Network

PLACE = "place"


def build(network: Network) -> nx.MultiGraph:
    """One node per active subject or context, one edge per live link (parallel links kept)."""
    graph = nx.MultiGraph()
    for _, person in network.active_subjects.iterrows():
        graph.add_node(person["id"], kind=person["type"] if isinstance(person["type"], str) else "Unknown",
                       risk=person["risk_level"], row=person["row"])
    for _, place in network.active_contexts.iterrows():
        graph.add_node(place["id"], kind=PLACE, nature=place["nature"], row=place["row"])
    for _, link in network.live_links.iterrows():
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


def brokers(graph: nx.MultiGraph) -> dict[str, float]:
    """Betweenness centrality: the share of shortest paths between others that pass through each node."""
    return nx.betweenness_centrality(nx.Graph(graph))


def splits(graph: nx.MultiGraph) -> dict[str, int]:
    """{node: how many parts its component falls into without it}, for nodes that split it."""
    simple = nx.Graph(graph)
    out = {}
    for node in nx.articulation_points(simple):
        component = nx.node_connected_component(simple, node) - {node}
        out[node] = nx.number_connected_components(simple.subgraph(component))
    return out
