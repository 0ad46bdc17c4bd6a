"""Phrases: the customer says something on a list (a human, a manager, a lawyer, a complaint,
cancelling). Case and accents are ignored; phrases match whole words only."""

from __future__ import annotations

import functools
import re
import unicodedata

from app.domain import TurnRole
from app.live.alerts.call_view import CallView, Finding, quote
from app.live.alerts.line_cache import per_line
from app.live.alerts.settings import Phrases

RULE = "phrases"


@per_line(maxsize=20_000)
def plain(text: str) -> str:
    """Casefolded, accents dropped ("Réclamation" → "reclamation"), spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


@functools.lru_cache(maxsize=64)
def pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex per list; \\w boundaries so "cancel" does not match "cancelled" unless listed."""
    alternatives = [r"\s+".join(map(re.escape, plain(w).split())) for w in words if plain(w)]
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + r")(?!\w)")


@per_line(maxsize=50_000)  # a line and a phrase list
def first_said(regex: re.Pattern[str], text: str) -> str | None:
    match = regex.search(text)
    return match.group(0) if match else None


def check(view: CallView, rule: Phrases) -> list[Finding]:
    found: list[Finding] = []
    customer_lines = [(i, plain(t.text), t) for i, t in enumerate(view.call.turns) if t.role is TurnRole.CUSTOMER]
    for name, phrase_list in rule.lists.items():
        regex = pattern(phrase_list.words)
        if regex is None:
            continue
        for index, text, turn in customer_lines:
            said = first_said(regex, text)
            if said is not None:
                message = f"Said “{said}”" + (f" ({name})" if plain(name) != said else "")
                found.append(Finding(RULE, name, phrase_list.severity, message, quote(turn.text), index, turn.start))
                break
    return found
