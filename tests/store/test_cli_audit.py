"""`switchboard control` writes its audit row too, and sends nothing when the log cannot be opened."""

from __future__ import annotations

import asyncio

from app.__main__ import main
from app.domain import Provider
from app.providers import make_client
from app.store.audit import AuditLog
from app.store.database import connect, default_path
from tests.fixtures.sandbox import SANDBOX_KEY


def live_call_id(sandbox) -> str:
    async def find() -> str:
        client = make_client(Provider.VAPI, sandbox.base_url(Provider.VAPI), SANDBOX_KEY)
        try:
            for _ in range(100):  # the sandbox's live calls ring for a few seconds first
                async for page in client.list_calls():
                    for call in page:
                        if call.status == "in-progress" and call.control_url:
                            return call.id
                await asyncio.sleep(0.2)
        finally:
            await client.aclose()
        raise AssertionError("no call in progress on the sandbox")

    return asyncio.run(find())


def control(sandbox, call_id: str, *action: str) -> int:
    return main(["control", "--provider", "vapi", "--base-url", sandbox.base_url(Provider.VAPI), "--call", call_id,
                 *action])


def test_a_command_line_command_is_audited(sandbox, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SWITCHBOARD_API_KEY", SANDBOX_KEY)
    call_id = live_call_id(sandbox)
    assert control(sandbox, call_id, "say", "Hello from the command line") == 0
    [entry] = AuditLog(connect(default_path())).entries()
    assert (entry.call_id, entry.account_id, entry.command_kind, entry.outcome) == (call_id, "cli-vapi", "say",
                                                                                   "accepted")
    assert entry.description == "Say “Hello from the command line”" and entry.latency_ms is not None


def test_without_an_audit_log_nothing_is_sent(sandbox, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SWITCHBOARD_API_KEY", SANDBOX_KEY)
    call_id = live_call_id(sandbox)
    damaged = b"not a database at all" * 50
    default_path().write_bytes(damaged)
    assert control(sandbox, call_id, "end") == 2
    err = capsys.readouterr().err
    assert "audit log" in err and "Nothing was sent" in err
    assert default_path().read_bytes() == damaged  # left as it was
    assert status_of(sandbox, call_id) == "in-progress"  # not ended


def status_of(sandbox, call_id: str) -> str:
    async def get() -> str:
        client = make_client(Provider.VAPI, sandbox.base_url(Provider.VAPI), SANDBOX_KEY)
        try:
            return (await client.get_call(call_id)).status
        finally:
            await client.aclose()

    return asyncio.run(get())
