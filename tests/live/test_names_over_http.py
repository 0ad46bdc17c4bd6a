"""Names from ids over real HTTP (an aiohttp server on loopback speaking Vapi's shapes): the session's
poller and the history sync show names, each id is read once, and a new session reads them from the
history instead of the platform."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web

from app.domain import Account, Provider
from app.live.session import AccountSession
from app.providers.wire import iso
from app.store.audit import AuditUnavailable
from app.store.calls import CallCache
from app.store.database import Database
from app.store.names import StoredNames
from app.store.sync import CallSync
from tests.live.test_poller import FAST

OWNERS = {"assistant": {"as-1": "Front desk"}, "squad": {"sq-1": "Night team"}, "workflow": {"wf-1": "Refunds"}}


def vapi_call(n: int, **owner: str) -> dict:
    created = datetime.now(UTC) - timedelta(hours=1, minutes=n)
    return {"id": f"call-{n}", "type": "inboundPhoneCall", "status": "ended", "createdAt": iso(created),
            "updatedAt": iso(created + timedelta(minutes=1)), "customer": {"number": "+15550100"}, **owner}


CALLS = [vapi_call(1, assistantId="as-1"), vapi_call(2, assistantId="as-1"), vapi_call(3, squadId="sq-1"),
         vapi_call(4, workflowId="wf-1"), vapi_call(5, assistantId="as-gone")]


@pytest.fixture
async def vapi() -> AsyncIterator[tuple[str, Counter[str]]]:
    reads: Counter[str] = Counter()

    async def calls(request: web.Request) -> web.Response:
        return web.json_response(CALLS)

    async def owner(request: web.Request) -> web.Response:
        kind, owner_id = request.match_info["kind"], request.match_info["id"]
        reads[f"{kind}/{owner_id}"] += 1
        name = OWNERS.get(kind, {}).get(owner_id)
        if name is None:
            return web.json_response({"statusCode": 404, "error": "Not Found", "message": "Not found"}, status=404)
        return web.json_response({"id": owner_id, "name": name, "orgId": "org", "model": {"model": "gpt-4o"}})

    app = web.Application()
    app.router.add_get("/call", calls)
    app.router.add_get("/{kind:assistant|squad|workflow}/{id}", owner)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}", reads
    finally:
        await runner.cleanup()


async def test_names_resolved_from_ids_in_the_list_and_the_history(vapi, tmp_path: Path):
    base_url, reads = vapi
    db = Database(tmp_path / "history.sqlite3")
    account = Account(id="acc", name="Vapi", provider=Provider.VAPI, base_url=base_url)
    names = StoredNames(db)
    try:
        session = AccountSession.open(account, "sk-test", AuditUnavailable("read only"), plan=FAST, names=names)
        try:
            await session.refresh_list()
            await CallSync(db, account, session.client, names=session.names).catch_up()
            labels = {call.id: call.assistant_label for call in session.registry.calls()}
        finally:
            await session.aclose()
        assert labels == {"call-1": "Front desk", "call-2": "Front desk", "call-3": "Night team",
                          "call-4": "Refunds", "call-5": "as-gone"}
        rows = await db.read(lambda conn: CallCache(conn).page("acc"))
        assert {row.id: row.assistant_name for row in rows}["call-4"] == "Refunds"
        assert set(reads.values()) == {1}  # each id once, the unknown one included

        again = AccountSession.open(account, "sk-test", AuditUnavailable("read only"), plan=FAST, names=names)
        try:
            await again.refresh_list()
            assert again.registry.get("call-3").squad_name == "Night team"
        finally:
            await again.aclose()
        assert reads["squad/sq-1"] == 1  # from the history, not the platform
    finally:
        db.close()
