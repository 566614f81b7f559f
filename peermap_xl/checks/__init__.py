"""The rule catalogue behind the Check button: one small function per rule.

Each rule has a code (PM201), a slug (stale-link), a severity, a one-line
summary and an explanation quoting the guidance. `run_checks` runs them all
on a network as of a date and returns the findings, in the order a person
reads them: sheet by sheet, errors first, then by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from peermap_xl.checks import cycle, decisions, incidents, integrity, links, names, people, tasks, timescales  # noqa: F401 (registers)
from peermap_xl.checks.core import ERROR, INFO, RULES, SEVERITIES, WARNING, Context, Finding, Rule, sharing_rows
from peermap_xl.contract import domain, schema

__all__ = ["ERROR", "INFO", "RULES", "WARNING", "Finding", "Rule", "evaluate", "render", "run_checks", "counts",
           "text_report"]

_SHEET_ORDER = [schema.NETWORK] + [s.name for s in schema.DATA_SHEETS]


RULES.sort(key=lambda r: r.code)  # the catalogue in code order, whatever the import order

#: The rules that prompt follow-up work (weak or stale links, people to find out about, overdue tasks, sessions
#: and reviews to hold, assessments to consider): none runs once the network is closed (`network-closed` says
#: so instead). What stays: errors in the record, conflicting data, and the timescales of its last minutes.
FOLLOW_UP = frozenset({
    "stale-link", "anecdotal-link", "unsourced-link", "undated-link", "isolated-subject", "no-key-contact",
    "unidentified-person", "out-of-borough", "unknown-risk", "already-mapped", "no-direct-work",
    "unaccountable-action", "overdue-action", "overdue-gap", "unassigned-gap", "undated-gap",
    "initial-session-late", "multiagency-session-late", "review-overdue", "subject-list-due",
    "booked-session-passed", "held-session-ahead", "consider-peer-assessment", "consider-context-assessment",
    "key-individual", "bridge", "protective-relationship", "review-after-incident", "incidents-at-place",
    "incident-out-of-borough"})


def evaluate(network, as_of: dt.date | None = None,
             suggest: Callable[[list[Finding]], None] | None = None,
             only: Collection[str] | None = None) -> list[Finding]:
    """Every rule's findings on `network` as of `as_of` (default: today), each rule run once, with people
    and places as tokens (see `render`). The rules that suggest questions run first; `suggest`, when
    given, is called with their findings (to add the questions to the network) before the others run,
    so that the suggested questions are checked too. `only`: just the rules with these slugs."""
    ctx = Context(network, as_of or domain.today())
    chosen = [r for r in RULES if (only is None or r.slug in only)
              and not (network.settings.closed and r.slug in FOLLOW_UP)]
    with sharing_rows():
        first = [f for r in chosen if r.suggests for f in _findings(r, ctx)]
    if suggest is not None:
        suggest(first)
    with sharing_rows():
        rest = [f for r in chosen if not r.suggests for f in _findings(r, ctx)]
    return sorted(first + rest, key=_reading_order)


def _findings(r: Rule, ctx: Context) -> list[Finding]:
    return [Finding(r.slug, r.code, r.severity, hit.sheet, _int(hit.row), hit.id, hit.column, hit.message, hit.gap)
            for hit in r.check(ctx)]


def render(findings: list[Finding], network, anonymise: bool = False) -> list[Finding]:
    """The findings worded for an output: names as the Network's Names on outputs says, or codes."""
    from peermap_xl.record import labels

    label = labels.labeller(network, anonymise)
    quote = not anonymise and network.settings.names_on_outputs == labels.FULL_NAMES
    return [f.worded(label, quote) for f in findings]


def run_checks(network, as_of: dt.date | None = None, anonymise: bool = False,
               only: Collection[str] | None = None) -> list[Finding]:
    """Every rule's findings on `network` as of `as_of` (default: today), worded for output (`only`: just the
    rules with these slugs)."""
    return render(evaluate(network, as_of, only=only), network, anonymise)


def _int(value) -> int | None:
    return None if value is None else int(value)


def _reading_order(f: Finding):
    sheet = _SHEET_ORDER.index(f.sheet) if f.sheet in _SHEET_ORDER else len(_SHEET_ORDER)
    return sheet, SEVERITIES.index(f.severity), f.row or 0, f.code


def counts(findings: list[Finding]) -> dict[str, int]:
    return {severity: sum(f.severity == severity for f in findings) for severity in SEVERITIES}


def text_report(findings: list[Finding]) -> list[str]:
    """Findings grouped by sheet, errors first, ending with the counts and what to do next."""
    lines: list[str] = []
    sheet = None
    for f in findings:
        if f.sheet != sheet:
            sheet = f.sheet
            lines += ["", sheet]
        where = f"row {f.row}" if f.row else ""
        lines.append(f"  {f.severity:<7}  {where:<8} {f.column or '':<18} {f.message}  [{f.code} {f.rule}]")
    n = counts(findings)
    lines += ["", f"{n['error']} errors, {n['warning']} warnings, {n['info']} for information."]
    if n["error"]:
        lines.append("Fix the errors first: those rows cannot be mapped as they stand.")
    return lines
