"""Every default rule fires from a sandbox scenario through the real services — the sandbox over
loopback, the real poller and registry, the alert engine — and nothing fires on a calm booking."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import fields

import pytest

from app.domain import Account, Provider
from app.domain.alert import Alert
from app.live.alerts.engine import AlertEngine
from app.live.alerts.settings import AlertSettings
from app.live.poller import PollPlan
from app.live.session import AccountSession
from app.sandbox.embedded import EmbeddedSandbox
from app.store.audit import AuditUnavailable

KEY = "alerts-key"
SPEED = 10.0
BRISK = PollPlan(live_interval=0.05, list_interval=0.1, max_backoff=0.5)
RULES = [f.name for f in fields(AlertSettings)]
CALM = "booking"


async def _play_all(sandbox: EmbeddedSandbox) -> dict[str, list[Alert]]:
    """Start one call of every troubled scenario and a calm one; the alerts each got by the time they ended."""
    world = sandbox.server.state.world
    account = Account(id="alerts", name="Sandbox", provider=Provider.VAPI, base_url=sandbox.base_url(Provider.VAPI))
    session = AccountSession.open(account, KEY, AuditUnavailable("alerts only read"), plan=BRISK)
    engine = AlertEngine(clock=world.clock.now)  # the sandbox's sped-up time is the platform's time
    engine.watch(account.id, session.registry)
    session.start()
    engine.start(interval=0.05)
    try:
        await _until(lambda: session.poller.state.loaded)
        scenarios = [s.id for s in world.scenarios.values() if s.trouble] + [CALM]
        calls = {sandbox.start_call(Provider.VAPI, s): s for s in scenarios}
        await _until(lambda: all((c := session.registry.get(i)) is not None and c.status == "ended" for i in calls),
                     timeout=30)
        await asyncio.sleep(0.3)  # a last round of rescoring and ticks
        return {scenario: engine.alerts_for(call_id) for call_id, scenario in calls.items()}
    finally:
        await engine.stop()
        await session.aclose()


async def _until(condition, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.fixture(scope="module")
def played() -> Iterator[tuple[dict[str, list[Alert]], dict[str, tuple[str, ...]]]]:
    # 80 ended calls per platform: enough reminder calls for the assistant's usual duration.
    with EmbeddedSandbox(api_key=KEY, live=0, history=80, speed=SPEED, analysis_delay=1.0) as sandbox:
        troubles = {s.id: s.trouble for s in sandbox.server.state.world.scenarios.values()}
        yield asyncio.run(_play_all(sandbox)), troubles


def test_every_default_rule_has_a_scenario_written_to_fire_it(played) -> None:
    _, troubles = played
    assert {rule for trouble in troubles.values() for rule in trouble} == set(RULES)


@pytest.mark.parametrize("rule", RULES)
def test_the_rule_fires_on_its_scenarios(played, rule: str) -> None:
    alerts, troubles = played
    for scenario in (s for s, trouble in troubles.items() if rule in trouble):
        fired = alerts[scenario]
        assert rule in {a.rule for a in fired}, f"{rule} did not fire on {scenario}: {fired}"
        alert = next(a for a in fired if a.rule == rule)
        assert alert.call_id and alert.provider == "vapi" and alert.message and alert.raised_at


def test_nothing_fires_on_a_calm_booking(played) -> None:
    alerts, _ = played
    assert alerts[CALM] == []
