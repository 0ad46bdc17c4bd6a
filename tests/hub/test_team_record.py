"""The team record through the hub: roles, append-only rows, idempotent replays, shared between consoles."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import threading
from typing import Any

import httpx
import psycopg
import pytest

from app.hub.team import Role, new_token, token_hash
from app.live.hub_client import HubState, HubStream, RegistryFeed, TeamRecordClient
from app.live.registry import CallRegistry
from app.providers.http import RetryPolicy
from tests.fixtures.qt import until
from tests.fixtures.servers import free_port
from tests.hub.conftest import start_hub

AUDIT = {"command": "say", "content": "Offer the refund", "outcome": "accepted"}
REVIEW = {"status": "submitted", "scores": {"greeting": 4}, "overall": 80.0}


def client(hub_url: str, token: str, tmp_path, name: str, refused: list | None = None) -> TeamRecordClient:
    on_refused = (lambda row, reason: refused.append((row["kind"], reason))) if refused is not None else None
    return TeamRecordClient(hub_url, token, tmp_path / f"{name}-queue.json", on_refused=on_refused)


async def submit(record: TeamRecordClient, *row: Any, client_id: str | None = None) -> str:
    """What a console's share does: queue the row, then send the queue."""
    row_id = record.queue(*row, client_id=client_id)
    await record.flush()
    return row_id


async def test_rows_written_through_one_console_appear_on_another(hub, tmp_path):
    ann = client(hub.url, await hub.user("ann", Role.SUPERVISOR), tmp_path, "ann")
    bob = client(hub.url, await hub.user("bob", Role.REVIEWER), tmp_path, "bob")
    await submit(ann, "audit", "acct-1", "call-1", AUDIT)
    await submit(bob, "review", "acct-1", "call-1", REVIEW)
    seen_by_bob = await bob.rows()
    seen_by_ann = await ann.rows(kind="review")
    assert [(r["author"], r["kind"], r["body"]) for r in seen_by_bob] == [("ann", "audit", AUDIT), ("bob", "review", REVIEW)]
    assert [r["author"] for r in seen_by_ann] == ["bob"]
    assert await ann.pending() == [] and await bob.pending() == []
    await ann.aclose()
    await bob.aclose()


async def test_a_reviewers_token_cannot_write_an_audit_row(hub, tmp_path):
    refused: list = []
    bob = client(hub.url, await hub.user("bob", Role.REVIEWER), tmp_path, "bob", refused)
    await submit(bob, "audit", "acct-1", "call-1", AUDIT)
    await submit(bob, "alert-ack", "acct-1", "call-1", {"alert": "silence"})
    assert refused == [("audit", "a reviewer may not write audit rows"),
                       ("alert-ack", "a reviewer may not write alert-ack rows")]
    assert await bob.rows() == [] and await bob.pending() == []
    await bob.aclose()


async def test_an_unknown_token_is_refused(hub):
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{hub.url}/records", headers={"Authorization": "Bearer not-a-token"})
        assert response.status_code == 401
        response = await http.post(f"{hub.url}/records", json={})
        assert response.status_code == 401


async def test_a_replayed_row_is_stored_once_and_a_changed_replay_is_refused(hub, tmp_path):
    refused: list = []
    ann = client(hub.url, await hub.user("ann", Role.SUPERVISOR), tmp_path, "ann", refused)
    row_id = await submit(ann, "review", "acct-1", "call-1", REVIEW)
    await submit(ann, "review", "acct-1", "call-1", REVIEW, client_id=row_id)  # an offline queue replayed
    await submit(ann, "review", "acct-1", "call-1", {**REVIEW, "overall": 100.0}, client_id=row_id)
    assert [r["body"]["overall"] for r in await ann.rows()] == [80.0]
    assert refused == [("review", f"row {row_id} exists with other content")]
    await ann.aclose()


async def test_rows_queue_while_the_hub_is_away_and_go_out_in_order_when_it_is_back(tmp_path, engines):
    port = free_port()
    server = await start_hub(tmp_path, engines, port)
    token = new_token()
    await server.hub.team.add_user("ann", Role.SUPERVISOR, token_hash(token))
    await server.stop()
    ann = client(f"http://127.0.0.1:{port}", token, tmp_path, "ann")
    for n in range(3):
        await submit(ann, "comment", "acct-1", "call-1", {"text": f"note {n}"})
    assert [row["body"]["text"] for row in await ann.pending()] == ["note 0", "note 1", "note 2"]
    again = client(f"http://127.0.0.1:{port}", token, tmp_path, "ann")  # the console restarted meanwhile
    assert len(await again.pending()) == 3
    server = await start_hub(tmp_path, engines, port)
    assert await again.flush() == 0
    assert [row["body"]["text"] for row in await again.rows()] == ["note 0", "note 1", "note 2"]
    await ann.aclose()
    await again.aclose()
    await server.stop()


async def test_queued_rows_go_out_by_themselves_when_the_stream_is_back(tmp_path, engines):
    port = free_port()
    server = await start_hub(tmp_path, engines, port)
    token = new_token()
    await server.hub.team.add_user("ann", Role.SUPERVISOR, token_hash(token))
    url = f"http://127.0.0.1:{port}"
    ann = client(url, token, tmp_path, "ann")
    stream = HubStream(url, token, RegistryFeed(CallRegistry()), retry=RetryPolicy(initial_delay=0.05, max_delay=0.2))
    ann.follow(stream)
    stream.start()
    await until(lambda: stream.state is HubState.STREAMING)
    await server.stop()
    await until(lambda: stream.state is HubState.OFFLINE)
    await submit(ann, "audit", "acct-1", "call-1", AUDIT)
    assert len(await ann.pending()) == 1
    server = await start_hub(tmp_path, engines, port)
    for _ in range(200):  # the queue goes out by itself after the reconnect
        if not await ann.pending():
            break
        await asyncio.sleep(0.05)
    assert [row["body"] for row in await ann.rows()] == [AUDIT]
    await stream.stop()
    await ann.aclose()
    await server.stop()


async def test_rows_cannot_be_changed_or_deleted_in_the_store(hub, engines):
    ann = await hub.user("ann", Role.ADMIN)
    async with httpx.AsyncClient() as http:
        row = {"kind": "audit", "client_id": "c1", "account_id": "a", "call_id": "x", "body": AUDIT}
        response = await http.post(f"{hub.url}/records", json=row, headers={"Authorization": f"Bearer {ann}"})
        assert response.status_code == 201
    if engines["database"] is None:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            hub.server.hub.sqlite.execute("UPDATE hub_rows SET body = '{}'")
    else:
        with psycopg.connect(engines["database"]) as conn, pytest.raises(psycopg.Error, match="append-only"):
            conn.execute("DELETE FROM hub_rows")


def test_add_user_prints_a_token_once_and_stores_only_its_hash(tmp_path):
    data = tmp_path / "hub.sqlite3"
    done = subprocess.run([sys.executable, "-m", "app", "hub", "--data", str(data), "add-user", "carol",
                           "--role", "reviewer"], capture_output=True, text=True, timeout=60, check=True)
    name, token = done.stdout.strip().split(": ")
    assert name == "carol (reviewer)" and len(token) >= 40
    assert token.encode() not in data.read_bytes()
    with sqlite3.connect(data) as conn:
        assert conn.execute("SELECT name, role FROM hub_users").fetchall() == [("carol", "reviewer")]


async def test_the_hub_refuses_a_bad_row(hub):
    ann = await hub.user("ann", Role.ADMIN)
    async with httpx.AsyncClient() as http:
        for row in ({"kind": "audit"}, {"kind": "poem", "client_id": "c", "account_id": "a", "call_id": "x", "body": {}},
                    {"kind": "audit", "client_id": "c", "account_id": "a", "call_id": "x", "body": "text"}):
            response = await http.post(f"{hub.url}/records", json=row, headers={"Authorization": f"Bearer {ann}"})
            assert response.status_code == 400, row


async def test_a_row_queued_while_the_queue_is_being_sent_is_kept(hub, tmp_path):
    ann = client(hub.url, await hub.user("ann", Role.SUPERVISOR), tmp_path, "ann")
    ann.queue("audit", "acct-1", "call-1", AUDIT)
    flushing = asyncio.ensure_future(ann.flush())
    await asyncio.sleep(0)  # the first row is on its way to the hub
    ann.queue("review", "acct-1", "call-1", REVIEW)  # e.g. a review submitted meanwhile
    await flushing
    await ann.flush()
    assert [r["kind"] for r in await ann.rows()] == ["audit", "review"] and await ann.pending() == []
    await ann.aclose()


_opened: list[tuple[str, str, int]] | None = None  # (path, mode, thread) while a test records


def _record_opens(event: str, args: tuple) -> None:
    if event == "open" and _opened is not None and isinstance(args[0], str | os.PathLike):
        _opened.append((os.fspath(args[0]), str(args[1]), threading.get_ident()))


sys.addaudithook(_record_opens)  # audit hooks stay for the process: it records only inside the test


async def test_the_offline_queue_is_read_once_and_its_file_used_off_the_loops_thread(tmp_path):
    global _opened
    port = free_port()
    server = await start_hub(tmp_path, {"redis": None, "database": None}, port)
    token = new_token()
    await server.hub.team.add_user("ann", Role.SUPERVISOR, token_hash(token))
    await server.stop()
    ann = client(f"http://127.0.0.1:{port}", token, tmp_path, "ann")
    queue_file = str(tmp_path / "ann-queue.json")
    _opened = []
    try:
        for n in range(3):
            ann.queue("comment", "acct-1", "call-1", {"text": f"note {n}"})
        assert await ann.flush() == 3  # the hub is away
        server = await start_hub(tmp_path, {"redis": None, "database": None}, port)
        assert await ann.flush() == 0
        opened = [(mode, thread) for path, mode, thread in _opened if path.startswith(queue_file[:-5])]
    finally:
        _opened = None
    assert [row["body"]["text"] for row in await ann.rows()] == ["note 0", "note 1", "note 2"]
    assert opened and threading.get_ident() not in {thread for _, thread in opened}  # the Qt thread runs the loop
    assert [mode for mode, _ in opened if "r" in mode] == ["r"]  # read once, then kept in memory
    await ann.aclose()
    await server.stop()
