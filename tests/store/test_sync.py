"""Incremental catch-up per platform, idempotence, and the backfill's progress and cancel."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta

from app.domain import Account, Provider
from app.providers.hms import CHANGE_LOOKBACK as HMS_LOOKBACK
from app.providers.vapi import CHANGE_OVERLAP as VAPI_OVERLAP
from app.store.calls import CallCache
from app.store.database import Database
from app.store.sync import BackfillProgress, CallSync
from tests.store.fake_platform import T0, FakePlatform, make_call

NOW = T0 + timedelta(days=1)


def account(provider: Provider) -> Account:
    return Account(id=f"acc-{provider.value}", name=provider.display_name, provider=provider, base_url="http://x")


def dump(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return [tuple(r) for r in conn.execute("SELECT * FROM calls ORDER BY account_id, id")] + \
               [tuple(r) for r in conn.execute("SELECT * FROM turns ORDER BY id")] + \
               [tuple(r) for r in conn.execute("SELECT * FROM sync_state")]
    finally:
        conn.close()


async def test_running_twice_changes_nothing(db: Database) -> None:
    platform = FakePlatform(Provider.VAPI)
    platform.put(*(make_call(n) for n in range(230)))
    sync = CallSync(db, account(Provider.VAPI), platform, page_size=100)

    first = await sync.catch_up(NOW)
    before = dump(db.path)
    changes_before = await db.write(lambda conn: conn.total_changes)
    second = await sync.catch_up(NOW)

    assert (first.fetched, first.added) == (230, 230)
    assert (second.added, second.changed) == (0, 0)
    assert await db.write(lambda conn: conn.total_changes) == changes_before
    assert dump(db.path) == before


async def test_vapi_asks_only_for_calls_updated_since_the_watermark(db: Database) -> None:
    platform = FakePlatform(Provider.VAPI)
    platform.put(*(make_call(n) for n in range(10)))
    sync = CallSync(db, account(Provider.VAPI), platform)
    await sync.catch_up(NOW)
    assert platform.requests[0].since == NOW - timedelta(days=30) and platform.requests[0].updated_since is None

    newest = max(c.updated_at for c in platform.calls.values())
    changed = make_call(4, summary="Analysis arrived", updated=newest + timedelta(minutes=10))
    platform.put(changed, make_call(10))
    report = await sync.catch_up(NOW)

    assert platform.requests[1].updated_since == newest - VAPI_OVERLAP and platform.requests[1].since is None
    assert (report.added, report.changed) == (1, 1)
    cached = await db.read(lambda conn: CallCache(conn).get("acc-vapi", changed.id))
    assert cached is not None and cached.summary == "Analysis arrived"


async def test_hms_goes_back_to_the_oldest_call_still_live(db: Database) -> None:
    platform = FakePlatform(Provider.HMS)
    platform.put(*(make_call(n, provider=Provider.HMS) for n in range(5)),
                 make_call(5, provider=Provider.HMS, status="in-progress"),
                 *(make_call(n, provider=Provider.HMS) for n in range(6, 200)))
    sync = CallSync(db, account(Provider.HMS), platform)
    await sync.catch_up(NOW)

    platform.put(make_call(5, provider=Provider.HMS, status="ended", updated=NOW))
    report = await sync.catch_up(NOW)

    assert platform.requests[1].since == T0 + timedelta(minutes=5)
    assert platform.requests[2].status == "in-progress"  # the provider's rule: calls in progress too
    assert report.changed == 1
    row = await db.read(lambda conn: CallCache(conn).page("acc-hms", offset=194, limit=1))
    assert row[0].status == "ended"
    # With nothing live, it starts from the newest creation less the look-back.
    await sync.catch_up(NOW)
    assert platform.requests[3].since == T0 + timedelta(minutes=199) - HMS_LOOKBACK


async def test_voicebot_lists_everything_and_still_writes_nothing_new(db: Database) -> None:
    platform = FakePlatform(Provider.VOICEBOT)
    platform.put(*(make_call(n, provider=Provider.VOICEBOT) for n in range(20)))
    sync = CallSync(db, account(Provider.VOICEBOT), platform)
    await sync.catch_up(NOW)
    again = await sync.catch_up(NOW)
    assert all(r.since is None and r.updated_since is None for r in platform.requests)
    assert (again.fetched, again.added, again.changed) == (20, 0, 0)


async def test_backfill_reports_progress_and_stops_on_cancel(db: Database) -> None:
    platform = FakePlatform(Provider.VAPI)
    platform.put(*(make_call(n) for n in range(1000)))
    sync = CallSync(db, account(Provider.VAPI), platform, page_size=100)
    seen: list[BackfillProgress] = []
    cancel = asyncio.Event()

    def progress(p: BackfillProgress) -> None:
        seen.append(p)
        if p.fetched >= 300:
            cancel.set()

    report = await sync.backfill(T0, T0 + timedelta(minutes=1000), progress=progress, cancel=cancel)

    assert report.cancelled and report.fetched == 300
    assert [p.fetched for p in seen] == [100, 200, 300]
    assert [p.fraction for p in seen] == [0.1, 0.2, 0.3]
    assert seen[-1].reached == T0 + timedelta(minutes=700)
    assert await db.read(lambda conn: CallCache(conn).count("acc-vapi")) == 300
    assert await db.read(lambda conn: CallCache(conn).watermark("acc-vapi")) is None

    full = await sync.backfill(T0, T0 + timedelta(minutes=1000))
    assert (full.fetched, full.added, full.cancelled) == (1000, 700, False)


async def test_backfill_task_cancellation_keeps_the_pages_already_stored(db: Database) -> None:
    platform = FakePlatform(Provider.VAPI)
    platform.put(*(make_call(n) for n in range(500)))
    sync = CallSync(db, account(Provider.VAPI), platform, page_size=50)
    stored = asyncio.Event()

    def progress(p: BackfillProgress) -> None:
        if p.fetched >= 100:
            stored.set()

    task = asyncio.create_task(sync.backfill(T0, NOW, progress=progress))
    await stored.wait()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
    count = await db.read(lambda conn: CallCache(conn).count("acc-vapi"))
    assert 100 <= count < 500 and count % 50 == 0


async def test_hms_a_live_call_both_queries_bring_is_stored_once_per_run(db: Database) -> None:
    platform = FakePlatform(Provider.HMS)
    platform.put(*(make_call(n, provider=Provider.HMS) for n in range(5)),
                 make_call(5, provider=Provider.HMS, status="in-progress"))
    sync = CallSync(db, account(Provider.HMS), platform)
    await sync.catch_up(NOW)
    report = await sync.catch_up(NOW)
    assert {r.status for r in platform.requests[1:]} == {None, "in-progress"}  # both queries were made
    assert report.fetched == len(platform.calls)  # each once: both queries bring the live call
