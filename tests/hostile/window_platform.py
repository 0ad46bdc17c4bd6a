"""A hostile Vapi-shaped platform for the real window: markup in every text a caller or the platform
chooses, huge texts, slow answers and error bodies that try to look like success.

It runs on loopback in its own thread (its own asyncio loop), so its work never stalls the window's.
Bodies are encoded once up front: what is measured is the console, not this server.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from app.domain import Account, Provider

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


class HostilePlatform:
    """`calls(base_url)` builds the call list; every answer waits `delay` seconds; a control POST is
    answered `control_status` with a Vapi error body whose message is `control_message`."""

    def __init__(self, *, delay: float = 0.0, control_status: int = 400, control_message: str = FAKE_SUCCESS,
                 list_status: int = 200) -> None:
        self.delay = delay
        self.control_status = control_status
        self.control_message = control_message
        self.list_status = list_status
        self.requests: list[str] = []
        self._list = b"[]"
        self._calls: dict[str, bytes] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def account(self) -> Account:
        return Account(id="hostile", name="Hostile platform", provider=Provider.VAPI, base_url=self.base_url)

    def serve_calls(self, calls: list[dict[str, Any]]) -> None:
        self._calls = {c["id"]: json.dumps(c).encode() for c in calls}
        self._list = json.dumps(calls).encode()

    # -- the server --------------------------------------------------------------------------------
    async def _answer(self, request: web.Request) -> web.Response:
        self.requests.append(f"{request.method} {request.path}")
        if self.delay:
            await asyncio.sleep(self.delay)
        path = request.path
        if request.method == "POST" and path.startswith("/control/"):
            body = {"statusCode": self.control_status, "error": "Bad Request", "message": self.control_message}
            return web.json_response(body, status=self.control_status)
        if path == "/call":
            if self.list_status != 200:
                body = {"statusCode": self.list_status, "error": "Error", "message": self.control_message}
                return web.json_response(body, status=self.list_status)
            return web.Response(body=self._list, content_type="application/json")
        if path.startswith("/call/") and path.count("/") == 2:
            found = self._calls.get(path.rsplit("/", 1)[1])
            if found is not None:
                return web.Response(body=found, content_type="application/json")
        return web.json_response({"statusCode": 404, "error": "Not Found", "message": "no such thing"}, status=404)

    def start(self) -> HostilePlatform:
        started: Future[None] = Future()
        self._thread = threading.Thread(target=self._serve, args=(started,), name="hostile-platform", daemon=True)
        self._thread.start()
        started.result(timeout=30)
        return self

    def _serve(self, started: Future[None]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        app = web.Application(client_max_size=1 << 20)
        app.router.add_route("*", "/{tail:.*}", self._answer)
        self._runner = web.AppRunner(app, access_log=None)
        loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        started.set_result(None)
        loop.run_forever()
        loop.run_until_complete(self._runner.cleanup())
        loop.close()

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._thread = None


@pytest.fixture
def hostile() -> Iterator[HostilePlatform]:
    platform = HostilePlatform().start()
    yield platform
    platform.stop()
