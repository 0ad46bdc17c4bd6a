"""The team record in the window, for an account on a hub: colleagues' audit rows (in the Audit tab),
their submitted reviews of the shown call (in the Review tab), and who acknowledged an alert.

`ConsoleTeam` follows the window's hub link: it shares this console's submitted reviews (with their
comments), alert acknowledgements and review-queue assignments and rules through the link's board
(the audit rows go through the session's journal), shows what the team wrote and applies the
team's queue rows to the local review queue. Rows are platform-independent but still other
people's text: shown as plain text, bounded.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.domain import Call
from app.domain.team_record import RecordKind
from app.live.alerts.engine import AlertChange
from app.live.session import AccountSession
from app.live.team_board import TeamRow
from app.live.team_queue import apply_rows, share_assignments, share_rules
from app.qa.queue_rules import QueueRules
from app.store.review_queue import QueuedCall
from app.store.reviews import Review
from app.ui.formats import percent
from app.ui.main_window import MainWindow
from app.ui.plain import one_line, tooltip, wrapped
from app.ui.record_table import record_table
from app.ui.review_panel import ReviewPanel
from app.ui.review_queue_view import ReviewQueueView
from app.ui.tasks import OwnedTasks

if TYPE_CHECKING:  # loaded with the first account on a hub, not at start-up
    from app.live.hub_link import HubLink
    from app.ui.alert_desk import ConsoleAlerts

MAX_TEXT = 240  # a cell or line of someone else's text
MAX_SHOWN = 2_000  # newest team audit rows listed
TAKEN_SHOWN = 5  # colleagues' latest acknowledgements under the triage queue
COLUMNS = ("Time", "Who", "Call", "Command", "Outcome")


def when(row: TeamRow) -> str:
    return datetime.fromtimestamp(row.created_at).strftime("%Y-%m-%d %H:%M:%S")


class TeamAuditModel(QAbstractTableModel):
    """Who sent what to which call, newest first, as the hub has it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[TeamRow] = []

    def set_rows(self, rows: list[TeamRow]) -> None:
        self.beginResetModel()
        self.rows = list(reversed(rows[-MAX_SHOWN:]))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) or not index.isValid():
            return None
        row = self.rows[index.row()]
        outcome = row.text("outcome") + (f" — {row.text('message')}" if row.text("message") else "")
        cells = (when(row), row.author, row.call_id, row.text("description") or row.text("command"), outcome)
        text = cells[index.column()]
        # The cell on one line, bounded; the tooltip whole, escaped (Qt would read it as rich text).
        return one_line(text, MAX_TEXT) if role == Qt.ItemDataRole.DisplayRole else tooltip(text)


class TeamAuditPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamAudit")
        self.title = QLabel("Team (through the hub): who sent what to which call")
        self.title.setObjectName("teamAuditTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.model = TeamAuditModel(self)
        self.table = record_table(self.model, "teamAuditTable", self)
        # A few rows always show below the local log, however short the dock (it scrolls).
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 6)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        em = self.fontMetrics().horizontalAdvance("M")
        for column, ems in enumerate((14, 7, 20, 30)):  # time, who, call, command; the outcome takes the rest
            header.resizeSection(column, ems * em)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table)


def review_line(review: TeamRow, comments: list[TeamRow]) -> str:
    score = review.body.get("overall")
    score_text = percent(score) if isinstance(score, int | float) and not isinstance(score, bool) else "no score"
    failed = " (critical fail)" if review.body.get("critical_failed") is True else ""
    line = f"{one_line(review.author, 60)} — {score_text}{failed}, submitted {when(review)}"
    said = [one_line(c.text("text"), 120) for c in comments if c.text("review") == review.text("review")]
    return line + "".join(f"\n    “{text}”" for text in said[:20])


class ColleagueReviews(QLabel):
    """Under the review panel: what colleagues submitted for the shown call."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("colleagueReviews")
        wrapped(self)
        self.hide()

    def show_reviews(self, reviews: list[TeamRow], comments: list[TeamRow]) -> None:
        if not reviews:
            self.setText("")
            self.hide()
            return
        self.setText("Colleagues' reviews of this call:\n" + "\n".join(review_line(r, comments) for r in reviews))
        self.show()


def review_body(review: Review, key: str) -> dict[str, Any]:
    overall = review.overall
    return {"review": key, "template": review.template.id, "overall": overall.percent,
            "critical_failed": overall.critical_failed,
            "marks": {key: ("n/a" if mark.not_applicable else mark.score) for key, mark in review.marks.items()}}


class TakenAlerts(QLabel):
    """Under the triage queue: which alerts colleagues took (they left this queue)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("colleaguesHaveIt")
        wrapped(self)
        self._lines: deque[str] = deque(maxlen=TAKEN_SHOWN)
        self.hide()

    def add(self, line: str) -> None:
        self._lines.appendleft(line)
        self.setText("Taken by colleagues:\n" + "\n".join(self._lines))
        self.show()


class ConsoleTeam(QObject):
    """Wires the window's hub link (when the open account has one) to the History dock and the alerts."""

    def __init__(self, window: MainWindow, audit_tab: QWidget | None, review_panel: ReviewPanel | None,
                 alerts: ConsoleAlerts | None, queue: ReviewQueueView | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.queue = queue
        self._tasks = OwnedTasks()
        if queue is not None:
            queue.assigned.connect(self._share_assigned)
            queue.rules_saved.connect(self._share_rules)
        self.alerts = alerts.engine if alerts is not None else None
        self.taken = TakenAlerts()
        if alerts is not None and (layout := alerts.queue.layout()) is not None:
            layout.addWidget(self.taken)
        self.audit = TeamAuditPanel()
        self.audit.hide()
        if audit_tab is not None and (layout := audit_tab.layout()) is not None:
            layout.addWidget(self.audit)
        self.reviews = ColleagueReviews()
        self.review_panel = review_panel
        if review_panel is not None and (layout := review_panel.layout()) is not None:
            layout.addWidget(self.reviews)
        if review_panel is not None:
            review_panel.submitted.connect(self._share_review)
        self._call: Call | None = None
        self._acknowledged: set[str] = set()  # alerts whose acknowledgement the team already has
        self._unsubscribe: list[Callable[[], None]] = []
        if self.alerts is not None:
            self.alerts.changed.connect(self._share_acknowledged)
        window.session_changed.connect(self._session_changed)
        window.selected_call_changed.connect(self._call_shown)
        self._session_changed(window.session)

    @property
    def hub(self) -> HubLink | None:
        return self.window.hub

    def _session_changed(self, session: AccountSession | None) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        hub = self.hub
        self.audit.setVisible(hub is not None)
        if hub is not None:
            self._unsubscribe.append(hub.board.events.rows.connect(self._rows_arrived))
            # The queue rows the board already holds (another account's link was open meanwhile).
            self._apply_queue_rows([row for row in hub.board.rows()
                                    if row.kind in (RecordKind.QUEUE_ASSIGNMENT, RecordKind.QUEUE_RULES)])
        self._rows_arrived([])

    def _call_shown(self, call: Call | None) -> None:
        self._call = call
        self._show_reviews(self.hub.board.rows() if self.hub else [])

    def _rows_arrived(self, rows: list[TeamRow]) -> None:
        hub = self.hub
        board = hub.board.rows() if hub else []  # read once per arrival, then split by kind
        self.audit.model.set_rows([row for row in board if row.kind == RecordKind.AUDIT])
        self._show_reviews(board)
        for row in rows:
            if row.kind == RecordKind.ALERT_ACK and hub is not None and row.author != hub.stream.user:
                self._colleague_has_it(row)
        self._apply_queue_rows([row for row in rows
                                if row.kind in (RecordKind.QUEUE_ASSIGNMENT, RecordKind.QUEUE_RULES)])

    def _apply_queue_rows(self, rows: list[TeamRow]) -> None:
        hub, session, queue = self.hub, self.window.session, self.queue
        if rows and hub is not None and session is not None and queue is not None:
            self._tasks.start(self._apply_to_queue(queue, apply_rows(queue.db, hub.board, session.account.id, rows)))

    @staticmethod
    async def _apply_to_queue(queue: ReviewQueueView, applying: Coroutine[Any, Any, bool]) -> None:
        rules_changed = await applying
        await (queue.rebuild() if rules_changed else queue.reload())

    def _show_reviews(self, board: list[TeamRow]) -> None:
        """Colleagues' reviews of the shown call, from the board's rows (oldest first)."""
        hub, call = self.hub, self._call
        if hub is None or call is None:
            self.reviews.show_reviews([], [])
            return
        me = hub.stream.user
        of_call = [row for row in board if row.call_id == call.id]
        self.reviews.show_reviews([r for r in of_call if r.kind == RecordKind.REVIEW and r.author != me],
                                  [r for r in of_call if r.kind == RecordKind.COMMENT])

    # --- sharing what this console did ----------------------------------------------------
    def _share_review(self, review: Review) -> None:
        hub, session = self.hub, self.window.session
        if hub is None or session is None or review.account_id != session.account.id:
            return
        key = hub.board.client.new_id()  # ties the comments to the review on every console
        hub.board.share(RecordKind.REVIEW, review.call_id, review_body(review, key))
        for comment in review.comments:
            hub.board.share(RecordKind.COMMENT, review.call_id, {
                "review": key, "text": comment.text,
                "at_seconds": comment.at_seconds, "turn_index": comment.turn_index})

    def _share_assigned(self, assigned: list[QueuedCall]) -> None:
        hub, session = self.hub, self.window.session
        if hub is not None and session is not None:
            share_assignments(hub.board, session.account.id, assigned)

    def _share_rules(self, rules: QueueRules) -> None:
        if self.hub is not None:
            share_rules(self.hub.board, rules)

    def _share_acknowledged(self, change: AlertChange) -> None:
        hub, session = self.hub, self.window.session
        if hub is None or session is None:
            return
        prefix = f"{session.account.id}/"
        for alert in change.updated:
            if (alert.acknowledged_by and alert.id.startswith(prefix) and alert.id not in self._acknowledged
                    and alert.acknowledged_at is not None):
                self._acknowledged.add(alert.id)  # once: later updates are not new acknowledgements
                hub.board.share(RecordKind.ALERT_ACK, alert.call_id, {
                    "alert": alert.id[len(prefix):], "rule": alert.rule, "message": alert.message})

    def _colleague_has_it(self, row: TeamRow) -> None:
        session = self.window.session
        if self.alerts is None or session is None:
            return
        alert_id = f"{session.account.id}/{row.text('alert')}"
        alert = self.alerts.get(alert_id)
        if alert is None or alert.acknowledged_by:
            return
        self._acknowledged.add(alert_id)
        who = one_line(row.author, 60)
        self.alerts.acknowledge(alert_id, who)
        said = f"{who} has it: {one_line(alert.message, 120)}"
        self.taken.add(f"{when(row)[11:]}  {said}")
        self.window.status.showMessage(said, 8000)
