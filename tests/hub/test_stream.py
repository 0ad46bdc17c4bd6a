"""Consoles on the hub's WebSocket: events become registry merges, a resumed console misses nothing."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from app.domain import Call, Provider, Turn, TurnRole
from app.hub.event_log import RETENTION_SECONDS, SqliteEventLog
from app.hub.server import FRAME_BYTES, frames
from app.hub.team import Role
from app.live.hub_client import HubState, HubStream, RegistryFeed
from app.live.registry import CallRegistry
from app.providers.http import RetryPolicy
from tests.fixtures.qt import until
from tests.fixtures.servers import free_port
from tests.hub.conftest import vapi_call

FAST = RetryPolicy(initial_delay=0.05, max_delay=0.2)


def transcript(call_id: str, text: str, kind: str = "final", role: str = "user") -> dict:
    return {"type": "transcript", "role": role, "transcriptType": kind, "transcript": text, "call": vapi_call(call_id)}


class Collected:
    """A sink that keeps every event, to check order and uniqueness."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []
        self.resets = 0

    def prepare(self, event: dict) -> dict:
        return event

    def apply(self, event_id: str, event: dict) -> None:
        self.events.append((event_id, event))

    def reset(self) -> None:
        self.resets += 1

    def texts(self) -> list[str]:
        return [e["turn"]["text"] for _, e in self.events if e["kind"] == "turn"]


async def test_hub_events_become_the_calls_the_poller_would_have_merged(hub):
    token = await hub.user("ann", Role.SUPERVISOR)
    registry = CallRegistry()
    partials: list = []
    registry.events.changed.connect(lambda change: partials.extend(
        (t.role.value, t.text) for c in change.changed if (call := registry.get(c)) for t in call.turns if t.partial))
    stream = HubStream(hub.url, token, RegistryFeed(registry))
    stream.start()
    await until(lambda: stream.state is HubState.STREAMING)
    await hub.post_vapi({"type": "status-update", "status": "in-progress", "call": vapi_call()})
    await hub.post_vapi(transcript("call-1", "I would like", "partial"))
    await hub.post_vapi(transcript("call-1", "I would like a table"))
    await until(lambda: registry.get("call-1") is not None
                and [t.partial for t in registry.get("call-1").turns] == [False])
    call = registry.get("call-1")
    assert call.status == "in-progress" and call.turns[0].text == "I would like a table"
    assert not call.turns[0].partial  # the final line replaced the partial one
    assert partials == [("customer", "I would like")]  # shown while it was being said
    await hub.post_vapi({"type": "status-update", "status": "ended", "endedReason": "customer-ended-call",
                         "call": vapi_call()})
    await until(lambda: registry.get("call-1").status == "ended")
    assert registry.get("call-1").ended_reason == "customer-ended-call"
    await stream.stop()


async def test_a_console_that_reconnects_gets_exactly_what_it_missed(hub):
    token = await hub.user("ann", Role.REVIEWER)
    seen = Collected()
    stream = HubStream(hub.url, token, seen, retry=FAST)
    stream.start()
    await until(lambda: stream.state is HubState.STREAMING)
    for n in range(3):
        await hub.post_vapi(transcript("call-1", f"line {n}"))
    await until(lambda: len(seen.events) == 3)
    await stream.stop()
    for n in range(3, 6):  # while the console is away
        await hub.post_vapi(transcript("call-1", f"line {n}"))
    resumed = HubStream(hub.url, token, seen, retry=FAST, last_id=stream.last_id)
    resumed.start()
    await until(lambda: len(seen.events) == 6)
    await hub.post_vapi(transcript("call-1", "line 6"))
    await until(lambda: len(seen.events) == 7)
    assert seen.texts() == [f"line {n}" for n in range(7)] and seen.resets == 0
    assert len({event_id for event_id, _ in seen.events}) == 7
    await resumed.stop()


async def test_a_console_whose_last_id_is_no_longer_kept_is_told_to_reread(hub, engines):
    token = await hub.user("ann", Role.REVIEWER)
    await hub.post_vapi(transcript("call-1", "old"))
    [(first_id, _)] = await hub.server.hub.events.read("0", block=0)
    await hub.post_vapi(transcript("call-1", "newer"))
    await hub.post_vapi(transcript("call-1", "newest"))
    events = hub.server.hub.events
    if isinstance(events, SqliteEventLog):
        events.trim(now=time.time() + 2 * RETENTION_SECONDS)
    else:
        await events._redis.xtrim("switchboard:events", maxlen=1, approximate=False)
    seen = Collected()
    stream = HubStream(hub.url, token, seen, retry=FAST, last_id=first_id)
    stream.start()
    await until(lambda: stream.state is HubState.STREAMING)
    assert seen.resets == 1
    await hub.post_vapi(transcript("call-1", "after"))
    await until(lambda: seen.texts() == ["after"])
    await stream.stop()


async def test_a_refused_token_stops_the_stream_instead_of_retrying(hub):
    stream = HubStream(hub.url, "not-a-token", Collected(), retry=FAST)
    stream.start()
    await until(lambda: stream.state is HubState.REFUSED)
    await stream.stop()


async def test_new_team_rows_are_streamed_to_other_consoles(hub):
    ann = await hub.user("ann", Role.SUPERVISOR)
    records: list = []
    stream = HubStream(hub.url, await hub.user("bob", Role.REVIEWER), RegistryFeed(CallRegistry(), on_record=records.append))
    stream.start()
    await until(lambda: stream.state is HubState.STREAMING)
    row = {"kind": "audit", "client_id": "c1", "account_id": "a", "call_id": "x", "body": {"command": "end-call"}}
    async with hub.http.post(f"{hub.url}/records", data=json.dumps(row),
                             headers={"Authorization": f"Bearer {ann}"}) as response:
        assert response.status == 201
    await until(lambda: len(records) == 1)
    assert records[0]["author"] == "ann" and records[0]["body"] == {"command": "end-call"}
    await stream.stop()


async def test_a_console_with_an_id_the_hub_never_gave_is_told_to_reread(hub, engines):
    token = await hub.user("ann", Role.REVIEWER)
    await hub.post_vapi(transcript("call-1", "first"))
    seen = Collected()
    ahead = "999999" if engines["redis"] is None else "99999999999999-0"
    stream = HubStream(hub.url, token, seen, retry=FAST, last_id=ahead)  # e.g. the hub's store was replaced
    stream.start()
    await until(lambda: stream.state is HubState.STREAMING)
    assert seen.resets == 1
    await hub.post_vapi(transcript("call-1", "second"))
    await until(lambda: seen.texts() == ["second"])
    await stream.stop()


def test_big_batches_are_split_into_bounded_frames_in_order():
    batch = [(str(n), json.dumps({"kind": "turn", "turn": {"text": "x" * 300_000}})) for n in range(10)]
    sent = [json.loads(frame) for frame in frames(batch)]
    assert len(sent) > 1 and all(len(json.dumps(f)) < 2 * FRAME_BYTES for f in sent)
    assert [item["id"] for frame in sent for item in frame["events"]] == [str(n) for n in range(10)]


def test_a_feed_takes_only_its_accounts_calls():
    registry = CallRegistry()
    feed = RegistryFeed(registry, [Provider.VAPI], sources=["vapi-eu"])
    call = {"id": "c1", "provider": "vapi", "status": "ringing"}
    feed.apply("1", feed.prepare({"kind": "call", "provider": "vapi", "source": "vapi-us", "call_id": "c1",
                                  "call": call}))
    feed.apply("2", feed.prepare({"kind": "call", "provider": "hms", "source": "vapi-eu", "call_id": "c1",
                                  "call": {**call, "provider": "hms"}}))
    assert len(registry) == 0
    feed.apply("3", feed.prepare({"kind": "call", "provider": "vapi", "source": "vapi-eu", "call_id": "c1",
                                  "call": call}))
    assert registry.get("c1").status == "ringing"


@dataclass
class ScriptedHub:
    url: str = ""
    connections: int = 0


@asynccontextmanager
async def scripted_hub(frames: list[str | dict]) -> AsyncIterator[ScriptedHub]:
    """A plain WebSocket server on loopback standing in for a hub: a hello, the given frames, then open
    until the console goes."""
    hub = ScriptedHub()

    async def events(request: web.Request) -> web.WebSocketResponse:
        hub.connections += 1
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "id": "0", "user": "ann", "role": "supervisor"})
        for frame in frames:
            await (ws.send_str(frame) if isinstance(frame, str) else ws.send_json(frame))
        await ws.receive()
        return ws

    app = web.Application()
    app.router.add_get("/events", events)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    hub.url = f"http://127.0.0.1:{port}"
    try:
        yield hub
    finally:
        await runner.cleanup()


async def test_an_unreadable_frame_is_skipped_and_counted_and_the_stream_goes_on():
    """A hub that sends bad frames between good ones."""
    good = {"kind": "turn", "call_id": "call-1", "partial": False}
    big = {"id": "3", "event": {**good, "turn": {"text": "three" + " " * 200_000}}}  # parsed on a worker thread
    frames: list[str | dict] = [
        {"type": "events", "events": [{"id": "1", "event": {**good, "turn": {"text": "one"}}}]},
        "{not json", "[1, 2]", '{"type": "events"}', '{"type": "events", "events": 7}',
        {"type": "events", "events": [{"event": {}}, {"id": "2", "event": {**good, "turn": {"text": "two"}}}]},
        {"type": "events", "events": [big]},
    ]
    seen = Collected()
    async with scripted_hub(frames) as hub:
        stream = HubStream(hub.url, "token", seen, retry=FAST)
        stream.start()
        try:
            await until(lambda: len(seen.events) == 3, timeout=5, what="the good events around the bad frames")
            assert [text.strip() for text in seen.texts()] == ["one", "two", "three"]
            assert stream.skipped == 5 and stream.last_id == "3"  # four frames and an event without an id
            assert stream.state is HubState.STREAMING and hub.connections == 1
        finally:
            await stream.stop()


def test_pushed_lines_are_merged_like_listened_ones_polled_once_and_kept_across_polls():
    registry = CallRegistry()
    feed = RegistryFeed(registry, [Provider.VAPI])
    polled = Call(id="c1", provider=Provider.VAPI, status="in-progress",
                  turns=(Turn(role=TurnRole.ASSISTANT, text="Hello, how can I help?"),))
    registry.merge([polled])

    def line(event_id: str, text: str, role: str = "customer", partial: bool = False) -> None:
        feed.apply(event_id, feed.prepare({"kind": "turn", "provider": "vapi", "source": "vapi", "call_id": "c1",
                                           "turn": {"role": role, "text": text}, "partial": partial}))

    def shown() -> list[tuple[str, bool]]:
        return [(turn.text, turn.partial) for turn in registry.get("c1").turns]

    line("1", "hello how can I help", role="assistant")  # polling has it already
    line("2", "I would", partial=True)
    line("3", "I would like a table")
    assert shown() == [("Hello, how can I help?", False), ("I would like a table", False)]
    registry.merge([polled.model_copy(update={"cost": 0.01})])  # a poll that has not the line yet
    assert shown() == [("Hello, how can I help?", False), ("I would like a table", False)]
    feed.close()


async def test_a_large_frames_calls_are_read_off_the_loop_thread_and_a_malformed_one_is_skipped():
    """Reading an end-of-call report's transcript into a call was done on the window's thread for every
    event; for a large frame it is now done on the worker thread that parsed the frame."""
    call = {"id": "c1", "provider": "vapi", "status": "ended",
            "turns": [{"role": "customer", "text": "word " * 40}] * 400}  # an end-of-call report: > 64 KB
    event = {"kind": "call", "provider": "vapi", "source": "vapi", "call_id": "c1"}
    frame = {"type": "events", "events": [
        {"id": "1", "event": {**event, "call": call}},
        {"id": "2", "event": {**event, "call": {**call, "status": 7}}},  # malformed: skipped
        {"id": "3", "event": {**event, "call": {**call, "cost": 0.5}}}]}
    registry = CallRegistry()
    feed = RegistryFeed(registry, [Provider.VAPI])
    read_on: list[str] = []
    prepare = feed.prepare

    def watched(event):
        read_on.append(threading.current_thread().name)
        return prepare(event)

    feed.prepare = watched  # type: ignore[method-assign]
    async with scripted_hub([frame]) as hub:
        stream = HubStream(hub.url, "token", feed, retry=FAST)
        stream.start()
        try:
            await until(lambda: stream.last_id == "3", timeout=5, what="the frame's events")
            assert registry.get("c1").cost == 0.5 and len(registry.get("c1").turns) == 400
            assert stream.skipped == 1
            assert len(read_on) == 3 and threading.main_thread().name not in read_on
        finally:
            await stream.stop()
            feed.close()
