"""Vapi: GET /assistant/{id}, /squad/{id}, /workflow/{id} — the names behind a call's assistantId, squadId, workflowId."""

from __future__ import annotations

from functools import partial
from typing import Any

from aiohttp import web

from app.sandbox.call_factory import Saved
from app.sandbox.call_facts import iso
from app.sandbox.call_report import MODEL
from app.sandbox.state import STATE
from app.sandbox.wire import PlatformError, json_body

CREATED_DAYS_AGO = 90  # saved things predate the history


def saved_json(saved: Saved, org_id: str, created_ms: int) -> dict[str, Any]:
    """`Assistant`, `Squad` or `Workflow` of the official spec, with what a console reads (name)."""
    common = {"id": saved.id, "orgId": org_id, "createdAt": iso(created_ms), "updatedAt": iso(created_ms),
              "name": saved.name}
    if saved.kind == "squad":
        return {**common, "members": [{"assistantId": saved.assistant_id}]}
    if saved.kind == "workflow":
        return {**common, "nodes": [{"type": "conversation", "name": "start", "isStart": True}], "edges": []}
    return {**common, "model": MODEL, "firstMessage": "Hello!"}


async def get_saved(request: web.Request, kind: str) -> web.Response:
    world = request.app[STATE].world
    saved = world.factory.saved.get(request.match_info["id"])
    if saved is None or saved.kind != kind:
        raise PlatformError(404, f"Couldn't Find {kind.capitalize()}")
    created = world.started_ms - CREATED_DAYS_AGO * 86_400_000
    return json_body(saved_json(saved, world.factory.org_id, created))


def add_routes(app: web.Application) -> None:
    for kind in ("assistant", "squad", "workflow"):
        app.router.add_get(f"/vapi/{kind}/{{id}}", partial(get_saved, kind=kind))
