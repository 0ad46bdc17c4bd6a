"""A console's connection to a team hub (Qt-free): live events pushed into the call registry, and the
team record written through the hub with an offline queue.

`HubStream` keeps one WebSocket open, resumes from the last event id it applied after any
disconnect (backing off with the project's RetryPolicy), and hands each event to a sink;
`RegistryFeed` is the sink that turns hub events into `CallRegistry.merge` calls, the same
changes the poller makes. `TeamRecordClient` queues rows (kept on disk) and posts them whenever the
hub answers; each row carries its own id, so a replayed queue adds nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import httpx
from websockets.exceptions import InvalidStatus, WebSocketException

from app.domain import Call, Provider, Turn
from app.domain.team_record import RecordKind
from app.live.events import Event
from app.live.listen_events import TranscriptEvent
from app.live.registry import CallRegistry, RegistryChange
from app.live.sockets import LARGE_FRAME_CHARS, FrameError, connect_here, json_object
from app.live.tasks import KeptTasks
from app.live.transcript_events import LiveTranscript
from app.providers import tls
from app.providers.http import RetryPolicy

log = logging.getLogger(__name__)

HubEvent = dict[str, Any]  # one normalised event as the hub sends it
MAX_FRAME = 16 * 1024 * 1024  # a batch of end-of-call reports


class HubState(StrEnum):
    CONNECTING = "connecting"
    STREAMING = "streaming"
    OFFLINE = "offline"  # the console polls meanwhile
    REFUSED = "refused"  # the token was not accepted: retrying will not help


class EventSink(Protocol):
    def prepare(self, event: HubEvent) -> HubEvent:
        """The event made ready to apply (its payload read into the console's types). Pure: the stream
        calls it on the worker thread that parsed a large frame. Raises ValueError on a malformed one."""
        ...

    def apply(self, event_id: str, event: HubEvent) -> None:
        """A prepared event, on the loop's thread, in the hub's order."""
        ...

    def reset(self) -> None:
        """Events were missed for good (older than the hub keeps): re-read from the platform."""
        ...


class RegistryFeed:
    """Hub events -> registry merges for the calls of the given providers (and webhook sources, when
    one hub serves several accounts of a platform: each account's webhooks come in on their own endpoint)."""

    def __init__(self, registry: CallRegistry, providers: Iterable[Provider] = tuple(Provider), *,
                 sources: Iterable[str] | None = None,
                 on_record: Callable[[dict[str, Any]], None] | None = None,
                 on_reset: Callable[[], None] | None = None) -> None:
        self.registry = registry
        self.providers = {Provider(p).value for p in providers}
        self.sources = set(sources) if sources is not None else None
        self.on_record = on_record
        self.on_reset = on_reset
        # Pushed lines are merged as listened ones are: kept across polls until polling has them.
        self._transcripts: dict[str, LiveTranscript] = {}
        self._unsubscribe = registry.events.changed.connect(self._calls_changed)

    def prepare(self, event: HubEvent) -> HubEvent:
        kind = event.get("kind")
        if kind == "call" and self._follows(event):
            return {**event, "call": Call.model_validate(event["call"])}
        if kind == "turn" and self._follows(event):
            return {**event, "turn": Turn.model_validate(event["turn"])}
        return event

    def apply(self, event_id: str, event: HubEvent) -> None:
        kind = event.get("kind")
        if kind == "record":
            if self.on_record is not None:
                self.on_record(event["record"])
            return
        if not self._follows(event):
            return
        if kind == "call":
            self.registry.merge([event["call"]])
        elif kind == "turn":
            call_id = event["call_id"]
            known = self.registry.get(call_id)
            if known is None or not known.is_live:  # an unknown call's turns arrive with its next call event or poll
                return
            turn: Turn = event["turn"]
            transcript = self._transcripts.get(call_id)
            if transcript is None:
                transcript = self._transcripts[call_id] = LiveTranscript(self.registry, call_id)
            transcript.apply(TranscriptEvent(turn.role, turn.text, final=not event.get("partial")))

    def _follows(self, event: HubEvent) -> bool:
        return event.get("provider") in self.providers and (self.sources is None or event.get("source") in self.sources)

    def reset(self) -> None:
        if self.on_reset is not None:
            self.on_reset()

    def close(self) -> None:
        """Stop following the registry (the link is going); pushed final lines stay in their calls."""
        self._unsubscribe()
        for transcript in self._transcripts.values():
            transcript.close()
        self._transcripts.clear()

    def _calls_changed(self, change: RegistryChange) -> None:
        # An ended or removed call's transcript is done: its final lines stay, nobody finishes a partial one.
        for call_id in (*change.changed, *change.removed):
            if call_id in self._transcripts and not ((call := self.registry.get(call_id)) and call.is_live):
                self._transcripts.pop(call_id).close()


@dataclass(frozen=True)
class StreamEvents:
    state: Event[HubState] = field(default_factory=lambda: Event("hub stream state"))


@dataclass(frozen=True)
class Hello:
    id: str  # the hub's newest event id: where a console without one starts
    user: str | None
    role: str | None


@dataclass(frozen=True)
class Reset:
    """Events after the console's last id are no longer kept."""


Batch = list[tuple[str, HubEvent] | None]  # (event id, event) in the hub's order; None: an unreadable one


def read_frame(frame: str | bytes) -> Hello | Reset | Batch:
    """One frame of the hub's stream; FrameError when it cannot be read. A frame of an unknown type is an
    empty batch (a newer hub may say more)."""
    message = json_object(frame)
    kind = message.get("type")
    if kind == "hello":
        if not isinstance(message.get("id"), str):
            raise FrameError("a hello without an id")
        return Hello(message["id"], _text(message.get("user")), _text(message.get("role")))
    if kind == "reset":
        return Reset()
    if kind != "events":
        return []
    items = message.get("events")
    if not isinstance(items, list):
        raise FrameError("events that are not a list")
    return [(item["id"], item["event"]) if isinstance(item, dict) and isinstance(item.get("id"), str)
            and isinstance(item.get("event"), dict) else None for item in items]


def _text(value: Any) -> str | None:
    return value[:200] if isinstance(value, str) else None


def _ws_url(hub_url: str) -> str:
    return hub_url.rstrip("/").replace("http", "ws", 1) + "/events"


class HubStream:
    """One WebSocket to the hub, reopened after every drop, resuming after `last_id`."""

    def __init__(self, hub_url: str, token: str, sink: EventSink, *, retry: RetryPolicy | None = None,
                 last_id: str | None = None) -> None:
        self._url = _ws_url(hub_url)
        self._token = token
        self._sink = sink
        self._retry = retry or RetryPolicy(initial_delay=0.5, max_delay=15.0)
        self.last_id = last_id
        self.state = HubState.CONNECTING
        self.user: str | None = None  # who the hub says the token belongs to, and their role (from its hello)
        self.role: str | None = None
        self.events = StreamEvents()
        self.skipped = 0  # frames, or events in one, that could not be read (the stream goes on)
        self._task: asyncio.Task[None] | None = None

    def _set_state(self, state: HubState) -> None:
        if state != self.state:
            self.state = state
            self.events.state.emit(state)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self.run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run(self) -> None:
        attempt = 0
        while True:
            try:
                if await self._session():
                    attempt = 0
            except InvalidStatus as error:
                if error.response.status_code in (401, 403):
                    self._set_state(HubState.REFUSED)
                    log.warning("hub refused the token (%s)", error.response.status_code)
                    return
                log.info("hub unavailable: %s", error)
            except (OSError, TimeoutError, WebSocketException) as error:
                log.info("hub connection lost: %s", error)
            self._set_state(HubState.OFFLINE)
            await self._retry.sleep(self._retry.backoff(attempt))
            attempt += 1

    async def _session(self) -> bool:
        """One connection until it drops; True when it got as far as the hub's hello."""
        url = self._url + (f"?after={self.last_id}" if self.last_id else "")
        greeted = False
        async with connect_here(url, additional_headers={"Authorization": f"Bearer {self._token}"},
                                max_size=MAX_FRAME, open_timeout=10) as ws:
            async for frame in ws:
                try:
                    message = await asyncio.to_thread(self._read, frame) if len(frame) > LARGE_FRAME_CHARS \
                        else self._read(frame)
                except FrameError as error:
                    self._skip(f"an unreadable frame ({error})")
                    continue
                if isinstance(message, Reset):
                    self.last_id = None
                    self._sink.reset()
                elif isinstance(message, Hello):
                    greeted = True
                    self.last_id = self.last_id or message.id
                    self.user, self.role = message.user, message.role
                    self._set_state(HubState.STREAMING)
                else:
                    for item in message:
                        if item is None:
                            self._skip("an unreadable event")
                        else:
                            self._apply(*item)
        return greeted

    def _read(self, frame: str | bytes) -> Hello | Reset | Batch:
        """A frame read and its events prepared by the sink (on a worker thread for a large frame: reading
        an end-of-call report's transcript into a call is work the window's thread need not do)."""
        message = read_frame(frame)
        return [self._prepared(item) for item in message] if isinstance(message, list) else message

    def _prepared(self, item: tuple[str, HubEvent] | None) -> tuple[str, HubEvent] | None:
        if item is None:
            return None
        try:
            return item[0], self._sink.prepare(item[1])
        except Exception as error:  # one bad event is skipped (counted, and logged now and then, by _skip)
            log.debug("hub event %s could not be read (%s)", item[0], type(error).__name__)
            return None

    def _skip(self, what: str) -> None:
        self.skipped += 1
        if self.skipped in (1, 10, 100) or self.skipped % 1000 == 0:
            log.warning("hub stream: skipped %s; %d so far", what, self.skipped)

    def _apply(self, event_id: str, event: HubEvent) -> None:
        try:
            self._sink.apply(event_id, event)
        except Exception:  # one bad event is skipped without losing its neighbours
            log.exception("hub event %s could not be applied", event_id)
        self.last_id = event_id


class TeamRecordClient:
    """Writes rows through the hub; while it is away they wait in a file and go out in order later.

    The queue lives in memory, read from its file once; the file is written on a worker thread
    after each change (never on the loop's thread, which is the Qt thread in the window)."""

    def __init__(self, hub_url: str, token: str, queue_file: Path, *,
                 on_refused: Callable[[dict[str, Any], str], None] | None = None,
                 http: httpx.AsyncClient | None = None) -> None:
        self._url = hub_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}
        self._queue_file = queue_file
        self._on_refused = on_refused
        self._http = http or httpx.AsyncClient(timeout=httpx.Timeout(10.0), verify=tls.trusted())
        self._rows: deque[dict[str, Any]] = deque()  # oldest first: the file's, then this session's
        self._loaded = False
        self._loading = asyncio.Lock()
        self._flushing = asyncio.Lock()
        self._dirty = False  # the file is behind the queue in memory
        self._writer: asyncio.Task[None] | None = None
        self._tasks = KeptTasks("hub record queue")

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    async def pending(self) -> list[dict[str, Any]]:
        """The rows not yet delivered, oldest first."""
        await self._load()
        return list(self._rows)

    def queue(self, kind: RecordKind, account_id: str, call_id: str, body: dict[str, Any],
              client_id: str | None = None) -> str:
        """Queue a row (without sending yet): in order at once, on disk a moment later; returns its client id."""
        row_id = client_id or self.new_id()
        self._rows.append({"kind": kind, "client_id": row_id, "account_id": account_id, "call_id": call_id,
                           "body": body})
        self._save_soon()
        return row_id

    async def flush(self) -> int:
        """Send queued rows in order until the hub is unreachable; returns how many are still queued."""
        async with self._flushing:
            await self._load()
            while self._rows:
                row = self._rows[0]  # rows queued while it is on its way go behind it
                try:
                    response = await self._http.post(f"{self._url}/records", json=row, headers=self._headers)
                except httpx.HTTPError as error:
                    log.info("hub unreachable, %d row(s) queued: %s", len(self._rows), error)
                    break
                if response.status_code >= 500 or response.status_code == 401:
                    break  # the hub's trouble (or a token being replaced): keep the row for later
                if response.status_code >= 400 and self._on_refused is not None:
                    self._on_refused(row, _reason(response))
                self._rows.popleft()
                self._save_soon()
            left = len(self._rows)
        await self._saved()
        return left

    def follow(self, stream: HubStream) -> None:
        """Send the queue each time the stream is back: the hub answering again is the signal to retry."""
        def flush_when_back(state: HubState) -> None:
            if state is HubState.STREAMING:
                self._tasks.spawn(self.flush())

        stream.events.state.connect(flush_when_back)

    async def rows(self, after: int = 0, kind: RecordKind | None = None) -> list[dict[str, Any]]:
        """The team's rows after a hub row id (raises httpx.HTTPError while the hub is away)."""
        params: dict[str, Any] = {"after": after, **({"kind": kind} if kind else {})}
        response = await self._http.get(f"{self._url}/records", params=params, headers=self._headers)
        response.raise_for_status()
        return list(response.json()["rows"])

    async def aclose(self) -> None:
        await self._saved()  # rows queued are on disk before the console lets go
        await self._tasks.aclose()
        await self._http.aclose()

    async def _load(self) -> None:
        if self._loaded:
            return
        async with self._loading:
            if not self._loaded:
                saved = await asyncio.to_thread(_read_queue, self._queue_file)
                self._rows.extendleft(reversed(saved))  # rows queued before the file was read are newer
                self._loaded = True

    def _save_soon(self) -> None:
        self._dirty = True
        if self._writer is None or self._writer.done():
            self._writer = self._tasks.spawn(self._write())

    async def _write(self) -> None:
        """One writer at a time, each write the whole queue as it is then: the file ends as the memory is."""
        await self._load()
        while self._dirty:
            self._dirty = False
            await asyncio.to_thread(_write_queue, self._queue_file, list(self._rows))

    async def _saved(self) -> None:
        if self._writer is not None and not self._writer.done():
            await asyncio.wait({self._writer})  # a failed write is reported by the task keeper


def _read_queue(path: Path) -> list[dict[str, Any]]:
    try:
        return list(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return []


def _write_queue(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(rows), encoding="utf-8")
    os.replace(partial, path)


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"
