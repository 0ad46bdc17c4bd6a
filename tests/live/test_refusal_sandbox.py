"""A command the call refuses, end to end against the real sandbox (loopback, no mocks): the refusal
comes back with the platform's words, is in the audit log, and that command stays disabled for that
call (with those words) without being sent again."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.domain import Account, CommandKind, Outcome, Provider, Say
from app.live.session import AccountSession
from app.store.audit import AuditLog, AuditTrail
from app.store.database import Database
from tests.fixtures.sandbox import SANDBOX_KEY
from tests.fixtures.window import FAST_POLLS


async def test_a_refused_command_disables_itself_for_that_call(fast_sandbox, tmp_path: Path):
    db = Database(tmp_path / "history.sqlite3")
    account = Account(id="sb", name="Sandbox", provider=Provider.VAPI, base_url=fast_sandbox.base_url(Provider.VAPI))
    session = AccountSession.open(account, SANDBOX_KEY, AuditTrail(db, "ria"), plan=FAST_POLLS)
    try:
        call_id = await asyncio.to_thread(fast_sandbox.start_call, Provider.VAPI)
        async with asyncio.timeout(30):  # the call ends; the platform refuses what is sent to it after
            while (call := await session.refresh(call_id)) is None or call.status != "ended":
                await asyncio.sleep(0.1)
        assert call.control_url, "an ended call keeps its control URL"
        result = await session.send(call_id, Say(text="Are you still there?"))
        assert result.outcome is Outcome.REFUSED and result.status_code == 400
        reason = session.capabilities_for(session.registry.get(call_id)).why_not(CommandKind.SAY)
        assert reason == result.message and "not live" in reason
        again = await session.send(call_id, Say(text="Hello?"))
        assert again.outcome is Outcome.REFUSED and again.message == reason
        entries = await db.read(lambda conn: AuditLog(conn).entries())
        assert [(e.call_id, e.outcome) for e in entries] == [(call_id, "refused")]  # sent once, audited
    finally:
        await session.aclose()
        db.close()
