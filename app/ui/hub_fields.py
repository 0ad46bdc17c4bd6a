"""The Accounts dialog's "Team hub" group: the hub an account streams from, and the user's hub token.

The URL is saved with the account; the token goes to the OS keyring beside the account's key
(SWITCHBOARD_HUB_TOKEN wins over it), never into the accounts file.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from app.domain import Account
from app.live.accounts import ENV_HUB_TOKEN


def hub_url_problem(url: str) -> str | None:
    if url and not url.startswith(("http://", "https://")):
        return "The hub URL starts with https:// (or http:// on a trusted network)."
    return None


class HubFields(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Team hub (optional)", parent)
        self.setObjectName("hubFields")
        self.url = QLineEdit()
        self.url.setObjectName("accountHubUrl")
        self.url.setPlaceholderText("e.g. https://hub.example.com — leave empty to poll the platform alone")
        self.token = QLineEdit()
        self.token.setObjectName("accountHubToken")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("Your token from `switchboard hub add-user`")
        self.state = QLabel()
        self.state.setObjectName("hubTokenState")
        self.state.setWordWrap(True)
        self.state.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Hub URL", self.url)
        form.addRow("Hub token", self.token)
        form.addRow("", self.state)

    def show_account(self, account: Account | None) -> None:
        editable = account is not None and not account.is_demo
        self.setEnabled(editable)
        self.url.setText(account.hub_url or "" if account else "")
        self.token.clear()
        self.show_stored(False)
        self.state.setText(f"With a hub, live updates are pushed and the team shares its audit log and reviews. "
                           f"The token is kept in the OS keyring, or taken from {ENV_HUB_TOKEN}."
                           if editable else "")

    def show_stored(self, has_token: bool) -> None:
        """Once the keyring has answered; what the user may have typed meanwhile stays."""
        self.token.setPlaceholderText("Stored — type to replace" if has_token
                                      else "Your token from `switchboard hub add-user`")

    def applied(self, account: Account) -> Account:
        """The account with the hub URL of the form (None when empty)."""
        return account.model_copy(update={"hub_url": self.url.text().strip().rstrip("/") or None})

    def typed_token(self) -> str | None:
        """A token typed to be stored (removing the account removes the stored one)."""
        return self.token.text().strip() or None
