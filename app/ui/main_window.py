"""The console window: call list | (transcript | analysis) over waveform, control bar, status bar.

Layout (splitters, docks, column widths, geometry) is remembered in QSettings. Everything
platform-related goes through an `AccountSession`; slots are thin async wrappers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFrame,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from app.domain import Account, Call, Command, CommandResult
from app.live.accounts import ENV_KEY, AccountBook
from app.live.demo import DEMO_ACCOUNT_ID, DemoPlatform, demo_account
from app.live.names import NameArchive
from app.live.poller import Connection, PollPlan, PollState
from app.live.registry import RegistryChange
from app.live.session import AccountSession, CommandJournal
from app.live.team_board import SharedJournal
from app.paths import APP_NAME
from app.providers.errors import ProviderError
from app.store.audit import AuditUnavailable
from app.store.supervision import ENDED_BY_SUPERVISOR, Supervision, from_commands, supervisor_rows
from app.ui.accounts_dialog import AccountsDialog, off_thread
from app.ui.analysis import AnalysisPanel
from app.ui.app import readable, setting, settings
from app.ui.audio_area import AudioArea
from app.ui.call_list import CallListView
from app.ui.call_list_model import CallMark
from app.ui.controls import ControlBar
from app.ui.formats import call_label
from app.ui.history_filters import account_label
from app.ui.plain import LineLabel, message_box, one_line
from app.ui.screen_redaction import SCREEN, add_redact_switch
from app.ui.status_bar import ConnectionStatus, OfflineBanner
from app.ui.transcript import TranscriptView

if TYPE_CHECKING:  # the hub client (and websockets) load with the first account on a hub
    from app.live.hub_link import HubLink

SMALL_HEIGHT = 900  # below this the History dock and the audio area start smaller


def _panel(title: str, body: QWidget, name: str) -> QFrame:
    """A titled area of the window, with a stable object name tests and later panels can find."""
    frame = QFrame(objectName=name)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    heading = QLabel(title, objectName=f"{name}Title")
    font = heading.font()
    font.setBold(True)
    heading.setFont(font)
    heading.setContentsMargins(4, 2, 4, 2)
    layout.addWidget(heading)
    layout.addWidget(body, 1)
    return frame


class MainWindow(QMainWindow):
    """The supervisor's window. `open_account` swaps the session; panels follow the selected call."""

    selected_call_changed = Signal(object)  # Call | None, whenever the shown call or its data changes
    session_changed = Signal(object)  # AccountSession | None
    accounts_changed = Signal(list)  # list[Account]: what the switcher offers, once per set_accounts
    closed = Signal()

    def __init__(self, book: AccountBook | None = None, demo: DemoPlatform | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.book = book or AccountBook()
        self.demo = demo or DemoPlatform()
        self.accounts_dialog: AccountsDialog | None = None
        self.poll_plan: PollPlan | None = None  # None: each platform's own plan
        self.session: AccountSession | None = None
        self.hub: HubLink | None = None  # the session's team hub, when its account names one
        # Every session sends through this; the history dock replaces it with the audit log.
        self.audit: CommandJournal = AuditUnavailable("the local history is not open")
        self.name_archive: NameArchive | None = None  # the history dock keeps resolved names across sessions
        self._unsubscribe: list[Callable[[], None]] = []
        self._selected_id: str | None = None
        self._shown_call: Call | None = None
        self._listened: set[str] = set()  # calls marked as listened to in the list
        self.supervision: dict[str, Supervision] = {}  # per call: what supervisors did (sent here or audited)
        self._accounts: list[Account] = []
        self._layout_restored = False
        self._switching = asyncio.Lock()

        self._build_toolbar()
        self._build_central()
        self.status = ConnectionStatus(self)
        self.setStatusBar(self.status)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.resize(1440, 860)
        self.restore_layout()
        self.set_accounts(self.known_accounts())

    # --- building ------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar("Account", self, objectName="accountToolbar", movable=False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addWidget(QLabel(" Account: "))
        self.account_switcher = QComboBox(objectName="accountSwitcher")
        self.account_switcher.setMinimumContentsLength(22)
        self.account_switcher.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.account_switcher.setToolTip("Switch to another platform account")
        self.account_switcher.activated.connect(self._switch_account)
        bar.addWidget(self.account_switcher)
        self.accounts_action = QAction("Accounts…", self, objectName="accountsAction")
        self.accounts_action.setToolTip("Add, edit or remove platform accounts")
        self.accounts_action.triggered.connect(lambda: self.open_accounts_dialog())
        bar.addAction(self.accounts_action)
        bar.addSeparator()
        self.refresh_action = QAction("Refresh", self, shortcut=QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.setToolTip("Ask the platform for the call list now (F5)")
        self.refresh_action.triggered.connect(self._refresh_now)
        bar.addAction(self.refresh_action)
        bar.addAction(add_redact_switch(self))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.view_menu = self.menuBar().addMenu("&View")  # panels add their show/hide actions here
        quit_action = QAction("Quit", self, shortcut=QKeySequence("Ctrl+Q"))  # StandardKey.Quit is empty off-desktop
        quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)

    def _build_central(self) -> None:
        self.banner = OfflineBanner()
        self.banner.retry_requested.connect(self._refresh_now)

        self.call_list = CallListView()
        self.call_list.setObjectName("callList")
        self.call_list.call_selected.connect(self._on_call_selected)
        self.call_list.rename_requested.connect(self._ask_rename)

        self.call_title = LineLabel("No call selected", objectName="callTitle")
        font = self.call_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.call_title.setFont(font)
        self.call_title.setContentsMargins(4, 2, 4, 2)
        self.call_subtitle = LineLabel("", objectName="callSubtitle")
        self.call_subtitle.setContentsMargins(4, 0, 4, 2)
        self.call_subtitle.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.controls = ControlBar()
        self.controls.setObjectName("controlBar")
        self.controls.command_requested.connect(self.send_command)
        self.controls.mute_changed.connect(self._mute_changed)
        self.controls.target.hide()  # the call header above already names the call
        self.transcript = TranscriptView()
        self.transcript.setObjectName("transcript")
        self.analysis = AnalysisPanel()
        self.analysis.setObjectName("analysis")

        # Recording waveform and player, or live listen-in, for the selected call.
        self.waveform_area = QFrame(objectName="waveformArea")
        self.waveform_area.setFrameShape(QFrame.Shape.StyledPanel)
        waveform_layout = QVBoxLayout(self.waveform_area)
        waveform_layout.setContentsMargins(0, 0, 0, 0)
        self.audio_area = AudioArea()
        self.audio_area.setObjectName("audioArea")
        self.audio_area.attach_transcript(self.transcript)
        self.audio_area.listening_changed.connect(self._listening_changed)
        self.session_changed.connect(lambda session: self.audio_area.on_session_changed(session))
        waveform_layout.addWidget(self.audio_area)

        self.analysis_panel = _panel("Analysis", self.analysis, "analysisArea")
        self.detail_splitter = QSplitter(Qt.Orientation.Horizontal, objectName="detailSplitter")
        self.detail_splitter.addWidget(self.transcript)
        self.detail_splitter.addWidget(self.analysis_panel)
        self.detail_splitter.setStretchFactor(0, 1)  # the transcript takes what the window gains or loses
        self.detail_splitter.setStretchFactor(1, 0)
        self.detail_splitter.setChildrenCollapsible(False)

        # The waveform runs under transcript and analysis: a recording reads best wide.
        self.centre_splitter = QSplitter(Qt.Orientation.Vertical, objectName="centreSplitter")
        self.centre_splitter.addWidget(self.detail_splitter)
        self.centre_splitter.addWidget(self.waveform_area)
        self.centre_splitter.setStretchFactor(0, 1)
        self.centre_splitter.setStretchFactor(1, 0)
        self.centre_splitter.setChildrenCollapsible(False)

        # The selected call's header and controls span transcript and analysis: both are about that call.
        call_area = QWidget(objectName="callArea")
        call_layout = QVBoxLayout(call_area)
        call_layout.setContentsMargins(0, 0, 0, 0)
        call_layout.setSpacing(2)
        call_layout.addWidget(self.call_title)
        call_layout.addWidget(self.call_subtitle)
        call_layout.addWidget(self.controls)
        call_layout.addWidget(self.centre_splitter, 1)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        self.main_splitter.addWidget(self.call_list)
        self.main_splitter.addWidget(call_area)
        self.main_splitter.setStretchFactor(0, 2)
        self.main_splitter.setStretchFactor(1, 3)
        self.main_splitter.setChildrenCollapsible(False)
        self.splitters = (self.main_splitter, self.detail_splitter, self.centre_splitter)

        central = QWidget(objectName="central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 4, 6, 0)
        layout.setSpacing(4)
        layout.addWidget(self.banner)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)

    def _default_sizes(self) -> None:
        """First start: the list gets 45 %, the analysis a third of the rest, audio a third of the height."""
        width = self.main_splitter.width()
        self.main_splitter.setSizes([int(width * 0.45), width - int(width * 0.45)])
        detail = self.detail_splitter.width()
        self.detail_splitter.setSizes([detail - int(detail * 0.35), int(detail * 0.35)])
        height = self.centre_splitter.height()
        audio = int(height * (0.33 if self.height() >= SMALL_HEIGHT else 0.25))  # a short window keeps the transcript
        self.centre_splitter.setSizes([height - audio, audio])

    # --- panels others provide -----------------------------------------------------------
    def set_audio_area(self, widget: QWidget) -> None:
        """Swap the audio area (e.g. a test's stand-in); it gets `show_call(call, client)` on every selection."""
        layout = self.waveform_area.layout()
        assert layout is not None  # built in _build_central
        widget.setObjectName(self.audio_area.objectName())
        layout.replaceWidget(self.audio_area, widget)
        self.audio_area.deleteLater()
        self.audio_area = widget  # type: ignore[assignment]

    def add_panel(self, widget: QWidget, title: str, area: Qt.DockWidgetArea = Qt.DockWidgetArea.BottomDockWidgetArea) -> QDockWidget:
        """A dockable panel (search, review, audit…). Its object name keeps its place across restarts."""
        dock = QDockWidget(title, self, objectName=f"{widget.objectName() or title.replace(' ', '')}Dock")
        # Scrollable, so a panel with a tall minimum can still start small under the live view.
        holder = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        holder.setWidget(widget)
        dock.setWidget(holder)
        # Closable and movable between the window's edges, never floated by a stray double-click on its title.
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(area, dock)
        if not self._restore_dock_state() and self._layout_restored:
            self._default_dock_sizes()
        return dock

    # --- remembered layout ---------------------------------------------------------------
    def restore_layout(self) -> None:
        """Geometry now; splitter sizes once shown, when they have their real room to divide."""
        geometry = setting("window/geometry", QByteArray())
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        self._restore_dock_state()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._layout_restored:
            self._layout_restored = True
            if not self._restore_dock_state():
                self._default_dock_sizes()
            # Once the docks have taken their room, the splitters know how much they have to divide.
            QTimer.singleShot(0, self._restore_splitters)

    def _restore_splitters(self) -> None:
        store = settings()
        self._default_sizes()
        for splitter in self.splitters:
            state = setting(f"window/{splitter.objectName()}", QByteArray(), store)
            if not state.isEmpty():
                splitter.restoreState(state)
        header = setting("callList/header", QByteArray(), store)
        if not header.isEmpty():
            self.call_list.table.horizontalHeader().restoreState(header)

    def _restore_dock_state(self) -> bool:
        state = setting("window/state", QByteArray())
        return not state.isEmpty() and self.restoreState(state)

    def _default_dock_sizes(self) -> None:
        """Panels below start at a third of the height: room for a whole scorecard, the live view still first."""
        docks = [d for d in self.findChildren(QDockWidget)
                 if self.dockWidgetArea(d) is Qt.DockWidgetArea.BottomDockWidgetArea]
        if docks:
            share = 0.33 if self.height() >= SMALL_HEIGHT else 0.24
            self.resizeDocks(docks, [int(self.height() * share)] * len(docks), Qt.Orientation.Vertical)

    def save_layout(self) -> None:
        store = settings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/state", self.saveState())
        for splitter in self.splitters:
            store.setValue(f"window/{splitter.objectName()}", splitter.saveState())
        store.setValue("callList/header", self.call_list.table.horizontalHeader().saveState())
        store.sync()

    # --- accounts ------------------------------------------------------------------------
    def set_accounts(self, accounts: list[Account], current_id: str | None = None) -> None:
        """The switcher lists the demo account first, then the configured ones."""
        self._accounts = accounts
        self.account_switcher.blockSignals(True)
        self.account_switcher.clear()
        for account in accounts:
            self.account_switcher.addItem(account_label(account), account.id)
        current = current_id or (self.session.account.id if self.session else None)
        if current is not None:
            index = self.account_switcher.findData(current)
            if index >= 0:
                self.account_switcher.setCurrentIndex(index)
        self.account_switcher.blockSignals(False)
        self.accounts_changed.emit(list(accounts))

    def known_accounts(self) -> list[Account]:
        return [demo_account(), *self.book.accounts]

    def last_account(self) -> Account | None:
        """The account open when the window last closed (None on a first start: the demo shows)."""
        account_id = setting("accounts/last", "")
        return self.book.get(account_id) if account_id else None

    def open_accounts_dialog(self, problem: str = "") -> AccountsDialog:
        """Non-blocking: the dialog asks for a switch through `open_requested`."""
        if self.accounts_dialog is None:
            current = self.session.account.id if self.session else None
            dialog = AccountsDialog(self.book, self, current_id=current)
            dialog.open_requested.connect(self._open_from_dialog)
            dialog.accounts_changed.connect(lambda: self.set_accounts(self.known_accounts()))
            dialog.finished.connect(self._accounts_dialog_closed)
            self.accounts_dialog = dialog
            dialog.open()
        self.accounts_dialog.show_problem(problem)
        return self.accounts_dialog

    def _accounts_dialog_closed(self) -> None:
        if self.accounts_dialog is not None:
            self.accounts_dialog.deleteLater()
            self.accounts_dialog = None

    @asyncSlot(object)
    async def _open_from_dialog(self, account: Account) -> None:
        await self.open_account(account)

    @asyncSlot(int)
    async def _switch_account(self, index: int) -> None:
        account_id = str(self.account_switcher.itemData(index))
        account = next((a for a in self._accounts if a.id == account_id), None)
        if account is not None and (self.session is None or self.session.account.id != account.id):
            await self.open_account(account)

    async def open_demo(self) -> AccountSession:
        self.status.show_account("Starting the demo platform…")
        self.call_list.set_loading("Starting the demo platform (embedded sandbox)…")
        account = await self.demo.start()
        return await self.open_session(account, self.demo.api_key)

    async def open_account(self, account: Account) -> AccountSession | None:
        if account.id == DEMO_ACCOUNT_ID or account.is_demo:
            return await self.open_demo()
        key = await off_thread(self.book.key_for, account)
        if not key:
            # Every part of the window now speaks of this account (none of it shows the previous one).
            await self.close_session()
            self._show_call(None)
            self.set_accounts(self._accounts if self.account_switcher.findData(account.id) >= 0
                              else [*self._accounts, account], account.id)
            self.setWindowTitle(f"{account.name} — {APP_NAME}")
            self.banner.show_state(None)
            self.status.show_no_session(f"No API key for {account.name}")
            self.call_list.set_loading(
                f"No API key is stored for “{account.name}”.\nAdd it in Accounts…, or set {ENV_KEY}.")
            self.open_accounts_dialog(f"“{account.name}” has no API key yet. Paste it below, then open the account.")
            return None
        public_key = await off_thread(self.book.public_key_for, account)
        hub_token = await off_thread(self.book.hub_token_for, account) if account.hub_url else None
        return await self.open_session(account, key, public_key, hub_token)

    async def open_session(self, account: Account, api_key: str, public_key: str | None = None,
                           hub_token: str | None = None) -> AccountSession:
        """Close the current session (and its HTTP client) and start polling the given account
        (and, when it names a hub and there is a token, streaming from the hub)."""
        async with self._switching:  # two quick switches must not leave a session running unseen
            await self.close_session()
            session = AccountSession.open(account, api_key, self.audit, public_key=public_key, plan=self.poll_plan,
                                          names=self.name_archive)
            self.session = session
            if account.hub_url and hub_token:
                from app.live.hub_link import HubLink

                self.hub = HubLink(session, account.hub_url, hub_token)
                session.audit = SharedJournal(session.audit, self.hub.board)  # the team sees who sent what
        self.call_list.model.set_registry(session.registry)
        self.call_list.set_capabilities(session.capabilities)
        self.call_list.set_loading(f"Loading calls from {account.name} ({account.provider.display_name})…")
        self._unsubscribe = [
            session.registry.events.changed.connect(self._on_registry_change),
            session.poller.events.state.connect(self._on_poll_state),
            session.events.capabilities.connect(self._on_capabilities),
        ]
        self.banner.set_address(account.provider.display_name, account.base_url)
        if self.hub is not None:
            self._unsubscribe.append(self.hub.events.mode.connect(self.status.show_hub))
            self.status.show_hub(self.hub.mode)
        elif account.hub_url:
            from app.live.hub_link import NO_TOKEN_TEXT

            self.status.show_hub(NO_TOKEN_TEXT)
        self._on_poll_state(session.poller.state)
        self.status.show_account(f"{account.name} · {account.provider.display_name} · {account.base_url}")
        self.setWindowTitle(f"{account.name} — {APP_NAME}")
        if self.book.get(account.id) is not None or account.is_demo:
            settings().setValue("accounts/last", "" if account.is_demo else account.id)
        if self.account_switcher.findData(account.id) < 0:
            self.set_accounts([*self._accounts, account], account.id)
        else:
            self.set_accounts(self._accounts, account.id)
        self._show_call(None)
        session.start()
        if self.hub is not None:
            self.hub.start()
        self.session_changed.emit(session)
        return session

    async def close_session(self) -> None:
        session, self.session = self.session, None
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self.call_list.model.set_registry(None)
        self._selected_id = None
        hub, self.hub = self.hub, None
        if hub is not None:
            await hub.stop()
        self.status.show_hub(None)
        self._shown_call = None
        if session is not None:
            await session.aclose()
            self.session_changed.emit(None)

    async def shutdown(self) -> None:
        """Close HTTP clients and the demo platform; called once the window is gone."""
        await self.close_session()
        await self.audio_area.close_audio()
        await self.demo.stop()

    # --- live state ----------------------------------------------------------------------
    def _on_poll_state(self, state: PollState) -> None:
        self.status.show_state(state)
        self.banner.show_state(state)
        if state.loaded:
            self.call_list.set_loaded()
        elif state.connection in (Connection.OFFLINE, Connection.FAILING, Connection.UNAUTHORIZED):
            self.call_list.set_loading(f"Could not load calls yet.\n{state.message}")
        if state.connection is Connection.UNAUTHORIZED and self.session is not None:
            account = self.session.account  # the key was refused: let the supervisor fix it
            self.open_accounts_dialog(f"{account.provider.display_name} refused the API key for “{account.name}”: "
                                      f"{state.message} Enter a valid key, then open the account again.")

    def _on_registry_change(self, change: RegistryChange) -> None:
        if self.session is not None:
            for call_id in change.changed:
                call = self.session.registry.get(call_id)
                if call is not None and not call.is_live:  # over: nothing is muted or heard any more
                    self.call_list.proxy.set_mark(call_id, CallMark.MUTED, None)
                    if call_id in self._listened and isinstance(self.audio_area, AudioArea):
                        self.audio_area.call_ended(call_id)
        if self.hub is not None and self.hub.streaming:
            self.status.show_pushed()  # the list is as fresh as the last push, not the last (slow) poll
        if self._selected_id is None:
            return
        if self._selected_id in change.removed:
            self._show_call(None)
        elif self._selected_id in change.changed and self.session is not None:
            call = self.session.registry.get(self._selected_id)
            self._update_call(call)

    def _mute_changed(self, call_id: str) -> None:
        self.call_list.proxy.set_mark(call_id, CallMark.MUTED, self.controls.muted_words(call_id))
        if call_id == self._selected_id:
            self._set_title(self.selected_call())

    def _listening_changed(self) -> None:
        now = self.audio_area.listened_ids()
        for call_id in self._listened - now:
            self.call_list.proxy.set_mark(call_id, CallMark.LISTENING, None)
        for call_id in now - self._listened:
            self.call_list.proxy.set_mark(call_id, CallMark.LISTENING, "You are listening to this call")
        self._listened = now
        self._set_title(self.selected_call())

    def add_supervision(self, call_id: str, supervision: Supervision) -> None:
        """What a supervisor did to a call (from a command sent here, or the audit log)."""
        known = self.supervision.get(call_id, Supervision())
        merged = known.merged(supervision)
        if merged == known and call_id in self.supervision:
            return
        self.supervision[call_id] = merged
        ended = f"{ENDED_BY_SUPERVISOR} ({merged.ended_by})" if merged.ended_by else None
        self.call_list.proxy.set_mark(call_id, CallMark.ENDED_BY, ended)
        call = self.selected_call()
        if call is not None and call.id == call_id:
            self._show_supervision(call)

    def _show_supervision(self, call: Call) -> None:
        said = self.supervision.get(call.id, Supervision()).said
        self.transcript.model.set_supervisor_rows(supervisor_rows(call.turns, said) if said else ())
        self._set_title(SCREEN.call(call))

    # --- selection -----------------------------------------------------------------------
    def selected_call(self) -> Call | None:
        if self.session is None or self._selected_id is None:
            return None
        return self.session.registry.get(self._selected_id)

    def _on_call_selected(self, call_id: str) -> None:
        call = self.session.registry.get(call_id) if (self.session and call_id) else None
        self._show_call(call)

    def open_call(self, call_id: str) -> bool:
        """Show a call of the open account (from the alerts queue or the wall): selected in the list
        when the filters show it, else shown directly. False when the account does not hold it."""
        call = self.session.registry.get(call_id) if self.session else None
        if call is None:
            return False
        if not self.call_list.select_call(call_id):
            self.call_list.table.selectionModel().clear()
            self._show_call(call)
        return True

    def show_cached_call(self, call: Call) -> None:
        """A call from the local history that the live list does not hold (older, or another account)."""
        self.call_list.clear_selection()
        self._show_call(call)

    def _show_call(self, call: Call | None) -> None:
        self._selected_id = call.id if call else None
        self._shown_call = call
        if self.session is not None:
            self.session.poller.watch(self._selected_id)
            if call is not None:
                self.session.poller.poll_list_soon()
        screened = SCREEN.call(call)  # the Redact switch: what the screen may show
        self._set_title(screened)
        self.transcript.show_call(screened)
        if call is not None:
            self._show_supervision(call)
        self.analysis.show_call(screened)
        self._show_controls(call)
        self.audio_area.show_call(call, self.session.client if self.session else None)
        self.selected_call_changed.emit(call)

    def _update_call(self, call: Call | None) -> None:
        if call is None:
            return
        self._shown_call = call
        screened = SCREEN.call(call)
        self.transcript.update_call(screened)
        self._show_supervision(call)
        self.analysis.show_call(screened)
        self.audio_area.update_call(call)
        self._show_controls(call)
        self.selected_call_changed.emit(call)

    def redraw_call(self) -> None:
        """Show the call and the list again, as the Redact switch now says."""
        self._update_call(self._shown_call)
        model = self.call_list.model
        if model.rowCount() and model.columnCount():
            model.dataChanged.emit(model.index(0, 0), model.index(model.rowCount() - 1, model.columnCount() - 1))

    def _show_controls(self, call: Call | None) -> None:
        """The control bar for this call: what it takes now (its kind, state and refusals)."""
        session = self.session
        self.controls.set_call(call, session.capabilities_for(call) if session and call else None)

    def _on_capabilities(self, call_id: str) -> None:
        if call_id == self._selected_id:  # a command refused: that button says why now
            self._show_controls(self.selected_call())

    def _set_title(self, call: Call | None) -> None:
        if call is None:
            self.call_title.set_line("No call selected")
            self.call_subtitle.set_line("Choose a call in the list — live calls can be controlled from here.")
            return
        self.call_title.set_line(call_label(call))
        muted = self.controls.muted_words(call.id) if call.is_live else None
        listening = "you are listening" if call.id in self._listened else ""
        ended_by = self.supervision.get(call.id, Supervision()).ended_by
        ended = f"{ENDED_BY_SUPERVISOR} ({ended_by})" if ended_by and not call.is_live else ""
        bits = [call.status, ended, muted or "", listening, call.assistant_label, call.id]
        self.call_subtitle.set_line(" · ".join(b for b in bits if b))

    # --- actions -------------------------------------------------------------------------
    @asyncSlot()
    async def _refresh_now(self) -> None:
        if self.session is None:
            return
        self.session.poller.resume()
        try:
            await self.session.refresh_list()
        except ProviderError as error:
            self.status.showMessage(f"Refresh failed: {one_line(str(error))}", 8000)

    @asyncSlot(object)
    async def send_command(self, command: Command) -> CommandResult | None:
        """From the control bar: send once through the session, show the outcome, refresh the call."""
        session, call_id = self.session, self._selected_id
        if session is None or call_id is None:
            return None
        result = await session.send(call_id, command)  # the control bar lets one through per call at a time
        self.controls.show_outcome(call_id, result, command)
        self.add_supervision(call_id, from_commands([(command.kind, command.model_dump(), result.outcome, "you")]))
        self.status.showMessage(f"{command.kind.value.capitalize()}: {result.outcome.value}"
                                + (f" — {one_line(result.message)}" if result.message else ""), 8000)
        with contextlib.suppress(ProviderError):  # the poller catches up and reports trouble itself
            await session.refresh(call_id)
        return result

    def _ask_rename(self, call_id: str) -> None:
        if self.session is None:
            return
        call = self.session.registry.get(call_id)
        dialog = QInputDialog(self, objectName="renameDialog")
        dialog.setWindowTitle("Rename call")
        dialog.setLabelText("Name for this call:")
        dialog.setTextValue(call.name or "" if call else "")
        dialog.textValueSelected.connect(lambda name: self._rename(call_id, name))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    @asyncSlot(str, str)
    async def _rename(self, call_id: str, name: str) -> None:
        if self.session is None:
            return
        try:
            await self.session.rename(call_id, name)
        except ProviderError as error:
            self.notify(f"The call could not be renamed: {readable(error)}")
        else:
            self.status.showMessage(f"Call renamed to “{one_line(name)}”", 5000)

    def notify(self, text: str) -> None:
        box = message_box(QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text, QMessageBox.StandardButton.Ok, self))
        box.setObjectName("notice")
        box.finished.connect(box.deleteLater)
        box.open()

    # --- closing -------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        super().closeEvent(event)
        self.closed.emit()

    def wait_closed(self) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        def done() -> None:
            if not future.done():
                future.set_result(None)

        self.closed.connect(done)
        return future
