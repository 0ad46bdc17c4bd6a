from __future__ import annotations

import pytest

from app.domain import Account, Mute, Outcome, Provider, Say, Side
from app.live.session import AccountSession
from app.providers.errors import (
    APIConnectionError,
    BadResponseError,
    InvalidRequestError,
    RateLimitError,
    ServerError,
    UnsupportedError,
)
from tests.live.calls import make_call
from tests.live.fake_platform import FakePlatform


def session_for(provider: Provider = Provider.VAPI) -> tuple[AccountSession, FakePlatform]:
    platform = FakePlatform(provider)
    account = Account(id="acc", name="Test", provider=provider, base_url="http://127.0.0.1:1")
    session = AccountSession(account, platform)
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


async def test_an_audit_journal_sends_in_the_sessions_place():
    session, platform = session_for()
    journal: list[tuple[str, str]] = []

    class Journal:
        async def send(self, client, account, call, command):
            journal.append((account.id, call.id))
            return await client.send(call, command)

    session.audit = Journal()
    result = await session.send("live", Say(text="Hello"))
    assert result.outcome is Outcome.ACCEPTED
    assert journal == [("acc", "live")]
    assert platform.sent == [Say(text="Hello")]
    await session.aclose()
