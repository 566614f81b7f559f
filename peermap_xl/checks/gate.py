"""Record errors that would make an output merge or drop a person, and what to do about them.

Two rows sharing an ID, or a reference that names nobody or two people, would make a map, the
minutes or the subject list show one person in another's place, or leave a child out. Such an
output is refused with the findings listed, unless the team asks to go on (`--despite-errors`):
then every person is shown (rows sharing an ID are told apart) and the output carries a banner.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from peermap_xl.contract.errors import Refused
from peermap_xl.record import model

#: The rules whose findings mean an output could merge or drop a person.
IDENTITY_RULES = ("duplicate-id", "unknown-endpoint", "ambiguous-endpoint")
_PEOPLE_SHEETS = ("Subjects", "Contexts", "Links")


class RecordHasErrors(Refused):
    """An output refused because the record has identity errors (the CLI exits 1)."""

    def __init__(self, output: str, findings: list):
        self.findings = findings
        listed = "; ".join(f"{f.sheet} row {f.row}: {f.message}" if f.row else f.message for f in findings)
        super().__init__(f"The {output} was not written: this record has errors that would merge or leave out "
                         f"a person. {listed}. Correct them (peermap check lists them), or add "
                         "--despite-errors to write it with every person shown and a warning banner.")


def identity_errors(network: model.Network, as_of: dt.date, anonymise: bool = False) -> list:
    """The findings of the identity rules, worded as the output will word them."""
    from peermap_xl import checks

    wanted = [r for r in checks.RULES if r.slug in IDENTITY_RULES]
    ctx = checks.Context(network, as_of)
    found = [checks.Finding(r.slug, r.code, r.severity, hit.sheet, None if hit.row is None else int(hit.row),
                            hit.id, hit.column, hit.message) for r in wanted for hit in r.check(ctx)
             if hit.sheet in _PEOPLE_SHEETS]
    return checks.render(found, network, anonymise)


def guarded(network: model.Network, output: str, as_of: dt.date, anonymise: bool,
            despite_errors: bool) -> tuple[model.Network, list]:
    """The network to draw from and the errors to show in a banner; refused when there are errors."""
    errors = identity_errors(network, as_of, anonymise)
    if errors and not despite_errors:
        raise RecordHasErrors(output, errors)
    return (everyone_apart(network) if errors else network), errors


def banner(errors: list, longest: int = 150) -> str | None:
    """The one-line banner for a picture: "This record has errors (2): ..."; None when there are none."""
    if not errors:
        return None
    text = f"This record has errors ({len(errors)}): " + " ".join(f.message for f in errors)
    return text if len(text) <= longest else text[:longest - 25].rsplit(" ", 1)[0] + " ... (see peermap check)"


def everyone_apart(network: model.Network) -> model.Network:
    """The network with rows that share an ID told apart ("S03", "S03 (row 9)"), links re-resolved:
    a link naming a shared ID then names nobody for certain, and is left off rather than guessed."""
    frames = dict(network.frames)
    for sheet in ("Subjects", "Contexts"):
        frame = frames[sheet].copy()
        again = frame["id"].duplicated(keep="first") & frame["id"].notna()
        frame.loc[again, "id"] = [f"{rid} (row {row})" for rid, row in zip(frame.loc[again, "id"],
                                                                             frame.loc[again, "row"])]
        frames[sheet] = frame
    shared = {rid for sheet in ("Subjects", "Contexts") for rid in network.frames[sheet]["id"][
        network.frames[sheet]["id"].duplicated()]}
    links = frames["Links"].copy()
    for end in ("from_id", "to_id"):
        links[end] = [None if rid in shared else rid for rid in links[end]]
    frames["Links"] = links
    return dataclasses.replace(network, frames=frames)
