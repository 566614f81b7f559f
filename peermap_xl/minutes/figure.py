"""Figure 1 of the guidance for one young person: concerns, places, peers, contacts, questions, their view."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from peermap_xl.contract import domain
from peermap_xl.record import labels, model
from peermap_xl.record.model import Network, rows

FIGURE_ONE_ROWS = ("Current concerns - vulnerabilities", "Current linked contexts", "Linked peers / peer group",
                   "Key contacts", "Key questions", "The young person's own view")


def figure_one(network: Network, person_id: str, anonymise: bool = False, on: dt.date | None = None,
               view: labels.View | None = None, person: dict | None = None) -> dict:
    """The Figure 1 matrix for one young person: {row title: [entries]} (their own view only when recorded)."""
    view = view or labels.View(network, anonymise)
    person = person or rows(network.subjects[network.subjects["id"] == person_id])[0]
    today = pd.Timestamp(on or domain.today())
    mine = _links_by_person(network).get(person_id, [])
    context_ids = model.once(network, "context IDs", network.contexts, lambda: set(network.contexts["id"]))
    places = [_link_line(view, link, person_id, network, today) for link in mine
              if _other(link, person_id) in context_ids]
    peers = [_link_line(view, link, person_id, network, today) for link in mine
             if _other(link, person_id) not in context_ids]
    linked_places = {_other(link, person_id) for link in mine} & context_ids
    matrix = {
        FIGURE_ONE_ROWS[0]: list(dict.fromkeys(view.text(item) for item in model.split_list(person["concerns"]))),
        FIGURE_ONE_ROWS[1]: places,
        FIGURE_ONE_ROWS[2]: peers,
        FIGURE_ONE_ROWS[3]: _contacts(network, view, person, linked_places),
        FIGURE_ONE_ROWS[4]: _questions(network, view, {person_id} | linked_places, {link["id"] for link in mine}),
    }
    own_view = _own_view(network, view, person_id)
    if own_view:
        matrix[FIGURE_ONE_ROWS[5]] = own_view
    return matrix


def _links_by_person(network: Network) -> dict[str, list[dict]]:
    """{person: their live links, in the sheet's order}, worked out once for all the young people."""
    def make():
        out: dict[str, list[dict]] = {}
        for link in rows(network.live_links):
            for end in dict.fromkeys((link["from_id"], link["to_id"])):
                out.setdefault(end, []).append(link)
        return out

    return model.once(network, "links by person", network.live_links, make)


def _other(link: dict, person_id: str) -> str:
    return link["to_id"] if link["from_id"] == person_id else link["from_id"]


def _link_line(view: labels.View, link: dict, person_id: str, network: Network, today) -> str:
    """ "Male B – close friend (protective; anecdotal; stale)"."""
    how = view.choice(link["relationship"], "Relationship").lower() or "linked"
    marks = [link["nature"].lower() if isinstance(link["nature"], str) else "nature not known"]
    if link["evidence"] == "Anecdotal":
        marks.append("anecdotal")
    if network.is_stale(link, today):
        marks.append("stale")
    return f"{view.label(_other(link, person_id))} \u2013 {how} ({'; '.join(marks)})"


def _contacts(network: Network, view: labels.View, person: dict, linked_places: set[str]) -> list[str]:
    """The allocated worker once, then each contact who knows the young person or their places
    (in the anonymised version, only how many)."""
    worker = person["allocated_worker"] if isinstance(person["allocated_worker"], str) else ""
    seen = {model.person_key(worker)} if worker.strip() else set()  # "Priya Nair (SW)" is contact Priya Nair
    others = []
    contacts, by_record = model.once(network, "contacts by record", network.contacts,
                                     lambda: _contacts_by_record(network))
    for i in sorted({i for rid in {person["id"]} | linked_places for i in by_record.get(rid, ())}):
        contact = contacts[i]
        name = model.person_key(contact["name"])
        if name not in seen:
            seen.add(name)
            role = ", ".join(p for p in (view.text(contact["role"]), view.text(contact["agency"])) if p)
            others.append(f"{view.text(contact['name'])} ({role})" if role else view.text(contact["name"]))
    if view.anonymise:
        counted = [f"{len(others)} key contact{'s' if len(others) > 1 else ''} (names, roles and agencies "
                   f"{labels.WITHHELD})"] if others else []
        return (["Allocated worker (name withheld)"] if seen and worker.strip() else []) + counted
    return ([f"{view.text(worker)} (allocated worker)"] if worker.strip() else []) + others


def _contacts_by_record(network: Network) -> tuple[list[dict], dict[str, list[int]]]:
    """The contacts, and which of them (by position) hold information on each person and place."""
    contacts = rows(network.contacts)
    by_record: dict[str, list[int]] = {}
    for i, contact in enumerate(contacts):
        for rid in {rid for ref in contact["for"] for rid in network.resolve(ref)}:
            by_record.setdefault(rid, []).append(i)
    return contacts, by_record


def _questions(network: Network, view: labels.View, about_ids: set[str], link_ids: set[str]) -> list[str]:
    """Open questions about the young person, a place they are linked to, or a link they are part of."""
    questions, by_record, by_link = model.once(network, "questions by record", network.open_questions,
                                               lambda: _questions_by_record(network))
    found = {i for rid in about_ids | link_ids for i in by_record.get(rid, ())}
    found |= {i for lid in link_ids for i in by_link.get(lid, ())}
    return [f"{questions[i]['id']}: {view.text(questions[i]['question'])}" for i in sorted(found)]


def _questions_by_record(network: Network) -> tuple[list[dict], dict[str, list[int]], dict[str, list[int]]]:
    """The open questions, and which of them (by position) are about each person or place and each link
    named in their About: looked up for each young person, not searched through for each."""
    questions = rows(network.open_questions)
    by_record: dict[str, list[int]] = {}
    by_link: dict[str, list[int]] = {}
    for i, gap in enumerate(questions):
        for rid in {rid for ref in gap["about"] for rid in network.resolve(ref)}:
            by_record.setdefault(rid, []).append(i)
        for ref in {model.normalise_id(ref) for ref in gap["about"]}:
            by_link.setdefault(ref, []).append(i)
    return questions, by_record, by_link


def _own_view(network: Network, view: labels.View, person_id: str) -> list[str]:
    """From the Direct work sheet: who they say would help them, and the strategy agreed with them."""
    work = network.direct_work
    by_person = model.once(network, "direct work", work, lambda: {
        pid: rows(work[work["young_person_id"] == pid]) for pid in work["young_person_id"].dropna().unique()})
    mine = by_person.get(person_id, [])
    helpers = [view.text(r["peer"]) for r in mine if str(r["would_help_if_in_trouble"]).casefold() == "yes"]
    strategies = [view.text(r["strategy"]) for r in mine if isinstance(r["strategy"], str)]
    out = [f"Would help if in trouble: {', '.join(helpers)}"] if helpers else []
    return out + [f"Strategy: {s}" for s in strategies]
