"""Per-call capabilities: realtime calls take few commands, HMS calls still connecting none, and a
command a call refused (4xx) is disabled for that call with the platform's reason, never resent."""

from __future__ import annotations

from app.domain import CAPABILITIES, CommandKind, End, Provider, Say, Transfer
from app.domain.capabilities import capabilities_for
from app.providers.errors import InvalidRequestError, RateLimitError
from tests.live.calls import make_call
from tests.live.test_session import session_for

REALTIME_TAKES = {"end", "transfer", "append-context"}


def test_a_realtime_call_takes_only_end_transfer_and_append_context():
    call = make_call("rt", realtime=True)
    caps = capabilities_for(call, CAPABILITIES[Provider.VAPI])
    for kind in CommandKind:
        assert (caps.why_not(kind) is None) == (kind.value in REALTIME_TAKES), kind
    assert "realtime" in (caps.why_not(CommandKind.SAY) or "")


def test_append_context_is_offered_until_a_call_refuses_it():
    """How a call that takes it is recognised is not documented: offered, and a 400 turns it off."""
    caps = capabilities_for(make_call("classic"), CAPABILITIES[Provider.VAPI])
    assert all(caps.why_not(kind) is None for kind in CommandKind)
    refused = capabilities_for(make_call("classic"), CAPABILITIES[Provider.VAPI],
                               {CommandKind.APPEND_CONTEXT: "append-context is not supported"})
    assert refused.why_not(CommandKind.APPEND_CONTEXT) == "append-context is not supported"


def test_an_hms_call_still_connecting_cannot_be_controlled_yet():
    connecting = make_call("h", provider=Provider.HMS, status="ringing")
    caps = capabilities_for(connecting, CAPABILITIES[Provider.HMS])
    reason = caps.why_not(CommandKind.SAY)
    assert reason is not None and "connecting" in reason
    in_progress = capabilities_for(make_call("h", provider=Provider.HMS), CAPABILITIES[Provider.HMS])
    assert in_progress.why_not(CommandKind.SAY) is None
    assert "cannot mute" in (in_progress.why_not(CommandKind.MUTE) or "")  # the platform's rule still holds


async def test_a_refused_command_is_disabled_for_that_call_with_the_platforms_reason():
    session, platform = session_for()
    session.registry.merge([make_call("other")])
    told: list[str] = []
    session.events.capabilities.connect(told.append)
    platform.send_error = InvalidRequestError("Vapi refused: Call is not in a state to say", status_code=400)
    first = await session.send("live", Say(text="Hello"))
    assert first.outcome.value == "refused"
    assert told == ["live"]
    caps = session.capabilities_for(session.registry.get("live"))
    assert "Call is not in a state to say" in (caps.why_not(CommandKind.SAY) or "")
    assert caps.why_not(CommandKind.END) is None  # only that command
    assert session.capabilities_for(session.registry.get("other")).why_not(CommandKind.SAY) is None  # only that call
    again = await session.send("live", Say(text="Hello again"))
    assert again.outcome.value == "refused" and "Call is not in a state to say" in again.message
    assert len(platform.sent) == 1  # never resent
    await session.aclose()


async def test_a_rate_limit_does_not_disable_the_command():
    session, platform = session_for()
    platform.send_error = RateLimitError("Too many commands", status_code=429)
    await session.send("live", End())
    assert session.capabilities_for(session.registry.get("live")).why_not(CommandKind.END) is None
    platform.send_error = None
    assert (await session.send("live", Transfer(destination="+31612345678"))).outcome.value == "accepted"
    await session.aclose()
