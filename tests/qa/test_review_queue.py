"""Review queues: each rule picks the calls it should, a call picked by several rules is queued once
with every reason, calls are picked as they are cached, and reviewers take the next call in turn."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain import Call, Provider
from app.domain.alert import Alert, Severity
from app.qa.queue_rules import (
    CRITICAL_ALERT,
    NOT_SUCCESSFUL,
    SAMPLED,
    SHORT,
    TRANSFERRED,
    CallFacts,
    QueueRules,
    reasons,
    sampled,
)
from app.store.alerts import AlertLog
from app.store.calls import CallCache
from app.store.database import connect
from app.store.review_queue import ReviewQueue, ReviewState
from app.store.reviews import Mark, ReviewBook

DAY = datetime(2026, 11, 30, tzinfo=UTC)
NOTHING = QueueRules(sample_percent=0, not_successful=False, transferred=False, critical_alert=False,
                     shorter_than_seconds=None)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(tmp_path / "history.db")
    yield connection
    connection.close()


def call(call_id: str, *, minute: int = 0, success: str | None = "true", reason: str = "customer-ended-call",
         seconds: float = 120.0, status: str = "ended") -> Call:
    return Call(id=call_id, provider=Provider.VAPI, status=status, success_evaluation=success, ended_reason=reason,
                duration_seconds=seconds, created_at=DAY + timedelta(minutes=minute), assistant_id="a1")


def facts(c: Call, critical: bool = False) -> CallFacts:
    return CallFacts(c.id, c.status, c.success_evaluation, c.ended_reason, c.duration_seconds, critical)


def test_each_rule_picks_its_calls_and_only_them() -> None:
    only = {
        NOT_SUCCESSFUL: replace(NOTHING, not_successful=True),
        TRANSFERRED: replace(NOTHING, transferred=True),
        CRITICAL_ALERT: replace(NOTHING, critical_alert=True),
        SHORT: replace(NOTHING, shorter_than_seconds=10.0),
    }
    plain = facts(call("plain"))
    assert all(reasons(plain, rules) == () for rules in only.values())
    assert reasons(facts(call("f", success="Fail")), only[NOT_SUCCESSFUL]) == (NOT_SUCCESSFUL,)
    assert reasons(facts(call("f", success="3")), only[NOT_SUCCESSFUL]) == (NOT_SUCCESSFUL,)  # 0–10 scale
    assert reasons(facts(call("f", success="6")), only[NOT_SUCCESSFUL]) == ()  # mixed is not a failure
    assert reasons(facts(call("t", reason="assistant-forwarded-call")), only[TRANSFERRED]) == (TRANSFERRED,)
    assert reasons(facts(call("c"), critical=True), only[CRITICAL_ALERT]) == (CRITICAL_ALERT,)
    assert reasons(facts(call("s", seconds=4)), only[SHORT]) == (SHORT,)
    assert reasons(facts(call("s", seconds=10)), only[SHORT]) == ()
    live = call("live", seconds=3, success="false", status="in-progress")
    assert reasons(facts(live, True), QueueRules(sample_percent=100)) == ()  # judged once it has ended


def test_sampling_takes_the_share_asked_and_the_same_calls_every_time() -> None:
    ids = [f"call-{n}" for n in range(20_000)]
    rules = QueueRules(sample_percent=5, not_successful=False, transferred=False, critical_alert=False,
                       shorter_than_seconds=None)
    picked = [i for i in ids if reasons(facts(call(i)), rules)]
    assert 0.045 < len(picked) / len(ids) < 0.055
    assert picked == [i for i in ids if reasons(facts(call(i)), rules) == (SAMPLED,)]  # reruns agree
    assert [sampled(i, 5) for i in ids[:200]] == [sampled(i, 5) for i in ids[:200]]
    assert all(sampled(i, 100) for i in ids[:200]) and not any(sampled(i, 0) for i in ids[:200])


def test_a_call_picked_by_several_rules_is_queued_once_with_all_reasons(conn: sqlite3.Connection) -> None:
    ReviewQueue(conn).save_rules(QueueRules(sample_percent=0))
    AlertLog(conn).save([Alert(id="acct/bad/hang/1", rule="hang", severity=Severity.CRITICAL, account_id="acct",
                               call_id="bad", provider="vapi", message="m", text="t", raised_at=DAY)])
    CallCache(conn).upsert("acct", [call("bad", success="false", reason="assistant-forwarded-call", seconds=3),
                                    call("fine")])
    [entry] = ReviewQueue(conn).entries()
    assert (entry.call_id, entry.reasons) == ("bad", (NOT_SUCCESSFUL, TRANSFERRED, CRITICAL_ALERT, SHORT))


def test_calls_are_queued_as_they_are_cached_and_requeued_when_they_change(conn: sqlite3.Connection) -> None:
    ReviewQueue(conn).save_rules(QueueRules(sample_percent=0))
    cache = CallCache(conn)
    cache.upsert("acct", [call("c1", status="in-progress", success=None)])
    assert ReviewQueue(conn).entries() == []
    cache.upsert("acct", [call("c1", success="false")])
    assert [e.reasons for e in ReviewQueue(conn).entries()] == [(NOT_SUCCESSFUL,)]
    cache.upsert("acct", [call("c1", success="true")])  # re-evaluated: nobody needs to look any more
    assert ReviewQueue(conn).entries() == []


def test_build_runs_the_same_rules_over_a_day_of_cached_calls(conn: sqlite3.Connection) -> None:
    queue = ReviewQueue(conn)
    queue.save_rules(NOTHING)
    CallCache(conn).upsert("acct", [call(f"c{n}", minute=n, seconds=n) for n in range(30)])
    assert queue.entries() == []
    queue.save_rules(QueueRules(sample_percent=0, shorter_than_seconds=10))
    assert queue.build(DAY, DAY + timedelta(days=1)) == 10
    assert {e.call_id for e in queue.entries()} == {f"c{n}" for n in range(10)}


def test_states_and_next_call_follow_the_reviews(conn: sqlite3.Connection) -> None:
    queue = ReviewQueue(conn)
    queue.save_rules(QueueRules(sample_percent=0))
    CallCache(conn).upsert("acct", [call(f"c{n}", minute=n, success="false") for n in range(4)])
    assert len(queue.share_out(["ann", "bob"])) == 4
    assert queue.next_for("ann").call_id == "c0"  # type: ignore[union-attr]
    assert queue.next_for("bob").call_id == "c1"  # type: ignore[union-attr]
    book = ReviewBook(conn)
    draft = book.start("acct", "c0", "ann")
    assert queue.next_for("ann").call_id == "c0"  # type: ignore[union-attr]  # her draft is still hers
    assert queue.next_for("ann", skip=("acct", "c0")).call_id == "c2"  # type: ignore[union-attr]
    book.submit(draft.id, {c.id: Mark(3) for c in draft.template.criteria})
    assert queue.next_for("ann").call_id == "c2"  # type: ignore[union-attr]
    book.start("acct", "c1", "bob")
    states = queue.states([("acct", f"c{n}") for n in range(5)])
    assert states == {("acct", "c0"): ReviewState.REVIEWED, ("acct", "c1"): ReviewState.IN_REVIEW,
                      ("acct", "c2"): ReviewState.TO_REVIEW, ("acct", "c3"): ReviewState.TO_REVIEW}
    queue.assign("acct", "c3", "ann")
    assert queue.next_for("bob").call_id == "c1"  # type: ignore[union-attr]  # his draft
    assert queue.next_for("bob", skip=("acct", "c1")) is None  # c2 and c3 are ann's


def test_a_critical_alert_saved_after_the_call_was_cached_queues_it(conn: sqlite3.Connection) -> None:
    ReviewQueue(conn).save_rules(QueueRules(sample_percent=0))
    CallCache(conn).upsert("acct", [call("late")])
    assert ReviewQueue(conn).entries() == []
    warning = Alert(id="acct/late/phrases/1", rule="phrases", severity=Severity.WARNING, account_id="acct",
                    call_id="late", provider="vapi", message="m", text="t", raised_at=DAY)
    AlertLog(conn).save([warning])
    assert ReviewQueue(conn).entries() == []
    AlertLog(conn).save([warning.with_changes(id="acct/late/hang/1", rule="hang", severity=Severity.CRITICAL)])
    assert [e.reasons for e in ReviewQueue(conn).entries()] == [(CRITICAL_ALERT,)]
