"""The History dock's Calibration tab: start a session (the calls picked in the Queue tab, two or
more reviewers), follow who has submitted, then the report — agreement and Krippendorff's alpha per
criterion, most disagreement first — with each reviewer's comments on the call they split most on,
a double-click away from that moment. Exportable as CSV."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from app.store.calibration import CalibrationBook, CalibrationSession, Remark
from app.store.database import Database
from app.store.reviews import anchor_label
from app.ui.csv_dialog import export_csv_file
from app.ui.formats import percent
from app.ui.plain import comma_list, one_line
from app.ui.record_table import record_table
from app.ui.save_dialog import ask_save_path
from app.ui.tasks import Newest
from app.ui.text_table import TextTable

if TYPE_CHECKING:
    from app.qa.calibration import Agreement, CalibrationReport

COLUMNS = ["Criterion", "Agreement", "α (ordinal)", "Widest call", "Spread"]
REMARK_ROLE = Qt.ItemDataRole.UserRole + 45


def agreement_cells(row: Agreement) -> list[str]:
    widest = row.widest if row.widest and row.widest[1] > 0 else None  # all alike: no call stands out
    return [row.title, percent(row.percent),
            "—" if row.alpha is None else f"{row.alpha:.2f}", one_line(widest[0]) if widest else "—",
            str(widest[1]) if widest else "0"]


class CalibrationView(QWidget):
    moment_opened = Signal(str, str, object, object)  # account id, call id, seconds | None, turn | None

    def __init__(self, db: Database, user: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("calibration")
        self.db = db
        self.user = user or getpass.getuser()
        self.calls_source: Callable[[], list[tuple[str, str]]] = list  # the window hands the Queue's picks
        self.sessions: list[CalibrationSession] = []
        self._reloads = Newest()
        self.report: CalibrationReport | None = None
        self.remarks: list[Remark] = []

        self.session_box = QComboBox(objectName="calibrationSessions")
        self.session_box.activated.connect(self._session_chosen)
        self.name = QLineEdit(objectName="calibrationName", placeholderText="Session name")
        self.reviewers = QLineEdit(objectName="calibrationReviewers", placeholderText="Reviewers: ann, bob…")
        self.start_button = QPushButton("Start with the selected queue calls", objectName="calibrationStart")
        self.start_button.clicked.connect(self._start_now)
        self.progress = QLabel("", objectName="calibrationProgress")
        self.progress.setWordWrap(True)
        self.model = TextTable(COLUMNS, self)
        self.table = record_table(self.model, "calibrationReport", self)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self._show_remarks(current.row()))
        self.remark_list = QListWidget(objectName="calibrationRemarks")
        self.remark_list.setWordWrap(True)
        self.remark_list.itemActivated.connect(self._open_remark)
        self.remark_list.itemDoubleClicked.connect(self._open_remark)
        self.export_button = QPushButton("Export report…", objectName="calibrationExport")
        self.export_button.clicked.connect(
            lambda: ask_save_path(self, "Export the calibration report", "switchboard-calibration.csv",
                                 self._export_to))
        self.message = QLabel("", objectName="calibrationMessage")

        start = QHBoxLayout()
        start.addWidget(QLabel("Session:"))
        start.addWidget(self.session_box, 1)
        start.addWidget(self.name)
        start.addWidget(self.reviewers)
        start.addWidget(self.start_button)
        remarks = QWidget()
        remark_layout = QVBoxLayout(remarks)
        remark_layout.setContentsMargins(0, 0, 0, 0)
        remark_layout.addWidget(QLabel("Comments on the call they split most on — double-click to go there"))
        remark_layout.addWidget(self.remark_list, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(remarks)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        foot = QHBoxLayout()
        foot.addWidget(self.progress, 1)
        foot.addWidget(self.message)
        foot.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(start)
        layout.addWidget(split, 1)
        layout.addLayout(foot)

    async def reload(self, session_id: int | None = None) -> None:
        wanted = session_id if session_id is not None else self.session_box.currentData()
        reload = self._reloads.ask()
        sessions = await self.db.read(lambda conn: CalibrationBook(conn).sessions())
        if not self._reloads.show(reload):
            return  # a later reload (the tab shown while a session starts) already shows newer sessions
        self.sessions = sessions
        self.session_box.clear()
        for session in self.sessions:
            self.session_box.addItem(f"{session.name} · {len(session.calls)} calls", session.id)
        index = self.session_box.findData(wanted)
        self.session_box.setCurrentIndex(index if index >= 0 else 0)
        await self.show_session(self.session_box.currentData())

    async def start(self, name: str, reviewers: list[str], calls: list[tuple[str, str]]) -> int | None:
        try:
            session_id = await self.db.write(lambda conn: CalibrationBook(conn).create(name, self.user, calls,
                                                                                      reviewers))
        except ValueError as error:
            self.message.setText(str(error))
            return None
        self.message.setText("")
        await self.reload(int(session_id))
        return int(session_id)

    async def show_session(self, session_id: int | None) -> None:
        self.report, self.remarks = None, []
        self.model.set_rows([])
        self.remark_list.clear()
        session = next((s for s in self.sessions if s.id == session_id), None)
        if session is None:
            self.progress.setText("No calibration session yet: pick calls in the Queue tab, name two reviewers.")
            return
        done = " · ".join(f"{r} {session.submitted.get(r, 0)}/{len(session.calls)}" for r in session.reviewers)
        if not session.complete:
            self.progress.setText(f"Submitted so far: {done}. The report opens when everyone has submitted; "
                                  "until then nobody sees the others' scores.")
            return

        def read(conn: Any) -> tuple[CalibrationReport, list[Remark]]:
            book = CalibrationBook(conn)
            return book.report(session.id), book.remarks(session.id)

        report, self.remarks = await self.db.read(read)
        self.report = report
        overall = report.overall
        alpha = "—" if overall.alpha is None else f"{overall.alpha:.2f}"
        self.progress.setText(f"Everyone has submitted ({done}). Overall: {percent(overall.percent)} agreement, "
                              f"α {alpha}.")
        self.model.set_rows([agreement_cells(row) for row in (*report.criteria, overall)])
        self.table.setCurrentIndex(self.model.index(0, 0))

    def _show_remarks(self, row: int) -> None:
        self.remark_list.clear()
        if self.report is None or not 0 <= row < len(self.report.criteria):
            return
        widest = self.report.criteria[row].widest
        for remark in self.remarks:
            if widest is None or widest[1] == 0 or remark.call_id != widest[0]:
                continue
            comment = remark.comment
            item = QListWidgetItem(f"{remark.reviewer} · {anchor_label(comment.at_seconds, comment.turn_index)} · "
                                   f"{comment.text}")
            item.setData(REMARK_ROLE, remark)
            self.remark_list.addItem(item)

    def _open_remark(self, item: QListWidgetItem) -> None:
        remark: Remark = item.data(REMARK_ROLE)
        self.moment_opened.emit(remark.account_id, remark.call_id, remark.comment.at_seconds,
                                remark.comment.turn_index)

    async def export_csv(self, path: Path | str) -> int:
        report = self.report
        if report is None:
            self.message.setText("The report opens when every reviewer has submitted.")
            return 0
        rows, said = await export_csv_file(self.db, path, lambda _conn, out: report.write_csv(out),
                                           "calibration row")
        self.message.setText(said)
        return rows

    @asyncSlot(int)
    async def _session_chosen(self, index: int) -> None:
        await self.show_session(self.session_box.itemData(index))

    @asyncSlot()
    async def _start_now(self) -> None:
        await self.start(self.name.text(), list(comma_list(self.reviewers.text())),
                         self.calls_source())

    @asyncSlot(str)
    async def _export_to(self, path: str) -> None:
        await self.export_csv(path)
