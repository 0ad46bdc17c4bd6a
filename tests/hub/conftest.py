"""A hub on loopback with the embedded engines, its users, and signed webhook posts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from app.hub.server import HubServer, open_hub
from app.hub.signatures import HmsCredential, VapiCredential
from app.hub.sources import shared_secret_sources
from app.hub.team import Role, new_token, token_hash

SECRET = "hub-test-secret"


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


@dataclass
class RunningHub:
    server: HubServer
    http: aiohttp.ClientSession

    @property
    def url(self) -> str:
        return self.server.url

    async def user(self, name: str, role: Role) -> str:
        token = new_token()
        await self.server.hub.team.add_user(name, role, token_hash(token))
        return token

    async def post_vapi(self, message: dict[str, Any], *, secret: str = SECRET, now: float | None = None,
                        body: bytes | None = None) -> Answer:
        body = body if body is not None else json.dumps({"message": message}).encode()
        headers = VapiCredential("hmac", secret, timestamp_header="x-timestamp").sign(body, now=now)
        return await self.post("vapi", body, headers)

    async def post_hms(self, message: dict[str, Any], *, now: float | None = None) -> Answer:
        body = json.dumps({"message": message}).encode()
        return await self.post("hms", body, HmsCredential(SECRET).sign(body, message["type"], now=now))

    async def post(self, source: str, body: bytes, headers: dict[str, str]) -> Answer:
        async with self.http.post(f"{self.url}/webhooks/{source}", data=body, headers=headers) as response:
            return Answer(response.status, await response.read())

    async def stored(self) -> list[dict[str, Any]]:
        return [json.loads(event) for _, event in await self.server.hub.events.read("0", block=0)]


@pytest.fixture(params=["embedded", "redis+postgresql"])
def engines(request) -> dict[str, str | None]:
    """Every hub test runs on the embedded engines and on the real ones."""
    if request.param == "embedded":
        return {"redis": None, "database": None}
    return {"redis": request.getfixturevalue("redis_url"), "database": request.getfixturevalue("postgres_url")}


async def start_hub(tmp_path, engines: dict[str, str | None], port: int = 0) -> HubServer:
    hub = await open_hub(shared_secret_sources(SECRET), tmp_path / "hub.sqlite3", **engines)
    server = HubServer(hub, "127.0.0.1", port)
    await server.start()
    return server


@pytest.fixture
async def hub(tmp_path, engines) -> AsyncIterator[RunningHub]:
    server = await start_hub(tmp_path, engines)
    async with aiohttp.ClientSession() as http:
        yield RunningHub(server, http)
    await server.stop()


def vapi_call(call_id: str = "call-1", status: str = "in-progress", **fields: Any) -> dict[str, Any]:
    return {"id": call_id, "orgId": "org", "createdAt": "2026-01-01T10:00:00Z", "updatedAt": "2026-01-01T10:00:05Z",
            "type": "inboundPhoneCall", "status": status, "customer": {"number": "+15550001"}, **fields}
