"""HMS Sovereign: /calls with offset paging, /calls/{id}, /calls/{id}/control with its per-call limit."""

from __future__ import annotations

from functools import partial

from aiohttp import web

from app.domain import Provider
from app.sandbox.call_facts import parse_iso
from app.sandbox.callbook import TimeRange
from app.sandbox.commands import apply_hms, commanded
from app.sandbox.hms_shape import hms_call, hms_status
from app.sandbox.lookup import shaped
from app.sandbox.simcall import SimCall
from app.sandbox.state import STATE
from app.sandbox.wire import PlatformError, error_response, json_body

STATUSES = ("connecting", "in-progress", "ended", "failed")
DAY_MS = 86_400_000


def _int(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}")
    return value


def _date(raw: str | None, name: str, end_of_day: bool) -> int | None:
    if raw is None:
        return None
    try:
        value = parse_iso(raw)
    except ValueError:
        raise ValueError(f"{name} must be an ISO 8601 date or date-time") from None
    return value + DAY_MS - 1 if end_of_day and len(raw.strip()) == 10 else value


async def list_calls(request: web.Request) -> web.Response:
    state, query = request.app[STATE], request.query
    try:
        limit = _int(query.get("limit"), "limit", 100, 1, 1000)
        offset = _int(query.get("offset"), "offset", 0, 0, 10**9)
        created = TimeRange(ge=_date(query.get("start_date"), "start_date", False),
                            le=_date(query.get("end_date"), "end_date", True))
    except ValueError as error:
        return error_response("hms", 422, str(error))
    status = query.get("status")
    if status is not None and status not in STATUSES:
        return error_response("hms", 422, f"status must be one of {', '.join(STATUSES)}")
    book = state.world.books[Provider.HMS]
    keep = (lambda call: hms_status(call) == status) if status else None
    calls, total = book.page(created, offset, limit, keep)
    links = state.links(request)
    return json_body({"calls": [hms_call(c, links) for c in calls],
                              "pagination": {"total": total, "limit": limit, "offset": offset}})


async def control(request: web.Request) -> web.Response:
    state = request.app[STATE]

    def gate(call: SimCall) -> None:
        """10 commands a minute per call, and only while it is in progress."""
        wait = state.hms_commands.retry_after(call.id, state.wall())
        if wait:
            raise PlatformError(429, "Too many commands for this call: at most 10 per minute",
                                headers={"Retry-After": str(wait)})
        if call.status != "in-progress":
            raise PlatformError(400, f"Call is not in progress (status: {hms_status(call)})")

    return await commanded(request, Provider.HMS, apply_hms, {"success": True, "message": "Command sent successfully"}, gate)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/hms/api/v1/calls", list_calls)
    app.router.add_get("/hms/api/v1/calls/{id}", partial(shaped, provider=Provider.HMS, shape=hms_call))
    app.router.add_post("/hms/api/v1/calls/{id}/control", control)
