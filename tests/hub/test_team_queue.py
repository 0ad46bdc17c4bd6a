"""The review queue as the team's: assignments made on one console's queue reach another console's
through a real hub (embedded engines), once each, and wait on disk while the hub is away."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from app.domain import Account, Call, Provider
from app.domain.team_record import RecordKind
from app.hub.team import Role, new_token, token_hash
from app.live.hub_client import TeamRecordClient
from app.live.team_board import TeamBoard, TeamRow
from app.live.team_queue import apply_rows, share_assignments, share_rules
from app.qa.queue_rules import QueueRules
from app.store.calls import CallCache
from app.store.database import Database
from app.store.review_queue import QueuedCall, ReviewQueue
from tests.fixtures.servers import free_port
from tests.hub.conftest import start_hub

EMBEDDED: dict[str, str | None] = {"redis": None, "database": None}
DAY = datetime(2026, 11, 30, 9, tzinfo=UTC)
RULES = QueueRules(sample_percent=0, transferred=False, critical_alert=False, shorter_than_seconds=None)
ACCOUNT = Account(id="vapi-main", name="Vapi", provider=Provider.VAPI, base_url="https://api.vapi.ai")


def failed_call(n: int) -> Call:
    return Call(id=f"call-{n}", provider=Provider.VAPI, status="ended", success_evaluation="false",
                ended_reason="customer-ended-call", duration_seconds=60.0, created_at=DAY + timedelta(minutes=n))


@dataclass
class Console:
    """One console's history (a real SQLite file) and its team board on the hub; local account ids differ."""

    db: Database
    board: TeamBoard
    account_id: str
    seen: list[TeamRow]

    async def queue(self) -> list[tuple[str, str | None]]:
        entries = await self.db.read(lambda c: ReviewQueue(c).entries())
        return sorted((e.call_id, e.assigned_to) for e in entries)

    async def catch_up(self) -> None:
        """What the hub's stream and list bring: the new rows, applied to the local queue."""
        before = len(self.seen)
        await self.board.catch_up()
        await apply_rows(self.db, self.board, self.account_id, self.seen[before:])


async def console(tmp_path, name: str, hub_url: str, token: str, cached: range) -> Console:
    db = Database(tmp_path / f"{name}.sqlite3")
    await db.write(lambda c: ReviewQueue(c).save_rules(RULES))
    await db.write(lambda c: CallCache(c).upsert(f"{name}-account", [failed_call(n) for n in cached]))
    account = ACCOUNT.model_copy(update={"id": f"{name}-account"})
    board = TeamBoard(TeamRecordClient(hub_url, token, tmp_path / f"{name}-queue.json"), account)
    seen: list[TeamRow] = []
    board.events.rows.connect(seen.extend)
    return Console(db, board, account.id, seen)


async def close(*consoles: Console) -> None:
    for each in consoles:
        await each.board.aclose()
        each.db.close()


@pytest.fixture
async def running(tmp_path) -> AsyncIterator[tuple[str, dict[str, str]]]:
    port = free_port()
    server = await start_hub(tmp_path, EMBEDDED, port)
    tokens = {}
    for name, role in (("ann", Role.REVIEWER), ("bob", Role.REVIEWER), ("sue", Role.SUPERVISOR)):
        tokens[name] = new_token()
        await server.hub.team.add_user(name, role, token_hash(tokens[name]))
    yield server.url, tokens
    await server.stop()


async def share_out(on: Console, reviewers: list[str]) -> list[QueuedCall]:
    """What the Queue tab's Share out does with a hub: the local queue first, then the rows for the team."""
    assigned = await on.db.write(lambda c: ReviewQueue(c).share_out(reviewers))
    share_assignments(on.board, on.account_id, assigned)
    return assigned


async def test_calls_shared_out_on_one_console_are_assigned_on_another(tmp_path, running):
    url, tokens = running
    ann = await console(tmp_path, "ann", url, tokens["ann"], range(4))
    bob = await console(tmp_path, "bob", url, tokens["bob"], range(5))  # bob's console cached one more call
    await share_out(ann, ["ann", "bob"])
    assert await ann.board.client.flush() == 0
    await bob.catch_up()
    assert await bob.queue() == [("call-0", "ann"), ("call-1", "bob"), ("call-2", "ann"), ("call-3", "bob"),
                                 ("call-4", None)]
    # Ctrl+N on bob's console: his own calls first, before the one nobody has.
    nxt = await bob.db.read(lambda c: ReviewQueue(c).next_for("bob"))
    assert nxt is not None and (nxt.account_id, nxt.call_id) == ("bob-account", "call-1")

    # A call bob's console has not cached yet is queued there with its reasons, assigned as the team has it.
    carol = await console(tmp_path, "carol", url, tokens["bob"], range(0))
    await carol.catch_up()
    entries = await carol.db.read(lambda c: ReviewQueue(c).entries())
    assert sorted((e.call_id, e.assigned_to, e.reasons) for e in entries)[0] == ("call-0", "ann", ("not successful",))
    await close(ann, bob, carol)


async def test_a_row_replayed_twice_adds_nothing(tmp_path, running):
    url, tokens = running
    ann = await console(tmp_path, "ann", url, tokens["ann"], range(2))
    bob = await console(tmp_path, "bob", url, tokens["bob"], range(2))
    await share_out(ann, ["bob"])
    await ann.board.client.flush()
    sent = await ann.board.client.rows(kind=RecordKind.QUEUE_ASSIGNMENT)
    for row in sent:  # the offline queue sent again after an outage: the same rows, the same client ids
        ann.board.client.queue(row["kind"], row["account_id"], row["call_id"], row["body"], row["client_id"])
    assert await ann.board.client.flush() == 0
    assert await ann.board.client.rows(kind=RecordKind.QUEUE_ASSIGNMENT) == sent
    await bob.catch_up()
    once = await bob.queue()
    await apply_rows(bob.db, bob.board, bob.account_id, list(bob.seen))  # every row applied a second time
    assert await bob.queue() == once == [("call-0", "bob"), ("call-1", "bob")]
    await close(ann, bob)


async def test_assignments_wait_while_the_hub_is_away_and_arrive_when_it_is_back(tmp_path):
    port = free_port()
    server = await start_hub(tmp_path, EMBEDDED, port)
    tokens = {name: new_token() for name in ("ann", "bob")}
    for name, token in tokens.items():
        await server.hub.team.add_user(name, Role.REVIEWER, token_hash(token))
    url = server.url
    await server.stop()
    ann = await console(tmp_path, "ann", url, tokens["ann"], range(3))
    bob = await console(tmp_path, "bob", url, tokens["bob"], range(3))
    await share_out(ann, ["bob", "ann"])
    assert await ann.queue() == [("call-0", "bob"), ("call-1", "ann"), ("call-2", "bob")]  # local first
    assert await ann.board.client.flush() == 3  # queued on disk for the hub
    server = await start_hub(tmp_path, EMBEDDED, port)
    assert await ann.board.client.flush() == 0
    await bob.catch_up()
    assert await bob.queue() == [("call-0", "bob"), ("call-1", "ann"), ("call-2", "bob")]
    await close(ann, bob)
    await server.stop()


async def test_an_assignment_not_yet_delivered_is_not_undone_by_an_older_one(tmp_path, running):
    url, tokens = running
    ann = await console(tmp_path, "ann", url, tokens["ann"], range(1))
    bob = await console(tmp_path, "bob", url, tokens["bob"], range(1))
    await share_out(ann, ["ann"])
    await ann.board.client.flush()
    await bob.db.write(lambda c: ReviewQueue(c).assign(bob.account_id, "call-0", None))
    moved = await bob.db.write(lambda c: ReviewQueue(c).share_out(["bob"]))  # bob takes it, offline
    bob.board.client.queue(RecordKind.QUEUE_ASSIGNMENT, bob.board.account_id, "call-0", {
        "assigned_to": "bob", "reasons": list(moved[0].reasons), "created_at": None})
    await apply_rows(bob.db, bob.board, bob.account_id, [TeamRow.from_json(r) for r in await ann.board.client.rows()])
    assert await bob.queue() == [("call-0", "bob")]
    await close(ann, bob)


async def test_reviewers_share_assignments_and_supervisors_set_the_rules(tmp_path, running):
    url, tokens = running
    refused: list[tuple[str, str]] = []
    account = ACCOUNT.model_copy(update={"id": "x"})
    reviewer = TeamBoard(TeamRecordClient(url, tokens["ann"], tmp_path / "r.json",
                                          on_refused=lambda row, why: refused.append((row["kind"], why))), account)
    share_rules(reviewer, RULES)
    await reviewer.client.flush()
    assert refused == [("queue-rules", "a reviewer may not write queue-rules rows")]
    sue = await console(tmp_path, "sue", url, tokens["sue"], range(0))
    bob = await console(tmp_path, "bob", url, tokens["bob"], range(3))
    wider = QueueRules(sample_percent=100.0)
    share_rules(sue.board, wider)
    await sue.board.client.flush()
    await bob.catch_up()
    assert await bob.db.read(lambda c: ReviewQueue(c).rules()) == wider
    # Rules sue saves while the hub is away are not undone by the team's older ones meanwhile.
    mine = QueueRules(sample_percent=50.0)
    await sue.db.write(lambda c: ReviewQueue(c).save_rules(mine))
    sue.board.client.queue("queue-rules", sue.board.account_id, "*", {"rules": {"sample_percent": 50.0}})
    await apply_rows(sue.db, sue.board, sue.account_id, [TeamRow.from_json(r) for r in await bob.board.client.rows()])
    assert await sue.db.read(lambda c: ReviewQueue(c).rules()) == mine
    await reviewer.aclose()
    await close(sue, bob)
