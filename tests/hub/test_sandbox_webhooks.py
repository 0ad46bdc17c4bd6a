"""The sandbox posts webhooks like the platforms: signed, in the official shapes, in order per call."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from app.hub.signatures import HmsCredential, VapiCredential
from app.providers import hms_parse
from tests.fixtures.qt import until
from tests.hub.conftest import SECRET
from tests.hub.sandbox_hooks import webhook_sandbox
from tests.sandbox.vapi_schema import unknown_fields, validator

SCHEMAS = {"status-update": "ServerMessageStatusUpdate", "transcript": "ServerMessageTranscript",
           "conversation-update": "ServerMessageConversationUpdate",
           "end-of-call-report": "ServerMessageEndOfCallReport"}


class Receiver:
    """Keeps every delivery as sent (path, headers, raw body)."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[str, dict[str, str], bytes]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.deliveries.append((request.match_info["source"], dict(request.headers), await request.read()))
        return web.json_response({})

    def messages(self, source: str) -> list[dict[str, Any]]:
        return [json.loads(body)["message"] for path, _, body in self.deliveries if path == source]

    def reported(self, source: str) -> bool:
        return any(m["type"] == "end-of-call-report" for m in self.messages(source))


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/webhooks/{source}", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield receiver, f"http://127.0.0.1:{runner.addresses[0][1]}/webhooks"
    await runner.cleanup()


async def test_the_sandbox_posts_signed_webhooks_in_the_official_shapes(receiver):
    receiver, url = receiver
    async with webhook_sandbox([url]):
        await until(lambda: receiver.reported("vapi") and receiver.reported("hms"), timeout=60)
    vapi, hms = VapiCredential("hmac", SECRET, timestamp_header="x-timestamp"), HmsCredential(SECRET)
    for source, headers, body in receiver.deliveries:
        credential = vapi if source == "vapi" else hms
        assert credential.verify(headers, body), (source, headers)
    for message in receiver.messages("vapi"):
        errors = [e.message for e in validator(SCHEMAS[message["type"]]).iter_errors(message)]
        assert errors == [], (message["type"], errors[:3])
        assert unknown_fields(SCHEMAS[message["type"]], message) == set(), message["type"]
    for message in receiver.messages("hms"):
        assert message["type"] in ("status-update", "end-of-call-report")
        hms_parse.parse_call(json.dumps(message["call"]).encode())


async def test_a_vapi_calls_webhooks_tell_its_story_in_order(receiver):
    receiver, url = receiver
    async with webhook_sandbox([url]):
        await until(lambda: receiver.reported("vapi"), timeout=60)
    report = next(m for m in receiver.messages("vapi") if m["type"] == "end-of-call-report")
    story = [m for m in receiver.messages("vapi") if m["call"]["id"] == report["call"]["id"]]
    statuses = [m["status"] for m in story if m["type"] == "status-update"]
    assert statuses[:3] == ["queued", "ringing", "in-progress"] and statuses[-1] == "ended"
    finals = [m["transcript"] for m in story if m["type"] == "transcript" and m["transcriptType"] == "final"]
    spoken = [m["message"] for m in report["artifact"]["messages"] if m["role"] in ("user", "bot")]
    assert finals and sorted(finals) == sorted(spoken)
    assert story[-1]["type"] == "end-of-call-report"
