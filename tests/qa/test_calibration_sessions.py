"""Calibration sessions in the store: blind until one's own review is submitted, progress per
reviewer, the report over the session's submitted scores, and the remarks to jump to."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from app.store.calibration import CalibrationBook
from app.store.database import connect
from app.store.reviews import NOT_APPLICABLE, Mark, ReviewBook

CALLS = [("acct", "c1"), ("acct", "c2"), ("acct", "c3")]
# greeting and close: scores per call for ann and bob; everything else agreed at 5 (escalation N/A).
SCORES = {"ann": {"greeting": (5, 4, 2), "close": (5, 5, 1)}, "bob": {"greeting": (5, 4, 2), "close": (1, 5, 4)}}


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(tmp_path / "h.db")
    yield connection
    connection.close()


def review(conn: sqlite3.Connection, reviewer: str, index: int, *, submit: bool = True) -> None:
    book = ReviewBook(conn)
    account_id, call_id = CALLS[index]
    draft = book.start(account_id, call_id, reviewer)
    book.add_comment(draft.id, f"{reviewer} on {call_id}", at_seconds=10.0 * (index + 1), turn_index=index)
    marks = {"understood": Mark(5), "tools": Mark(5), "no-hallucination": Mark(5), "escalation": NOT_APPLICABLE,
             **{c: Mark(v[index]) for c, v in SCORES[reviewer].items()}}
    if submit:
        book.submit(draft.id, marks)


def test_a_session_is_blind_until_one_submits_then_reports(conn: sqlite3.Connection) -> None:
    calibration = CalibrationBook(conn)
    with pytest.raises(ValueError):
        calibration.create("Solo", "lead", CALLS, ["ann"])
    session_id = calibration.create("Week 48", "lead", CALLS, ["ann", "bob"])
    review(conn, "ann", 0)
    assert calibration.others_visible("acct", "c1", "bob") == ([], 1)  # ann's scores hidden from bob
    review(conn, "bob", 0)
    seen, hidden = calibration.others_visible("acct", "c1", "bob")
    assert [r.reviewer for r in seen] == ["ann"] and hidden == 0
    assert not calibration.session(session_id).complete
    for index in (1, 2):
        review(conn, "ann", index)
        review(conn, "bob", index)
    session = calibration.session(session_id)
    assert session.complete and session.submitted == {"ann": 3, "bob": 3}

    result = calibration.report(session_id)
    assert result.criteria[0].criterion_id == "close"  # disagrees most
    close = result.criteria[0]
    assert close.percent == pytest.approx(100 / 3) and close.spread == {"c1": 4, "c2": 0, "c3": 3}
    expected = krippendorff.alpha(reliability_data=np.array([[5, 5, 1], [1, 5, 4]], dtype=float),
                                  level_of_measurement="ordinal", value_domain=list(range(6)))
    assert close.alpha == pytest.approx(expected)
    greeting = next(r for r in result.criteria if r.criterion_id == "greeting")
    assert greeting.percent == 100 and greeting.alpha == pytest.approx(1.0)
    assert "escalation" not in {r.criterion_id for r in result.criteria}  # N/A everywhere: no rating

    remarks = calibration.remarks(session_id)
    on_c1 = [(m.reviewer, m.comment.at_seconds) for m in remarks if m.call_id == close.widest[0]]
    assert sorted(on_c1) == [("ann", 10.0), ("bob", 10.0)]
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    csv_path = Path(path).with_name("calibration.csv")
    result.write_csv(csv_path)
    assert csv_path.read_text().splitlines()[1].startswith("Polite close,33.333")
