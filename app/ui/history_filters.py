"""Filter boxes the history panels share: which account, which period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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


class AccountBox(QComboBox):
    """All accounts, or one; the item data is the account id (None for all)."""

    def __init__(self, parent: QWidget | None = None, *, objectName: str = ""):  # noqa: N803 - Qt's name
        super().__init__(parent, objectName=objectName)
        self.setToolTip("Only calls from this account")
        self.set_accounts([])

    def set_accounts(self, accounts: list[Account]) -> None:
        current = self.account_id()
        self.blockSignals(True)
        self.clear()
        self.addItem(ALL_ACCOUNTS, None)
        for account in accounts:
            self.addItem(f"{account.name} — {account.provider.display_name}", account.id)
        index = self.findData(current) if current else 0
        self.setCurrentIndex(max(0, index))
        self.blockSignals(False)

    def account_id(self) -> str | None:
        return self.currentData()


class PeriodBox(QComboBox):
    def __init__(self, parent: QWidget | None = None, *, objectName: str = ""):  # noqa: N803 - Qt's name
        super().__init__(parent, objectName=objectName)
        self.setToolTip("Only calls from this period")
        self.addItems(list(PERIODS))

    def since(self, now: datetime | None = None) -> datetime | None:
        span = PERIODS.get(self.currentText())
        return None if span is None else (now or datetime.now(UTC)) - span
