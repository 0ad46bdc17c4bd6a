"""The real window listening to a live sandbox call: its transcript grows from the listen socket within a
second of each line being said, with polling slowed so far that only the socket can bring the lines."""

from __future__ import annotations

import asyncio
import time

from app.domain import Provider, TurnRole
from app.live.poller import PollPlan
from tests.e2e.conftest import sandbox_account
from tests.fixtures.qt import until
from tests.fixtures.sandbox import SANDBOX_KEY

SLOW_POLLS = PollPlan(live_interval=60.0, list_interval=60.0)


def test_the_listened_calls_transcript_grows_from_the_socket(window, sandbox_factory, run_async):
    sandbox = sandbox_factory(live=0, history=0)
    call_id = sandbox.start_call(Provider.VAPI, "booking")
    sim = sandbox.server.state.world.find(Provider.VAPI, call_id)
    window.poll_plan = SLOW_POLLS

    async def scenario() -> None:
        await window.open_session(sandbox_account(sandbox), SANDBOX_KEY)
        await until(lambda: call_id in window.call_list.visible_call_ids(), what="the new call")
        assert window.call_list.select_call(call_id)
        area = window.audio_area
        area.listen_panel.listen_button.click()
        await until(lambda: area.listen_panel.listener, what="a listener")
        said: dict[str, float] = {}
        shown: dict[str, float] = {}
        deadline = time.monotonic() + 20
        while len(shown) < 2 and time.monotonic() < deadline:
            now = time.monotonic()
            for message in list(sim.live_messages or ()):
                if message.role in ("user", "bot"):
                    said.setdefault(message.text, now)
            for turn in window.transcript.model.turns:
                if turn.role in (TurnRole.CUSTOMER, TurnRole.ASSISTANT) and not turn.partial:
                    shown.setdefault(turn.text, now)
            await asyncio.sleep(0.01)
        assert len(shown) >= 2, (shown, said)
        for text, at in shown.items():
            assert text in said and at - said[text] < 1.0, (text, at - said.get(text, at))
        await window.close_session()

    run_async(scenario())
