"""One way to write each fact the views show: a call's label, a percentage, an amount of money, a duration."""

from __future__ import annotations

from typing import Protocol

from app.domain.clock import clock
from app.ui.plain import one_line
from app.ui.screen_redaction import SCREEN

LABEL_LIMIT = 80  # characters of a call label; the views elide it further to their width


class NamedCall(Protocol):
    """What names a call: a live Call, a cached CallRow."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def customer_name(self) -> str | None: ...
    @property
    def customer_number(self) -> str | None: ...


def label(name: str | None, customer: str | None, number: str | None, call_id: str, *, screen: bool = True) -> str:
    """The call's own name, else the caller's name, number, or the call id: one bounded line. On
    screen (`screen`), the Redact switch hides the number and what redaction finds in a name."""
    named = name or customer
    if screen:
        named, number = SCREEN.text(named) if named else None, SCREEN.number(number)
    return one_line(named or number or call_id, LABEL_LIMIT)


def call_label(call: NamedCall, *, screen: bool = True) -> str:
    return label(call.name, call.customer_name, call.customer_number, call.id, screen=screen)


def percent(value: float | None) -> str:
    """A score or an agreement, to a tenth: "87.5 %", "50 %"; "—" when there is none."""
    return "—" if value is None else f"{round(value, 1):g} %"


def money(value: float | None) -> str:
    """US dollars: four decimals below a dollar (calls cost fractions of a cent per part), else cents."""
    if value is None:
        return ""
    return f"${value:,.4f}" if abs(value) < 1 else f"${value:,.2f}"


def duration(seconds: float | None) -> str:
    """m:ss (h:mm:ss past an hour); empty when unknown."""
    return "" if seconds is None or seconds < 0 else clock(seconds)
