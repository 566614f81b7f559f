"""The machinery of the rule catalogue: rules, findings, and what rules may look at."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from peermap_xl.contract import domain
from peermap_xl.contract.domain import blank  # noqa: F401 (for the rules)
from peermap_xl.record.model import Network, rows, sharing_rows  # noqa: F401 (for the rules)

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Hit:
    """What a rule found, before the catalogue stamps its code on it."""

    sheet: str
    row: int | None
    id: str | None
    column: str | None
    message: str
    gap: tuple[str, str] | None = None  # a question to suggest on Gaps: (question, about)


@dataclass(frozen=True)
class Finding:
    rule: str
    code: str
    severity: str
    sheet: str
    row: int | None
    id: str | None
    column: str | None
    message: str
    gap: tuple[str, str] | None = field(default=None, compare=False)

    def as_json(self) -> dict:
        return {"rule": self.rule, "code": self.code, "severity": self.severity, "sheet": self.sheet,
                "row": self.row, "id": self.id, "column": self.column, "message": self.message}

    def worded(self, label: Callable[[str], str], quote_typing: bool = False) -> Finding:
        """This finding with the people and places it names worded by `label` (names, initials or codes)."""
        gap = (word(self.gap[0], label), self.gap[1]) if self.gap else None
        return Finding(self.rule, self.code, self.severity, self.sheet, self.row, self.id, self.column,
                       word(self.message, label, quote_typing), gap)


# A rule names a person or place by a token holding its ID; the wording (name, initials or code)
# is chosen when the finding is rendered, so the rules run once whatever the output.
_MARK = "\u2063"  # INVISIBLE SEPARATOR: never typed into a cell
_TOKEN = re.compile(f"{_MARK}([^{_MARK}]*){_MARK}")


# What a person typed (a name that names nobody, a value off its list) is quoted only where the output
# shows full names (`quote_typing`); elsewhere it is left out.
_TYPED_MARK = "\u2064"  # INVISIBLE PLUS: never typed into a cell
_TYPED = re.compile(f"{_TYPED_MARK}([^{_TYPED_MARK}]*){_TYPED_MARK}")


def token(record_id: str) -> str:
    return f"{_MARK}{record_id}{_MARK}"


def typed(text: object) -> str:
    """ ' "Mle B"' where the output may quote what was typed, nothing elsewhere."""
    return f"{_TYPED_MARK}{text}{_TYPED_MARK}"


def word(text: str, label: Callable[[str], str], quote_typing: bool = False) -> str:
    """`text` with each token replaced by the label of the ID it holds, and typed text quoted or left out."""
    if _TYPED_MARK in text:
        text = _TYPED.sub(lambda m: f' "{m.group(1)}"' if quote_typing else "", text)
    return _TOKEN.sub(lambda m: label(m.group(1)), text) if _MARK in text else text


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: str
    summary: str  # one line, for the catalogue
    explanation: str  # why it matters, quoting the guidance where it applies
    check: Callable[[Context], Iterator[Hit]]
    flag: str | None = None  # the word it writes into a link's Flags cell
    suggests: bool = False  # it suggests questions for Gaps: it runs before the rules that read Gaps


RULES: list[Rule] = []  # in code order (checks/__init__.py sorts them once all are registered)


def rule(code: str, slug: str, severity: str, summary: str, explanation: str, flag: str | None = None,
         suggests: bool = False):
    """Register a check function in the catalogue."""

    def register(check: Callable[[Context], Iterator[Hit]]):
        RULES.append(Rule(code, slug, severity, summary, " ".join(explanation.split()), check, flag, suggests))
        return check

    return register


class Context:
    """The network as the rules see it, as of one date. People and places are named by token
    (`label`), worded when the findings are rendered."""

    def __init__(self, network: Network, as_of: dt.date):
        self.network = network
        self.as_of = as_of
        self.today = pd.Timestamp(as_of)
        self.label = token
        self.stale_after = network.settings.stale_after_days

    # --- records ------------------------------------------------------

    @cached_property
    def young_people(self) -> pd.DataFrame:
        subjects = self.network.active_subjects
        return subjects[subjects["type"] == "Young person"]

    @cached_property
    def risk_order(self) -> dict[str, tuple[int, int]]:
        """{subject ID: (0 for High, 1 Medium, 2 Low, 3 not known; its row)}: the order to list people in."""
        levels = {"High": 0, "Medium": 1, "Low": 2}
        subjects = self.network.subjects
        return {rid: (levels.get(risk, 3), row)
                for rid, risk, row in zip(subjects["id"], subjects["risk_level"], subjects["row"])}

    @cached_property
    def subject_rows(self) -> dict[str, int]:
        """{subject ID: the first Subjects row holding it}."""
        first: dict[str, int] = {}
        for rid, row in zip(self.network.subjects["id"], self.network.subjects["row"]):
            first[rid] = min(first.get(rid, row), row)
        return {rid: int(row) for rid, row in first.items()}

    @cached_property
    def graph(self):
        from peermap_xl.record import graph

        return graph.plain(self.network)  # plain dicts: checking does not pay for importing networkx

    def last_seen(self, link) -> pd.Timestamp | None:
        return domain.last_seen(link)

    def is_stale(self, link) -> bool:
        return self.network.is_stale(link, self.as_of)

    # --- words ----------------------------------------------------------

    def link_label(self, link) -> str:
        """ "L04 (Male A - Plymouth house)"."""
        ends = [self.label(link[k]) if isinstance(link[k], str) else "?" for k in ("from_id", "to_id")]
        return f"{link['id']} ({ends[0]} - {ends[1]})"

    def who(self, record) -> str:
        return f"{record['id']} {self.label(record['id'])}"


def days_text(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def date_text(value) -> str:
    return value.strftime("%d/%m/%Y")


