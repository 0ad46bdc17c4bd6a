"""VoiceBot Studio: /calls (bare array), /calls/{id} PATCH and DELETE.

The platform documents no single-call read, so `GET /calls/{id}` answers 405 like any undocumented method:
clients follow calls through the list."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from app.domain import Provider
from app.sandbox.callbook import TimeRange
from app.sandbox.lookup import add_call_routes
from app.sandbox.state import STATE
from app.sandbox.voicebot_shape import voicebot_call
from app.sandbox.wire import error_response, json_body


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


def rename_problem(body: dict[str, Any]) -> str | None:
    return None if isinstance(body.get("name", ""), str | None) else "name must be a string"


def add_routes(app: web.Application) -> None:
    app.router.add_get("/voicebot/api/v1/calls", list_calls)
    add_call_routes(app, "/voicebot/api/v1/calls/{id}", Provider.VOICEBOT, voicebot_call, rename_problem, 422,
                    readable=False)
