"""Suggested scores: from the platform's judgement and deterministic checks, on calls built here and
on the real sandbox's calls whose outcomes its scenarios fix; confirmed suggestions are recorded and
the reviews CSV names them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from app.domain import Account, Call, Provider, Turn, TurnRole
from app.providers import make_client
from app.qa.suggestions import longest_silence, suggest
from app.store.calls import CallCache
from app.store.database import Database
from app.store.reviews import NOT_APPLICABLE, Mark, ReviewBook
from app.store.sync import CallSync
from tests.fixtures.sandbox import SANDBOX_KEY


def turn(role: TurnRole, text: str, start: float | None = None, end: float | None = None) -> Turn:
    return Turn(role=role, text=text, start=start, end=end)


A, C = TurnRole.ASSISTANT, TurnRole.CUSTOMER


def test_checks_greeting_goodbye_escalation_and_silence() -> None:
    call = Call(id="c1", provider=Provider.VAPI, ended_reason="customer-ended-call", turns=(
        turn(A, "Hello, this is Ada from Northwind.", 0, 2), turn(C, "Get me a real person now.", 3, 5),
        turn(A, "I can help with that myself.", 17, 19), turn(A, "Goodbye!", 20, 21)))
    got = suggest(call)
    assert (got["greeting"].mark, got["close"].mark, got["escalation"].mark) == (Mark(5), Mark(5), Mark(0))
    assert "not transferred" in got["escalation"].why and not got["escalation"].from_platform
    assert got["understood"].mark == Mark(2) and got["understood"].why == "Silence of 12 s at 0:05"
    assert longest_silence(call.turns) == (12.0, 5.0)

    quiet = Call(id="c2", provider=Provider.VAPI, turns=(turn(A, "Yes?"), turn(C, "Nothing."), turn(A, "Ok.")))
    got = suggest(quiet)
    assert (got["greeting"].mark, got["close"].mark, got["escalation"]) == (Mark(1), Mark(1), got["escalation"])
    assert got["escalation"].mark == NOT_APPLICABLE and "understood" not in got  # no timings, no judgement


def test_the_platforms_judgement_comes_before_the_checks() -> None:
    call = Call(id="c3", provider=Provider.VAPI, success_evaluation="false",
                structured_outputs={"o1": {"name": "Greeting", "result": False}},
                scorecards={"s1": {"name": "Polite close", "score": 40, "scoreNormalized": 80,
                                   "metricPoints": {"o2": 40}}},  # the scorecard quickstart's shape
                turns=(turn(A, "Hello!", 0, 1), turn(C, "Bye", 1, 2), turn(A, "Goodbye", 2, 3)))
    got = suggest(call)
    assert (got["greeting"].mark, got["greeting"].from_platform) == (Mark(0), True)  # the platform said no
    assert got["close"].mark == Mark(4) and got["close"].why == "Platform scorecard: Polite close = 80"
    assert got["understood"].mark == Mark(1) and got["understood"].why.startswith("Platform success evaluation")


async def test_suggestions_on_sandbox_calls_with_known_outcomes(sandbox, tmp_path: Path) -> None:
    account = Account(id="sugg", name="Vapi", provider=Provider.VAPI, base_url=sandbox.base_url(Provider.VAPI))
    db = Database(tmp_path / "history.db")
    client = make_client(account.provider, account.base_url, SANDBOX_KEY)
    try:
        await CallSync(db, account, client, first_days=3650).catch_up()
        rows = await db.read(lambda c: CallCache(c).page(account.id, limit=500))
        calls = [await db.read(lambda c, i=row.id: CallCache(c).get(account.id, i)) for row in rows
                 if row.status == "ended"]
    finally:
        await client.aclose()
        db.close()
    escalated = [c for c in calls if c and c.ended_reason == "assistant-forwarded-call"
                 and any("real person" in t.text for t in c.turns)]
    assert escalated, "the sandbox plays its billing escalation scenario"
    for call in escalated:  # "Hello, you've reached…", asks for "a real person", forwarded
        got = suggest(call)
        assert got["greeting"].mark == Mark(5)
        assert got["escalation"].mark == Mark(5) and "was transferred" in got["escalation"].why
        assert got["understood"].from_platform  # the scenario's success evaluation / objective output
    judged = [c for c in calls if c and c.success_evaluation == "false"]
    assert judged and all(suggest(c)["understood"].mark.score in (0, 1) for c in judged)


def test_confirmed_suggestions_are_recorded_and_exported(tmp_path: Path) -> None:
    from app.store.database import connect

    conn = connect(tmp_path / "h.db")
    book = ReviewBook(conn)
    review = book.start("acct", "c1", "ann")
    book.set_mark(review.id, "greeting", Mark(5), suggested=True)
    book.set_mark(review.id, "close", Mark(5), suggested=True)
    book.set_mark(review.id, "close", Mark(3))  # changed: no longer the suggestion
    review = book.submit(review.id, {"understood": Mark(4), "tools": NOT_APPLICABLE, "no-hallucination": Mark(5),
                                     "escalation": NOT_APPLICABLE})
    assert review.confirmed == frozenset({"greeting"})
    out = io.StringIO()
    book.export_csv(out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["confirmed suggestions"] == "greeting"
    conn.close()
