"""VoiceBot Studio: /calls (bare array), /calls/{id} GET, PATCH and DELETE."""

from __future__ import annotations

from aiohttp import web

from app.domain import Provider
from app.sandbox.callbook import TimeRange
from app.sandbox.lookup import call_or_404, delete_ended
from app.sandbox.state import STATE
from app.sandbox.voicebot_shape import voicebot_call
from app.sandbox.wire import error_response, json_body, read_object


async def list_calls(request: web.Request) -> web.Response:
    """Every call, newest first. `limit`/`offset` are a sandbox extension: the platform documents none."""
    state = request.app[STATE]
    book = state.world.books[Provider.VOICEBOT]
    try:
        limit = int(request.query.get("limit", len(book)))
        offset = int(request.query.get("offset", 0))
    except ValueError:
        return error_response("voicebot", 422, "limit and offset must be integers")
    calls, _ = book.page(TimeRange(), max(0, offset), max(0, limit))
    links = state.links(request)
    return json_body([voicebot_call(c, links) for c in calls])


async def get_call(request: web.Request) -> web.Response:
    call = call_or_404(request, Provider.VOICEBOT)
    if isinstance(call, web.Response):
        return call
    return json_body(voicebot_call(call, request.app[STATE].links(request)))


async def update_call(request: web.Request) -> web.Response:
    call = call_or_404(request, Provider.VOICEBOT)
    if isinstance(call, web.Response):
        return call
    body = await read_object(request, "voicebot", empty_ok=True)
    if isinstance(body, web.Response):
        return body
    if not isinstance(body.get("name", ""), str | None):
        return error_response("voicebot", 422, "name must be a string")
    state = request.app[STATE]
    if "name" in body:
        call.name = body["name"]
        state.world.touch(call)
    return json_body(voicebot_call(call, state.links(request)))


async def delete_call(request: web.Request) -> web.Response:
    return delete_ended(request, Provider.VOICEBOT, voicebot_call, 409)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/voicebot/api/v1/calls", list_calls)
    app.router.add_get("/voicebot/api/v1/calls/{id}", get_call)
    app.router.add_patch("/voicebot/api/v1/calls/{id}", update_call)
    app.router.add_delete("/voicebot/api/v1/calls/{id}", delete_call)
