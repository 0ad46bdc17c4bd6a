"""Scorecards: weighted arithmetic, N/A, critical fails, draft → submitted, anchored comments, CSV."""

from __future__ import annotations

import csv
import io

import pytest

from app.store.database import connect
from app.store.reviews import (
    DEFAULT_TEMPLATE,
    NOT_APPLICABLE,
    Criterion,
    Mark,
    ReviewBook,
    ReviewIncompleteError,
    ReviewLockedError,
    ScorecardTemplate,
    anchor_label,
    overall_score,
)

SIMPLE = (
    Criterion("a", "Greeting", weight=1),
    Criterion("b", "Understood", weight=3),
    Criterion("c", "Tools", weight=2, allow_na=True),
    Criterion("d", "Truthful", weight=1, critical=True),
)


@pytest.fixture
def book(tmp_path) -> ReviewBook:
    return ReviewBook(connect(tmp_path / "h.sqlite3"))


def test_weighted_mean_over_what_applies() -> None:
    marks = {"a": Mark(5), "b": Mark(3), "c": NOT_APPLICABLE, "d": Mark(4)}
    overall = overall_score(SIMPLE, marks)
    # (1*5/5 + 3*3/5 + 1*4/5) / (1 + 3 + 1) = (1 + 1.8 + 0.8) / 5 = 0.72
    assert overall.percent == 72.0 and overall.complete and not overall.critical_failed


def test_na_removes_the_weight_instead_of_scoring_zero() -> None:
    with_na = overall_score(SIMPLE, {"a": Mark(5), "b": Mark(5), "c": NOT_APPLICABLE, "d": Mark(5)})
    with_zero = overall_score(SIMPLE, {"a": Mark(5), "b": Mark(5), "c": Mark(0), "d": Mark(5)})
    assert with_na.percent == 100.0
    assert with_zero.percent == round(100 * 5 / 7, 1)


def test_a_critical_zero_fails_the_call_whatever_the_rest() -> None:
    overall = overall_score(SIMPLE, {"a": Mark(5), "b": Mark(5), "c": Mark(5), "d": Mark(0)})
    assert overall.percent == 0.0 and overall.critical_failed and overall.failed_criteria == ("Truthful",)


def test_partial_and_empty_scorecards() -> None:
    partial = overall_score(SIMPLE, {"b": Mark(4)})
    assert partial.percent == 80.0 and partial.missing == ("a", "c", "d") and not partial.complete
    assert overall_score(SIMPLE, {"c": NOT_APPLICABLE}).percent is None


def test_default_template_for_ai_calls() -> None:
    titles = [c.title for c in DEFAULT_TEMPLATE.criteria]
    assert titles == ["Greeting", "Understood the request", "Correct tool use", "No hallucination",
                      "Escalated when needed", "Polite close"]
    assert {c.id for c in DEFAULT_TEMPLATE.criteria if c.critical} == {"no-hallucination", "escalation"}


def test_draft_then_submit_then_locked(book: ReviewBook) -> None:
    review = book.start("acc", "call-1", "ria")
    assert review.status == "draft" and book.start("acc", "call-1", "ria").id == review.id
    book.set_mark(review.id, "greeting", Mark(4))
    with pytest.raises(ValueError, match="always applies"):
        book.set_mark(review.id, "greeting", NOT_APPLICABLE)
    with pytest.raises(ValueError, match="from 0 to 5"):
        book.set_mark(review.id, "close", Mark(6))
    with pytest.raises(ReviewIncompleteError, match="Understood the request"):
        book.submit(review.id)
    assert book.by_id(review.id).status == "draft"

    marks = {"understood": Mark(5), "tools": NOT_APPLICABLE, "no-hallucination": Mark(5),
             "escalation": NOT_APPLICABLE, "close": Mark(3)}
    submitted = book.submit(review.id, marks)
    assert submitted.submitted and submitted.submitted_at is not None
    # (1*4/5 + 2*5/5 + 3*5/5 + 1*3/5) / 7 = 6.4 / 7
    assert submitted.overall.percent == round(100 * 6.4 / 7, 1)
    assert book.by_id(review.id).overall == submitted.overall  # computed from the stored scores
    with pytest.raises(ReviewLockedError):
        book.set_mark(review.id, "greeting", Mark(1))
    with pytest.raises(ReviewLockedError):
        book.add_comment(review.id, "late thought")


def test_a_failed_submit_changes_nothing(book: ReviewBook) -> None:
    review = book.start("acc", "call-1", "ria")
    book.set_mark(review.id, "greeting", Mark(2))
    with pytest.raises(ValueError):
        book.submit(review.id, {"greeting": Mark(5), "close": Mark(9)})
    assert book.by_id(review.id).marks == {"greeting": Mark(2)}


def test_one_review_per_reviewer_each_with_its_template(book: ReviewBook) -> None:
    custom = ScorecardTemplate("short", "Short", (Criterion("ok", "Resolved", critical=True),))
    book.save_template(custom)
    assert [t.id for t in book.templates()] == ["ai-call", "short"]
    book.start("acc", "call-1", "ria")
    other = book.start("acc", "call-1", "sam", custom)
    book.save_template(ScorecardTemplate("short", "Short", (Criterion("new", "Changed later"),)))
    # A review keeps the criteria it was started with.
    assert [c.id for c in book.by_id(other.id).template.criteria] == ["ok"]
    assert {r.reviewer for r in book.for_call("acc", "call-1")} == {"ria", "sam"}


def test_scores_by_call_reads_every_review_in_one_query(book: ReviewBook) -> None:
    custom = ScorecardTemplate("short", "Short", (Criterion("ok", "Resolved", critical=True),))
    first = book.start("acc", "call-1", "ria")
    book.set_mark(first.id, "greeting", Mark(4))
    book.add_comment(first.id, "fine")
    later = book.start("acc", "call-1", "sam", custom)
    book.submit(later.id, {"ok": Mark(0)})  # the latest review of the call is the one listed
    book.start("acc", "call-2", "ria")
    book.start("other", "call-3", "ria", custom)
    statements: list[str] = []
    book.conn.set_trace_callback(statements.append)
    assert book.scores_by_call("acc") == {("acc", "call-1"): ("submitted", 0.0), ("acc", "call-2"): ("draft", None)}
    assert len(statements) == 1
    assert book.scores_by_call()[("other", "call-3")] == ("draft", None)


def test_comments_are_anchored_and_ordered_by_moment(book: ReviewBook) -> None:
    review = book.start("acc", "call-1", "ria")
    book.add_comment(review.id, "closing was abrupt", at_seconds=95.0, turn_index=11)
    book.add_comment(review.id, "  good greeting ", at_seconds=2.5, turn_index=0)
    general = book.add_comment(review.id, "overall fine")
    with pytest.raises(ValueError, match="empty"):
        book.add_comment(review.id, "   ")
    comments = book.by_id(review.id).comments
    assert [c.text for c in comments] == ["good greeting", "closing was abrupt", "overall fine"]
    assert [anchor_label(c.at_seconds, c.turn_index) for c in comments] == ["0:02 · turn 1", "1:35 · turn 12", "call"]
    book.delete_comment(review.id, general.id)
    assert len(book.by_id(review.id).comments) == 2


def test_csv_export(book: ReviewBook) -> None:
    review = book.start("acc", "call-1", "ria")
    book.add_comment(review.id, "=HYPERLINK(\"evil\")", at_seconds=3)
    book.submit(review.id, {c.id: Mark(0 if c.id == "no-hallucination" else 5) if not c.allow_na else NOT_APPLICABLE
                            for c in DEFAULT_TEMPLATE.criteria})
    book.start("acc", "call-2", "ria")
    out = io.StringIO()
    assert book.export_csv(out, status="submitted") == 1
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["call"] == "call-1" and rows[0]["overall %"] == "0" and rows[0]["critical fail"] == "yes"
    assert rows[0]["failed criteria"] == "No hallucination"
    assert "tools=N/A" in rows[0]["scores"] and "greeting=5" in rows[0]["scores"]
    assert rows[0]["comments"].startswith("[0:03] =HYPERLINK")
    all_rows = io.StringIO()
    assert book.export_csv(all_rows) == 2
