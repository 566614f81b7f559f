"""What the Check button writes back, worked out once for both doors (file and Excel).

`plan` returns the findings and the changes to make: the Flags of each link,
the questions to suggest on Gaps, the IDs peermap numbered, and the rows of
the Checks sheet with the cell each one points at. Running it on a workbook
that already holds its own plan changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from openpyxl.utils.cell import get_column_letter

from peermap_xl.checks import RULES, Finding, counts, evaluate, render
from peermap_xl.contract import domain, schema
from peermap_xl.record import model
from peermap_xl.record.model import Network
from peermap_xl.record.model import rows as rows_of

CHECKS_SHEET = "Checks"
CHECKS_HEADERS = ("Severity", "Sheet", "Row", "ID", "Column", "Message", "Rule", "Code", "Go to")
_FLAGS = {r.slug: r.flag for r in RULES if r.flag}


@dataclass
class CheckRecord:
    as_of: dt.date
    findings: list[Finding]
    flags: dict[int, str | None]  # Links worksheet row -> the Flags text (None: no flags)
    new_gaps: list[tuple[int, dict]]  # (worksheet row, {header: value}) to add to Gaps
    filled_ids: list[tuple[str, int, str]]  # (sheet, worksheet row, ID) for IDs left blank
    tokened: list[Finding] = field(default_factory=list)  # the findings before wording (checks.render)
    due_next: list[list] | None = None  # the Due next block for Start here (due.sheet_rows)
    known_as: list[dict] | None = None  # History rows keeping the earlier names of renamed people and places
    earlier_names: list[tuple[str, int, str, str]] | None = None  # (sheet, row, column, "Name (ID)"): old names
    withdrawn: list[tuple[dict, str]] = field(default_factory=list)  # (Gaps row, why): suggestions taken back
    reworded: list[tuple[dict, str]] = field(default_factory=list)  # (Gaps row, its question as it reads now)

    def worded(self, network: Network, anonymise: bool = False) -> list[Finding]:
        """The findings worded for an output (codes when anonymised), without running the rules again."""
        return render(self.tokened, network, anonymise) if anonymise else self.findings

    @property
    def title(self) -> str:
        n = counts(self.findings)
        return (f"Checks as of {self.as_of:%d/%m/%Y}: {_count(n['error'], 'error')}, "
                f"{_count(n['warning'], 'warning')}, {n['info']} for information")


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def plan(network: Network, as_of: dt.date) -> CheckRecord:
    """The findings on `network`, and what recording them in the workbook changes."""
    filled = [(sheet.name, int(row), rid) for sheet in schema.DATA_SHEETS if sheet.id_prefix
              and not any(map(model.is_unknown_id, network.frames[sheet.name]["id"]))  # it may be the unknown one
              for row, rid, auto in zip(*(network.frames[sheet.name][k] for k in ("row", "id", "auto_id")))
              if auto]
    new_gaps: list[tuple[int, dict]] = []
    withdrawn: list[tuple[dict, str]] = []
    reworded: list[tuple[dict, str]] = []

    def suggest(found: list[Finding]) -> None:  # before the rules that read Gaps: they check these too
        withdrawn.extend(withdrawn_suggestions(network, found))
        reworded.extend(reworded_suggestions(network, render(found, network)))
        new_gaps.extend(_suggested_gaps(network, render(found, network), as_of))
        if new_gaps:
            model.add_records(network, schema.GAPS, new_gaps)

    tokened = evaluate(network, as_of, suggest)
    findings = render(tokened, network)
    flags: dict[int, list[str]] = {int(row): [] for row in network.links["row"]}
    for f in findings:
        word = _FLAGS.get(f.rule)
        if f.sheet == schema.LINKS.name and word and f.row in flags and word not in flags[f.row]:
            flags[f.row].append(word)
    from peermap_xl.record import due, history

    return CheckRecord(as_of, findings, {row: "; ".join(words) or None for row, words in flags.items()},
                       new_gaps, filled, tokened, due.sheet_rows(network, as_of), history.renames(network, as_of),
                       history.earlier_name_refs(network), withdrawn, reworded)


def _question_key(text) -> str:
    return " ".join(str(text).split()).casefold()


_SERVICES = re.compile(r"\bwhat do (.+?) services know\b")


def _asking(network: Network, question, about) -> tuple[frozenset[str], str]:
    """What a question asks, to tell one asked already: (the people and places it is about, what it asks: who
    they are, what another area's services know, or else its words). "Who is Rico?" about S05 and peermap's
    "Who is the unknown adult male ('Rico')?" about S05 ask the same."""
    refs = about if isinstance(about, tuple) else [r for r in str(about or "").split(";") if r.strip()]
    ids = frozenset(rid for ref in refs for rid in network.resolve(ref))
    text = _question_key(question)
    services = _SERVICES.search(text)
    if text.startswith(("who is ", "who's ", "who are ")):
        return ids, "who"
    return ids, f"services of {services.group(1)}" if services else text


def _asked_already(wanted: tuple[frozenset[str], str], asking: set[tuple[frozenset[str], str]]) -> bool:
    """A question asking the same about these people and places (or about them and more) is on Gaps."""
    ids, what = wanted
    return any(what == other and ids <= about for about, other in asking)


_NOT_ASKED = (domain.QUESTION_SUGGESTED, domain.QUESTION_DISMISSED, domain.QUESTION_WITHDRAWN)


def _suggested_gaps(network: Network, findings: list[Finding], as_of: dt.date) -> list[tuple[int, dict]]:
    """The questions the rules suggest that nobody has asked (nor suggested, nor dismissed) yet, as rows for
    Gaps with Status Suggested: proposals for the meeting, not open questions."""
    gaps = network.gaps
    asked = {_question_key(q) for q, status in zip(gaps["question"], gaps["status"])
             if isinstance(q, str) and status != domain.QUESTION_WITHDRAWN}  # one withdrawn may be needed again
    asking = {_asking(network, q, a) for q, a, status in zip(gaps["question"], gaps["about"], gaps["status"])
              if isinstance(q, str) and status != domain.QUESTION_WITHDRAWN}
    used = [int(m.group(1)) for rid in gaps["id"] if isinstance(rid, str) and (m := re.fullmatch(r"G(\d+)", rid))]
    next_id = max(used, default=0) + 1
    next_row = network.next_row(schema.GAPS.name)
    added = []
    for f in findings:
        if not f.gap or _question_key(f.gap[0]) in asked or _asked_already(_asking(network, *f.gap), asking):
            continue
        question, about = f.gap
        asked.add(_question_key(question))
        asking.add(_asking(network, question, about))
        added.append((next_row, {"ID": f"G{next_id:02d}", "Question": question, "About": about,
                                 "Raised on": as_of, "Status": domain.QUESTION_SUGGESTED, "Origin": "Suggested"}))
        next_id += 1
        next_row += 1
    return added


#: Why peermap takes a suggestion back, as its Answer says.
NO_LONGER_HOLDS = "what made peermap suggest it no longer holds (the person identified, the place now home)"
ASKED_BY_THE_TEAM = "the team has asked the same question on Gaps"


def withdrawn_suggestions(network: Network, findings: list[Finding]) -> list[tuple[dict, str]]:
    """The questions peermap suggested, still not taken up, that it takes back, each with why: what made it
    suggest them no longer holds (the person identified, say), or the team has asked the same themselves."""
    wanted = {_asking(network, *f.gap) for f in findings if f.gap}
    gaps = rows_of(network.gaps)
    team = {_asking(network, g["question"], g["about"]) for g in gaps
            if g["status"] not in _NOT_ASKED and isinstance(g["question"], str)}
    out = []
    for g in gaps:
        if g["status"] != domain.QUESTION_SUGGESTED or not isinstance(g["question"], str):
            continue
        asks = _asking(network, g["question"], g["about"])
        if asks not in wanted or _asked_already(asks, team):
            out.append((g, NO_LONGER_HOLDS if asks not in wanted else ASKED_BY_THE_TEAM))
    return out


def reworded_suggestions(network: Network, findings: list[Finding]) -> list[tuple[dict, str]]:
    """The suggestions still waiting whose words have changed since (the unknown adult now named, say): each
    with its question as peermap would ask it today, so that no question asks about someone by an old name."""
    now: dict[tuple[frozenset[str], str], str] = {}
    for f in findings:  # two rules may ask the same: the first words it, as when it was first suggested
        if f.gap:
            now.setdefault(_asking(network, *f.gap), f.gap[0])
    return [(g, now[key]) for g in rows_of(network.gaps) if g["status"] == domain.QUESTION_SUGGESTED
            and isinstance(g["question"], str) and (key := _asking(network, g["question"], g["about"])) in now
            and now[key] != g["question"]]


def checks_rows(network: Network, record: CheckRecord) -> list[tuple[list, str | None]]:
    """The Checks sheet's rows (values in CHECKS_HEADERS order) and the cell each one points at."""
    rows = []
    for f in record.findings:
        address = target(network, f)
        go_to = address.replace("'", "") if address else None
        rows.append(([f.severity, f.sheet, f.row, f.id, f.column, f.message, f.rule, f.code, go_to], address))
    return rows


def target(network: Network, f: Finding) -> str | None:
    """The address of the cell a finding is about, e.g. "'Links'!P7"."""
    layout = network.layout.get(f.sheet)
    if layout is None or f.row is None:
        return None
    column = layout.column("Value") if f.sheet == schema.NETWORK else layout.column(f.column or "")
    column = column or min(layout.columns.values(), default=1)
    return f"'{layout.sheet}'!{get_column_letter(column)}{f.row}"
