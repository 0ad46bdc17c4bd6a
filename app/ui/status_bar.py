"""What the connection is doing, in words: state, last update, rate-limit waits; and the offline banner."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from math import ceil
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

from app.live.poller import Connection, PollState
from app.ui.plain import LineLabel, tooltip, wrapped
from app.ui.theme import banner_colors
from app.ui.tones import Tone, style_color

_DOTS = {  # in the theme's accents, which read on the window in light and dark alike
    Connection.CONNECTING: Tone.NEUTRAL,
    Connection.ONLINE: Tone.GOOD,
    Connection.OFFLINE: Tone.BAD,
    Connection.FAILING: Tone.WARN,
    Connection.RATE_LIMITED: Tone.WARN,
    Connection.UNAUTHORIZED: Tone.BAD,
}
_WORDS = {
    Connection.CONNECTING: "Connecting…",
    Connection.ONLINE: "Connected",
    Connection.OFFLINE: "Offline",
    Connection.FAILING: "Platform errors",
    Connection.RATE_LIMITED: "Rate limited",
    Connection.UNAUTHORIZED: "Key refused",
}


def ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 2:
        return "just now"
    if seconds < 120:
        return f"{seconds} s ago"
    return when.astimezone().strftime("%H:%M:%S")


class ConnectionStatus(QStatusBar):
    """Permanent widgets on the right: ● state · last update · rate-limit wait."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.account = LineLabel(objectName="statusAccount")
        self.dot = QLabel("●", objectName="connectionDot")
        self.connection = QLabel(objectName="connectionState")
        self.updated = QLabel(objectName="lastUpdate")
        self.waiting = QLabel(objectName="rateLimitWait")
        self.waiting.hide()
        self.hub = QLabel(objectName="hubMode")  # "Streaming from hub" / "Polling", for accounts on a hub
        self.hub.setToolTip("Where live updates come from: pushed by the team hub, or polled from the platform")
        self.hub.hide()
        self.addWidget(self.account)
        for widget in (self.waiting, self.hub, self.dot, self.connection, self.updated):
            self.addPermanentWidget(widget)
        self._state = PollState()
        self._shown: PollState | None = None  # the state the dot and the words show
        self._pushed: datetime | None = None  # the last change the hub pushed
        self._wait_until: float | None = None  # epoch seconds
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()
        self.show_state(self._state)

    @property
    def state(self) -> PollState:
        return self._state

    def show_account(self, text: str) -> None:
        self.account.set_line(text)

    def show_no_session(self, text: str) -> None:
        """No account is being polled (e.g. it has no key): say that, not a stale connection state."""
        self._state = PollState(message=text)
        self._shown = None
        self._wait_until = None
        self.dot.setStyleSheet(f"color: {style_color(_DOTS[Connection.CONNECTING], self.palette())};")
        self.connection.setText("Not connected")
        self.connection.setToolTip(tooltip(text))
        self.dot.setToolTip(tooltip(text))
        self.updated.setText("")
        self.waiting.hide()
        self.show_account(text)

    def show_hub(self, mode: str | None) -> None:
        """The account's hub mode, or None (no hub): the label is hidden."""
        self.hub.setText(mode or "")
        self.hub.setVisible(bool(mode))
        if not mode:
            self._pushed = None
            self._tick()

    def show_pushed(self) -> None:
        self._pushed = datetime.now(UTC)
        self._tick()

    def show_state(self, state: PollState) -> None:
        shown, self._state = self._shown, state
        if shown is not None and replace(shown, last_update=None) == replace(state, last_update=None):
            self._tick()  # another successful poll: only "Updated …" may move (a style sheet costs a re-polish)
            return
        self._shown = state
        self.dot.setStyleSheet(f"color: {style_color(_DOTS[state.connection], self.palette())};")
        self.connection.setText(_WORDS[state.connection])
        self.connection.setToolTip(tooltip(state.message))
        self.dot.setToolTip(tooltip(state.message))
        if state.connection is Connection.RATE_LIMITED and state.retry_in:
            self._wait_until = datetime.now(UTC).timestamp() + state.retry_in
        else:
            self._wait_until = None
        self._tick()

    def _tick(self) -> None:
        now = datetime.now(UTC)
        updates = [when for when in (self._state.last_update, self._pushed) if when is not None]
        self.updated.setText(f"Updated {ago(max(updates) if updates else None, now)}")
        if self._wait_until is not None:
            left = max(0.0, self._wait_until - now.timestamp())
            self.waiting.setText(f"Rate limited — waiting {left:.0f} s")
            self.waiting.setToolTip(tooltip(self._state.message))
            self.waiting.show()
        else:
            self.waiting.hide()


class OfflineBanner(QFrame):
    """Shown while the platform cannot be reached or keeps failing; hides itself on recovery."""

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.setAutoFillBackground(True)
        self.text = wrapped(QLabel(objectName="offlineText"))
        self.address = "the platform"  # "Vapi at host:port", set for each account opened
        self.retry = QPushButton("Retry now", objectName="retryNow")
        self.retry.clicked.connect(self.retry_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignRight)
        self._recolor()
        self.hide()

    def _recolor(self) -> None:
        background, text = banner_colors()
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, background)
        palette.setColor(QPalette.ColorRole.WindowText, text)
        self.setPalette(palette)

    def set_address(self, platform: str, base_url: str) -> None:
        """The platform and the host:port the console tries, for the banner's one sentence."""
        parts = urlsplit(base_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        self.address = f"{platform} at {parts.hostname or base_url}:{port}"

    def show_state(self, state: PollState | None) -> None:
        if state is not None and state.connection in (Connection.OFFLINE, Connection.FAILING):
            what = (f"Offline: cannot reach {self.address}" if state.connection is Connection.OFFLINE
                    else f"Platform trouble: {self.address} is answering with errors")
            retry = f", retrying in {max(1, ceil(state.retry_in))} s" if state.retry_in else ""
            self.text.setText(f"{what}{retry}; the list shows the last known state.")
            self.text.setToolTip(tooltip(state.message))  # the details, for whoever needs them
            self._recolor()
            self.show()
        else:
            self.hide()
