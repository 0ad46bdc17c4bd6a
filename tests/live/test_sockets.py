"""A socket opened with a key never carries it to another host a redirect names."""

from __future__ import annotations

import pytest
from aiohttp import web
from websockets.exceptions import InvalidStatus

from app.live.sockets import connect_here


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"127.0.0.1:{runner.addresses[0][1]}"


async def test_a_redirect_to_another_origin_is_refused_and_the_key_stays_home():
    seen: list[str | None] = []

    async def elsewhere(request: web.Request) -> web.StreamResponse:
        seen.append(request.headers.get("Authorization"))
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.close()
        return socket

    other_app = web.Application()
    other_app.router.add_get("/listen", elsewhere)
    other, other_host = await serve(other_app)

    async def moved(_request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://{other_host}/listen")

    home_app = web.Application()
    home_app.router.add_get("/listen", moved)
    home, home_host = await serve(home_app)
    try:
        with pytest.raises(InvalidStatus) as refused:
            async with connect_here(f"ws://{home_host}/listen", additional_headers={"Authorization": "Bearer pk"},
                                    open_timeout=5):
                pass
        assert refused.value.response.status_code == 302
        assert seen == []  # nothing, key or not, went to the other host
    finally:
        await home.cleanup()
        await other.cleanup()
