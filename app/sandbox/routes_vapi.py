"""Vapi: GET/PATCH/DELETE /call, GET /call/{id}, and the recording redirects."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any

from aiohttp import web

from app.domain import Provider
from app.sandbox.call_facts import RECORDING_KINDS, parse_iso
from app.sandbox.callbook import TimeRange
from app.sandbox.lookup import add_call_routes, call_or_404
from app.sandbox.simcall import SimCall
from app.sandbox.state import STATE
from app.sandbox.vapi_shape import vapi_call
from app.sandbox.wire import error_response, json_body

KNOWN_FILTERS = {"id", "assistantId", "phoneNumberId", "limit"} | {
    f"{field}{op}" for field in ("createdAt", "updatedAt") for op in ("Gt", "Lt", "Ge", "Le")
}


class BadQuery(ValueError):
    pass


def _range(query: Any, field: str) -> TimeRange:
    bounds = {}
    for op in ("Gt", "Ge", "Lt", "Le"):
        raw = query.get(f"{field}{op}")
        if raw is not None:
            try:
                bounds[op.lower()] = parse_iso(raw)
            except ValueError as error:
                raise BadQuery(f"{field}{op} must be a valid ISO 8601 date string") from error
    return TimeRange(**bounds)


def _limit(raw: str | None) -> int:
    if raw is None:
        return 100
    try:
        value = int(float(raw))
    except ValueError as error:
        raise BadQuery("limit must be a number conforming to the specified constraints") from error
    if value < 0:
        raise BadQuery("limit must not be less than 0")
    if value > 1000:
        raise BadQuery("limit must not be greater than 1000")
    return value


async def list_calls(request: web.Request) -> web.Response:
    state, query = request.app[STATE], request.query
    try:
        limit = _limit(query.get("limit"))
        created, updated = _range(query, "createdAt"), _range(query, "updatedAt")
    except BadQuery as error:
        return error_response("vapi", 400, [str(error)])
    unknown = sorted(set(query) - KNOWN_FILTERS)
    if unknown:
        return error_response("vapi", 400, [f"property {name} should not exist" for name in unknown])
    assistant, number, ident = query.get("assistantId"), query.get("phoneNumberId"), query.get("id")

    def keep(call: SimCall) -> bool:
        return ((not assistant or (call.owner == "assistant" and call.owner_id == assistant))
                and (not number or call.phone_number_id == number))

    book = state.world.books[Provider.VAPI]
    matches: Iterable[SimCall]
    if ident:
        call = book.get(ident)
        matches = [call] if call and created.contains(call.created_ms) and updated.contains(call.updated_ms) and keep(call) else []
    else:
        matches = book.newest_first(created, updated, keep)
    found = list(islice(matches, limit))
    links = state.links(request)
    return json_body([vapi_call(c, links) for c in found])


def rename_problems(body: dict[str, Any]) -> list[str]:
    problems = [f"property {k} should not exist" for k in body if k != "name"]
    name = body.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 40):
        problems.append("name must be shorter than or equal to 40 characters")
    return problems


async def recording(request: web.Request) -> web.Response:
    call = call_or_404(request, Provider.VAPI)
    if call.ended_ms is None:
        return error_response("vapi", 404, "Recording not available until the call has ended")
    url = request.app[STATE].links(request).recording_url(call, request.match_info["kind"])
    raise web.HTTPFound(url)


def add_routes(app: web.Application) -> None:
    kinds = "|".join(RECORDING_KINDS)
    app.router.add_get("/vapi/call", list_calls)
    add_call_routes(app, "/vapi/call/{id}", Provider.VAPI, vapi_call, rename_problems, 400)
    app.router.add_get("/vapi/call/{id}/{kind:(" + kinds + ")}-recording", recording)
