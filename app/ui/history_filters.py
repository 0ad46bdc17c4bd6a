"""Filter boxes the call list and history panels share: any-or-one choices, which account, which period."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox, QWidget

from app.domain import Account

ALL_ACCOUNTS = "All accounts"

PERIODS: dict[str, timedelta | None] = {
    "Any time": None,
    "Last 24 hours": timedelta(days=1),
    "Last 7 days": timedelta(days=7),
    "Last 30 days": timedelta(days=30),
    "Last 90 days": timedelta(days=90),
}


def account_label(account: Account) -> str:
    """How an account is named in every list that offers it."""
    return f"{account.name} — {account.provider.display_name}"


class ChoiceBox(QComboBox):
    """"Any …" first, then the values; `value()` is None for any."""

    def __init__(self, any_label: str, values: Iterable[str] = (), parent: QWidget | None = None, *,
                 objectName: str = ""):  # noqa: N803 - Qt's name
        super().__init__(parent)
        self.setObjectName(objectName)
        self._any_label = any_label
        self.set_values(values)

    def value(self) -> str | None:
        return self.currentData()

    def set_values(self, values: Iterable[str]) -> None:
        self._set_choices([(value, value) for value in values])

    def _set_choices(self, choices: list[tuple[str, str]]) -> None:
        """Rebuilds the list, keeping the current choice while it is still offered; no change signals."""
        offered = [(self.itemText(i), self.itemData(i)) for i in range(1, self.count())]
        if self.count() and choices == offered:
            return
        current = self.value()
        with QSignalBlocker(self):
            self.clear()
            self.addItem(self._any_label, None)
            for text, value in choices:
                self.addItem(text, value)
            self.setCurrentIndex(max(0, self.findData(current)) if current is not None else 0)


class AccountBox(ChoiceBox):
    """All accounts, or one; the value is the account id."""

    def __init__(self, parent: QWidget | None = None, *, objectName: str = ""):  # noqa: N803 - Qt's name
        super().__init__(ALL_ACCOUNTS, parent=parent, objectName=objectName)
        self.setToolTip("Only calls from this account")

    def set_accounts(self, accounts: list[Account]) -> None:
        self._set_choices([(account_label(account), account.id) for account in accounts])

    def account_id(self) -> str | None:
        return self.value()


class PeriodBox(QComboBox):
    def __init__(self, parent: QWidget | None = None, *, objectName: str = ""):  # noqa: N803 - Qt's name
        super().__init__(parent)
        self.setObjectName(objectName)
        self.setToolTip("Only calls from this period")
        self.addItems(list(PERIODS))

    def since(self, now: datetime | None = None) -> datetime | None:
        span = PERIODS.get(self.currentText())
        return None if span is None else (now or datetime.now(UTC)) - span
