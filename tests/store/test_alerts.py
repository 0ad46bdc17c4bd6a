"""Alerts and acknowledgements in the history: saved as they change, searchable later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.alert import Alert, Severity
from app.store.alerts import AlertLog, AlertQuery
from app.store.database import Database

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def alert(call_id: str, rule: str, severity: Severity, minutes: int = 0, text: str = "get me a manager") -> Alert:
    return Alert(id=f"acct/{call_id}/{rule}/x", rule=rule, severity=severity, account_id="acct", call_id=call_id,
                 provider="vapi", message=f"{rule} on {call_id}", text=text,
                 raised_at=T0 + timedelta(minutes=minutes), call_seconds=12.5, turn=3)


async def test_saved_alerts_update_in_place_and_keep_who_acknowledged(db: Database) -> None:
    first = alert("c1", "phrases", Severity.WARNING)
    await db.write(lambda c: AlertLog(c).save([first]))
    taken = first.with_changes(acknowledged_by="sam", acknowledged_at=T0 + timedelta(minutes=1))
    await db.write(lambda c: AlertLog(c).save([taken, taken]))
    [back] = await db.read(lambda c: AlertLog(c).search())
    assert back == taken
    acks = await db.read(lambda c: AlertLog(c).acknowledgements(first.id))
    assert [(a.user, a.at) for a in acks] == [("sam", T0 + timedelta(minutes=1))]


async def test_search_by_severity_rule_call_and_words(db: Database) -> None:
    await db.write(lambda c: AlertLog(c).save([
        alert("c1", "phrases", Severity.WARNING, 0), alert("c2", "hang", Severity.CRITICAL, 1, "is it ready?"),
        alert("c3", "long_call", Severity.INFO, 2, ""), alert("c2", "error_ending", Severity.CRITICAL, 3, "100%_x"),
    ]))

    async def ids(query: AlertQuery) -> list[str]:
        return [a.id for a in await db.read(lambda c: AlertLog(c).search(query))]

    assert await ids(AlertQuery(severity=Severity.CRITICAL)) == ["acct/c2/error_ending/x", "acct/c2/hang/x"]
    assert await ids(AlertQuery(severity=Severity.WARNING, rule="phrases")) == ["acct/c1/phrases/x"]
    assert await ids(AlertQuery(words="READY")) == ["acct/c2/hang/x"]
    assert await ids(AlertQuery(words="100%_")) == ["acct/c2/error_ending/x"]
    assert await ids(AlertQuery(words="1%0")) == []  # % and _ are literal, not wildcards
    assert await ids(AlertQuery(since=T0 + timedelta(minutes=2))) == ["acct/c2/error_ending/x", "acct/c3/long_call/x"]
