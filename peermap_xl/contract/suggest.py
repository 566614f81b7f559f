"""Did you mean...? The nearest spellings to what someone typed, for messages that help the typist."""

from __future__ import annotations

from collections.abc import Iterable

#: How alike (0-100, rapidfuzz's scale) a candidate must be to be suggested.
CUTOFF = 60
#: Others are suggested beside the nearest only when they are about as near.
MARGIN = 10


def suggest(typed: str | None, candidates: Iterable[str | None], limit: int = 3) -> list[str]:
    """The candidates nearest to `typed`, nearest first: "Freind" -> ["Friend"], "Mle B" -> ["Male B (S03)"].

    Case, spacing and punctuation do not count; a candidate written "Name (ID)" is compared by its
    name and by its ID. Nothing is suggested when nothing is close, and others only when they are
    about as close as the nearest.
    """
    from rapidfuzz import fuzz, process

    if not typed or not str(typed).strip():
        return []
    choices = list(dict.fromkeys(c for c in candidates if c))
    found = process.extract(_plain(str(typed)), choices, scorer=_score(fuzz), score_cutoff=CUTOFF, limit=None)
    ranked = sorted(found, key=lambda hit: (-hit[1], hit[2]))  # ties: the order they were offered in
    return [choice for choice, score, _ in ranked[:limit] if score >= ranked[0][1] - MARGIN]


def _plain(text: str) -> str:
    """ "Male  B (S03)" -> "male b s03": compared without case, punctuation or extra spaces."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def _score(fuzz):
    def score(typed: str, choice: str, score_cutoff: float = 0, **_) -> float:
        name, bracket, rest = choice.rstrip().removesuffix(")").rpartition("(")
        parts = [choice] + ([name, rest] if choice.rstrip().endswith(")") and bracket else [])
        return max(fuzz.ratio(typed, _plain(part)) for part in parts)

    return score


def did_you_mean(options: list[str]) -> str:
    """ "Did you mean Friend or Close friend?" (empty when there is nothing to suggest)."""
    if not options:
        return ""
    listed = options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]
    return f"Did you mean {listed}?"
