"""Answering Qt's multiData: a painted cell asks its model for seven roles in one call, so a Python
model answers it in one call too instead of seven."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan


def answer(roles: QModelRoleDataSpan | QModelRoleData, shown: Mapping[int, Any]) -> None:
    """Every role asked gets the cell's value or nothing: a delegate hands in the previous cell's answers."""
    answer_each(roles, shown.get)


def answer_each(roles: QModelRoleDataSpan | QModelRoleData, value: Callable[[int], Any]) -> None:
    """As `answer`, each role's value worked out by `value(role)` (a model's own data())."""
    asked_for = [roles] if isinstance(roles, QModelRoleData) else cast("Sequence[QModelRoleData]", roles)
    for position in range(len(asked_for)):  # the span's stubs know no iteration
        asked = asked_for[position]
        shown = value(asked.role())
        if shown is None:
            asked.clearData()
        else:
            asked.setData(shown)
