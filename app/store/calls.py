"""The call cache: every call seen, per account, with its turns — readable with no network.

Normalized columns serve the list and the filters; `detail_json` rebuilds the `Call`
(turns included); `raw_json` keeps the platform's own payload; the `turns` table feeds search.
Pages are windowed queries, never the whole table.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from app.domain import LIVE_STATUSES, Call, Turn
from app.store.database import transaction
from app.store.moments import from_epoch, to_epoch
from app.store.review_queue import STATE_SQL, ReviewQueue

# SQLite's default limit on host parameters is 32766; keep IN (...) lists well under it.
_ID_CHUNK = 500


@dataclass(frozen=True)
class CallFilters:
    """What narrows the call list and the search: all optional, combined with AND."""

    since: datetime | None = None
    until: datetime | None = None
    statuses: tuple[str, ...] = ()
    assistant: str | None = None
    text: str | None = None  # part of the call's name, customer number/name or id

    def where(self, alias: str = "c") -> tuple[list[str], list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.since is not None:
            clauses.append(f"{alias}.created_at >= ?")
            params.append(to_epoch(self.since))
        if self.until is not None:
            clauses.append(f"{alias}.created_at < ?")
            params.append(to_epoch(self.until))
        if self.statuses:
            clauses.append(f"{alias}.status IN ({','.join('?' * len(self.statuses))})")
            params.extend(self.statuses)
        if self.assistant:
            clauses.append(f"({alias}.assistant_name = ? OR {alias}.assistant_id = ?)")
            params.extend([self.assistant, self.assistant])
        if self.text:
            like = f"%{_escape_like(self.text.strip())}%"
            clauses.append(
                f"({alias}.name LIKE ? ESCAPE '\\' OR {alias}.customer_number LIKE ? ESCAPE '\\'"
                f" OR {alias}.customer_name LIKE ? ESCAPE '\\' OR {alias}.id LIKE ? ESCAPE '\\')"
            )
            params.extend([like] * 4)
        return clauses, params


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True, slots=True)
class CallRow:
    """One line of the cached call list: what the list shows, without the transcript."""

    account_id: str
    id: str
    provider: str
    name: str | None
    status: str
    ended_reason: str | None
    direction: str | None
    customer_number: str | None
    customer_name: str | None
    assistant_name: str | None
    created_at: datetime | None
    started_at: datetime | None
    duration_seconds: float | None
    cost: float | None
    success_evaluation: str | None
    turn_count: int
    review_state: str | None = None  # to review / in review / reviewed (review_queue.ReviewState)


_ROW_COLUMNS = (
    "account_id, id, provider, name, status, ended_reason, direction, customer_number, customer_name,"
    " assistant_name, created_at, started_at, duration_seconds, cost, success_evaluation, turn_count"
)


_NEWEST_FIRST = "created_at DESC, account_id, id"


def _call_row(row: sqlite3.Row) -> CallRow:
    values = dict(row)
    values["created_at"] = from_epoch(values["created_at"])
    values["started_at"] = from_epoch(values["started_at"])
    return CallRow(**values)


@dataclass
class UpsertReport:
    added: int = 0
    changed: int = 0
    stale: list[str] = field(default_factory=list)  # ids skipped: the cache already had a newer copy


class TurnIds:
    """Turn ids that sort like their call's creation time: second << 24 | call slot << 12 | turn.

    4096 calls per second of creation and 4096 indexed turns per call; a fuller second spills
    into the next one. Search walks these ids backwards to list the newest calls first."""

    SECOND_SHIFT = 24
    SLOT_SHIFT = 12
    SLOTS = 1 << SLOT_SHIFT

    def __init__(self, conn: sqlite3.Connection, now: float):
        self.conn = conn
        self.now = now
        self._next_slot: dict[int, int] = {}

    @classmethod
    def first_of(cls, moment: datetime) -> int:
        return max(0, int(to_epoch(moment) or 0)) << cls.SECOND_SHIFT

    def base(self, created_at: datetime | None) -> int:
        second = max(0, int(to_epoch(created_at) or self.now))
        while True:
            slot = self._next_slot.get(second)
            if slot is None:
                top = self.conn.execute(
                    "SELECT max(id) FROM turns WHERE id >= ? AND id < ?",
                    (second << self.SECOND_SHIFT, (second + 1) << self.SECOND_SHIFT),
                ).fetchone()[0]
                slot = 0 if top is None else ((top >> self.SLOT_SHIFT) & (self.SLOTS - 1)) + 1
            if slot < self.SLOTS:
                self._next_slot[second] = slot + 1
                return (second << self.SECOND_SHIFT) | (slot << self.SLOT_SHIFT)
            self._next_slot[second] = slot
            second += 1


class CallCache:
    """Reads and writes cached calls on one connection (use the Database's threads)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    # -- writing ------------------------------------------------------------------------------

    def upsert(self, account_id: str, calls: Iterable[Call]) -> UpsertReport:
        """Store calls in one transaction. Unchanged calls are not touched (a second sync of the
        same data writes nothing); a copy older than the cached one is skipped."""
        # A line still being said (from a listen socket) is not history: only final lines are kept.
        incoming = {call.id: _final_lines(call) for call in calls}
        report = UpsertReport()
        if not incoming:
            return report
        known = self._known(account_id, list(incoming))
        now = time.time()
        call_rows, document_rows, to_index, replaced = [], [], [], []
        for call in incoming.values():
            detail = call.model_dump_json(exclude={"raw"})
            raw = json.dumps(call.raw, separators=(",", ":"), default=str)
            fingerprint = hashlib.blake2b(_unsigned(detail + raw).encode(), digest_size=16).hexdigest()
            before = known.get(call.id)
            if before is not None:
                old_fingerprint, old_updated = before
                if old_fingerprint == fingerprint:
                    continue
                new_updated = to_epoch(call.updated_at)
                if old_updated is not None and new_updated is not None and new_updated < old_updated:
                    report.stale.append(call.id)
                    continue
                replaced.append(call.id)
                report.changed += 1
            else:
                report.added += 1
            call_rows.append(_call_values(account_id, call, fingerprint, now))
            document_rows.append((account_id, call.id, detail, raw))
            to_index.append(call)
        if not call_rows:
            return report
        with transaction(self.conn):
            for chunk in _chunks(replaced):
                self.conn.execute(
                    f"DELETE FROM turns WHERE account_id = ? AND call_id IN ({','.join('?' * len(chunk))})",
                    [account_id, *chunk],
                )
            self.conn.executemany(
                f"INSERT OR REPLACE INTO calls ({_CALL_COLUMNS}) VALUES ({','.join('?' * _CALL_COLUMN_COUNT)})",
                call_rows,
            )
            self.conn.executemany(
                "INSERT INTO call_documents (account_id, call_id, detail_json, raw_json) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (account_id, call_id) DO UPDATE SET detail_json = excluded.detail_json,"
                " raw_json = excluded.raw_json",
                document_rows,
            )
            ids = TurnIds(self.conn, now)
            self.conn.executemany(
                "INSERT INTO turns (id, account_id, call_id, idx, role, text, start, end, tool_name)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [row for call in to_index for row in _turn_values(account_id, call, ids.base(call.created_at))],
            )
            ReviewQueue(self.conn).consider(account_id, to_index)  # picked for review as it is cached
        return report

    def _known(self, account_id: str, ids: Sequence[str]) -> dict[str, tuple[str, float | None]]:
        known: dict[str, tuple[str, float | None]] = {}
        for chunk in _chunks(ids):
            rows = self.conn.execute(
                f"SELECT id, fingerprint, updated_at FROM calls WHERE account_id = ? AND id IN"
                f" ({','.join('?' * len(chunk))})",
                [account_id, *chunk],
            )
            known.update({row[0]: (row[1], row[2]) for row in rows})
        return known

    # -- reading ------------------------------------------------------------------------------

    def page(self, account_id: str | None, filters: CallFilters | None = None, offset: int = 0,
             limit: int = 100) -> list[CallRow]:
        """Calls newest first, `limit` of them from `offset`. `account_id=None` means all accounts."""
        where, params = self._where(account_id, filters)
        # The window is picked from the index alone; only its rows are read from the table.
        rows = self.conn.execute(
            f"SELECT {_ROW_COLUMNS}, {STATE_SQL} AS review_state FROM calls JOIN (SELECT c.account_id AS a, c.id AS i FROM calls c {where}"
            f" ORDER BY {_NEWEST_FIRST} LIMIT ? OFFSET ?) w ON account_id = w.a AND id = w.i"
            f" ORDER BY {_NEWEST_FIRST}",
            [*params, max(0, limit), max(0, offset)],
        )
        return [_call_row(row) for row in rows]

    def count(self, account_id: str | None, filters: CallFilters | None = None) -> int:
        where, params = self._where(account_id, filters)
        return int(self.conn.execute(f"SELECT count(*) FROM calls c {where}", params).fetchone()[0])

    def get(self, account_id: str, call_id: str) -> Call | None:
        """The whole cached call — transcript, analysis, raw payload — or None if never cached."""
        row = self.conn.execute(
            "SELECT detail_json, raw_json FROM call_documents WHERE account_id = ? AND call_id = ?",
            (account_id, call_id),
        ).fetchone()
        if row is None:
            return None
        detail = json.loads(row["detail_json"])
        detail["raw"] = json.loads(row["raw_json"])
        return Call.model_validate(detail)

    def _where(self, account_id: str | None, filters: CallFilters | None) -> tuple[str, list[object]]:
        clauses, params = (filters or CallFilters()).where("c")
        if account_id is not None:
            clauses.insert(0, "c.account_id = ?")
            params.insert(0, account_id)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params

    def live_since(self, account_id: str) -> datetime | None:
        """Creation time of the oldest call the cache still thinks is live: it may have changed since."""
        live = sorted(LIVE_STATUSES)
        value = self.conn.execute(
            f"SELECT min(created_at) FROM calls WHERE account_id = ? AND status IN ({','.join('?' * len(live))})",
            [account_id, *live],
        ).fetchone()[0]
        return from_epoch(value)

    # -- watermarks ---------------------------------------------------------------------------

    def watermark(self, account_id: str) -> datetime | None:
        row = self.conn.execute("SELECT watermark FROM sync_state WHERE account_id = ?", (account_id,)).fetchone()
        return from_epoch(row[0]) if row else None

    def set_watermark(self, account_id: str, watermark: datetime | None) -> bool:
        """Record how far the incremental sync got; False (and no write) when nothing moved."""
        value = to_epoch(watermark)
        if value is None or value == to_epoch(self.watermark(account_id)):
            return False
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO sync_state (account_id, watermark, synced_at) VALUES (?, ?, ?)"
                " ON CONFLICT (account_id) DO UPDATE SET watermark = excluded.watermark,"
                " synced_at = excluded.synced_at",
                (account_id, value, time.time()),
            )
        return True


_CALL_COLUMNS = (
    "account_id, id, provider, name, status, ended_reason, direction, call_type, customer_number,"
    " customer_name, assistant_name, assistant_id, created_at, updated_at, started_at, ended_at,"
    " duration_seconds, cost, success_evaluation, turn_count, fingerprint, cached_at"
)
_CALL_COLUMN_COUNT = _CALL_COLUMNS.count(",") + 1


# A URL's query: where platforms put a fresh signature and expiry on every read. Anchored on the
# literal "://" (not on the scheme's letters), so the engine skips to candidates instead of trying
# every position of a long transcript: 40 times faster on live calls' documents.
_URL_QUERY = re.compile(r'(://[^"\s?#]*)\?[^"\s#]*')


def _unsigned(text: str) -> str:
    """The text as far as a change goes: a URL signed anew (same object, new signature) is no change."""
    return _URL_QUERY.sub(r"\1", text)


def _call_values(account_id: str, call: Call, fingerprint: str, now: float) -> tuple[object, ...]:
    return (
        account_id, call.id, call.provider.value, call.name, call.status, call.ended_reason, call.direction,
        call.call_type, call.customer_number, call.customer_name,
        call.assistant_name or call.squad_name or call.workflow_name,  # what it runs on, by name (see NameBook)
        call.assistant_id or call.squad_id or call.workflow_id,
        to_epoch(call.created_at), to_epoch(call.updated_at), to_epoch(call.started_at),
        to_epoch(call.ended_at), call.duration_seconds, call.cost, call.success_evaluation,
        len(call.turns), fingerprint, now,
    )


def _final_lines(call: Call) -> Call:
    if not any(turn.partial for turn in call.turns):
        return call
    return call.model_copy(update={"turns": tuple(turn for turn in call.turns if not turn.partial)})


def _turn_values(account_id: str, call: Call, base: int) -> list[tuple[object, ...]]:
    # Turns past the id block stay in the call's document, just not in the search index.
    return [
        (base + idx, account_id, call.id, idx, turn.role.value, _searchable_text(turn), turn.start, turn.end,
         turn.tool_name)
        for idx, turn in enumerate(call.turns[:TurnIds.SLOTS])
    ]


def _searchable_text(turn: Turn) -> str:
    if turn.text or not turn.tool_name:
        return turn.text
    return " ".join(filter(None, (turn.tool_name, turn.tool_arguments, turn.tool_result)))


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _ID_CHUNK):
        yield items[start:start + _ID_CHUNK]
