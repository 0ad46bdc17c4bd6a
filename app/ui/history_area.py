"""The History dock of the console window (cached calls, search, review, audit log) and its wiring.

`ConsoleHistory` connects the dock to a `MainWindow`: it caches every finished call the
window sees, catches the open account up in the background, opens search hits and cached
calls in the window (transcript scrolled to the turn, recording sought to the moment),
keeps the review on the selected call (its comments drawn on the waveform and transcript), and gives each session the audit trail its commands
go through.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QTabWidget, QToolBar, QWidget
from qasync import asyncSlot

from app.domain import Account, Call
from app.providers.errors import ProviderError
from app.store.audit import AuditLog, AuditTrail, AuditUnavailable
from app.store.calls import CallCache
from app.store.database import Database, StoreError, default_path
from app.store.names import StoredNames
from app.store.review_queue import ReviewQueue, ReviewState
from app.store.reviews import Comment, Review, ReviewBook
from app.store.supervision import audited
from app.store.sync import CallSync
from app.ui.audit_view import AuditLogView
from app.ui.cached_calls import CachedCallsView
from app.ui.calibration_view import CalibrationView
from app.ui.call_exports import save_redacted_audio, save_report
from app.ui.call_list_model import CallMark
from app.ui.formats import call_label
from app.ui.history_model import review_words
from app.ui.plain import wrapped
from app.ui.review_marks import transcript_marks, waveform_marks
from app.ui.review_panel import ReviewPanel
from app.ui.review_queue_view import NEXT_KEYS, ReviewQueueView
from app.ui.save_dialog import ask_save_path
from app.ui.search_panel import SearchPanel
from app.ui.tasks import OwnedTasks

if TYPE_CHECKING:
    from app.audio.recordings import LoadedRecording
    from app.live.registry import RegistryChange
    from app.live.session import AccountSession
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)
SEARCH_KEYS = "Ctrl+Shift+F"
CACHE_EVERY = 1.5  # seconds: changes reach the history (and its Calls tab) in batches this often
# Seconds between writes of a live call's new lines (a new status at once, all of it when it ends): with a
# thousand talking calls each write re-serialises every transcript, on a thread the window shares a GIL with.
LIVE_CACHE_EVERY = 60.0
DOCK_HEIGHT = 330
SEEK_PATIENCE = 600  # tenths of a second to wait for a recording to load before seeking into it


def review_label(call: Call) -> str:
    """The call as a reviewer recognises it: who (the one call label: bounded, controls shown), and when."""
    who = call_label(call)
    when = call.started_at or call.created_at
    return f"{who}, {when.astimezone():%Y-%m-%d %H:%M}" if when else who


class HistoryArea(QTabWidget):
    """Tabs: Calls (cached, offline), Search, Review, Queue, Calibration, Audit log."""

    def __init__(self, db: Database, reviewer: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("historyArea")
        self.setDocumentMode(True)
        self.calls = CachedCallsView(db)
        self.search = SearchPanel(db)
        self.review = ReviewPanel(db, reviewer)
        self.queue = ReviewQueueView(db, reviewer)
        self.calibration = CalibrationView(db, reviewer)
        self.calibration.calls_source = self.queue.selected_calls
        self.audit = AuditLogView(db)
        self.addTab(self.calls, "Calls")
        self.addTab(self.search, "Search")
        self.addTab(self.review, "Review")
        self.addTab(self.queue, "Queue")
        self.addTab(self.calibration, "Calibration")
        self.addTab(self.audit, "Audit log")

    def sizeHint(self) -> QSize:
        return QSize(900, DOCK_HEIGHT)  # the dock's first height: six criteria and a few comments


def attach_history(window: MainWindow, path: Path | None = None,
                   user: str | None = None) -> ConsoleHistory | HistoryUnavailable:
    """The History dock for the window, or — when the file cannot be opened (corrupt, from a newer
    Switchboard, no disk) — a dock that says why, while commands are refused rather than sent unaudited."""
    try:
        db = Database(path)
    except (StoreError, OSError) as error:
        log.exception("the history database could not be opened")
        return HistoryUnavailable(window, path or default_path(), error)
    return ConsoleHistory(window, db, user)


class HistoryUnavailable(QObject):
    def __init__(self, window: MainWindow, path: Path, error: BaseException):
        super().__init__(window)
        self.reason = str(error)
        self.notice = wrapped(QLabel(f"The local history ({path}) could not be opened: {error}\n\n"
                             "Calls can still be watched live, but control commands are not sent, because "
                             "they could not be written to the audit log first.", objectName="historyUnavailable"))
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dock = window.add_panel(self.notice, "History")
        window.audit = AuditUnavailable(self.reason)

    async def close(self) -> None:
        return None


class ConsoleHistory(QObject):
    def __init__(self, window: MainWindow, db: Database, user: str | None = None):
        super().__init__(window)
        self.window = window
        self.db = db
        self.user = user or getpass.getuser()
        self.area = HistoryArea(self.db, self.user)
        self.dock = window.add_panel(self.area, "History")
        self.shown_account: str | None = None  # the account of the call the window shows
        self.shown_call: Call | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._catch_up: asyncio.Task[None] | None = None
        self._writes: set[asyncio.Future[Any]] = set()
        self._unsaved: set[str] = set()  # ids of calls changed since the last cache write
        self._unsaved_session: AccountSession | None = None  # whose calls they are
        self._cache_timer = QTimer(self, singleShot=True, interval=int(CACHE_EVERY * 1000))
        self._cache_timer.timeout.connect(lambda: self._write_unsaved(everything=False))
        self._live_written: dict[str, tuple[float, str]] = {}  # live call id -> when written, with which status
        self._seek: asyncio.Task[None] | None = None
        self._closing = False
        self._supervision_read: str | None = None  # the call whose audit rows were last read
        self._tasks = OwnedTasks()

        window.session_changed.connect(self._session_changed)
        window.selected_call_changed.connect(self._call_shown)
        self.area.search.hit_opened.connect(self._open_hit)
        self.area.calls.call_opened.connect(self._open_cached)
        self.area.review.anchor_clicked.connect(self._go_to)
        self.area.review.comments_changed.connect(self._show_comment_marks)
        self.area.review.review_changed.connect(self._review_changed)
        self._reviewed: set[str] = set()  # calls marked as reviewed in the live list
        self._to_review: set[str] = set()  # calls marked as queued for review in the live list
        self.area.review.position_source = self.playback_position
        self.area.review.submitted.connect(self._next_after_submit)
        self.area.queue.call_opened.connect(self._open_cached)
        self.area.queue.next_asked.connect(self._open_next_now)
        self.area.calibration.moment_opened.connect(self._open_moment)
        self.area.review.report_asked.connect(self._ask_report)
        self.area.review.audio_asked.connect(self._ask_audio)
        self.next_key = QShortcut(QKeySequence(NEXT_KEYS), self.area, self._open_next_now,
                                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        window.transcript.turn_activated.connect(self._turn_activated)
        self.area.currentChanged.connect(self._tab_shown)
        self.toggle = self.dock.toggleViewAction()
        self.toggle.setText("History")
        self.toggle.setToolTip(f"Show or hide cached calls, transcript search, reviews and the audit log "
                               f"({SEARCH_KEYS} searches)")
        toolbar = window.findChild(QToolBar, "accountToolbar")
        if toolbar is not None:
            toolbar.addAction(self.toggle)
        window.accounts_changed.connect(self.set_accounts)  # opening a session lists its account there too
        self.find = QShortcut(QKeySequence(SEARCH_KEYS), window, self.focus_search,
                              context=Qt.ShortcutContext.WindowShortcut)
        self.area.search.query.setToolTip(f"{self.area.search.query.toolTip()} ({SEARCH_KEYS})")
        self.db.submit_write(lambda conn: AuditLog(conn).settle_abandoned())
        window.audit = AuditTrail(self.db, self.user, recorded=self._command_recorded)
        window.name_archive = StoredNames(self.db)
        self.set_accounts(window.known_accounts())

    def focus_search(self) -> None:
        """Show the History dock's search, ready to type."""
        self.dock.show()
        self.dock.raise_()
        self.area.setCurrentWidget(self.area.search)
        self.area.search.query.setFocus()
        self.area.search.query.selectAll()

    def set_accounts(self, accounts: list[Account]) -> None:
        """The filters offer the window's accounts, and the open one even when it is not stored."""
        accounts = list(accounts)
        session = self.window.session
        if session is not None and all(a.id != session.account.id for a in accounts):
            accounts.append(session.account)  # opened from the command line, not stored
        for panel in (self.area.calls, self.area.search, self.area.audit):
            panel.set_accounts(accounts)
        self.area.review.account_names = {a.id: a.name for a in accounts}

    # -- the open account -----------------------------------------------------------------

    def _session_changed(self, session: AccountSession | None) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._catch_up is not None:
            self._catch_up.cancel()
            self._catch_up = None
        if session is None:
            self.area.calls.set_source(None, None)
            return
        self._reviewed, self._to_review = set(), set()
        self._tasks.start(self.mark_reviewed(session.account.id))
        self.area.calls.set_source(session.account, session.client)
        self._unsubscribe = session.registry.events.changed.connect(lambda change: self._cache_changes(session, change))
        self._catch_up = self._tasks.start(self.catch_up(session))

    async def catch_up(self, session: AccountSession) -> None:
        """Bring the cache up to date for the open account; offline is fine, the cache stays."""
        try:
            report = await CallSync(self.db, session.account, session.client, names=session.names).catch_up()
        except (ProviderError, StoreError) as error:  # offline, or the disk is full: the cache stays as it was
            log.info("history catch-up for %s stopped: %s", session.account.name, error)
            return
        if report.added or report.changed:
            await self.area.calls.reload()
            await self.mark_reviewed(session.account.id)

    def _cache_changes(self, session: AccountSession, change: RegistryChange) -> None:
        """Every call that appeared or changed (live ones too, so the Calls tab follows them), written at
        most every CACHE_EVERY seconds in one batch (a live call's new lines less often)."""
        if session is not self._unsaved_session:
            self._write_unsaved()  # another account's changes go first, with their own account
            self._unsaved_session = session
            self._live_written.clear()
        self._unsaved.update(change.inserted, change.changed)
        if self._unsaved and not self._cache_timer.isActive():
            self._cache_timer.start()

    def _write_unsaved(self, everything: bool = True) -> None:
        """Write the calls changed since the last write: all of them (closing, switching accounts), or,
        on the timer, all but the live calls whose status stands and that were written in the last
        LIVE_CACHE_EVERY seconds — a thousand talking calls would rewrite (and re-index) every line
        of every transcript each time."""
        self._cache_timer.stop()
        session, ids, self._unsaved = self._unsaved_session, self._unsaved, set()
        if session is None or not ids:
            return
        now, calls = time.monotonic(), []
        for call_id in ids:
            call = session.registry.get(call_id)
            if call is None:
                continue
            written = self._live_written.pop(call_id, None)
            if not everything and call.is_live and written is not None and written[1] == call.status \
                    and now - written[0] < LIVE_CACHE_EVERY:
                self._live_written[call_id] = written
                self._unsaved.add(call_id)  # its new lines wait for a later turn
                continue
            if call.is_live:
                self._live_written[call_id] = (now, call.status)
            calls.append(call)
        if self._unsaved:
            self._cache_timer.start()
        if not calls:
            return
        account_id = session.account.id
        write = asyncio.wrap_future(self.db.submit_write(lambda conn: CallCache(conn).upsert(account_id, calls)))
        self._writes.add(write)
        write.add_done_callback(self._written)

    def _written(self, write: asyncio.Future[Any]) -> None:
        self._writes.discard(write)
        if not write.cancelled() and write.exception() is not None:
            log.error("calls could not be cached: %s", write.exception())
            self.window.status.showMessage(f"The local history could not be updated: {write.exception()}", 8000)
        elif self.area.calls.isVisible():
            self._tasks.start(self.area.calls.reload())  # the Calls tab follows live calls
        if self.window.session is not None and not self._closing:  # a finished call may have joined the queue
            self._tasks.start(self.mark_reviewed(self.window.session.account.id))

    # -- opening calls from the history ---------------------------------------------------

    async def open_call(self, account_id: str, call_id: str, turn_index: int | None = None,
                        seconds: float | None = None) -> Call | None:
        """Show the call: from the open account's live list when it is there, else from the cache."""
        session = self.window.session
        previous, self.shown_account = self.shown_account, account_id
        if session is not None and session.account.id == account_id and self.window.call_list.select_call(call_id):
            call = session.registry.get(call_id)
        else:
            call = await self.db.read(lambda conn: CallCache(conn).get(account_id, call_id))
            if call is None:
                self.shown_account = previous
                self.window.status.showMessage("That call is no longer in the local history.", 6000)
                return None
            self.window.show_cached_call(call)
        self.shown_call = call
        self._go_to(seconds, turn_index)
        return call

    async def open_next(self) -> Call | None:
        """Open the next call this reviewer should review, on the Review tab."""
        review = self.area.review
        # Past the call on screen (a draft left for later); a submitted one is out of the queue anyway.
        skip = (review.account_id, review.call_id) if review.account_id and review.call_id else None
        entry = await self.area.queue.next_call(skip=skip)
        if entry is None:
            self.window.status.showMessage("Nothing left to review in the queue.", 6000)
            return None
        call = await self.open_call(entry.account_id, entry.call_id)
        if call is not None:
            await self.area.queue.take(entry)
            await review.show_call(entry.account_id, entry.call_id)
            self.area.setCurrentWidget(review)
            review.table.setFocus()
        return call

    @asyncSlot()
    async def _open_next_now(self) -> None:
        await self.open_next()

    @asyncSlot(object)
    async def _next_after_submit(self, _review: object) -> None:
        await self.open_next()
        if self.area.queue.isVisible():
            await self.area.queue.reload()

    def _go_to(self, seconds: float | None, turn_index: int | None) -> None:
        if turn_index is not None:
            self.window.transcript.scroll_to_turn(turn_index)
        if self._seek is not None:
            self._seek.cancel()
            self._seek = None
        if seconds is not None and self.shown_call is not None:
            self._seek = self._tasks.start(self._seek_when_loaded(self.shown_call.id, seconds))
        self.area.review.set_position(seconds, turn_index)

    async def _seek_when_loaded(self, call_id: str, seconds: float) -> None:
        """Seek the player once the call's recording is loaded (it may still be downloading)."""
        audio = self.window.audio_area
        seek = getattr(audio, "seek", None)
        for _ in range(SEEK_PATIENCE):
            shown = getattr(audio, "call", None)
            if seek is None or shown is None or shown.id != call_id:
                return
            if getattr(audio, "engine", None) is not None:
                seek(seconds)
                return
            await asyncio.sleep(0.1)

    def playback_position(self) -> tuple[float | None, int | None]:
        """The player's position and the turn being heard, else the transcript's current turn."""
        audio = self.window.audio_area
        seconds = audio.position() if getattr(audio, "engine", None) is not None else None
        turns = self.shown_call.turns if self.shown_call else ()
        if seconds is not None:
            started = [i for i, turn in enumerate(turns) if turn.start is not None and turn.start <= seconds]
            return seconds, (started[-1] if started else None)
        current = self.window.transcript.list.currentIndex()
        return self.area.review.position[0], (current.row() if current.isValid() else None)

    def _command_recorded(self) -> None:
        if self.area.currentWidget() is self.area.audit and self.area.isVisible():
            self._tasks.start(self.area.audit.reload())

    def _turn_activated(self, turn_index: int, seconds: float) -> None:
        self.area.review.set_position(seconds if seconds >= 0 else None, turn_index)

    def _show_comment_marks(self, comments: list[Comment]) -> None:
        """The review's comments on the window's waveform and transcript; none while the review
        shown is of another call (it is still loading)."""
        call, review = self.shown_call, self.area.review
        if call is None or (review.account_id, review.call_id) != (self.shown_account, call.id):
            comments = []
        turns = call.turns if call is not None else ()
        set_marks = getattr(self.window.audio_area, "set_comment_marks", None)  # a stand-in player may not draw
        if set_marks is not None:
            set_marks(waveform_marks(comments, turns, review.reviewer))
        self.window.transcript.set_comment_marks(transcript_marks(comments, turns))

    @asyncSlot(object)
    async def _call_shown(self, call: Call | None) -> None:
        self.shown_call = call
        session = self.window.session
        if call is not None and session is not None and session.registry.get(call.id) is not None:
            self.shown_account = session.account.id
        if call is None or call.id != self._supervision_read:  # read once per selection, not per update
            self._supervision_read = call.id if call is not None else None
            if call is not None:
                await self._read_supervision(call.id)
        review = self.area.review
        # The same call's newer copy (turns may have moved), or another call's until its review loads.
        self._show_comment_marks(review.review.comments if review.review is not None else [])
        if call is None:
            await review.show_call(None, None)
        elif (review.account_id, review.call_id) != (self.shown_account, call.id):
            await review.show_call(self.shown_account, call.id, review_label(call))
        else:
            review.rename(review_label(call))

    @asyncSlot(str, str)
    async def _review_changed(self, account_id: str, _call_id: str) -> None:
        await self.mark_reviewed(account_id)
        if self.area.calls.isVisible():
            await self.area.calls.reload()

    async def mark_reviewed(self, account_id: str) -> None:
        """The open account's calls in the live list say where they stand for review: reviewed (with
        the score), in review (a draft), or to review (the queue picked it)."""
        session = self.window.session
        ids = [call.id for call in session.registry.calls()] if session is not None else []
        scores, states = await self.db.read(lambda conn: (
            ReviewBook(conn).scores_by_call(account_id),
            ReviewQueue(conn).states((account_id, call_id) for call_id in ids)))
        session = self.window.session
        if session is None or session.account.id != account_id:
            return
        marks = self.window.call_list.proxy
        reviewed = {call_id for _account, call_id in scores}
        queued = {call_id for (_account, call_id), state in states.items() if state is ReviewState.TO_REVIEW}
        for call_id in self._reviewed - reviewed:
            marks.set_mark(call_id, CallMark.REVIEWED, None)
        for call_id in self._to_review - queued:
            marks.set_mark(call_id, CallMark.TO_REVIEW, None)
        for (_account, call_id), (status, percent) in scores.items():
            stage = "Reviewed" if status == "submitted" else "In review"
            marks.set_mark(call_id, CallMark.REVIEWED, f"{stage}: {review_words(status, percent)}")
        for call_id in queued:
            marks.set_mark(call_id, CallMark.TO_REVIEW, "To review (picked by the review queue)")
        self._reviewed, self._to_review = reviewed, queued

    async def _read_supervision(self, call_id: str) -> None:
        """The audit log says which lines supervisors had the assistant say, and who ended the call."""
        self.window.add_supervision(call_id, await self.db.read(lambda conn: audited(conn, None, call_id)))

    @asyncSlot(str, str, int, object)
    async def _open_hit(self, account_id: str, call_id: str, turn_index: int, seconds: float | None) -> None:
        await self.open_call(account_id, call_id, turn_index, seconds)

    def _shown_recording(self) -> LoadedRecording | None:
        audio = self.window.audio_area
        shown = getattr(audio, "call", None)
        recording = getattr(audio, "recording", None)
        return recording if shown is not None and self.shown_call and shown.id == self.shown_call.id else None

    def _ask_report(self, review: Review) -> None:
        call = self.shown_call
        if call is None or call.id != review.call_id:
            return
        redacted = self.area.review.export_redacted.isChecked()
        ask_save_path(self.area, "Save the call report", f"call-report-{call.id[:8]}.pdf",
                      lambda path: self._tasks.start(self._save_report_to(Path(path), call, review, redacted)))

    async def _save_report_to(self, path: Path, call: Call, review: Review, redacted: bool) -> None:
        said = await save_report(path, call, review, self._shown_recording(), redacted)
        self.area.review.message.setText(said)

    def _ask_audio(self) -> None:
        if self.shown_call is not None:
            ask_save_path(self.area, "Save the redacted recording", f"call-{self.shown_call.id[:8]}-redacted.wav",
                          self._save_audio_to)

    @asyncSlot(str)
    async def _save_audio_to(self, path: str) -> None:
        if self.shown_call is not None:
            said = await save_redacted_audio(Path(path), self.shown_call, self._shown_recording())
            self.area.review.message.setText(said)

    @asyncSlot(str, str, object, object)
    async def _open_moment(self, account_id: str, call_id: str, seconds: float | None, turn: int | None) -> None:
        await self.open_call(account_id, call_id, turn, seconds)

    @asyncSlot(str, str)
    async def _open_cached(self, account_id: str, call_id: str) -> None:
        await self.open_call(account_id, call_id)

    @asyncSlot(int)
    async def _tab_shown(self, index: int) -> None:
        tab = self.area.widget(index)
        if tab is self.area.audit:
            await self.area.audit.reload()
        elif tab is self.area.calls:
            await self.area.calls.reload()
        elif tab is self.area.queue:
            await self.area.queue.reload()
        elif tab is self.area.calibration:
            await self.area.calibration.reload()

    async def close(self) -> None:
        """Stop the catch-up, let queued cache writes land, close the file."""
        self._closing = True  # the last writes start no more reads
        await self._tasks.aclose()
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._write_unsaved()
        await asyncio.get_running_loop().run_in_executor(None, self.db.close)
