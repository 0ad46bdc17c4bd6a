"""Filling the call cache from a platform: incremental catch-up and a date-range backfill.

Each platform is caught up its own way (its client's `changes_since`, the rule the poller asks
too), from a watermark kept per account and the oldest call the cache still thinks is live.
Unchanged calls are not rewritten, so a second run writes nothing. Every page is its own
transaction: stopping half-way keeps what was stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from app.domain import Account, Call
from app.providers.base import ChangeMark, PlatformClient
from app.store.calls import CallCache, UpsertReport
from app.store.database import Database


class Names(Protocol):
    """Fills in the names of what calls run on (the session's NameBook)."""

    async def named(self, calls: Iterable[Call]) -> list[Call]: ...


@dataclass
class SyncReport:
    fetched: int = 0
    added: int = 0
    changed: int = 0
    cancelled: bool = False

    def add(self, page: int, upserted: UpsertReport) -> None:
        self.fetched += page
        self.added += upserted.added
        self.changed += upserted.changed


@dataclass(frozen=True)
class BackfillProgress:
    fetched: int
    written: int
    reached: datetime | None  # the oldest creation time fetched so far
    fraction: float | None  # 0..1 of the date range covered, when the platform lists newest first


class CallSync:
    """Keeps one account's slice of the cache up to date."""

    def __init__(self, db: Database, account: Account, client: PlatformClient, *, first_days: int = 30,
                 page_size: int = 100, names: Names | None = None):
        self.db = db
        self.account = account
        self.client = client
        self.names = names
        self.first_days = first_days
        self.page_size = page_size

    async def catch_up(self, now: datetime | None = None) -> SyncReport:
        """Fetch what changed since the last run and move the watermark."""
        now = now or datetime.now(UTC)
        account_id = self.account.id
        watermark, live_since = await self.db.read(
            lambda conn: (CallCache(conn).watermark(account_id), CallCache(conn).live_since(account_id))
        )
        first = now - timedelta(days=self.first_days)
        client = self.client
        mark = ChangeMark(watermark, live_since) if watermark else None
        report = SyncReport()
        moved = mark or ChangeMark()
        seen: set[str] = set()  # a call two queries bring (a live one) is stored once per run
        for query in client.changes_since(mark, first):
            pages = client.list_calls(**{**asdict(query), "page_size": self.page_size})
            async with _closing(pages):
                async for page in pages:
                    fresh = [call for call in page if call.id not in seen]
                    seen.update(call.id for call in fresh)
                    report.add(len(fresh), await self._store(fresh))
                    moved = moved.moved(fresh, client.change_time)
        if (newest := moved.newest) is not None:
            await self.db.write(lambda conn: CallCache(conn).set_watermark(account_id, newest))
        return report

    async def backfill(self, since: datetime, until: datetime | None = None, *,
                       progress: Callable[[BackfillProgress], None] | None = None,
                       cancel: asyncio.Event | None = None) -> SyncReport:
        """Fetch every call created in [since, until), reporting after each page. Setting `cancel`
        stops after the page in hand; what was stored stays. The watermark is not moved."""
        until = until or datetime.now(UTC)
        span = (until - since).total_seconds()
        report = SyncReport()
        reached: datetime | None = None
        fraction = 0.0
        pages = self.client.list_calls(since=since, until=until, page_size=self.page_size)
        async with _closing(pages):
            async for page in pages:
                report.add(len(page), await self._store(page))
                created = [call.created_at for call in page if call.created_at is not None]
                if created:
                    reached = min([*created, *([reached] if reached else [])])
                    if span > 0:
                        fraction = max(fraction, min(1.0, (until - reached).total_seconds() / span))
                if progress:
                    progress(BackfillProgress(report.fetched, report.added + report.changed, reached,
                                              fraction if span > 0 else None))
                if cancel is not None and cancel.is_set():
                    report.cancelled = True
                    break
        return report

    async def _store(self, page: list[Call]) -> UpsertReport:
        account_id = self.account.id
        named = page if self.names is None else await self.names.named(page)  # the cache lists, filters, searches by name
        return await self.db.write(lambda conn: CallCache(conn).upsert(account_id, named))


@asynccontextmanager
async def _closing(pages: AsyncIterator[list[Call]]) -> AsyncIterator[None]:
    """Close the page iterator when we stop early, so its HTTP response is released."""
    try:
        yield
    finally:
        close = getattr(pages, "aclose", None)
        if close is not None:
            await close()
