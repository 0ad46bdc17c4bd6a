"""The hub's aiohttp application: webhooks in, one WebSocket of live events per console, the team record.

Routes:
- `POST /webhooks/{source}`: a platform's server message; verified (401, nothing stored, when not),
  answered `{}` at once for request types that wait for an answer, deduplicated, normalised, appended.
- `GET /events?after=ID` (WebSocket, `Authorization: Bearer <hub token>`): `hello` with the id the
  console starts after, `reset` first when its id is no longer kept, then `events` batches in order.
- `POST /records`, `GET /records?after=N&kind=K`: the team record (roles checked; new rows are
  also streamed as `record` events).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import WSMsgType, web

from app.domain.team_record import RecordKind
from app.hub.event_log import EventLog, HistoryGap, SqliteEventLog
from app.hub.events import ANSWER_TYPES, BadWebhook, message_of, normalise
from app.hub.sources import Source
from app.hub.team import (
    ALLOWED,
    Conflict,
    RowDraft,
    SqliteTeamRecord,
    TeamRecord,
    User,
    token_hash,
)

MAX_BODY = 2 * 1024 * 1024  # an end-of-call report with a long transcript fits; anything bigger is refused
ROWS_PAGE = 500
FRAME_BYTES = 1024 * 1024  # consoles accept 16 MB frames; one event is at most a few MB (MAX_BODY)


@dataclass
class Hub:
    sources: dict[str, Source]
    events: EventLog
    team: TeamRecord
    sqlite: sqlite3.Connection | None = None
    consoles: weakref.WeakSet[web.WebSocketResponse] = field(default_factory=weakref.WeakSet)

    async def close(self) -> None:
        await self.events.close()
        await self.team.close()
        if self.sqlite is not None:
            self.sqlite.close()


HUB = web.AppKey("hub", Hub)


async def open_hub(sources: dict[str, Source], data: Path, *, redis: str | None = None,
                   database: str | None = None) -> Hub:
    """The embedded engines unless Redis (events) or PostgreSQL (team record) are named.

    Raises ValueError (an engine's client is not installed) or OSError (an engine cannot be reached).
    """
    conn = _sqlite(data) if redis is None or database is None else None
    events: EventLog | None = None
    try:
        events = await _redis_events(redis) if redis is not None else SqliteEventLog(_given(conn))
        team = await _postgres_team(database) if database is not None else SqliteTeamRecord(_given(conn))
    except BaseException:
        if events is not None:
            await events.close()
        if conn is not None:
            conn.close()
        raise
    return Hub(sources, events, team, conn)


def _sqlite(data: Path) -> sqlite3.Connection:
    data.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(data)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _given(conn: sqlite3.Connection | None) -> sqlite3.Connection:
    assert conn is not None  # opened whenever an engine is left embedded
    return conn


async def _redis_events(url: str) -> EventLog:
    try:
        from redis.exceptions import RedisError

        from app.hub.redis_log import RedisEventLog
    except ImportError as error:
        raise _without_extra(error) from None
    events = RedisEventLog(url)
    try:
        await events.ping()
    except RedisError as error:  # the URL is not repeated: it may hold a password
        await events.close()
        raise OSError(f"cannot reach Redis: {error}") from None
    return events


async def _postgres_team(url: str) -> TeamRecord:
    try:
        from psycopg import OperationalError

        from app.hub.team_pg import PostgresTeamRecord
    except ImportError as error:
        raise _without_extra(error) from None
    try:
        return await PostgresTeamRecord.open(url)
    except OperationalError as error:
        raise OSError(f"cannot reach PostgreSQL: {error}") from None


def _without_extra(error: ImportError) -> ValueError:
    """The engines' clients are the optional 'hub' extra (not in the desktop bundle)."""
    return ValueError(f"this engine needs the hub extra: pip install 'switchboard[hub]' ({error})")


def _refused(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def webhook(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    source = hub.sources.get(request.match_info["source"])
    if source is None:
        return _refused(404, "no such webhook endpoint")
    body = await request.read()
    if not source.credential.verify(request.headers, body):
        return _refused(401, "unverified")
    try:
        message = message_of(body)
    except BadWebhook as error:
        return _refused(400, str(error))
    if message["type"] in ANSWER_TYPES:
        return web.json_response({})  # the hub never stands in an assistant's way
    events = normalise(source.provider, source.name, message)
    if events:
        delivery = hashlib.sha256(source.name.encode() + b"\0" + body).hexdigest()
        await hub.events.append(delivery, events)  # None: a duplicate delivery, dropped
    return web.json_response({})


async def user_of(request: web.Request) -> User:
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else ""
    user = await request.app[HUB].team.user_for(token_hash(token)) if token else None
    if user is None:
        raise web.HTTPUnauthorized(text=json.dumps({"error": "unknown hub token"}), content_type="application/json")
    return user


async def stream(request: web.Request) -> web.WebSocketResponse:
    user = await user_of(request)
    hub = request.app[HUB]
    ws = web.WebSocketResponse(heartbeat=20.0)
    await ws.prepare(request)
    hub.consoles.add(ws)
    cursor = request.query.get("after") or None
    if cursor is not None:
        try:
            await hub.events.check_resume(cursor)
        except HistoryGap:
            await ws.send_json({"type": "reset", "reason": "events after your last id are no longer kept"})
            cursor = None
    cursor = cursor or await hub.events.last_id()
    await ws.send_json({"type": "hello", "id": cursor, "user": user.name, "role": user.role.value})
    listening = asyncio.create_task(_until_closed(ws))
    try:
        while not listening.done():
            batch = await hub.events.read(cursor, block=1.0)
            for frame in frames(batch):
                await ws.send_str(frame)
            if batch:
                cursor = batch[-1][0]
    except ConnectionResetError:
        pass  # the console went away mid-send; it resumes from its last id
    finally:
        listening.cancel()
        await ws.close()
    return ws


def frames(batch: list[tuple[str, str]]) -> list[str]:
    """`events` frames of about FRAME_BYTES at most (one event may exceed it alone), in order.

    Built from the stored JSON text as is (ids are digits and dashes): no parse per console."""
    result: list[str] = []
    items: list[str] = []
    size = 0
    for event_id, event in batch:
        item = f'{{"id": "{event_id}", "event": {event}}}'
        if items and size + len(item) > FRAME_BYTES:
            result.append('{"type": "events", "events": [' + ", ".join(items) + "]}")
            items, size = [], 0
        items.append(item)
        size += len(item)
    if items:
        result.append('{"type": "events", "events": [' + ", ".join(items) + "]}")
    return result


async def _until_closed(ws: web.WebSocketResponse) -> None:
    async for message in ws:  # consoles send nothing; this only notices the close
        if message.type == WSMsgType.ERROR:
            return


async def add_row(request: web.Request) -> web.Response:
    user = await user_of(request)
    hub = request.app[HUB]
    try:
        draft = RowDraft.from_json(await request.json())
    except ValueError as error:
        return _refused(400, str(error))
    if draft.kind not in ALLOWED[user.role]:
        return _refused(403, f"a {user.role.value} may not write {draft.kind.value} rows")
    try:
        row, new = await hub.team.append(user.name, draft)
    except Conflict as error:
        return _refused(409, str(error))
    if new:
        await hub.events.append(f"row:{draft.client_id}", [{"kind": "record", "record": row.to_json()}])
    return web.json_response(row.to_json(), status=201 if new else 200)


async def list_rows(request: web.Request) -> web.Response:
    await user_of(request)
    try:
        after = int(request.query.get("after", "0"))
        kind = RecordKind(request.query["kind"]) if "kind" in request.query else None
        limit = min(ROWS_PAGE, max(1, int(request.query.get("limit", str(ROWS_PAGE)))))
    except ValueError as error:
        return _refused(400, str(error))
    rows = await request.app[HUB].team.rows(after, kind, limit)
    return web.json_response({"rows": [row.to_json() for row in rows]})


async def health(request: web.Request) -> web.Response:
    return web.json_response({"hub": "Switchboard", "ok": True})


def build_app(hub: Hub) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[HUB] = hub
    app.router.add_post("/webhooks/{source}", webhook)
    app.router.add_get("/events", stream)
    app.router.add_post("/records", add_row)
    app.router.add_get("/records", list_rows)
    app.router.add_get("/", health)
    app.on_shutdown.append(lambda app: _close_consoles(hub))
    return app


async def _close_consoles(hub: Hub) -> None:
    for ws in list(hub.consoles):  # a stopping hub says goodbye so consoles reconnect at once
        await ws.close(code=1001, message=b"hub stopping")


class HubServer:
    """Runs the hub on a loop; `start` returns once the socket listens (port 0 = any free port)."""

    def __init__(self, hub: Hub, host: str, port: int) -> None:
        self.hub = hub
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self._runner = web.AppRunner(build_app(self.hub), access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.hub.close()
