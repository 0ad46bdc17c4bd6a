"""Add, edit and remove platform accounts. Keys go to the OS keyring, or the environment when there is none."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from app.domain import Account, Provider
from app.live.accounts import ENV_KEY, AccountBook, KeyStoreError, keyring_available
from app.live.demo import demo_account
from app.ui.plain import tooltip, wrapped
from app.ui.tasks import OwnedTasks

DEFAULT_URLS = {
    Provider.VAPI: "https://api.vapi.ai",
    Provider.HMS: "https://api.hmsovereign.com/api/v1",
    Provider.VOICEBOT: "https://api.voicebot.studio/api/v1",
}
ACCOUNT_ROLE = Qt.ItemDataRole.UserRole + 1
T = TypeVar("T")


def off_thread(function: Callable[..., T], *args: object) -> asyncio.Future[T]:
    """Keyring calls may go over D-Bus or wait on an unlock prompt: never on the Qt thread."""
    return asyncio.get_running_loop().run_in_executor(None, function, *args)


class AccountsDialog(QDialog):
    """Open with `open()`; `open_requested(account)` asks the window to switch to an account."""

    open_requested = Signal(object)
    accounts_changed = Signal()

    def __init__(self, book: AccountBook, parent: QWidget | None = None, *, current_id: str | None = None):
        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self.setWindowTitle("Accounts")
        self.book = book
        self.resize(720, 420)

        heading = QLabel("<b>Platform accounts</b><br>Each account is one platform (Vapi, HMS Sovereign or "
                         "VoiceBot Studio) at one address, with its API key. Choose one and open it; the demo "
                         "account is always here.", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.problem = wrapped(QLabel(objectName="accountProblem"))
        self.problem.setStyleSheet("QLabel { background: #fdecea; color: #8a1c1c; padding: 8px; border-radius: 4px; }")
        self.problem.hide()

        self.list = QListWidget(objectName="accountList")
        self.list.setMinimumWidth(220)
        self.list.setSpacing(2)
        self.add_button = QPushButton("Add account", objectName="addAccount")
        self.remove_button = QPushButton("Remove", objectName="removeAccount")
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        left.addLayout(buttons)

        self.name = QLineEdit(objectName="accountName", placeholderText="e.g. Clinic line (production)")
        self.platform = QComboBox(objectName="accountPlatform")
        for provider in Provider:
            self.platform.addItem(provider.display_name, provider.value)
        self.base_url = QLineEdit(objectName="accountBaseUrl")
        self.key = QLineEdit(objectName="accountKey")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.public_key = QLineEdit(objectName="accountPublicKey")
        self.public_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.public_key.setToolTip("Vapi's public key: sent only to the call's listen and control addresses")
        self.key_state = wrapped(QLabel(objectName="keyState"))
        self.key_state.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.keyring_note = QLabel(objectName="keyringNote", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.keyring_note.setStyleSheet("QLabel { background: #fff3cd; color: #664d03; padding: 8px; border-radius: 4px; }")
        self.keyring_note.setText(
            "<b>No keyring on this computer.</b> Keys you enter are kept in memory for this session only and "
            "forgotten when Switchboard closes. To have a key at every start, start Switchboard with it in the "
            f"<code>{ENV_KEY}</code> environment variable."
        )
        self.has_keyring: bool | None = None  # unknown until the keyring answers
        self.keyring_note.hide()  # until the keyring has answered (its first call probes backends, maybe over D-Bus)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Name", self.name)
        form.addRow("Platform", self.platform)
        form.addRow("Base URL", self.base_url)
        form.addRow("API key", self.key)
        form.addRow("Public key", self.public_key)
        self.public_key_label = form.labelForField(self.public_key)
        form.addRow("", self.key_state)
        self.save_button = QPushButton("Save", objectName="saveAccount")
        self.open_button = QPushButton("Open this account", objectName="openAccount")
        self.open_button.setDefault(True)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        actions.addWidget(self.open_button)
        self.form_message = wrapped(QLabel(objectName="formMessage"))
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.keyring_note)
        right.addWidget(self.form_message)
        right.addStretch(1)
        right.addLayout(actions)

        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.problem)
        layout.addLayout(body, 1)
        layout.addWidget(close)

        self.list.currentItemChanged.connect(lambda item, _prev: self._show(item))
        self.platform.currentIndexChanged.connect(self._platform_changed)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        self.save_button.clicked.connect(self._save_clicked)
        self.open_button.clicked.connect(self._open)
        self._tasks = OwnedTasks()
        self._key_check: asyncio.Future[None] | None = None
        self.keyring_check = self._tasks.start(self._show_keyring_note())
        self.finished.connect(self._stop_checks)
        self._fill(current_id)

    # --- public --------------------------------------------------------------------------
    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def current_account(self) -> Account | None:
        item = self.list.currentItem()
        account = item.data(ACCOUNT_ROLE) if item else None
        return account if isinstance(account, Account) else None

    async def save(self) -> Account | None:
        """Store the form as an account (and its key in the keyring); None when the form is not valid."""
        account = self.current_account()
        if account is None or account.is_demo:
            return account
        name, url = self.name.text().strip(), self.base_url.text().strip()
        if not name or not url.startswith(("http://", "https://")):
            self._say("Give the account a name and a base URL starting with https://.", error=True)
            return None
        updated = Account(id=account.id, name=name, provider=Provider(self.platform.currentData()), base_url=url)
        self.book.save(updated)
        keys = [(self.key.text().strip(), False)]
        if updated.provider is Provider.VAPI:
            keys.append((self.public_key.text().strip(), True))
        if self.has_keyring is None:
            await self.keyring_check
        problem, in_memory = None, False
        for key, public in keys:
            if not key:
                continue
            if not self.has_keyring:  # nothing can hold it beyond this session: say so, never pretend
                self.book.keep_for_session(updated, key, public=public)
                in_memory = True
                continue
            try:
                await off_thread(self.book.set_public_key if public else self.book.set_key, updated, key)
            except KeyStoreError as error:
                problem = f"Saved the account, but not its {'public ' if public else ''}key: {error}"
        self._fill(updated.id)
        said = ("Saved. No keyring here: the key is kept in memory for this session only." if in_memory
                else "Saved.")
        self._say(problem or said, error=problem is not None)
        self.accounts_changed.emit()
        return updated

    # --- internals -----------------------------------------------------------------------
    def _fill(self, current_id: str | None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for account in [demo_account(), *self.book.accounts]:
            label = f"{account.name}\n{account.provider.display_name}"
            item = QListWidgetItem(label, self.list)
            item.setData(ACCOUNT_ROLE, account)
            item.setToolTip(tooltip(account.base_url or "The built-in sandbox, started on this computer"))
        self.list.blockSignals(False)
        row = next((r for r in range(self.list.count()) if self.list.item(r).data(ACCOUNT_ROLE).id == current_id), 0)
        self.list.setCurrentRow(row)
        self._show(self.list.currentItem())

    def _show(self, item: QListWidgetItem | None) -> None:
        account = item.data(ACCOUNT_ROLE) if item else None
        editable = isinstance(account, Account) and not account.is_demo
        for widget in (self.name, self.platform, self.base_url, self.key, self.public_key, self.save_button,
                       self.remove_button):
            widget.setEnabled(editable)
        self.form_message.clear()
        self.key.clear()
        self.public_key.clear()
        self._show_public_key()
        if not isinstance(account, Account):
            return
        self.name.setText(account.name)
        self.platform.setCurrentIndex(self.platform.findData(account.provider.value))
        self.base_url.setText(account.base_url)
        if account.is_demo:
            self.base_url.setText("Built-in sandbox on this computer")
            self.key.setPlaceholderText("No key needed")
            self.key_state.setText("The demo account plays simulated calls; it cannot be changed or removed.")
            return
        self.key_state.setText("Looking for a stored key…")
        if self._key_check is not None:
            self._key_check.cancel()
        self._key_check = self._tasks.start(self._show_key_state(account))

    async def _show_keyring_note(self) -> None:
        self.has_keyring = await off_thread(keyring_available)
        self.keyring_note.setVisible(not self.has_keyring)

    def _show_public_key(self) -> None:
        """Only Vapi has a second (public) key."""
        vapi = Provider(self.platform.currentData()) is Provider.VAPI
        self.public_key.setVisible(vapi)
        if self.public_key_label is not None:
            self.public_key_label.setVisible(vapi)

    def _stop_checks(self, _result: int) -> None:
        for check in (self.keyring_check, self._key_check):
            if check is not None:
                check.cancel()

    def _stored_keys(self, account: Account) -> tuple[bool, bool]:
        """Whether the account has a private and a public key (one trip off the Qt thread)."""
        return bool(self.book.key_for(account)), bool(self.book.public_key_for(account))

    async def _show_key_state(self, account: Account) -> None:
        has_key, has_public = await off_thread(self._stored_keys, account)
        if self.current_account() != account:
            return  # the supervisor moved on to another account meanwhile
        if self.has_keyring is None:
            await self.keyring_check
        where = "in the OS keyring" if self.has_keyring else "in memory for this session only"
        self.key.setPlaceholderText("Stored — type to replace" if has_key else "Paste the platform's private API key")
        self.public_key.setPlaceholderText("Stored — type to replace" if has_public
                                           else "Optional: needed where listening and control require it")
        state = "A key is available for this account." if has_key else f"No key yet. It is kept {where}, or taken from {ENV_KEY}."
        if account.provider is Provider.VAPI:
            state += " Public key: stored." if has_public else " No public key."
        self.key_state.setText(state)

    def _platform_changed(self) -> None:
        self._show_public_key()
        provider = Provider(self.platform.currentData())
        if not self.base_url.text().strip() or self.base_url.text().strip() in DEFAULT_URLS.values():
            self.base_url.setText(DEFAULT_URLS[provider])

    def _add(self) -> None:
        account = Account(id=uuid.uuid4().hex[:12], name="New account", provider=Provider.VAPI,
                          base_url=DEFAULT_URLS[Provider.VAPI])
        self.book.save(account)
        self._fill(account.id)
        self.name.setFocus()
        self.name.selectAll()
        self.accounts_changed.emit()

    @asyncSlot()
    async def _remove(self) -> None:
        account = self.current_account()
        if account is None or account.is_demo:
            return
        problem = None
        try:
            await off_thread(self.book.remove, account)
        except KeyStoreError as error:
            problem = f"Removed the account, but its key stays in the keyring: {error}"
        self._fill(None)
        if problem:
            self._say(problem, error=True)
        self.accounts_changed.emit()

    @asyncSlot()
    async def _save_clicked(self) -> None:
        await self.save()

    @asyncSlot()
    async def _open(self) -> None:
        account = self.current_account()
        if account is not None and not account.is_demo:
            account = await self.save()
        if account is not None:
            self.open_requested.emit(account)
            self.accept()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.form_message.setText(text)
        self.form_message.setStyleSheet("color: #c62828;" if error else "")
