"""A hostile Vapi-shaped platform for the real window: markup in every text a caller or the platform
chooses, huge texts, slow answers and error bodies that try to look like success.

It is the CLI tests' hostile server (tests/hostile/server.py: loopback, its own thread and asyncio
loop, so its work never stalls the window's) with Vapi's routes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from app.domain import Account, Provider
from tests.hostile.server import Handler, HostileServer, answer

# Harmless markup: obeyed, it would render as bold/italic and drop the tags (and try to load a file).
MARKUP = "<b>Zq</b><i>nd</i><img src='/nonexistent/switchboard.png'>&amp;"
FAKE_SUCCESS = "<span style='color:green'>✓ Transfer OK</span>"
KEY = "hostile-key"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def vapi_call(call_id: str, base: str, *, live: bool, text: str = MARKUP, summary: str | None = None,
              name: str | None = None) -> dict[str, Any]:
    """One call whose every caller- or platform-chosen text is `text`."""
    now = datetime.now(UTC)
    started = now - timedelta(minutes=3)
    call: dict[str, Any] = {
        "id": call_id, "type": "inboundPhoneCall", "status": "in-progress" if live else "ended",
        "name": name if name is not None else text,
        "createdAt": _iso(started), "updatedAt": _iso(now), "startedAt": _iso(started),
        "customer": {"number": "+15550100", "name": text}, "assistant": {"name": text},
        "artifact": {"messages": [
            {"role": "bot", "message": f"Hello {text}", "secondsFromStart": 0.5},
            {"role": "user", "message": text, "secondsFromStart": 3.0},
        ]},
    }
    if live:
        call["monitor"] = {"controlUrl": f"{base}/control/{call_id}", "listenUrl": f"ws://127.0.0.1:1/{call_id}"}
    else:
        call.update(endedAt=_iso(now - timedelta(minutes=1)), endedReason=text, endedMessage=text, cost=0.07,
                    analysis={"summary": summary if summary is not None else text, "successEvaluation": text,
                              "structuredData": {text: text, "nested": {"why": text}}})
    return call


class HostilePlatform(HostileServer):
    """The hostile server answering as Vapi: `serve_calls` sets the call list and each call's read;
    every answer waits `delay` seconds; a control POST is answered `control_status` with a Vapi error
    body whose message is `control_message`; the list answers `list_status` (an error body when not 200)."""

    def __init__(self, *, delay: float = 0.0, control_status: int = 400, control_message: str = FAKE_SUCCESS,
                 list_status: int = 200) -> None:
        super().__init__()
        self.delay = delay
        self.control_status = control_status
        self.control_message = control_message
        self.list_status = list_status
        self._list = b"[]"

    @property
    def base_url(self) -> str:
        return self.url

    def account(self) -> Account:
        return Account(id="hostile", name="Hostile platform", provider=Provider.VAPI, base_url=self.base_url)

    def serve_calls(self, calls: list[dict[str, Any]]) -> None:
        """Bodies are encoded once here: what is measured is the console, not this server."""
        self._list = json.dumps(calls).encode()
        self.route("GET", "/call", self._call_list)
        for call in calls:
            self.route("GET", f"/call/{call['id']}", self._after_delay(answer(json.dumps(call).encode())))
            self.route("POST", f"/control/{call['id']}", self._control)

    def _after_delay(self, handler: Handler) -> Handler:
        async def delayed(request: web.Request) -> web.StreamResponse:
            if self.delay:
                await asyncio.sleep(self.delay)
            return await handler(request)

        return delayed

    async def _call_list(self, request: web.Request) -> web.StreamResponse:
        if self.list_status != 200:
            return await self._error(request, self.list_status, "Error")
        return await self._after_delay(answer(self._list))(request)

    async def _control(self, request: web.Request) -> web.StreamResponse:
        return await self._error(request, self.control_status, "Bad Request")

    async def _error(self, request: web.Request, status: int, error: str) -> web.StreamResponse:
        body = {"statusCode": status, "error": error, "message": self.control_message}
        return await self._after_delay(answer(body, status=status))(request)


@pytest.fixture
def hostile() -> Iterator[HostilePlatform]:
    platform = HostilePlatform().start()
    yield platform
    platform.stop()
