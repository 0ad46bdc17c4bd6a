"""A console's account on a hub: live changes arrive by push while the poller only reconciles,
and polling takes over at its normal pace while the hub is away, then hands back by itself."""

from __future__ import annotations

from app.domain import Account, Provider
from app.hub.team import Role, new_token, token_hash
from app.live.hub_link import POLLING_TEXT, STREAMING_TEXT, HubLink
from app.live.session import AccountSession
from app.providers.http import RetryPolicy
from app.sandbox.wire import base_url
from app.store.audit import AuditUnavailable
from tests.fixtures.qt import until
from tests.fixtures.servers import free_port
from tests.hub.conftest import start_hub
from tests.hub.sandbox_hooks import webhook_sandbox

EMBEDDED = {"redis": None, "database": None}


async def test_the_console_streams_from_the_hub_and_polls_only_while_it_is_away(tmp_path):
    port = free_port()
    hub = await start_hub(tmp_path, EMBEDDED, port)
    token = new_token()
    await hub.hub.team.add_user("ann", Role.SUPERVISOR, token_hash(token))
    modes: list[str] = []
    async with webhook_sandbox([f"{hub.url}/webhooks"], live=1, speed=10.0) as sandbox:
        account = Account(id="a1", name="Sandbox", provider=Provider.VAPI,
                          base_url=base_url(sandbox.host, sandbox.port, Provider.VAPI))
        session = AccountSession.open(account, sandbox.state.api_key, AuditUnavailable("read only"))
        normal = session.poller.plan
        link = HubLink(session, hub.url, token, retry=RetryPolicy(initial_delay=0.05, max_delay=0.2),
                       queue=tmp_path / "queue.json")
        link.events.mode.connect(modes.append)
        session.start()
        link.start()
        try:
            await until(lambda: link.mode == STREAMING_TEXT)
            assert session.poller.plan.live_interval == 30.0 and session.poller.plan.list_interval == 30.0
            await until(lambda: session.registry.live_ids(), what="a live call")
            call_id = session.registry.live_ids()[0]
            heard = len(session.registry.get(call_id).turns)
            # The poller now looks every 30 s: new lines within seconds can only have come by push.
            await until(lambda: len(session.registry.get(call_id).turns) > heard + 1, timeout=20,
                        what="turns pushed by the hub")

            await hub.stop()
            await until(lambda: link.mode == POLLING_TEXT)
            assert session.poller.plan == normal

            hub = await start_hub(tmp_path, EMBEDDED, port)
            await until(lambda: link.mode == STREAMING_TEXT)
            assert session.poller.plan.live_interval == 30.0
        finally:
            await link.stop()
            await session.aclose()
            await hub.stop()
    assert modes[:3] == [STREAMING_TEXT, POLLING_TEXT, STREAMING_TEXT]
