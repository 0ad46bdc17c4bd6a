"""The non-modal "save as CSV" dialog the history panels share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget


def ask_csv_path(parent: QWidget, title: str, file_name: str, chosen: Callable[[str], object]) -> QFileDialog:
    """Open the dialog (never exec(): the asyncio loop keeps running); `chosen(path)` on Save."""
    dialog = QFileDialog(parent, title, str(Path.home() / file_name), "CSV files (*.csv)")
    dialog.setObjectName("csvDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("csv")
    dialog.fileSelected.connect(chosen)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
