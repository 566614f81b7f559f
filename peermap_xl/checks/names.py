"""Names: a person typed by another of their names, and one person on two sheets."""

from __future__ import annotations

from collections.abc import Iterator

from peermap_xl.checks.core import INFO, WARNING, Context, Hit, blank, rows, rule, typed
from peermap_xl.checks.integrity import endpoint_cells
from peermap_xl.contract import schema
from peermap_xl.record.model import person_key, split_known

#: How the resolver found someone, as a practitioner would say it (Resolver.how); an ID, a pick or the exact
#: name needs no remark.
_OTHER_NAMES = {"known as": "their Known as", "earlier name": "the name they had before",
                "first name or surname": "a first name or surname only they have"}


@rule("PM111", "named-by-other-name", INFO, "A reference names someone by another of their names",
      """A link, contact, question or incident may name a person by their Known as ("Rico"), a name they had
      before they were identified, or a first name only one person has. peermap takes it to be that person,
      and says so, so the team can check it is the person they meant; picking them from the drop-down makes
      it certain.""")
def named_by_other_name(ctx: Context) -> Iterator[Hit]:
    for sheet, record, column, ref, _ in endpoint_cells(ctx):
        if blank(ref):
            continue
        how, ids = _OTHER_NAMES.get(ctx.network.resolved_how(ref)), ctx.network.resolve(ref)
        if how and len(ids) == 1:  # two people known by one name: PM104 asks which
            rid = ids[0]
            yield Hit(sheet, record["row"], record.get("id"), column,
                      f"{column}{typed(ref)} is taken to be {rid} {ctx.label(rid)}, by {how}. "
                      "If that is not who was meant, pick the right person from the drop-down.")


@rule("PM310", "invited-subject", WARNING, "A contact invited to sessions is also a person on the map",
      """The subject list and the minutes go to the contacts invited; a person discussed on the map should
      not receive them. The same name on Contacts and Subjects is either one person (a coach who is also a
      protective adult) or two people who share a name: check which, and take them off Invite to if they are
      on the map.""")
def invited_subject(ctx: Context) -> Iterator[Hit]:
    on_map = _names_on_map(ctx)
    for contact in rows(ctx.network.contacts):
        if not contact["invite_to"]:
            continue
        rid = on_map.get(person_key(contact["name"]))
        if rid:
            yield Hit(schema.CONTACTS.name, contact["row"], contact.get("id"), "Invite to",
                      f"Contact {contact.get('id') or ''} is invited to sessions and has the name of {rid} "
                      f"{ctx.label(rid)}, who is on the map. Is this the same person? If so, take them off "
                      "Invite to: a person on the map is discussed, not sent the subject list.")


def _names_on_map(ctx: Context) -> dict[str, str]:
    """{a name an active person goes by, as person_key compares it: their ID}, names two people share left out."""
    found: dict[str, set[str]] = {}
    for person in rows(ctx.network.active_subjects):
        for key in {person_key(n) for n in [person["name"], *split_known(person.get("known_as"))]} - {""}:
            found.setdefault(key, set()).add(person["id"])
    return {name: next(iter(ids)) for name, ids in found.items() if len(ids) == 1}
