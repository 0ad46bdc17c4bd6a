"""A small real HTTP server on 127.0.0.1 answering in each platform's shapes, run on its own thread.

/vapi, /hms and /voicebot each hold 250 ended calls plus three live ones whose control endpoint
accepts ("live-accept"), refuses ("live-refuse") or fails with 502 ("live-unknown").
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from datetime import timedelta
from typing import Any

from aiohttp import web

from tests.providers.fake_platforms import hms_list, vapi_list
from tests.providers.payloads import T0, hms_call, vapi_call, voicebot_call

GOOD_KEY = "sk-cli-test"
CALLS = 250
LIVE = ("live-accept", "live-refuse", "live-unknown", "live-realtime")


class PlatformServer:
    def __init__(self) -> None:
        self.rng = random.Random(7)
        self.url = ""
        self.controls: list[tuple[str, Any]] = []  # (path, body) of every control POST
        self.control_auth: list[str | None] = []  # the Authorization header each Vapi control POST carried
        self.vapi = [vapi_call(n, T0 + timedelta(seconds=n // 2)) for n in range(CALLS)]
        self.hms = [hms_call(n, T0 + timedelta(seconds=n)) for n in range(CALLS)]
        self.voicebot = [voicebot_call(n, T0 + timedelta(seconds=n)) for n in range(CALLS)]
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    def live_vapi(self, call_id: str) -> dict[str, Any]:
        realtime = {"assistantOverrides": {"model": {"provider": "openai", "model": "gpt-realtime-2025-08-28"}}}
        return vapi_call(0, status="in-progress") | {
            "id": call_id,
            "monitor": {"listenUrl": f"ws://127.0.0.1/{call_id}", "controlUrl": f"{self.url}/vapi/control/{call_id}"},
        } | (realtime if "realtime" in call_id else {})

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _serve(self) -> None:
        app = web.Application(middlewares=[self._auth])
        app.router.add_get("/vapi/call", self._vapi_list)
        app.router.add_get("/vapi/call/{id}", self._vapi_get)
        app.router.add_post("/vapi/control/{id}", self._control)
        app.router.add_get("/hms/calls", self._hms_list)
        app.router.add_get("/hms/calls/{id}", self._hms_get)
        app.router.add_post("/hms/calls/{id}/control", self._control)
        app.router.add_get("/voicebot/calls", self._voicebot_list)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    @web.middleware
    async def _auth(self, request: web.Request, handler: Any) -> web.StreamResponse:
        given = request.headers.get("X-API-Key") or request.headers.get("Authorization", "").removeprefix("Bearer ")
        if request.path.startswith("/vapi/control/"):  # a monitor URL: the URL is the capability
            self.control_auth.append(request.headers.get("Authorization"))
        elif given != GOOD_KEY:
            return web.json_response({"statusCode": 401, "error": "Unauthorized", "message": "Invalid API key"},
                                     status=401)
        return await handler(request)

    async def _vapi_list(self, request: web.Request) -> web.Response:
        return web.json_response(vapi_list(self.vapi, request.query, self.rng))

    async def _vapi_get(self, request: web.Request) -> web.Response:
        call_id = request.match_info["id"]
        if call_id in LIVE:
            return web.json_response(self.live_vapi(call_id))
        found = next((c for c in self.vapi if c["id"] == call_id), None)
        if found is None:
            return web.json_response({"statusCode": 404, "error": "Not Found", "message": "Call not found"}, status=404)
        return web.json_response(found)

    async def _hms_list(self, request: web.Request) -> web.Response:
        return web.json_response(hms_list(self.hms, request.query))

    async def _voicebot_list(self, request: web.Request) -> web.Response:
        return web.json_response(self.voicebot)

    async def _hms_get(self, request: web.Request) -> web.Response:
        return web.json_response({"error": {"code": "not_found", "message": "Call not found", "param": "id",
                                             "type": "invalid_request_error"}}, status=404)

    async def _control(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        self.controls.append((request.path, body))
        call_id = request.match_info["id"]
        if call_id.endswith("refuse"):
            return web.json_response({"error": "invalid_command", "message": "Call is not in progress"}, status=400)
        if call_id.endswith("unknown"):
            return web.Response(status=502, text="Bad Gateway")
        return web.json_response({"success": True, "message": "Command sent successfully"})
