"""A list model of one call's turns that grows by appending, never by resetting."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain import Turn, TurnRole
from app.ui.formats import duration
from app.ui.plain import tooltip

TURN_ROLE = Qt.ItemDataRole.UserRole + 1
EXPANDED_ROLE = Qt.ItemDataRole.UserRole + 2
PLAYING_ROLE = Qt.ItemDataRole.UserRole + 3
COMMENTS_ROLE = Qt.ItemDataRole.UserRole + 4  # tuple[str, ...]: reviewers' comments on the turn
SUPERVISOR_ROLE = Qt.ItemDataRole.UserRole + 5  # bool: the assistant spoke a supervisor's line
SUPERVISOR_TITLE = "Supervisor (via assistant)"

_ROLE_TITLES: dict[str, str] = {
    TurnRole.CUSTOMER: "Customer",
    TurnRole.ASSISTANT: "Assistant",
    TurnRole.SYSTEM: "System",
    TurnRole.TOOL: "Tool",
}

AnyIndex = QModelIndex | QPersistentModelIndex


def role_title(role: TurnRole | str) -> str:
    return _ROLE_TITLES.get(role, str(role).title())


def pretty_json(text: str | None) -> str:
    """Indented JSON when the text parses as JSON, else the text as it came."""
    if not text:
        return ""
    try:
        value: Any = json.loads(text)
    except ValueError:
        return text
    if not isinstance(value, dict | list):
        return text
    return json.dumps(value, indent=2, ensure_ascii=False)


def compact_json(text: str | None) -> str:
    """One line of the JSON (or the raw text) for a collapsed tool turn."""
    if not text:
        return ""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, separators=(", ", ": "))
    except ValueError:
        return " ".join(text.split())


def turn_as_text(turn: Turn, supervisor: bool = False) -> str:
    """One turn as a plain-text line, the way a supervisor would paste it into a ticket."""
    offset = duration(turn.start)
    prefix = f"[{offset}] " if offset else ""
    if turn.role == TurnRole.TOOL:
        call = f"{turn.tool_name or 'tool'}({compact_json(turn.tool_arguments)})"
        result = f" → {compact_json(turn.tool_result)}" if turn.tool_result else ""
        text = f" {turn.text}" if turn.text else ""
        return f"{prefix}Tool: {call}{result}{text}"
    return f"{prefix}{SUPERVISOR_TITLE if supervisor else role_title(turn.role)}: {turn.text}"


class TranscriptModel(QAbstractListModel):
    """One row per turn. Tool rows remember whether they are expanded; one row may be 'playing';
    rows may carry reviewers' comments."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._turns: list[Turn] = []
        self._expanded: set[int] = set()
        self._playing: int | None = None
        self._comments: dict[int, tuple[str, ...]] = {}
        self._supervisor: set[int] = set()

    # -- Qt model API ---------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._turns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._turns):
            return None
        row = index.row()
        turn = self._turns[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return turn_as_text(turn, row in self._supervisor)
        if role == SUPERVISOR_ROLE:
            return row in self._supervisor
        if role == TURN_ROLE:
            return turn
        if role == EXPANDED_ROLE:
            return row in self._expanded
        if role == PLAYING_ROLE:
            return row == self._playing
        if role == COMMENTS_ROLE:
            return self._comments.get(row, ())
        if role == Qt.ItemDataRole.ToolTipRole and row in self._comments:
            return tooltip("\n".join(f"✎ {text}" for text in self._comments[row]))
        return None

    # -- content --------------------------------------------------------------------------------
    @property
    def turns(self) -> Sequence[Turn]:
        return tuple(self._turns)

    def set_turns(self, turns: Iterable[Turn]) -> None:
        """Replace everything (another call was selected)."""
        self.beginResetModel()
        self._turns = list(turns)
        self._expanded.clear()
        self._playing = None
        self._comments.clear()  # they were about the previous call
        self._supervisor.clear()
        self.endResetModel()

    def merge_turns(self, turns: Sequence[Turn]) -> int:
        """Bring the rows in line with a newer copy of the same call; returns how many were appended.

        Live transcripts append, and sometimes revise their last lines, so only the changed rows
        get dataChanged and only the new ones are inserted.
        """
        old = self._turns
        common = min(len(old), len(turns))
        changed = [i for i in range(common) if old[i] != turns[i]]
        if changed:
            for i in changed:
                old[i] = turns[i]
            self.dataChanged.emit(self.index(changed[0]), self.index(changed[-1]))
        if len(turns) > len(old):
            added = len(turns) - len(old)
            self.beginInsertRows(QModelIndex(), len(old), len(turns) - 1)
            old.extend(turns[len(old):])
            self.endInsertRows()
            return added
        if len(turns) < len(old):
            self.beginRemoveRows(QModelIndex(), len(turns), len(old) - 1)
            del old[len(turns):]
            self._expanded = {r for r in self._expanded if r < len(turns)}
            self._comments = {r: texts for r, texts in self._comments.items() if r < len(turns)}
            self._supervisor = {r for r in self._supervisor if r < len(turns)}
            if self._playing is not None and self._playing >= len(turns):
                self._playing = None
            self.endRemoveRows()
        return 0

    # -- view state -----------------------------------------------------------------------------
    def turn_at(self, row: int) -> Turn | None:
        return self._turns[row] if 0 <= row < len(self._turns) else None

    def is_expanded(self, row: int) -> bool:
        return row in self._expanded

    def set_expanded(self, row: int, expanded: bool) -> None:
        if not 0 <= row < len(self._turns) or self._turns[row].role != TurnRole.TOOL:
            return
        if expanded == (row in self._expanded):
            return
        (self._expanded.add if expanded else self._expanded.discard)(row)
        self.dataChanged.emit(self.index(row), self.index(row), [EXPANDED_ROLE])

    def set_all_expanded(self, expanded: bool) -> None:
        for row, turn in enumerate(self._turns):
            if turn.role == TurnRole.TOOL:
                self.set_expanded(row, expanded)

    @property
    def playing(self) -> int | None:
        return self._playing

    def set_playing(self, row: int | None) -> None:
        if row is not None and not 0 <= row < len(self._turns):
            row = None
        previous, self._playing = self._playing, row
        for r in (previous, row):
            if r is not None and r < len(self._turns):
                self.dataChanged.emit(self.index(r), self.index(r), [PLAYING_ROLE])

    def comments_on(self, row: int) -> tuple[str, ...]:
        return self._comments.get(row, ())

    def set_comments(self, by_turn: Mapping[int, Sequence[str]]) -> list[int]:
        """Replace the reviewers' comments; only rows whose comments changed are repainted (returned)."""
        comments = {row: tuple(texts) for row, texts in by_turn.items() if texts and 0 <= row < len(self._turns)}
        changed = sorted(row for row in comments.keys() | self._comments.keys()
                         if comments.get(row) != self._comments.get(row))
        self._comments = comments
        for row in changed:
            self.dataChanged.emit(self.index(row), self.index(row), [COMMENTS_ROLE, Qt.ItemDataRole.ToolTipRole])
        return changed

    def set_supervisor_rows(self, rows: Iterable[int]) -> None:
        """Which rows are a supervisor's lines spoken by the assistant; changed rows repaint."""
        new = {row for row in rows if 0 <= row < len(self._turns)}
        changed, self._supervisor = sorted(new ^ self._supervisor), new
        for row in changed:
            self.dataChanged.emit(self.index(row), self.index(row), [SUPERVISOR_ROLE, Qt.ItemDataRole.DisplayRole])

    def text_of(self, rows: Iterable[int] | None = None) -> str:
        """Plain text of the given rows (all of them by default), one turn per line."""
        picked = range(len(self._turns)) if rows is None else sorted(set(rows))
        return "\n".join(turn_as_text(self._turns[r], r in self._supervisor) for r in picked if 0 <= r < len(self._turns))
