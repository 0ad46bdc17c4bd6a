"""Full-text search over every cached turn (FTS5, diacritics folded): words, "phrases", prefix*.

Queries are bounded: newest first stops at its LIMIT; "best match" ranks a bounded window.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from app.store.calls import CallFilters, TurnIds
from app.store.moments import from_epoch

MARK_START = "\x02"
MARK_END = "\x03"
ELLIPSIS = "…"
SNIPPET_TOKENS = 14
RELEVANCE_WINDOW = 1000  # "best first" ranks the newest this many matches: bounded, whatever the query

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')


def fts_query(text: str) -> str | None:
    """The user's words as a safe FTS5 expression, or None when there is nothing to look for.

    `refund*` is a prefix, `"card declined"` a phrase, `OR` between two terms an alternative;
    every other character is quoted, so no input can be an FTS5 syntax error.
    """
    parts: list[str] = []
    for match in _TOKEN.finditer(text):
        phrase, word = match.group(1), match.group(2)
        if word == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        raw = phrase if phrase is not None else word
        prefix = phrase is None and raw.endswith("*")
        raw = raw.rstrip("*") if prefix else raw
        if not any(ch.isalnum() for ch in raw):
            continue
        parts.append('"' + raw.replace('"', '""') + '"' + ("*" if prefix else ""))
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts) or None


@dataclass(frozen=True)
class SearchFilters(CallFilters):
    account_id: str | None = None
    role: str | None = None  # "customer": what callers said; "assistant": what the AI said


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching turn, with its call's headline and a snippet marked with MARK_START/MARK_END."""

    account_id: str
    call_id: str
    turn_index: int
    role: str
    start_seconds: float | None
    snippet: str
    call_name: str | None
    customer: str | None
    assistant_name: str | None
    status: str
    created_at: datetime | None

    def snippet_parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, highlighted) pieces, for a widget to render."""
        parts: list[tuple[str, bool]] = []
        for piece in re.split(f"({MARK_START}[^{MARK_END}]*{MARK_END})", self.snippet):
            if piece.startswith(MARK_START):
                parts.append((piece.strip(MARK_START + MARK_END), True))
            elif piece:
                parts.append((piece, False))
        return parts


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    more: bool  # more hits exist beyond the limit


class TranscriptSearch:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def search(self, text: str, filters: SearchFilters | None = None, *, limit: int = 200,
               order: Literal["newest", "relevance"] = "newest") -> SearchResult:
        """Matching turns, newest calls first (or best first among the newest RELEVANCE_WINDOW)."""
        expression = fts_query(text)
        if expression is None:
            return SearchResult([], False)
        filters = filters or SearchFilters()
        clauses, params = filters.where("c")
        # Turn ids sort by creation second, so a date range is also a range of index ids.
        if filters.since is not None:
            clauses.append("turn_index.rowid >= ?")
            params.append(TurnIds.first_of(filters.since))
        if filters.until is not None:
            clauses.append("turn_index.rowid < ?")
            params.append(TurnIds.first_of(filters.until + timedelta(seconds=1)))
        if filters.account_id:
            clauses.append("t.account_id = ?")
            params.append(filters.account_id)
        if filters.role:
            clauses.append("t.role = ?")
            params.append(filters.role)
        extra = "".join(f" AND {clause}" for clause in clauses)
        # Newest first walks the index backwards and stops at the LIMIT, so snippets are made only
        # for the rows returned; "best match" ranks (and snippets) the newest RELEVANCE_WINDOW.
        score = ", turn_index.rank AS score" if order == "relevance" else ""
        matches = (
            "SELECT t.id, t.account_id, t.call_id, t.idx, t.role, t.start, c.name, c.customer_number,"
            " c.customer_name, c.assistant_name, c.status, c.created_at,"
            f" snippet(turn_index, 0, ?, ?, ?, ?) AS snippet{score}"
            " FROM turn_index JOIN turns t ON t.id = turn_index.rowid"
            " JOIN calls c ON c.account_id = t.account_id AND c.id = t.call_id"
            f" WHERE turn_index MATCH ?{extra} ORDER BY turn_index.rowid DESC LIMIT ?"
        )
        args: list[object] = [MARK_START, MARK_END, ELLIPSIS, SNIPPET_TOKENS, expression, *params]
        if order == "relevance":
            sql = f"SELECT * FROM ({matches}) ORDER BY score LIMIT ?"
            args += [RELEVANCE_WINDOW, limit + 1]
        else:
            sql = matches
            args.append(limit + 1)
        rows = self.conn.execute(sql, args).fetchall()
        more = len(rows) > limit
        return SearchResult(
            [
                Hit(
                    account_id=row["account_id"], call_id=row["call_id"], turn_index=row["idx"],
                    role=row["role"], start_seconds=row["start"], snippet=row["snippet"],
                    call_name=row["name"], customer=row["customer_name"] or row["customer_number"],
                    assistant_name=row["assistant_name"], status=row["status"],
                    created_at=from_epoch(row["created_at"]),
                )
                for row in rows[:limit]
            ],
            more,
        )
