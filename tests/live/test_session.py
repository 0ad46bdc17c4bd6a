from __future__ import annotations

import pytest

from app.domain import Account, Mute, Outcome, Provider, Say, Side
from app.live.session import AccountSession
from app.providers.errors import (
    APIConnectionError,
    BadResponseError,
    InvalidRequestError,
    ProviderError,
    RateLimitError,
    ServerError,
    UnsupportedError,
    command_result_of,
)
from app.store.audit import AuditLog, AuditTrail
from app.store.database import Database
from tests.live.calls import make_call
from tests.live.fake_platform import FakePlatform


class Journal:
    """An audit trail in memory: what was recorded, in order, around the platform's send."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []

    async def send(self, client, account, call, command):
        self.entries.append((account.id, call.id))
        try:
            return await client.send(call, command)
        except ProviderError as error:
            return command_result_of(error)


def session_for(provider: Provider = Provider.VAPI) -> tuple[AccountSession, FakePlatform]:
    platform = FakePlatform(provider)
    account = Account(id="acc", name="Test", provider=provider, base_url="http://127.0.0.1:1")
    session = AccountSession(account, platform, Journal())
    session.registry.merge([make_call("live")])
    platform.calls["live"] = make_call("live")
    return session, platform


async def test_send_delivers_once_and_reports_acceptance():
    session, platform = session_for()
    result = await session.send("live", Say(text="Hello"))
    assert result.outcome is Outcome.ACCEPTED
    assert platform.sent == [Say(text="Hello")]
    await session.aclose()
    assert platform.closed


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (APIConnectionError("The connection dropped"), Outcome.UNKNOWN),
        (ServerError("Bad gateway", status_code=502), Outcome.UNKNOWN),
        (RateLimitError("Too many commands", status_code=429), Outcome.REFUSED),
        (InvalidRequestError("Call is not live", status_code=400), Outcome.REFUSED),
        (BadResponseError("Vapi sent a response we cannot read"), Outcome.UNKNOWN),  # it got there: never resend
        (UnsupportedError("Cannot transfer to a SIP address"), Outcome.REFUSED),
    ],
)
async def test_send_turns_errors_into_outcomes_without_retrying(error, outcome):
    session, platform = session_for()
    platform.send_error = error
    result = await session.send("live", Say(text="Hello"))
    assert result.outcome is outcome
    assert str(error) in result.message
    assert len(platform.sent) == 1
    await session.aclose()


async def test_what_the_platform_cannot_do_is_refused_with_the_reason():
    session, platform = session_for(Provider.HMS)
    result = await session.send("live", Mute(side=Side.ASSISTANT))
    assert result.outcome is Outcome.REFUSED
    assert "HMS Sovereign cannot mute" in result.message
    assert platform.sent == []
    with pytest.raises(UnsupportedError, match="does not allow renaming"):
        await session.rename("live", "VIP")
    await session.aclose()


async def test_unknown_call_is_refused():
    session, _ = session_for()
    result = await session.send("nope", Say(text="Hi"))
    assert result.outcome is Outcome.REFUSED
    await session.aclose()


async def test_rename_updates_the_registry():
    session, _ = session_for()
    await session.rename("live", "  VIP caller ")
    assert session.registry.get("live").name == "VIP caller"
    await session.aclose()


def test_a_session_cannot_be_made_without_an_audit_trail():
    account = Account(id="acc", name="Test", provider=Provider.VAPI, base_url="http://127.0.0.1:1")
    with pytest.raises(TypeError):
        AccountSession(account, FakePlatform())  # type: ignore[call-arg]
    assert not hasattr(AccountSession, "_deliver")  # no unaudited way to the platform


async def test_every_send_is_in_the_audit_log_before_the_platform_sees_it(tmp_path):
    db = Database(tmp_path / "history.sqlite3")
    platform = FakePlatform()
    seen_before_send: list[int] = []
    send = platform.send

    async def send_after_checking(call, command):
        seen_before_send.append(await db.read(lambda conn: AuditLog(conn).count()))
        return await send(call, command)

    platform.send = send_after_checking  # type: ignore[method-assign]
    account = Account(id="acc", name="Test", provider=Provider.VAPI, base_url="http://127.0.0.1:1")
    session = AccountSession(account, platform, AuditTrail(db, "ria"))
    session.registry.merge([make_call("live")])
    result = await session.send("live", Say(text="Hello"))
    entries = await db.read(lambda conn: AuditLog(conn).entries())
    await session.aclose()
    db.close()
    assert result.outcome is Outcome.ACCEPTED
    assert seen_before_send == [1]
    assert [(e.call_id, e.user, e.outcome) for e in entries] == [("live", "ria", "accepted")]


async def test_an_audit_journal_sends_in_the_sessions_place():
    session, platform = session_for()
    result = await session.send("live", Say(text="Hello"))
    assert result.outcome is Outcome.ACCEPTED
    assert session.audit.entries == [("acc", "live")]
    assert platform.sent == [Say(text="Hello")]
    await session.aclose()
