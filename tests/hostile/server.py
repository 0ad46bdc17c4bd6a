"""A hostile platform: an aiohttp server on 127.0.0.1, on its own thread, whose routes a test sets.

It records every request it receives (method, path, query, headers, body), so a test can assert on
what the console sent (which keys went where), and it has answers a compromised platform or a man in
the middle would give: huge, endless and trickling bodies, redirects to another origin, markup and
terminal escape sequences in text. Run two (`home` and `other`) to have a second origin.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Self

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MB = 1024 * 1024


@dataclass(frozen=True)
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class HostileServer:
    """Routes are `(method, path) -> handler`; anything else answers 404. Every request is kept."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.received: list[Received] = []
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="hostile-platform")
        self._runner: web.AppRunner | None = None

    # --- set-up -----------------------------------------------------------------------------
    def start(self) -> Self:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def reset(self) -> None:
        self.routes.clear()
        self.received.clear()

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method.upper(), path)] = handler

    def to(self, method: str, path: str) -> list[Received]:
        """The requests received for one route."""
        return [r for r in self.received if r.method == method.upper() and r.path == path]

    async def _serve(self) -> None:
        app = web.Application(client_max_size=16 * MB)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.received.append(Received(request.method, request.path, dict(request.query),
                                      {k.lower(): v for k, v in request.headers.items()}, body))
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            return web.json_response({"statusCode": 404, "error": "Not Found", "message": "no such route"}, status=404)
        return await handler(request)


# --- answers ------------------------------------------------------------------------------------
def answer(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    """A JSON answer (bytes are sent as they are: malformed JSON, lone surrogates...)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=body, status=status, content_type="application/json", headers=headers)

    return handler


def sequence(*handlers: Handler) -> Handler:
    """Each request gets the next handler; the last one repeats."""
    queue = list(handlers)

    async def handler(request: web.Request) -> web.StreamResponse:
        current = queue.pop(0) if len(queue) > 1 else queue[0]
        return await current(request)

    return handler


def redirect(location: str, status: int = 302) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": location})

    return handler


def huge(total: int, *, declare_length: bool = True, chunk: int = MB) -> Handler:
    """`total` bytes of a JSON array that never closes, streamed (Content-Length set when `declare_length`)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        headers = {"Content-Type": "application/json"}
        if declare_length:
            headers["Content-Length"] = str(total)
        response = web.StreamResponse(headers=headers)
        await response.prepare(request)
        sent = 0
        block = b"[" + b"1," * (chunk // 2 - 1) + b"1"
        while sent < total:
            part = block[: total - sent]
            await response.write(part)
            sent += len(part)
        return response

    return handler


def endless(chunk: int = 64 * 1024) -> Handler:
    """A body that never ends (chunked, no Content-Length)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        await response.write(b"[")
        while True:
            await response.write(b"1," * (chunk // 2))

    return handler


def trickle(every: float = 1.0) -> Handler:
    """One byte per `every` seconds, forever: each read is quick enough for a per-read timeout."""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        while True:
            await response.write(b" ")
            await asyncio.sleep(every)

    return handler


def silent() -> Handler:
    """Takes the request and never answers (a hung platform)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    return handler
