"""The small forms behind Say, Inject and Transfer, and the confirmation before a drastic command.

Every dialog is shown with open() and reports through signals, so no nested event loop runs
while the live layer's coroutines are waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import (
    AppendContext,
    Command,
    Inject,
    Say,
    Transfer,
    TransferMode,
    is_transfer_destination,
)
from app.ui.plain import message_box
from app.ui.tones import Tone, style_color

TRANSFER_HINT = "Enter a phone number in E.164 form (+15551234567) or a SIP URI (sip:agent@example.com)"
TRANSFER_MODES = {
    TransferMode.BLIND: "Blind: connect the caller straight away",
    TransferMode.WARM_MESSAGE: "Warm: the assistant says a message to the agent first",
    TransferMode.WARM_SUMMARY: "Warm: the assistant summarises the call to the agent first",
}


def command_from_form(action: str, fields: Mapping[str, object]) -> Command | None:
    """The one place a form's fields become a Command (None while incomplete or invalid)."""
    text = str(fields.get("text") or "").strip()
    if action == "say":
        return Say(text=text, end_after=bool(fields.get("end_after")),
                   interrupt_assistant=bool(fields.get("interrupt"))) if text else None
    if action == "inject":
        return Inject(text=text, trigger_response=bool(fields.get("respond"))) if text else None
    if action == "append-context":
        return AppendContext(text=text) if text else None
    if action == "transfer":
        destination = str(fields.get("destination") or "").strip()
        if not is_transfer_destination(destination):
            return None
        mode = TransferMode(str(fields.get("mode") or TransferMode.BLIND))
        handoff = str(fields.get("handoff_message") or "").strip() or None
        if mode is TransferMode.WARM_MESSAGE and handoff is None:
            return None  # the platform needs the words for the agent
        return Transfer(destination=destination, message=str(fields.get("message") or "").strip() or None,
                        mode=mode, handoff_message=handoff if mode is TransferMode.WARM_MESSAGE else None,
                        extension=str(fields.get("extension") or "").strip() or None,
                        caller_id=str(fields.get("caller_id") or "").strip() or None)
    raise ValueError(action)


class CommandDialog(QDialog):
    """A form that, once accepted, yields one Command through `command_ready`."""

    command_ready = Signal(object)

    def __init__(self, title: str, action: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(440)
        self.form = QVBoxLayout(self)
        self.form.setSpacing(8)
        self._blocked = False
        # Shown when the call can no longer take the command: the form stays, with what was typed.
        self.blocked = QLabel("", objectName="commandBlocked", wordWrap=True)
        self.blocked.setStyleSheet(f"color: {style_color(Tone.BAD, self.palette())}; font-weight: 600;")
        self.blocked.hide()
        self.form.addWidget(self.blocked)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._try_accept)
        # Enter makes a new line in the text boxes, so Ctrl+Enter sends from anywhere in the form.
        self._send_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self, self._try_accept)
        self.ok_button.setToolTip("Ctrl+Enter")
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self, first: QWidget) -> None:
        self.form.addWidget(self.buttons)
        self.ok_button.setDefault(True)  # only sticks once the button lives in the dialog
        first.setFocus()
        self.refresh()

    def build(self) -> Command | None:
        """The command the form describes, or None while it is incomplete."""
        raise NotImplementedError

    def inputs(self) -> list[QWidget]:
        """The fields and options, made read-only or disabled when the call can no longer take the command."""
        return []

    def block(self, reason: str) -> None:
        """The call can no longer take this command: say why, keep the text (read-only, still copyable)."""
        self._blocked = True
        self.blocked.setText(f"{reason} Your text is kept so you can copy it.")
        self.blocked.show()
        for widget in self.inputs():
            if isinstance(widget, QPlainTextEdit | QLineEdit):
                widget.setReadOnly(True)
            else:
                widget.setEnabled(False)
        self.refresh()

    def refresh(self) -> None:
        self.ok_button.setEnabled(not self._blocked and self.build() is not None)

    def _try_accept(self) -> None:
        command = None if self._blocked else self.build()
        if command is None:
            return
        self.accept()
        self.command_ready.emit(command)


class TextCommandDialog(CommandDialog):
    """Say, Inject and Append context: a text and its options (check boxes named after the fields)."""

    def __init__(self, action: str, title: str, button: str, prompt: str,
                 options: Mapping[str, tuple[str, bool]], parent: QWidget | None = None) -> None:
        super().__init__(title, button, parent)
        self.action = action
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(96)
        self.text.textChanged.connect(self.refresh)
        self.form.addWidget(label)
        self.form.addWidget(self.text)
        self.options: dict[str, QCheckBox] = {}
        for name, (words, default) in options.items():
            box = QCheckBox(words, objectName=f"option-{name}")
            box.setChecked(default)
            self.options[name] = box
            self.form.addWidget(box)
        self.finish_layout(self.text)

    def inputs(self) -> list[QWidget]:
        return [self.text, *self.options.values()]

    def build(self) -> Command | None:
        fields: dict[str, object] = {name: box.isChecked() for name, box in self.options.items()}
        fields["text"] = self.text.toPlainText()
        return command_from_form(self.action, fields)


def say_dialog(parent: QWidget | None, call_label: str) -> TextCommandDialog:
    return TextCommandDialog(
        "say", f"Say — {call_label}", "Say", "The assistant speaks this text to the caller, word for word.",
        {"interrupt": ("Interrupt the assistant (speak now, not when it stops talking)", False),
         "end_after": ("End the call after speaking", False)}, parent)


def inject_dialog(parent: QWidget | None, call_label: str) -> TextCommandDialog:
    return TextCommandDialog(
        "inject", f"Inject context — {call_label}", "Inject",
        "Added to the conversation as a system message the caller does not hear.",
        {"respond": ("Let the assistant respond", True)}, parent)


def append_dialog(parent: QWidget | None, call_label: str) -> TextCommandDialog:
    return TextCommandDialog(
        "append-context", f"Append context — {call_label}", "Append",
        "Added to the assistant's instructions for the rest of the call; the caller does not hear it.",
        {}, parent)


class TransferDialog(CommandDialog):
    """Destination checked as it is typed; the message is optional."""

    def __init__(self, call_label: str, parent: QWidget | None = None) -> None:
        super().__init__(f"Transfer — {call_label}", "Transfer…", parent)
        self.destination = QLineEdit()
        self.destination.setPlaceholderText("+15551234567 or sip:agent@example.com")
        self.destination.setClearButtonEnabled(True)
        self.destination.textChanged.connect(self.refresh)
        self.error = QLabel("")
        self.error.setObjectName("transferError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {style_color(Tone.BAD, self.palette())};")
        self.mode = QComboBox(objectName="transferMode")
        for mode, words in TRANSFER_MODES.items():
            self.mode.addItem(words, mode.value)
        self.message = QLineEdit()
        self.message.setPlaceholderText("Optional: what the assistant says before transferring")
        self.handoff = QLineEdit(objectName="transferHandoff",
                                 placeholderText="What the assistant tells the agent before connecting")
        self.handoff.textChanged.connect(self.refresh)
        self.handoff_label = QLabel("Message for the agent")
        self.mode.currentIndexChanged.connect(self._show_handoff)
        self.extension = QLineEdit(objectName="transferExtension", placeholderText="Optional, e.g. 204")
        self.caller_id = QLineEdit(objectName="transferCallerId", placeholderText="Optional: the number the agent sees")
        self.form.addWidget(QLabel("Transfer the caller to"))
        self.form.addWidget(self.destination)
        self.form.addWidget(self.error)
        self.form.addWidget(QLabel("How"))
        self.form.addWidget(self.mode)
        self.form.addWidget(self.handoff_label)
        self.form.addWidget(self.handoff)
        self.form.addWidget(QLabel("Message"))
        self.form.addWidget(self.message)
        self.form.addWidget(QLabel("Extension"))
        self.form.addWidget(self.extension)
        self.form.addWidget(QLabel("Caller ID"))
        self.form.addWidget(self.caller_id)
        self.finish_layout(self.destination)
        self._show_handoff()

    def _show_handoff(self) -> None:
        warm_message = self.mode.currentData() == TransferMode.WARM_MESSAGE.value
        self.handoff.setVisible(warm_message)
        self.handoff_label.setVisible(warm_message)
        self.refresh()

    def inputs(self) -> list[QWidget]:
        return [self.destination, self.mode, self.handoff, self.message, self.extension, self.caller_id]

    def build(self) -> Command | None:
        return command_from_form("transfer", {
            "destination": self.destination.text(), "mode": self.mode.currentData(), "message": self.message.text(),
            "handoff_message": self.handoff.text(), "extension": self.extension.text(),
            "caller_id": self.caller_id.text()})

    def refresh(self) -> None:
        super().refresh()
        typed = self.destination.text().strip()
        self.error.setText("" if not typed or is_transfer_destination(typed) else TRANSFER_HINT)
        self.error.setVisible(bool(self.error.text()))


def confirm(parent: QWidget, title: str, text: str, action: str, on_confirm: Callable[[], None]) -> QMessageBox:
    """Ask before something that cannot be undone; Cancel is the default button."""
    box = message_box(QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, parent))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    confirm_button = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setObjectName("confirmCommand")

    def finished() -> None:
        if box.clickedButton() is confirm_button:
            on_confirm()

    box.finished.connect(finished)
    box.open()
    return box
