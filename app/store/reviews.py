"""QA reviews: scorecard templates, one review per call per reviewer (draft → submitted),
comments anchored to a moment or a turn, the overall score, and a CSV export.

Scoring: each criterion gets 0..max_score or N/A (when allowed). The overall score is the
weighted mean of score/max_score over the criteria that apply, in percent. A critical
criterion scored 0 fails the whole call: the overall score is then 0 %.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Literal, TextIO

from app.domain.clock import clock
from app.qa.redaction import redact
from app.store.csv_export import write_csv
from app.store.database import transaction
from app.store.moments import from_epoch, to_epoch

ReviewStatus = Literal["draft", "submitted"]


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    description: str = ""
    weight: float = 1.0
    allow_na: bool = False
    critical: bool = False
    max_score: int = 5


@dataclass(frozen=True)
class ScorecardTemplate:
    id: str
    name: str
    criteria: tuple[Criterion, ...]

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def to_json(self) -> str:
        return json.dumps([asdict(c) for c in self.criteria])

    @classmethod
    def from_json(cls, template_id: str, name: str, criteria_json: str) -> ScorecardTemplate:
        return cls(template_id, name, tuple(Criterion(**c) for c in json.loads(criteria_json)))


DEFAULT_TEMPLATE = ScorecardTemplate(
    id="ai-call",
    name="AI call",
    criteria=(
        Criterion("greeting", "Greeting", "Opened the call clearly and said who is speaking.", weight=1),
        Criterion("understood", "Understood the request", "Got what the caller wanted without making "
                  "them repeat it.", weight=2),
        Criterion("tools", "Correct tool use", "Called the right tools with the right arguments.",
                  weight=2, allow_na=True),
        Criterion("no-hallucination", "No hallucination", "Said nothing untrue or invented.",
                  weight=3, critical=True),
        Criterion("escalation", "Escalated when needed", "Handed over to a person when it should have.",
                  weight=2, allow_na=True, critical=True),
        Criterion("close", "Polite close", "Summed up and ended the call politely.", weight=1),
    ),
)


@dataclass(frozen=True)
class Mark:
    """A criterion's mark: a score, or not applicable."""

    score: int | None = None
    not_applicable: bool = False


NOT_APPLICABLE = Mark(not_applicable=True)


@dataclass(frozen=True)
class Overall:
    percent: float | None  # None while nothing that applies has been scored
    critical_failed: bool
    failed_criteria: tuple[str, ...]  # titles of the critical criteria scored 0
    missing: tuple[str, ...]  # ids of the criteria not marked yet

    @property
    def complete(self) -> bool:
        return not self.missing


def overall_score(criteria: Iterable[Criterion], marks: Mapping[str, Mark]) -> Overall:
    weighted = total_weight = 0.0
    failed: list[str] = []
    missing: list[str] = []
    for criterion in criteria:
        mark = marks.get(criterion.id)
        if mark is None or (mark.score is None and not mark.not_applicable):
            missing.append(criterion.id)
            continue
        if mark.not_applicable or mark.score is None:
            continue
        weighted += criterion.weight * mark.score / criterion.max_score
        total_weight += criterion.weight
        if criterion.critical and mark.score == 0:
            failed.append(criterion.title)
    if failed:
        return Overall(0.0, True, tuple(failed), tuple(missing))
    percent = round(100 * weighted / total_weight, 1) if total_weight else None
    return Overall(percent, False, (), tuple(missing))


def check_mark(criterion: Criterion, mark: Mark) -> None:
    """Raise ValueError (plain words) for a mark the criterion does not accept."""
    if mark.not_applicable:
        if not criterion.allow_na:
            raise ValueError(f"“{criterion.title}” always applies; it cannot be marked N/A.")
        return
    if mark.score is None or not 0 <= mark.score <= criterion.max_score:
        raise ValueError(f"“{criterion.title}” takes a score from 0 to {criterion.max_score}.")


class ReviewLockedError(RuntimeError):
    """The review was submitted; it can no longer change."""


class ReviewIncompleteError(ValueError):
    """Submit was asked with criteria still unmarked."""


@dataclass(frozen=True)
class Comment:
    id: int
    text: str
    at_seconds: float | None
    turn_index: int | None
    created_at: datetime | None


@dataclass
class Review:
    id: int
    account_id: str
    call_id: str
    reviewer: str
    template: ScorecardTemplate  # as it was when the review started
    status: ReviewStatus
    marks: dict[str, Mark] = field(default_factory=dict)
    confirmed: frozenset[str] = frozenset()  # criteria whose mark is a suggestion the reviewer confirmed
    comments: list[Comment] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    submitted_at: datetime | None = None

    @property
    def overall(self) -> Overall:
        return overall_score(self.template.criteria, self.marks)

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"


CSV_HEADER = ["account", "account name", "call", "call time", "customer", "assistant", "reviewer", "template",
              "status", "overall %", "critical fail", "failed criteria", "submitted at", "updated at", "scores",
              "confirmed suggestions", "comments"]


class ReviewBook:
    """Reads and writes reviews on one connection (use the Database's threads)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    # -- templates ----------------------------------------------------------------------------

    def templates(self) -> list[ScorecardTemplate]:
        stored = [
            ScorecardTemplate.from_json(row[0], row[1], row[2])
            for row in self.conn.execute("SELECT id, name, criteria_json FROM scorecard_templates ORDER BY name")
        ]
        return [DEFAULT_TEMPLATE, *(t for t in stored if t.id != DEFAULT_TEMPLATE.id)]

    def save_template(self, template: ScorecardTemplate) -> None:
        if not template.criteria:
            raise ValueError("A scorecard needs at least one criterion.")
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO scorecard_templates (id, name, criteria_json, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET name = excluded.name, criteria_json = excluded.criteria_json,"
                " updated_at = excluded.updated_at",
                (template.id, template.name, template.to_json(), time.time()),
            )

    # -- reviews ------------------------------------------------------------------------------

    def start(self, account_id: str, call_id: str, reviewer: str,
              template: ScorecardTemplate = DEFAULT_TEMPLATE) -> Review:
        """This reviewer's review of the call: the existing one, or a new draft."""
        with transaction(self.conn):
            now = time.time()
            self.conn.execute(
                "INSERT INTO reviews (account_id, call_id, reviewer, template_id, template_name, criteria_json,"
                " status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?)"
                " ON CONFLICT (account_id, call_id, reviewer) DO NOTHING",
                (account_id, call_id, reviewer, template.id, template.name, template.to_json(), now, now),
            )
        review = self.get(account_id, call_id, reviewer)
        assert review is not None
        return review

    def get(self, account_id: str, call_id: str, reviewer: str) -> Review | None:
        row = self.conn.execute(
            "SELECT * FROM reviews WHERE account_id = ? AND call_id = ? AND reviewer = ?",
            (account_id, call_id, reviewer),
        ).fetchone()
        return self._review(row) if row else None

    def by_id(self, review_id: int) -> Review:
        row = self.conn.execute("SELECT * FROM reviews WHERE id = ?", (review_id,)).fetchone()
        if row is None:
            raise KeyError(f"No review {review_id}")
        return self._review(row)

    def for_call(self, account_id: str, call_id: str) -> list[Review]:
        rows = self.conn.execute(
            "SELECT * FROM reviews WHERE account_id = ? AND call_id = ? ORDER BY updated_at DESC",
            (account_id, call_id),
        ).fetchall()
        return [self._review(row) for row in rows]

    def set_mark(self, review_id: int, criterion_id: str, mark: Mark | None, *, suggested: bool = False) -> Review:
        """Mark one criterion of a draft (None clears it); `suggested`: the reviewer confirmed the
        suggested mark rather than choosing one."""
        review = self.by_id(review_id)
        with transaction(self.conn):
            self._touch_draft(review_id)
            self._write_marks(review, {criterion_id: mark}, confirmed={criterion_id} if suggested else set())
        return self.by_id(review_id)

    def add_comment(self, review_id: int, text: str, *, at_seconds: float | None = None,
                    turn_index: int | None = None) -> Comment:
        text = text.strip()
        if not text:
            raise ValueError("The comment is empty.")
        with transaction(self.conn):
            self._touch_draft(review_id)
            now = time.time()
            cursor = self.conn.execute(
                "INSERT INTO review_comments (review_id, at_seconds, turn_index, text, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (review_id, at_seconds, turn_index, text, now),
            )
        return Comment(int(cursor.lastrowid or 0), text, at_seconds, turn_index, from_epoch(now))

    def delete_comment(self, review_id: int, comment_id: int) -> None:
        with transaction(self.conn):
            self._touch_draft(review_id)
            self.conn.execute("DELETE FROM review_comments WHERE id = ? AND review_id = ?", (comment_id, review_id))

    def submit(self, review_id: int, marks: Mapping[str, Mark] | None = None) -> Review:
        """Write the last marks and submit, all in one transaction: either the whole submitted
        review is on disk or the draft is unchanged."""
        review = self.by_id(review_id)
        with transaction(self.conn):
            self._touch_draft(review_id)
            if marks:
                self._write_marks(review, marks)
            merged = {**review.marks, **(marks or {})}
            overall = overall_score(review.template.criteria, merged)
            if not overall.complete:
                titles = ", ".join(review.template.criterion(c).title for c in overall.missing)
                raise ReviewIncompleteError(f"Score every criterion before submitting (still open: {titles}).")
            self.conn.execute("UPDATE reviews SET status = 'submitted', submitted_at = ? WHERE id = ?",
                              (time.time(), review_id))
        return self.by_id(review_id)

    def _touch_draft(self, review_id: int) -> None:
        changed = self.conn.execute(
            "UPDATE reviews SET updated_at = ? WHERE id = ? AND status = 'draft'", (time.time(), review_id)
        ).rowcount
        if changed == 0:
            raise ReviewLockedError("This review was submitted and can no longer change.")

    def _write_marks(self, review: Review, marks: Mapping[str, Mark | None], confirmed: set[str] | None = None) -> None:
        for criterion_id, mark in marks.items():
            criterion = review.template.criterion(criterion_id)
            if mark is None:
                self.conn.execute("DELETE FROM review_scores WHERE review_id = ? AND criterion_id = ?",
                                  (review.id, criterion_id))
                continue
            check_mark(criterion, mark)
            self.conn.execute(
                "INSERT INTO review_scores (review_id, criterion_id, score, not_applicable, suggested)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (review_id, criterion_id) DO UPDATE SET score = excluded.score,"
                " not_applicable = excluded.not_applicable, suggested = excluded.suggested",
                (review.id, criterion_id, None if mark.not_applicable else mark.score, int(mark.not_applicable),
                 int(criterion_id in (confirmed or ()))),
            )

    def _review(self, row: sqlite3.Row) -> Review:
        scores = self.conn.execute(
            "SELECT criterion_id, score, not_applicable, suggested FROM review_scores WHERE review_id = ?", (row["id"],)
        ).fetchall()
        marks = {r[0]: Mark(score=r[1], not_applicable=bool(r[2])) for r in scores}
        comments = [
            Comment(r[0], r[1], r[2], r[3], from_epoch(r[4]))
            for r in self.conn.execute(
                "SELECT id, text, at_seconds, turn_index, created_at FROM review_comments WHERE review_id = ?"
                " ORDER BY coalesce(at_seconds, 1e18), coalesce(turn_index, 1e18), id",
                (row["id"],),
            )
        ]
        return Review(
            id=row["id"], account_id=row["account_id"], call_id=row["call_id"], reviewer=row["reviewer"],
            template=ScorecardTemplate.from_json(row["template_id"], row["template_name"], row["criteria_json"]),
            status=row["status"], marks=marks, confirmed=frozenset(r[0] for r in scores if r[3]), comments=comments, created_at=from_epoch(row["created_at"]),
            updated_at=from_epoch(row["updated_at"]), submitted_at=from_epoch(row["submitted_at"]),
        )

    # -- export -------------------------------------------------------------------------------

    def scores_by_call(self, account_id: str | None = None) -> dict[tuple[str, str], tuple[str, float | None]]:
        """Each reviewed (account id, call id), of one account or all: (status, overall %) of its latest review."""
        where, params = ("WHERE r.account_id = ?", (account_id,)) if account_id else ("", ())
        # One query: each review's row once per mark (the History lists every reviewed call with its score).
        rows = self.conn.execute(
            "SELECT r.id, r.account_id, r.call_id, r.status, r.template_id, r.template_name, r.criteria_json,"
            " s.criterion_id, s.score, s.not_applicable FROM reviews r LEFT JOIN review_scores s ON s.review_id = r.id"
            f" {where} ORDER BY r.updated_at, r.id", params)
        reviews: dict[int, tuple[tuple[str, str], str, ScorecardTemplate, dict[str, Mark]]] = {}
        templates: dict[tuple[str, str, str], ScorecardTemplate] = {}
        for row in rows:
            review = reviews.get(row[0])
            if review is None:
                key = (row[4], row[5], row[6])
                if key not in templates:  # most reviews share a handful of templates: parse each once
                    templates[key] = ScorecardTemplate.from_json(*key)
                review = reviews[row[0]] = ((row[1], row[2]), row[3], templates[key], {})
            if row[7] is not None:
                review[3][row[7]] = Mark(score=row[8], not_applicable=bool(row[9]))
        # Oldest first, so a call's latest review is the one kept.
        return {call: (status, overall_score(template.criteria, marks).percent)
                for call, status, template, marks in reviews.values()}

    def export_csv(self, stream: TextIO, *, status: ReviewStatus | None = None,
                   since: datetime | None = None, account_names: Mapping[str, str] | None = None,
                   redacted: bool = True) -> int:
        """One line per review, with the call's time, customer and assistant from the history cache;
        scores as `criterion=score` pairs; the customer and the comments redacted unless asked
        otherwise (a reviewer may quote a card number). Returns the number of reviews."""
        clauses: list[str] = []
        params: list[str | float | None] = []
        if status:
            clauses.append("status = ?")
            params.append(status)
        if since:
            clauses.append("updated_at >= ?")
            params.append(to_epoch(since))
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.conn.execute(f"SELECT * FROM reviews {where} ORDER BY updated_at DESC", params).fetchall()
        names = account_names or {}
        return write_csv(stream, CSV_HEADER, (_csv_row(review, names.get(review.account_id, ""), self._call_of(review),
                                                       redacted)
                                              for review in map(self._review, rows)))

    def _call_of(self, review: Review) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT coalesce(started_at, created_at) AS at, coalesce(customer_name, customer_number) AS customer,"
            " assistant_name FROM calls WHERE account_id = ? AND id = ?", (review.account_id, review.call_id),
        ).fetchone()


def _csv_row(review: Review, account_name: str, call: sqlite3.Row | None, redacted: bool) -> list[object]:
    overall = review.overall
    scores = "; ".join(
        f"{c.id}={'N/A' if m.not_applicable else m.score}"
        for c in review.template.criteria
        if (m := review.marks.get(c.id)) is not None
    )
    comments = " | ".join(
        f"[{anchor_label(c.at_seconds, c.turn_index)}] {redact(c.text) if redacted else c.text}"
        for c in review.comments
    )
    at, customer, assistant = (from_epoch(call["at"]), call["customer"], call["assistant_name"]) if call else (None, "", "")
    customer = redact(customer) if redacted and customer else customer
    return [review.account_id, account_name, review.call_id, at, customer, assistant, review.reviewer,
            review.template.name, review.status,
            overall.percent, overall.critical_failed, ", ".join(overall.failed_criteria),
            review.submitted_at, review.updated_at, scores,
            ", ".join(c.id for c in review.template.criteria if c.id in review.confirmed), comments]


def anchor_label(at_seconds: float | None, turn_index: int | None) -> str:
    """Where a comment points, as a reviewer reads it: `2:13 · turn 7`."""
    parts = []
    if at_seconds is not None:
        parts.append(clock(at_seconds))
    if turn_index is not None:
        parts.append(f"turn {turn_index + 1}")
    return " · ".join(parts) or "call"

