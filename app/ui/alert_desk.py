"""Alerts in the console window: the engine on the open account, the triage queue and the wall as
docks (View menu), critical alerts in the system tray, alert cells in the call list, and every
alert kept in the history store.

`ConsoleAlerts(window, db)` wires it all; `ConsoleAlerts.engine` is the one engine the window uses.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QDockWidget

from app.domain.alert import Alert
from app.live.alerts import settings as alert_settings
from app.live.alerts.engine import AlertChange, AlertEngine
from app.store.alerts import AlertLog
from app.store.database import Database
from app.ui.alert_look import rule_title
from app.ui.alert_rules_dialog import AlertRulesDialog
from app.ui.formats import call_label
from app.ui.screen_redaction import SCREEN
from app.ui.triage import CriticalNotifier, TriageQueue
from app.ui.wall import CallWall

if TYPE_CHECKING:
    from app.live.session import AccountSession
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)
TICK_MS = 250  # time-based rules (silence, long call, hang) fire within this of their moment
LEVELS_MS = 200  # how often the levels of listened calls reach the rules and the wall
SILENCE_DB = -60.0


class ConsoleAlerts(QObject):
    def __init__(self, window: MainWindow, db: Database | None = None, *, user: str | None = None,
                 settings_path: Path | None = None, clock: Callable[[], float] = time.time):
        super().__init__(window)
        self.window = window
        self.db = db
        self.settings_path = settings_path or alert_settings.settings_path()
        settings, problems = alert_settings.load(self.settings_path)
        self.engine = AlertEngine(settings, clock=clock)
        self.queue = TriageQueue(self.engine, user or getpass.getuser(), self.call_label)
        self.wall = CallWall(self.engine)
        self.notifier = CriticalNotifier(self.engine, self.describe, window.windowIcon(), self)
        self.triage_dock = window.add_panel(self.queue, "Alerts")
        self._beside_history(window)
        self.wall_dock = window.add_panel(self.wall, "Wall", Qt.DockWidgetArea.RightDockWidgetArea)
        self.wall_dock.hide()  # shown on demand: it is for a second screen or a quick look
        self._add_actions()
        for panel in (self.queue, self.wall):
            panel.open_requested.connect(self.open_call)
            panel.listen_requested.connect(self.listen)
        window.call_list.model.alerts = self.engine.summary
        self._unsubscribe_alerts = self.engine.changed.connect(self._on_alerts)
        self._unwatch: Callable[[], None] | None = None
        self._writes: set[asyncio.Future[Any]] = set()
        self._listened: set[str] = set()
        window.session_changed.connect(self._session_changed)
        self._session_changed(window.session)
        self._ticker = QTimer(self, interval=TICK_MS)
        self._ticker.timeout.connect(self.engine.tick)
        self._ticker.start()
        self._levels = QTimer(self, interval=LEVELS_MS)
        self._levels.timeout.connect(self._feed_levels)
        self._levels.start()
        if problems:
            window.status.showMessage("Alert rules: " + " ".join(problems), 15000)

    def _beside_history(self, window: MainWindow) -> None:
        """The queue starts at the History dock's right (a third of the width): the live view in the
        middle keeps its room, and the queue is in sight without hiding History's tabs."""
        history = next((d for d in window.findChildren(QDockWidget) if d.windowTitle() == "History"), None)
        if history is None or window.dockWidgetArea(history) is not Qt.DockWidgetArea.BottomDockWidgetArea:
            return
        window.splitDockWidget(history, self.triage_dock, Qt.Orientation.Horizontal)
        width = max(window.width(), 1024)
        window.resizeDocks([history, self.triage_dock], [int(width * 0.62), int(width * 0.38)],
                           Qt.Orientation.Horizontal)

    def _add_actions(self) -> None:
        menu = self.window.view_menu
        self.queue_action = self.triage_dock.toggleViewAction()
        self.queue_action.setText("Alerts")
        self.queue_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.queue_action.setToolTip("Open alerts on live calls, most urgent first (Ctrl+Shift+A)")
        self.wall_action = self.wall_dock.toggleViewAction()
        self.wall_action.setText("Wall of live calls")
        self.wall_action.setShortcut(QKeySequence("Ctrl+Shift+W"))
        self.wall_action.setToolTip("Every live call as a tile, troubled ones first (Ctrl+Shift+W)")
        self.rules_action = QAction("Alert rules…", self, objectName="alertRulesAction")
        self.rules_action.setToolTip("Switch rules on or off, set severities, thresholds and phrase lists")
        self.rules_action.triggered.connect(self.edit_rules)
        self.file_action = QAction("Alert rules file…", self, objectName="alertRulesFileAction")
        self.file_action.setToolTip(f"Open {self.settings_path.name} in your editor; then choose Reload alert rules")
        self.file_action.triggered.connect(self.open_rules_file)
        self.reload_action = QAction("Reload alert rules", self, objectName="reloadAlertRules")
        self.reload_action.triggered.connect(self.reload_rules)
        for action in (self.queue_action, self.wall_action):
            menu.addAction(action)
            self.window.addAction(action)  # the shortcut works with the menu bar hidden too
        menu.addSeparator()
        for action in (self.rules_action, self.file_action, self.reload_action):
            menu.addAction(action)
        self.triage_dock.visibilityChanged.connect(lambda shown: shown and self.queue.setFocus())
        self.wall_dock.visibilityChanged.connect(lambda shown: shown and self.wall.setFocus())

    # --- the open account ----------------------------------------------------------------
    def _session_changed(self, session: AccountSession | None) -> None:
        if self._unwatch is not None:
            self._unwatch()
            self._unwatch = None
        self.wall.set_registry(session.registry if session else None)
        if session is not None:
            self._unwatch = self.engine.watch(session.account.id, session.registry)

    def call_label(self, call_id: str) -> str:
        session = self.window.session
        call = session.registry.get(call_id) if session else None
        if call is None:
            return call_id
        return " · ".join(b for b in (call_label(call), call.assistant_name or "") if b)

    def describe(self, alert: Alert) -> str:
        """The tray notification's words (the Redact switch applies: it shows on the shared screen too)."""
        said = f" — “{SCREEN.text(alert.text)}”" if alert.text else ""
        return f"{self.call_label(alert.call_id)}: {SCREEN.text(alert.message)}{said}"

    # --- acting on an alert ----------------------------------------------------------------
    def open_call(self, call_id: str) -> None:
        if not self.window.open_call(call_id):
            self.window.status.showMessage("That call is no longer in the list.", 5000)

    def listen(self, call_id: str) -> None:
        """Open the call and press its Listen button (when the platform offers live audio)."""
        self.open_call(call_id)
        call = self.window.selected_call()
        if call is None or call.id != call_id or not call.is_live:
            return
        button = self.window.audio_area.listen_panel.listen_button
        if button.isEnabled() and not button.isChecked():
            button.setChecked(True)

    # --- alerts out --------------------------------------------------------------------------
    def _on_alerts(self, change: AlertChange) -> None:
        alerts = [*change.raised, *change.updated, *change.cleared]
        self.window.call_list.model.alerts_changed(dict.fromkeys(a.call_id for a in alerts))
        if self.db is not None and alerts:
            write = asyncio.wrap_future(self.db.submit_write(lambda conn: AlertLog(conn).save(alerts)))
            self._writes.add(write)
            write.add_done_callback(self._written)
        for alert in change.raised:
            log.debug("alert %s on call %s: %s", rule_title(alert.rule), alert.call_id, alert.message)  # kept in the store

    def _written(self, write: asyncio.Future[Any]) -> None:
        self._writes.discard(write)
        if not write.cancelled() and write.exception() is not None:
            log.error("alerts could not be saved: %s", write.exception())

    def _feed_levels(self) -> None:
        """The listened calls' levels to the rules (silence by ear) and to their wall tiles."""
        headset = getattr(self.window.audio_area, "_headset", None)  # None until someone listened
        if headset is None:
            return
        now = time.time()
        listened = set()
        for listener in headset.active():
            envelope = listener.envelope
            if envelope is None:
                continue
            levels = [float(v) for v in envelope.levels_db]
            customer_db, assistant_db = (levels + levels)[:2] if levels else (SILENCE_DB, SILENCE_DB)
            rms = [10 ** (db / 20) if math.isfinite(db) else 0.0 for db in (customer_db, assistant_db)]
            self.engine.on_levels(listener.call.id, rms[0], rms[1], now)
            listened.add(listener.call.id)
            self.wall.model.set_levels(listener.call.id, *(max(0.0, 1 + db / -SILENCE_DB) for db in
                                                            (customer_db, assistant_db)))
        for call_id in self._listened - listened:  # stopped listening: its meter goes
            self.wall.model.clear_levels(call_id)
        self._listened = listened

    # --- rules ---------------------------------------------------------------------------
    def edit_rules(self) -> AlertRulesDialog:
        """Non-blocking: the rules apply when the dialog saves them."""
        dialog = AlertRulesDialog(self.engine.settings, self.settings_path, self.window)
        dialog.applied.connect(self._rules_saved)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _rules_saved(self, settings: alert_settings.AlertSettings) -> None:
        self.engine.apply_settings(settings)
        self.window.status.showMessage(f"Alert rules saved to {self.settings_path}", 8000)

    def open_rules_file(self) -> None:
        if not self.settings_path.exists():
            try:
                alert_settings.save(self.engine.settings, self.settings_path)
            except OSError as error:
                self.window.status.showMessage(f"The alert rules file could not be written to {self.settings_path}: "
                                               f"{error.strerror or error}.", 15000)
                return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.settings_path)))

    def reload_rules(self) -> None:
        settings, problems = alert_settings.load(self.settings_path)
        self.engine.apply_settings(settings)
        self.window.status.showMessage("Alert rules reloaded. " + " ".join(problems), 10000)

    async def close(self) -> None:
        self._ticker.stop()
        self._levels.stop()
        self._unsubscribe_alerts()
        if self._unwatch is not None:
            self._unwatch()
        self.notifier.close()
        self.queue.model.close()
        self.wall.model.close()
        await self.engine.stop()
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
