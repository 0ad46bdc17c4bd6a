"""Finding the call a request names, and deleting an ended one, the same way on every platform."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from aiohttp import web

from app.domain import Provider
from app.sandbox.call_facts import Links
from app.sandbox.simcall import SimCall
from app.sandbox.state import STATE
from app.sandbox.wire import PlatformError, error_response, json_body, read_object

Shape = Callable[[SimCall, Links], dict[str, Any]]


def call_or_404(request: web.Request, provider: Provider) -> SimCall:
    """The call the path names; raises PlatformError (404) when there is none."""
    call = request.app[STATE].world.find(provider, request.match_info["id"])
    if call is None:
        raise PlatformError(404, "Call not found")
    return call


async def delete_ended(request: web.Request, provider: Provider, shape: Shape, live_status: int) -> web.Response:
    """DELETE: answers the call as it was; a live call cannot be deleted."""
    call = call_or_404(request, provider)
    if call.is_live:
        return error_response(provider.value, live_status, "Call is still in progress: end it before deleting it")
    state = request.app[STATE]
    body = shape(call, state.links(request))
    state.world.books[provider].remove(call)
    return json_body(body)


async def shaped(request: web.Request, provider: Provider, shape: Shape) -> web.Response:
    """GET one call in the platform's shape."""
    call = call_or_404(request, provider)
    return json_body(shape(call, request.app[STATE].links(request)))


async def renamed(request: web.Request, provider: Provider, shape: Shape,
                  problems: Callable[[dict[str, Any]], str | list[str] | None], status: int) -> web.Response:
    """PATCH {"name": ...}: `problems` says what is wrong with a body, answered with `status`."""
    call = call_or_404(request, provider)
    body = await read_object(request, empty_ok=True)
    wrong = problems(body)
    if wrong:
        return error_response(provider.value, status, wrong)
    state = request.app[STATE]
    if "name" in body:
        call.name = body["name"]
        state.world.touch(call)
    return json_body(shape(call, state.links(request)))


def add_call_routes(app: web.Application, path: str, provider: Provider, shape: Shape,
                    problems: Callable[[dict[str, Any]], str | list[str] | None], bad_status: int,
                    readable: bool = True) -> None:
    """GET (unless not `readable`: then 405, as an undocumented method), PATCH (rename) and DELETE on `path`
    (which ends in {id}), in the platform's ways."""
    if readable:
        app.router.add_get(path, partial(shaped, provider=provider, shape=shape))
    app.router.add_patch(path, partial(renamed, provider=provider, shape=shape, problems=problems, status=bad_status))
    app.router.add_delete(path, partial(delete_ended, provider=provider, shape=shape, live_status=bad_status))
