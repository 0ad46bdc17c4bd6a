"""Calibration sessions in the history: the same calls in front of several reviewers, each blind to
the others' scores on a call until they have submitted their own; then the agreement report."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from app.store.database import transaction
from app.store.moments import from_epoch
from app.store.reviews import DEFAULT_TEMPLATE, Comment, Review, ReviewBook

if TYPE_CHECKING:
    from app.qa.calibration import CalibrationReport


@dataclass(frozen=True)
class CalibrationSession:
    id: int
    name: str
    created_by: str
    created_at: datetime | None
    calls: tuple[tuple[str, str], ...]  # (account id, call id) in the order given
    reviewers: tuple[str, ...]
    submitted: dict[str, int]  # reviewer -> how many of the calls they have submitted

    @property
    def complete(self) -> bool:
        return all(self.submitted.get(r, 0) == len(self.calls) for r in self.reviewers)


@dataclass(frozen=True)
class Remark:
    """A reviewer's comment on a session call: where the report jumps to."""

    reviewer: str
    account_id: str
    call_id: str
    comment: Comment


class CalibrationBook:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def create(self, name: str, created_by: str, calls: Sequence[tuple[str, str]], reviewers: Sequence[str]) -> int:
        names = list(dict.fromkeys(r.strip() for r in reviewers if r.strip()))
        unique_calls = list(dict.fromkeys(calls))
        if len(names) < 2:
            raise ValueError("A calibration session needs at least two reviewers.")
        if not unique_calls:
            raise ValueError("A calibration session needs at least one call.")
        with transaction(self.conn):
            cursor = self.conn.execute(
                "INSERT INTO calibration_sessions (name, created_by, created_at) VALUES (?, ?, ?)",
                (name.strip() or "Calibration", created_by, time.time()))
            session_id = int(cursor.lastrowid or 0)
            self.conn.executemany(
                "INSERT INTO calibration_calls (session_id, account_id, call_id, position) VALUES (?, ?, ?, ?)",
                [(session_id, a, c, i) for i, (a, c) in enumerate(unique_calls)])
            self.conn.executemany("INSERT INTO calibration_reviewers (session_id, reviewer) VALUES (?, ?)",
                                  [(session_id, r) for r in names])
        return session_id

    def sessions(self) -> list[CalibrationSession]:
        ids = [row[0] for row in self.conn.execute("SELECT id FROM calibration_sessions ORDER BY created_at DESC")]
        return [self.session(i) for i in ids]

    def session(self, session_id: int) -> CalibrationSession:
        row = self.conn.execute("SELECT name, created_by, created_at FROM calibration_sessions WHERE id = ?",
                                (session_id,)).fetchone()
        if row is None:
            raise KeyError(f"No calibration session {session_id}")
        calls = tuple((r[0], r[1]) for r in self.conn.execute(
            "SELECT account_id, call_id FROM calibration_calls WHERE session_id = ? ORDER BY position", (session_id,)))
        reviewers = tuple(r[0] for r in self.conn.execute(
            "SELECT reviewer FROM calibration_reviewers WHERE session_id = ? ORDER BY rowid", (session_id,)))
        submitted = dict.fromkeys(reviewers, 0)
        for r in self.conn.execute(
                "SELECT r.reviewer, count(*) FROM reviews r JOIN calibration_calls c ON c.account_id = r.account_id"
                " AND c.call_id = r.call_id JOIN calibration_reviewers v ON v.session_id = c.session_id"
                " AND v.reviewer = r.reviewer WHERE c.session_id = ? AND r.status = 'submitted' GROUP BY r.reviewer",
                (session_id,)):
            submitted[r[0]] = r[1]
        return CalibrationSession(session_id, row[0], row[1], from_epoch(row[2]), calls, reviewers, submitted)

    def others_visible(self, account_id: str, call_id: str, reviewer: str) -> tuple[list[Review], int]:
        """The other reviewers' submitted reviews of this call this reviewer may see — none until their
        own is submitted — and how many are hidden."""
        reviews = ReviewBook(self.conn).for_call(account_id, call_id)
        own = next((r for r in reviews if r.reviewer == reviewer), None)
        others = [r for r in reviews if r.reviewer != reviewer and r.submitted]
        if own is None or not own.submitted:
            return [], len(others)
        return others, 0

    def report(self, session_id: int) -> CalibrationReport:
        """Agreement over the session reviewers' submitted scores (N/A is no rating)."""
        from app.qa.calibration import (  # numpy and krippendorff: not at the window's start-up
            Rating,
            report,
        )

        session = self.session(session_id)
        book = ReviewBook(self.conn)
        ratings: list[Rating] = []
        template = DEFAULT_TEMPLATE
        for account_id, call_id in session.calls:
            for review in book.for_call(account_id, call_id):
                if review.submitted and review.reviewer in session.reviewers:
                    template = review.template
                    ratings.extend(Rating(call_id, review.reviewer, criterion_id, mark.score)
                                   for criterion_id, mark in review.marks.items() if mark.score is not None)
        titles = {c.id: c.title for c in template.criteria}
        return report(ratings, titles, max(c.max_score for c in template.criteria))

    def remarks(self, session_id: int) -> list[Remark]:
        """Every session reviewer's comments on the session's calls, by call then moment."""
        session = self.session(session_id)
        book = ReviewBook(self.conn)
        return [Remark(review.reviewer, account_id, call_id, comment)
                for account_id, call_id in session.calls
                for review in book.for_call(account_id, call_id) if review.reviewer in session.reviewers
                for comment in review.comments]
