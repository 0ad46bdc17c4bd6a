"""Nothing is sent without its audit row; every row ends with an outcome, even on errors and hangs."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest

from app.domain import Account, Call, Command, CommandResult, End, Outcome, Say, Transfer
from app.providers.errors import (
    APIConnectionError,
    APITimeoutError,
    BadResponseError,
    InvalidRequestError,
    RateLimitError,
    ServerError,
    UnsupportedError,
)
from app.store.audit import (
    ABANDONED_MESSAGE,
    CANCELLED_MESSAGE,
    NOT_SENT,
    PENDING,
    AuditFilters,
    AuditLog,
    AuditTrail,
    send_audited,
)
from app.store.database import Database
from tests.store.fake_platform import FakePlatform, make_call

LIVE = make_call(1, status="in-progress")


async def entries(db: Database, filters: AuditFilters | None = None):
    return await db.read(lambda conn: AuditLog(conn).entries(filters))


async def test_the_row_is_committed_before_sending_then_completed(db: Database, vapi_account: Account) -> None:
    seen_while_sending: list[str] = []

    async def platform_answers(call: Call, command: Command) -> CommandResult:
        # Another connection sees the committed row while the command is in flight.
        seen_while_sending.extend(e.outcome for e in await entries(db))
        await asyncio.sleep(0.02)
        return CommandResult(outcome=Outcome.ACCEPTED, message="Command sent successfully", status_code=200)

    platform = FakePlatform(on_send=platform_answers)
    result = await send_audited(db, platform, vapi_account, LIVE, Say(text="One moment please"), "ria")

    assert result.outcome is Outcome.ACCEPTED
    assert seen_while_sending == [PENDING]
    [entry] = await entries(db)
    assert (entry.user, entry.account_id, entry.account_name, entry.provider, entry.call_id) == (
        "ria", "acc-vapi", "Vapi production", "vapi", LIVE.id)
    assert entry.command == {"kind": "say", "text": "One moment please", "end_after": False, "interrupt_assistant": False}
    assert entry.description == "Say “One moment please”"
    assert (entry.outcome, entry.status_code) == ("accepted", 200)
    assert entry.latency_ms is not None and entry.latency_ms >= 15 and entry.answered_at is not None


async def test_a_refusal_is_recorded_with_the_platforms_message(db: Database, vapi_account: Account) -> None:
    async def refuse(call: Call, command: Command) -> CommandResult:
        return CommandResult(outcome=Outcome.REFUSED, message="Call is not in progress", status_code=400)

    result = await send_audited(db, FakePlatform(on_send=refuse), vapi_account, LIVE, End(), "ria")
    [entry] = await entries(db)
    assert result.outcome is Outcome.REFUSED
    assert (entry.outcome, entry.message, entry.status_code) == ("refused", "Call is not in progress", 400)


async def test_a_send_error_is_recorded_as_unknown_and_not_retried(db: Database, vapi_account: Account) -> None:
    async def time_out(call: Call, command: Command) -> CommandResult:
        raise APITimeoutError("The platform did not answer within 10 seconds.")

    platform = FakePlatform(on_send=time_out)
    result = await send_audited(db, platform, vapi_account, LIVE, Transfer(destination="+15551234567"), "ria")
    assert result.outcome is Outcome.UNKNOWN and "did not answer" in result.message
    assert len(platform.sent) == 1
    [entry] = await entries(db)
    assert (entry.outcome, entry.message) == ("unknown", "The platform did not answer within 10 seconds.")


async def test_a_hanging_send_cancelled_is_recorded_as_unknown(db: Database, vapi_account: Account) -> None:
    async def hang(call: Call, command: Command) -> CommandResult:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    platform = FakePlatform(on_send=hang)
    task = asyncio.create_task(send_audited(db, platform, vapi_account, LIVE, End(), "ria"))
    while not platform.sent:
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [entry] = await entries(db)
    assert (entry.outcome, entry.message) == ("unknown", CANCELLED_MESSAGE)
    assert entry.latency_ms is not None


async def test_a_bug_in_the_client_is_recorded_and_raised(db: Database, vapi_account: Account) -> None:
    async def broken(call: Call, command: Command) -> CommandResult:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await send_audited(db, FakePlatform(on_send=broken), vapi_account, LIVE, End(), "ria")
    [entry] = await entries(db)
    assert (entry.outcome, entry.message) == ("unknown", "Sending failed: boom")


async def test_nothing_is_sent_when_the_row_cannot_be_written(db: Database, vapi_account: Account) -> None:
    await db.write(lambda conn: conn.execute(
        "CREATE TRIGGER full_disk BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"))
    platform = FakePlatform()
    with pytest.raises(sqlite3.IntegrityError, match="disk is full"):
        await send_audited(db, platform, vapi_account, LIVE, End(), "ria")
    assert platform.sent == []


async def test_cancelled_before_sending_is_marked_not_sent(db: Database, vapi_account: Account) -> None:
    release = threading.Event()
    blocker = db.submit_write(lambda conn: release.wait(5))  # the writer is busy: the row waits in line
    platform = FakePlatform()
    task = asyncio.create_task(send_audited(db, platform, vapi_account, LIVE, End(), "ria"))
    await asyncio.sleep(0.02)
    task.cancel()
    release.set()
    await asyncio.wrap_future(blocker)
    with pytest.raises(asyncio.CancelledError):
        await task
    await db.write(lambda conn: None)  # the not-sent mark is queued behind the row
    await db.write(lambda conn: None)
    [entry] = await entries(db)
    assert platform.sent == [] and entry.outcome == NOT_SENT


async def test_rows_left_pending_by_a_crash_become_unknown(db: Database, vapi_account: Account) -> None:
    await db.write(lambda conn: AuditLog(conn).record_request(vapi_account, LIVE.id, End(), "ria"))
    assert await db.write(lambda conn: AuditLog(conn).settle_abandoned()) == 1
    [entry] = await entries(db)
    assert (entry.outcome, entry.message) == ("unknown", ABANDONED_MESSAGE)


async def test_filters_and_csv_export(db: Database, vapi_account: Account) -> None:
    hms = Account(id="acc-hms", name="HMS", provider="hms", base_url="http://x")
    for account, user in ((vapi_account, "ria"), (hms, "sam"), (vapi_account, "sam")):
        await send_audited(db, FakePlatform(), account, LIVE, Say(text="=cmd|' /C calc'!A0"), user)
    assert len(await entries(db, AuditFilters(user="sam"))) == 2
    assert len(await entries(db, AuditFilters(account_id="acc-hms"))) == 1
    assert len(await entries(db, AuditFilters(outcome="accepted", command_kind="say"))) == 3
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert await entries(db, AuditFilters(since=later)) == []
    assert await db.read(lambda conn: AuditLog(conn).users()) == ["ria", "sam"]
    out = io.StringIO()
    assert await db.read(lambda conn: AuditLog(conn).export_csv(out, AuditFilters(user="sam"))) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["account"] for r in rows] == ["HMS", "Vapi production"]
    assert rows[0]["details"].startswith("Say “=cmd")
    assert all(r["outcome"] == "accepted" and float(r["latency ms"]) >= 0 for r in rows)


@pytest.mark.parametrize(("error", "outcome"), [
    (APITimeoutError("no answer"), Outcome.UNKNOWN),
    (APIConnectionError("connection dropped"), Outcome.UNKNOWN),
    (ServerError("bad gateway", status_code=502), Outcome.UNKNOWN),
    (InvalidRequestError("Call is not in progress", status_code=400), Outcome.REFUSED),
    (RateLimitError("10 commands per minute", status_code=429, retry_after=6), Outcome.REFUSED),
    (BadResponseError("unreadable answer"), Outcome.UNKNOWN),
])
async def test_send_errors_become_outcomes(db: Database, vapi_account: Account, error: Exception,
                                           outcome: Outcome) -> None:
    async def fail(call: Call, command: Command) -> CommandResult:
        raise error

    result = await send_audited(db, FakePlatform(on_send=fail), vapi_account, LIVE, End(), "ria")
    [entry] = await entries(db)
    assert result.outcome is outcome and entry.outcome == outcome.value and entry.message == str(error)


async def test_an_audit_trail_sends_as_its_user(db: Database, vapi_account: Account) -> None:
    told: list[str] = []

    async def told_after_the_row(call: Call, command: Command) -> CommandResult:
        assert told == []
        return CommandResult(outcome=Outcome.ACCEPTED)

    trail = AuditTrail(db, "supervisor-1", recorded=lambda: told.append("recorded"))
    platform = FakePlatform(on_send=told_after_the_row)
    result = await trail.send(platform, vapi_account, LIVE, Say(text="Hello"))
    [entry] = await entries(db)
    assert result.outcome is Outcome.ACCEPTED and entry.user == "supervisor-1" and len(platform.sent) == 1
    assert told == ["recorded"] and entry.outcome == "accepted"


async def test_a_command_the_client_turns_down_is_marked_not_sent(db: Database, vapi_account: Account) -> None:
    async def no_control_url(call: Call, command: Command) -> CommandResult:
        raise UnsupportedError("This call has no control URL (it has ended).")

    platform = FakePlatform(on_send=no_control_url)
    with pytest.raises(UnsupportedError):
        await send_audited(db, platform, vapi_account, LIVE, End(), "ria")
    result = await AuditTrail(db, "ria").send(platform, vapi_account, LIVE, End())
    assert result.outcome is Outcome.REFUSED and result.message.startswith("This call has no control URL")
    assert [(e.outcome, e.message) for e in await entries(db)] == [
        (NOT_SENT, "This call has no control URL (it has ended).")] * 2
