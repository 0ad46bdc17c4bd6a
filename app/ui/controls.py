"""The control bar for the selected live call: Say, Inject, Transfer, End, Mute, and what came of them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.domain import (
    Call,
    CallCapabilities,
    CallStatus,
    Capabilities,
    Command,
    CommandKind,
    CommandResult,
    End,
    Mute,
    Outcome,
    Side,
    Transfer,
    Unmute,
    describe,
)
from app.ui.command_dialogs import (
    CommandDialog,
    TransferDialog,
    append_dialog,
    confirm,
    inject_dialog,
    say_dialog,
)
from app.ui.formats import call_label
from app.ui.plain import LineLabel, block, one_line, tooltip, wrapped
from app.ui.tones import Tone, muted_text, outcome_tone, style_color, tint

NO_CALL = "Select a live call to control it."
NOT_ANSWERED = frozenset({CallStatus.QUEUED, CallStatus.RINGING})
LONGEST_DESCRIPTION = 60


@dataclass(frozen=True)
class Action:
    key: str
    label: str
    kind: CommandKind
    shortcut: str
    help: str


ACTIONS = (
    Action("say", "Say…", CommandKind.SAY, "Ctrl+Shift+S", "Make the assistant say a sentence"),
    Action("inject", "Inject…", CommandKind.INJECT, "Ctrl+Shift+I", "Give the assistant context the caller does not hear"),
    Action("append-context", "Append context…", CommandKind.APPEND_CONTEXT, "Ctrl+Shift+X",
           "Add instructions to the assistant's context for the rest of the call"),
    Action("transfer", "Transfer…", CommandKind.TRANSFER, "Ctrl+Shift+T", "Transfer the caller to a number or SIP address"),
    Action("mute-assistant", "Mute assistant", CommandKind.MUTE, "Ctrl+Shift+A", "Silence the assistant"),
    Action("mute-customer", "Mute customer", CommandKind.MUTE, "Ctrl+Shift+C", "Stop the assistant hearing the caller"),
    Action("end", "End call", CommandKind.END, "Ctrl+Shift+E", "Hang up the call for everyone"),
)
_SIDES = {"mute-assistant": Side.ASSISTANT, "mute-customer": Side.CUSTOMER}


def action_key(command: Command) -> str:
    """Which button a command belongs to (mute and unmute of one side share a button)."""
    if isinstance(command, Mute | Unmute):
        return f"mute-{command.side.value}"
    return command.kind.value


def state_reason(call: Call, key: str) -> str | None:
    """Why the call's state forbids an action: nothing but End before it is answered or while it is
    being transferred, nothing at all once it is over."""
    if not call.is_live:
        return f"The call is not live ({call.status}); only live calls can be controlled."
    if key == "end":
        return None
    if call.status in NOT_ANSWERED:
        return f"The call is still {call.status}: only End works until it is answered."
    if call.status == CallStatus.FORWARDING:
        return "The call is being transferred: only End works now."
    return None


def _short(command: Command) -> str:
    text = describe(command)
    return text if len(text) <= LONGEST_DESCRIPTION else text[: LONGEST_DESCRIPTION - 1] + "…"


class ControlBar(QWidget):
    """Buttons for the selected live call; disabled with a reason whenever they cannot work."""

    command_requested = Signal(object)
    mute_changed = Signal(str)  # call id: its muted sides changed (see muted_words)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._call: Call | None = None
        self._capabilities: CallCapabilities | Capabilities | None = None
        self._in_flight: dict[str, list[Command]] = {}
        self._outcomes: dict[str, tuple[Command | None, CommandResult]] = {}
        self._muted: dict[str, set[Side]] = {}
        self._open_dialog: QWidget | None = None
        self._open_key: str | None = None  # the action the open dialog belongs to

        self.target = LineLabel(NO_CALL)
        self.target.setObjectName("controlTarget")
        self.buttons: dict[str, QToolButton] = {}
        self.shortcuts: list[QShortcut] = []
        # Two groups (speak; mute and hang up) side by side, or one above the other when the column is narrow.
        speak, hold = QHBoxLayout(), QHBoxLayout()
        for group in (speak, hold):
            group.setSpacing(6)
            group.setContentsMargins(0, 0, 0, 0)
        speak.addWidget(self.target)
        speak.addSpacing(8)
        row = speak
        for action in ACTIONS:
            if action.key == "mute-assistant":
                row = hold
            elif action.key == "end":
                row.addSpacing(12)  # mute, then hang up
            # Tool buttons: no 80 px minimum per button, so the bar fits a narrow centre column.
            button = QToolButton()
            button.setText(action.label)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumHeight(26)
            button.setObjectName(f"control-{action.key}")
            # A QShortcut rather than the button's own: that one clicks after a 100 ms animation.
            shortcut = QShortcut(QKeySequence(action.shortcut), self, button.click)
            shortcut.setAutoRepeat(False)  # holding the keys must not fire a command per repeat
            self.shortcuts.append(shortcut)
            button.setCheckable(action.key in _SIDES)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _checked=False, key=action.key: self._on_action(key))
            if action.key in _SIDES:  # as wide as its longer label, so the row never moves when it flips
                side = _SIDES[action.key].value
                widths = []
                for text in (f"Mute {side}", f"Unmute {side}"):
                    button.setText(text)
                    widths.append(button.sizeHint().width())
                button.setMinimumWidth(max(widths))
            self.buttons[action.key] = button
            row.addWidget(button)
        speak.addStretch(1)
        hold.addStretch(1)
        self._speak, self._hold = QWidget(), QWidget()
        self._speak.setLayout(speak)
        self._hold.setLayout(hold)
        self._rows = QGridLayout()
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setHorizontalSpacing(12)
        self._rows.setVerticalSpacing(4)
        self.stacked = False
        self._place_groups(stacked=False)
        # The outcome gets its own line so long platform messages never squeeze the buttons.
        self.outcome = wrapped(QLabel(""))
        self.outcome.setObjectName("controlOutcome")
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 5, 8, 5)
        column.setSpacing(4)
        column.addLayout(self._rows)
        column.addWidget(self.outcome)
        self._restyle()
        self._refresh()

    # -- public API -----------------------------------------------------------------------------
    def set_call(self, call: Call | None, capabilities: CallCapabilities | Capabilities | None) -> None:
        """Point the bar at another call (or a newer copy of the same one); ended calls stay
        selectable so the outcome of an End is still shown next to them."""
        same = call is not None and self._call is not None and call.id == self._call.id
        if not same:
            self._close_dialog()  # a half-filled form must never go to a different call
        self._call = call
        self._capabilities = capabilities
        self._refresh()
        if call is not None and self._open_dialog is not None and self._open_key is not None:
            reason = state_reason(call, self._open_key)
            if reason is None:
                return
            if isinstance(self._open_dialog, CommandDialog):  # keep what was typed, send nothing
                self._open_dialog.block("The call ended: nothing can be sent now." if not call.is_live
                                        else reason)
            else:
                self._close_dialog()  # a confirmation of something that can no longer happen

    def show_outcome(self, call_id: str, result: CommandResult, command: Command | None = None) -> None:
        """What became of a command sent for call_id (the oldest one in flight unless `command` says)."""
        waiting = self._in_flight.get(call_id, [])
        if command is not None and command in waiting:
            waiting.remove(command)
        elif command is None and waiting:
            command = waiting.pop(0)
        if not waiting:
            self._in_flight.pop(call_id, None)
        self._outcomes[call_id] = (command, result)  # a refusal disables itself through the call's capabilities
        if result.outcome == Outcome.ACCEPTED and isinstance(command, Mute | Unmute):
            muted = self._muted.setdefault(call_id, set())
            (muted.add if isinstance(command, Mute) else muted.discard)(command.side)
            self.mute_changed.emit(call_id)
        if self._call is not None and self._call.id == call_id:
            self._refresh()

    def is_muted(self, call_id: str, side: Side) -> bool:
        return side in self._muted.get(call_id, set())

    def muted_words(self, call_id: str) -> str | None:
        """'Assistant muted', 'Customer muted', 'Assistant and customer muted', or None."""
        sides = [side.value for side in Side if self.is_muted(call_id, side)]
        return " and ".join(sides).capitalize() + " muted" if sides else None

    @property
    def open_dialog(self) -> QWidget | None:
        """The form or confirmation currently asking the supervisor something, if any."""
        return self._open_dialog

    # -- actions --------------------------------------------------------------------------------
    def _on_action(self, key: str) -> None:
        call = self._call
        self._refresh()  # undo the automatic toggle of the mute buttons until the platform agrees
        if call is None or self._reason(key) is not None:
            return
        label = call_label(call)
        self._open_key = key
        if key == "say":
            self._ask(say_dialog(self, label))
        elif key == "inject":
            self._ask(inject_dialog(self, label))
        elif key == "append-context":
            self._ask(append_dialog(self, label))
        elif key == "transfer":
            self._ask(TransferDialog(label, self))
        elif key == "end":
            self._open_dialog = confirm(
                self, "End the call?", f"Hang up the call with {label} for everyone? This cannot be undone.",
                "End call", lambda: self._send(End()))
        else:
            side = _SIDES[key]
            self._send(Unmute(side=side) if self.is_muted(call.id, side) else Mute(side=side))

    def _ask(self, dialog: CommandDialog) -> None:
        dialog.command_ready.connect(self._on_form_done)
        self._open_dialog = dialog
        dialog.open()

    def _on_form_done(self, command: Command) -> None:
        if not isinstance(command, Transfer) or self._call is None:
            self._send(command)
            return
        self._open_dialog = confirm(
            self, "Transfer the call?",
            f"Transfer {call_label(self._call)} to {one_line(command.destination, 200)}? The assistant leaves the call.",
            "Transfer", lambda: self._send(command))

    def _send(self, command: Command) -> None:
        """The one gate: a command per call at a time (a form opened earlier can be sent while another waits)."""
        self._open_dialog = self._open_key = None
        call = self._call
        if call is None or not call.is_live:
            return
        if self._in_flight.get(call.id):
            self._set_outcome(f"✕ {_short(command)} — not sent: the platform has not answered the previous request "
                              "yet. Send it again once it has.")
            return
        self._in_flight.setdefault(call.id, []).append(command)
        self._refresh()
        self.command_requested.emit(command)

    def _close_dialog(self) -> None:
        if self._open_dialog is not None:
            dialog, self._open_dialog, self._open_key = self._open_dialog, None, None
            dialog.close()

    # -- state ----------------------------------------------------------------------------------
    def _kind(self, key: str) -> CommandKind:
        action = next(a for a in ACTIONS if a.key == key)
        if key in _SIDES and self._call is not None and self.is_muted(self._call.id, _SIDES[key]):
            return CommandKind.UNMUTE
        return action.kind

    def _reason(self, key: str) -> str | None:
        """Why the action cannot be used right now, or None when it can."""
        call, capabilities = self._call, self._capabilities
        if call is None or capabilities is None:
            return NO_CALL
        why = state_reason(call, key) or capabilities.why_not(self._kind(key))
        if why:
            return why
        if self._in_flight.get(call.id):  # one command per call at a time: the next waits for its answer
            return "Waiting for the platform to answer the previous request."
        return None

    def _refresh(self) -> None:
        call = self._call
        for action in ACTIONS:
            button = self.buttons[action.key]
            reason = self._reason(action.key)
            button.setEnabled(reason is None)
            if action.kind is CommandKind.APPEND_CONTEXT:  # offered only where the platform takes it
                button.setVisible(self._capabilities is not None and self._capabilities.why_not(action.kind) is None)
            help_text = action.help
            if action.key in _SIDES:
                side = _SIDES[action.key].value
                muted = call is not None and self.is_muted(call.id, _SIDES[action.key])
                button.setChecked(muted)
                button.setText(f"Unmute {side}" if muted else f"Mute {side}")
                help_text = f"Let the {side} be heard again" if muted else action.help
            button.setToolTip(tooltip(reason) if reason else f"{help_text} ({action.shortcut})")
        self.target.setStyleSheet(f"color: {muted_text(self.palette()).name()};" if call is None
                                  else "font-weight: 600;")
        self.target.set_line(NO_CALL if call is None else call_label(call),
                             "" if call is None else f"Call {call.id} · {call.status}")
        self._show_status()

    def _show_status(self) -> None:
        call = self._call
        palette = self.palette()
        if call is None:
            self._set_outcome("")
            return
        waiting = self._in_flight.get(call.id)
        if waiting:
            text, tone = f"Sending: {_short(waiting[-1])} — waiting for the platform…", Tone.NEUTRAL
        elif call.id in self._outcomes:
            command, result = self._outcomes[call.id]
            what = _short(command) if command is not None else "The last command"
            tone = outcome_tone(result.outcome)
            if result.outcome == Outcome.ACCEPTED:
                text = f"✓ {what} — accepted"
            elif result.outcome == Outcome.REFUSED:
                text = f"✕ {what} — refused: {result.message or 'the platform gave no reason'}"
            else:
                text = (f"? {what} — outcome unknown: sent, but no reliable answer came back. "
                        "Check the transcript before retrying.")
        else:
            self._set_outcome("")
            return
        self._set_outcome(text)
        colour = muted_text(palette).name() if tone == Tone.NEUTRAL else style_color(tone, palette)
        self.outcome.setStyleSheet(
            f"QLabel#controlOutcome {{ color: {colour}; background: {tint(tone, palette, 1.2).name()};"
            " border-radius: 4px; padding: 3px 8px; }")

    def _set_outcome(self, text: str) -> None:
        self.outcome.setText(block(text, 1_000))
        self.outcome.setToolTip(tooltip(text))
        self.outcome.setVisible(bool(text))

    def _place_groups(self, *, stacked: bool) -> None:
        self.stacked = stacked
        self._rows.removeWidget(self._speak)
        self._rows.removeWidget(self._hold)
        self._rows.addWidget(self._speak, 0, 0)
        self._rows.addWidget(self._hold, 1 if stacked else 0, 0 if stacked else 1)
        self._rows.setColumnStretch(1, 0 if stacked else 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        margins = self.contentsMargins()
        room = event.size().width() - margins.left() - margins.right() - 16
        needed = self._speak.sizeHint().width() + self._hold.sizeHint().width() + self._rows.horizontalSpacing()
        if (needed > room) != self.stacked:
            self._place_groups(stacked=needed > room)  # every button stays whole and clickable

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
            self._show_status()
        super().changeEvent(event)

    def _restyle(self) -> None:
        palette = self.palette()
        self.buttons["end"].setStyleSheet(
            f"QToolButton:enabled {{ color: {style_color(Tone.BAD, palette)}; font-weight: 600; }}")
