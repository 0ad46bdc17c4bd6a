"""The QA scorecard for the selected call: keyboard scoring, anchored comments, submit.

Keys on the scorecard: ↑/↓ choose a criterion, 0–5 score it, N marks it not applicable,
Backspace clears it, Enter confirms the suggested mark (app/qa/suggestions.py, shown as
"suggested"); a score moves to the next criterion. Comments are anchored to the
current playback moment and transcript turn (`set_position`); clicking one emits
`anchor_clicked(seconds, turn_index)`. Nothing is written until the reviewer scores or
comments (then a draft starts); Submit is one transaction.
"""

from __future__ import annotations

import getpass
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from app.qa.suggestions import Suggestion, suggest
from app.store.calibration import CalibrationBook
from app.store.calls import CallCache
from app.store.database import Database, StoreError
from app.store.reviews import (
    DEFAULT_TEMPLATE,
    NOT_APPLICABLE,
    Comment,
    Mark,
    Review,
    ReviewBook,
    ScorecardTemplate,
    anchor_label,
    overall_score,
)
from app.ui.csv_dialog import export_csv_file
from app.ui.formats import percent
from app.ui.plain import LineLabel, message_box, tooltip, wrapped
from app.ui.rich_text_delegate import RICH_TEXT, RichTextDelegate
from app.ui.save_dialog import ask_save_path
from app.ui.tones import Tone, accent, style_color

COMMENT_ROLE = Qt.ItemDataRole.UserRole + 42
NO_CALL = "Select a call to review it."


class ScoreTable(QTableWidget):
    """The criteria, one per row; emits `mark_typed(row, Mark | None)` for 0–5, N and Backspace."""

    mark_typed = Signal(int, object)
    confirm_typed = Signal(int)  # Enter: take the suggested mark on this row
    moved_on = False  # the last key scored and moved the cursor on: a ↓ right after it must not skip
    SCORING_KEYS = frozenset({*(getattr(Qt.Key, f"Key_{d}") for d in range(6)), Qt.Key.Key_N,
                              Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Up, Qt.Key.Key_Down,
                              Qt.Key.Key_Return, Qt.Key.Key_Enter})

    def event(self, event: QEvent) -> bool:
        # The player's window-wide shortcuts (N = next turn, …) must not take the scoring keys.
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
                and event.key() in self.SCORING_KEYS):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentRow()
        key, text = event.key(), event.text().lower()
        moved_on, self.moved_on = self.moved_on, False
        if moved_on and key == Qt.Key.Key_Down:
            return  # the score already moved the cursor to the next criterion
        if row >= 0 and text.isdigit() and int(text) <= 5:
            self.mark_typed.emit(row, Mark(int(text)))
        elif row >= 0 and text == "n":
            self.mark_typed.emit(row, NOT_APPLICABLE)
        elif row >= 0 and key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.mark_typed.emit(row, None)
        elif row >= 0 and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm_typed.emit(row)
        else:
            super().keyPressEvent(event)


def mark_text(mark: Mark | None, max_score: int) -> str:
    if mark is None or (mark.score is None and not mark.not_applicable):
        return "—"
    return "N/A" if mark.not_applicable else f"{mark.score} / {max_score}"


class ReviewPanel(QWidget):
    anchor_clicked = Signal(object, object)  # seconds | None, turn index | None
    comments_changed = Signal(list)  # list[Comment]: markers for the waveform and transcript
    submitted = Signal(object)  # the submitted Review: the queue opens the next call, the team hub shares it
    report_asked = Signal(object)  # the submitted Review: save its call report (PDF)
    audio_asked = Signal()  # save the call's recording with the redacted moments toned out
    review_changed = Signal(str, str)  # account id, call id: a review was written (marks elsewhere follow)

    def __init__(self, db: Database, reviewer: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self.db = db
        self.reviewer = reviewer or getpass.getuser()
        self.account_id: str | None = None
        self.call_id: str | None = None
        self.review: Review | None = None
        self.template: ScorecardTemplate = DEFAULT_TEMPLATE
        self.templates: list[ScorecardTemplate] = [DEFAULT_TEMPLATE]
        self.suggestions: dict[str, Suggestion] = {}  # by criterion id, for the call shown
        self.position: tuple[float | None, int | None] = (None, None)
        self.call_label = ""
        self.account_names: dict[str, str] = {}  # account id -> name, for the exported CSV
        self.confirmation: QMessageBox | None = None
        # Where playback is right now (the window's player); asked when a comment is written.
        self.position_source: Callable[[], tuple[float | None, int | None]] | None = None

        self.title = LineLabel(NO_CALL, objectName="reviewTitle")  # a long call name never sets the width
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.template_box = QComboBox(objectName="reviewTemplate")
        self.template_box.setToolTip("Scorecard used when this review starts")
        self.template_box.activated.connect(self._template_chosen)

        self.table = ScoreTable(0, 3)
        self.table.setObjectName("scorecard")
        self.table.setHorizontalHeaderLabels(["Criterion", "Weight", "Score"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setVisible(False)  # "×2" and "4 / 5" speak for themselves
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.mark_typed.connect(self._move_on)  # first, at once: before the write is even queued
        self.table.mark_typed.connect(self._mark_typed)
        self.table.confirm_typed.connect(self._confirm_typed)
        self.table.currentCellChanged.connect(lambda row, *_: self._say_suggestion(row))
        self.keys_hint = QLabel("↑↓ choose · 0–5 score and move on · ⏎ confirm suggestion · N n/a · ⌫ clear",
                                objectName="reviewKeys")
        self.keys_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.overall = QLabel("", objectName="reviewOverall")
        self.overall.setWordWrap(True)

        self.comments = QListWidget(objectName="reviewComments")
        self.comments.setWordWrap(True)
        self.comments.setItemDelegate(RichTextDelegate(self.comments))
        self.comments.itemClicked.connect(self._comment_clicked)
        self.comment_text = QLineEdit(objectName="reviewCommentText", placeholderText="Comment on this moment…",
                                      clearButtonEnabled=True)
        self.comment_text.returnPressed.connect(self._add_comment_now)
        self.comment_text.installEventFilter(self)
        self.comment_button = QPushButton("Add comment", objectName="reviewCommentButton")
        self.comment_button.clicked.connect(self._add_comment_now)
        self.submit_button = QPushButton("Submit review", objectName="reviewSubmit")
        self.submit_button.clicked.connect(self._submit_now)
        self.export_button = QPushButton("Export reviews…", objectName="reviewExport")
        self.export_button.setToolTip("Save every submitted review as a CSV file")
        self.export_button.clicked.connect(
            lambda: ask_save_path(self, "Export submitted reviews", "switchboard-reviews.csv", self._export_to))
        self.export_redacted = QCheckBox("Redact", objectName="reviewExportRedact", checked=True)
        self.export_redacted.setToolTip("Hide phone numbers, e-mail addresses, card numbers and spelled-out "
                                        "numbers in exported comments")
        self.report_button = QPushButton("Report PDF…", objectName="reviewReport")
        self.report_button.setToolTip("Save this reviewed call's report as a PDF (redacted unless the box is cleared)")
        self.report_button.clicked.connect(lambda: self.review is not None and self.report_asked.emit(self.review))
        self.audio_button = QPushButton("Redacted audio…", objectName="reviewAudio")
        self.audio_button.setToolTip("Save the recording as WAV with phone, card and spelled numbers toned out")
        self.audio_button.clicked.connect(self.audio_asked)
        self.message = wrapped(QLabel("", objectName="reviewMessage"))
        # Other reviewers' scores of this call (calibration): hidden until this reviewer submits.
        self.others = wrapped(QLabel("", objectName="reviewOthers"))

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.keys_hint)
        head.addWidget(self.template_box)
        foot = QHBoxLayout()
        foot.addWidget(self.overall, 1)
        foot.addWidget(self.report_button)
        foot.addWidget(self.audio_button)
        foot.addWidget(self.export_redacted)
        foot.addWidget(self.export_button)
        foot.addWidget(self.submit_button)
        scorecard = QWidget(objectName="reviewScorecard")
        left = QVBoxLayout(scorecard)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(head)
        left.addWidget(self.table, 1)
        left.addLayout(foot)

        comment_row = QHBoxLayout()
        comment_row.addWidget(self.comment_text, 1)
        comment_row.addWidget(self.comment_button)
        notes = QWidget(objectName="reviewNotes")
        right = QVBoxLayout(notes)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(QLabel("Comments — click one to jump there", objectName="reviewCommentsTitle"))
        right.addWidget(self.comments, 1)
        right.addLayout(comment_row)
        right.addWidget(self.others)
        right.addWidget(self.message)

        # Side by side: the History dock is wide and short.
        self.split = QSplitter(Qt.Orientation.Horizontal, objectName="reviewSplit")
        self.split.addWidget(scorecard)
        self.split.addWidget(notes)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.split)
        self._render()

    # -- what the window tells the panel --------------------------------------------------

    async def show_call(self, account_id: str | None, call_id: str | None, label: str = "") -> Review | None:
        """Load this reviewer's review of the call (none yet is fine: it starts on first edit); `label`
        names the call in the title and the submit confirmation."""
        self.account_id, self.call_id = account_id, call_id
        self.call_label = label or call_id or ""
        self.review = None
        self.suggestions = {}
        self.message.setText("")
        self.others.setText("")
        if account_id and call_id:
            template = self.template

            def load(conn: Any) -> tuple[Review | None, list[ScorecardTemplate], dict[str, Suggestion], str]:
                book = ReviewBook(conn)
                review = book.get(account_id, call_id, self.reviewer)
                call = CallCache(conn).get(account_id, call_id)
                suggested = (suggest(call, review.template if review else template)
                             if call is not None and not call.is_live else {})  # a live call is not judged yet
                return review, book.templates(), suggested, self._others_text(conn, account_id, call_id)

            review, self.templates, suggestions, others = await self.db.read(load)  # not behind sync writes
            if (self.account_id, self.call_id) == (account_id, call_id):
                self.review, self.suggestions = review, suggestions
                self.others.setText(others)
        self._render()
        return self.review

    def set_position(self, seconds: float | None, turn_index: int | None) -> None:
        """Where playback / the transcript is now: new comments are anchored there."""
        self.position = (seconds, turn_index)
        self.comment_button.setText(f"Add at {anchor_label(seconds, turn_index)}"
                                    if seconds is not None or turn_index is not None else "Add comment")

    def _refresh_position(self) -> None:
        if self.position_source is not None:
            self.set_position(*self.position_source())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.comment_text and event.type() == QEvent.Type.FocusIn:
            self._refresh_position()  # the button says where the comment will be anchored
        return super().eventFilter(watched, event)

    # -- actions (async services; slots below are thin wrappers) ---------------------------

    async def set_mark(self, criterion_id: str, mark: Mark | None, *, suggested: bool = False) -> bool:
        """Score one criterion; False (with the reason shown) when the mark is refused."""
        review = await self._draft()
        if review is None:
            return False
        return await self._update(
            lambda book: book.set_mark(review.id, criterion_id, mark, suggested=suggested)) is not None

    async def confirm_suggestion(self, criterion_id: str) -> bool:
        """Take the suggested mark for this criterion (recorded as a confirmed suggestion)."""
        suggestion = self.suggestions.get(criterion_id)
        if suggestion is None:
            self.message.setText("Nothing is suggested for this criterion: score it yourself.")
            return False
        return await self.set_mark(criterion_id, suggestion.mark, suggested=True)

    async def add_comment(self, text: str) -> None:
        if not text.strip():
            self.message.setText("Write the comment first.")
            return
        review = await self._draft()
        if review is None:
            return
        self._refresh_position()
        seconds, turn = self.position
        if await self._update(lambda book: (book.add_comment(review.id, text, at_seconds=seconds, turn_index=turn),
                                            book.by_id(review.id))[1]):
            self.comment_text.clear()

    async def delete_comment(self, comment_id: int) -> None:
        if self.review is not None:
            review_id = self.review.id

            def delete(book: ReviewBook) -> Review:
                book.delete_comment(review_id, comment_id)
                return book.by_id(review_id)

            await self._update(delete)

    async def submit(self) -> Review | None:
        if self.review is None:
            self.message.setText("Score the criteria first.")
            return None
        review_id = self.review.id
        submitted = await self._update(lambda book: book.submit(review_id))
        if submitted is not None:
            self.message.setText("Review submitted.")
            account_id, call_id = submitted.account_id, submitted.call_id
            self.others.setText(await self.db.read(lambda conn: self._others_text(conn, account_id, call_id)))
            self.submitted.emit(submitted)
        return submitted

    async def export_csv(self, path: Path | str) -> int:
        """Every submitted review, one line each; returns how many."""
        names, redacted = dict(self.account_names), self.export_redacted.isChecked()
        rows, said = await export_csv_file(
            self.db, path, lambda conn, out: ReviewBook(conn).export_csv(out, status="submitted", account_names=names,
                                                                         redacted=redacted), "submitted review")
        self.message.setText(said)
        return rows

    # -- internals ------------------------------------------------------------------------

    def _others_text(self, conn: Any, account_id: str, call_id: str) -> str:
        seen, hidden = CalibrationBook(conn).others_visible(account_id, call_id, self.reviewer)
        if hidden:
            return f"{hidden} other reviewer{'s' if hidden > 1 else ''} scored this call — hidden until you submit."
        lines = []
        for other in seen:
            marks = " · ".join(f"{c.title} {mark_text(other.marks.get(c.id), c.max_score)}"
                               for c in other.template.criteria)
            lines.append(f"{other.reviewer}: {percent(other.overall.percent)} · {marks}")
        return "\n".join(lines)

    async def _draft(self) -> Review | None:
        if self.account_id is None or self.call_id is None:
            self.message.setText(NO_CALL)
            return None
        review = self.review
        if review is None:
            account_id, call_id, template = self.account_id, self.call_id, self.template
            try:
                review = await self._store(lambda conn: ReviewBook(conn).start(account_id, call_id, self.reviewer,
                                                                             template))
            except StoreError as error:  # a plain sentence: e.g. the disk is full; what was saved stays
                self.message.setText(str(error))
                return None
            if self._shows(review):  # the reviewer may have moved to another call meanwhile
                self.review = review
        if review.submitted:
            self.message.setText("This review was submitted; it can no longer change.")
            return None
        return review

    def _shows(self, review: Review) -> bool:
        return (review.account_id, review.call_id) == (self.account_id, self.call_id)

    async def _update(self, change: Callable[[ReviewBook], Review]) -> Review | None:
        try:
            review = await self._store(lambda conn: change(ReviewBook(conn)))
        except (ValueError, RuntimeError) as error:
            self.message.setText(str(error))
            return None
        except StoreError as error:
            self.message.setText(str(error))
            return None
        self.review_changed.emit(review.account_id, review.call_id)
        if self._shows(review):
            self.review = review
            self.message.setText("")
            self._render()
        return review

    async def _store(self, job: Callable[[Any], Any]) -> Any:
        return await self.db.write(job)

    def rename(self, label: str) -> None:
        """The shown call is named anew (renamed, or the Redact switch flipped): the title says so."""
        self.call_label = label or self.call_id or ""
        self._show_title()

    def _show_title(self) -> None:
        review = self.review
        if self.call_id is None:
            self.title.set_line(NO_CALL)
        else:
            state = "not started" if review is None else ("submitted" if review.submitted else "draft")
            self.title.set_line(f"Review of {self.call_label} · by {self.reviewer} · {state}")
        self.title.setToolTip(tooltip(f"Call {self.call_id}") if self.call_id is not None else "")

    def _render(self) -> None:
        review = self.review
        template = review.template if review else self.template
        marks = review.marks if review else {}
        has_call = self.call_id is not None
        self.template_box.blockSignals(True)
        self.template_box.clear()
        for option in self.templates:
            self.template_box.addItem(option.name, option.id)
        self.template_box.setCurrentIndex(max(0, self.template_box.findData(template.id)))
        self.template_box.setEnabled(has_call and review is None)
        self.template_box.blockSignals(False)

        self._show_title()
        row = max(0, self.table.currentRow())
        self.table.setRowCount(len(template.criteria))
        for i, criterion in enumerate(template.criteria):
            flags = [" ⚑ critical" if criterion.critical else "", " · N/A allowed" if criterion.allow_na else ""]
            name = QTableWidgetItem(criterion.title + "".join(flags))
            name.setToolTip(criterion.description)
            weight = QTableWidgetItem(f"×{criterion.weight:g}")
            weight.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            weight.setToolTip("Weight in the overall score")
            mark = marks.get(criterion.id)
            suggestion = self.suggestions.get(criterion.id)
            score = QTableWidgetItem(mark_text(mark, criterion.max_score))
            score.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if mark is None and suggestion is not None:  # not a score until the reviewer confirms it
                score.setText(f"suggested {mark_text(suggestion.mark, criterion.max_score)}")
                score.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
                italic = score.font()
                italic.setItalic(True)
                score.setFont(italic)
            elif review is not None and criterion.id in review.confirmed:
                score.setText(f"{score.text()} ✓ suggested")
            if suggestion is not None:
                score.setToolTip(tooltip(f"Suggested: {suggestion.why}. Enter confirms it; 0–5 or N changes it."))
            if criterion.critical and mark is not None and mark.score == 0:
                score.setForeground(accent(Tone.BAD, self.palette()))
            for column, cell in enumerate((name, weight, score)):
                self.table.setItem(i, column, cell)
        self.table.setEnabled(has_call)
        if template.criteria:
            self.table.setCurrentCell(min(row, len(template.criteria) - 1), 0)
        self._say_suggestion(self.table.currentRow())

        overall = overall_score(template.criteria, marks)
        if overall.critical_failed:
            text = f"Critical fail: {', '.join(overall.failed_criteria)} — overall 0 %"
            self.overall.setStyleSheet(f"color: {style_color(Tone.BAD, self.palette())}; font-weight: 600;")
        else:
            open_count = len(overall.missing)
            text = f"Overall {percent(overall.percent)}" + (f" · {open_count} to score" if open_count else " · complete")
            self.overall.setStyleSheet("font-weight: 600;")
        self.overall.setText(text)
        locked = review is not None and review.submitted
        self.submit_button.setEnabled(has_call and review is not None and not locked and overall.complete)
        self.submit_button.setToolTip("" if overall.complete else "Score every criterion (or mark it N/A) first")
        for widget in (self.comment_text, self.comment_button):
            widget.setEnabled(has_call and not locked)
        self.report_button.setEnabled(locked)
        self.audio_button.setEnabled(has_call)

        self.comments.clear()
        comments = review.comments if review else []
        link = self.palette().color(QPalette.ColorRole.Link).name()
        for comment in comments:
            anchor = f"[{anchor_label(comment.at_seconds, comment.turn_index)}]"
            item = QListWidgetItem(f"{anchor}  {comment.text}")
            item.setData(RICH_TEXT, f'<span style="color:{link}">{html.escape(anchor)}</span>&nbsp; '
                                    f"{html.escape(comment.text)}")
            item.setData(COMMENT_ROLE, comment)
            item.setToolTip("Click to jump to this moment")
            self.comments.addItem(item)
        self.comments_changed.emit(list(comments))

    def _comment_clicked(self, item: QListWidgetItem) -> None:
        comment: Comment = item.data(COMMENT_ROLE)
        self.anchor_clicked.emit(comment.at_seconds, comment.turn_index)

    def _template_chosen(self, index: int) -> None:
        self.template = next((t for t in self.templates if t.id == self.template_box.itemData(index)), DEFAULT_TEMPLATE)
        self._render()

    def _moves_on(self, row: int, mark: Mark | None) -> bool:
        criterion = (self.review.template if self.review else self.template).criteria[row]
        return mark is not None and (criterion.allow_na or not mark.not_applicable) and row + 1 < self.table.rowCount()

    def _move_on(self, row: int, mark: Mark | None) -> None:
        """A score moves to the next criterion now, not when the write lands: a key typed meanwhile acts
        on the row the reviewer sees."""
        if self._moves_on(row, mark):
            self.table.setCurrentCell(row + 1, 0)
            self.table.moved_on = True

    @asyncSlot(int, object)
    async def _mark_typed(self, row: int, mark: Mark | None) -> None:
        criterion = (self.review.template if self.review else self.template).criteria[row]
        moved = self._moves_on(row, mark)
        scored = await self.set_mark(criterion.id, mark)
        if moved and not scored and self.table.currentRow() == row + 1:
            self.table.setCurrentCell(row, 0)  # refused: back to the criterion that needs the answer

    def _say_suggestion(self, row: int) -> None:
        """Why the chosen criterion's suggestion is what it is, while it waits to be confirmed."""
        template = self.review.template if self.review else self.template
        criterion = template.criteria[row] if 0 <= row < len(template.criteria) else None
        suggestion = self.suggestions.get(criterion.id) if criterion else None
        marked = self.review is not None and criterion is not None and criterion.id in self.review.marks
        if suggestion is not None and not marked:
            self.message.setText(f"Suggested because: {suggestion.why}. Enter confirms it; 0–5 or N changes it.")
        elif self.message.text().startswith("Suggested because: "):
            self.message.setText("")

    @asyncSlot(int)
    async def _confirm_typed(self, row: int) -> None:
        template = self.review.template if self.review else self.template
        if await self.confirm_suggestion(template.criteria[row].id) and row + 1 < self.table.rowCount():
            self.table.setCurrentCell(row + 1, 0)

    @asyncSlot()
    async def _add_comment_now(self) -> None:
        await self.add_comment(self.comment_text.text())

    @asyncSlot(str)
    async def _export_to(self, path: str) -> None:
        await self.export_csv(path)

    def _submit_now(self) -> None:
        """Submitting is final: ask first, naming the call."""
        box = message_box(QMessageBox(QMessageBox.Icon.Question, "Submit the review?",
                                      f"Submit your review of {self.call_label}? It can no longer change afterwards.",
                                      QMessageBox.StandardButton.Cancel, self))
        box.setObjectName("confirmSubmit")
        submit = box.addButton("Submit review", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _result: self._submit_confirmed(box.clickedButton() is submit))
        box.finished.connect(box.deleteLater)
        self.confirmation = box
        box.open()

    @asyncSlot(bool)
    async def _submit_confirmed(self, confirmed: bool) -> None:
        self.confirmation = None
        if confirmed:
            await self.submit()
