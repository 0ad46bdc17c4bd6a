"""The one "Save as" dialog: every export (CSV, PDF report, redacted audio) asks for its path here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

KINDS = {"csv": "CSV files (*.csv)", "pdf": "PDF files (*.pdf)", "wav": "WAV files (*.wav)"}


def ask_save_path(parent: QWidget, title: str, file_name: str, chosen: Callable[[str], object]) -> QFileDialog:
    """Open the dialog (never exec(): the asyncio loop keeps running); `chosen(path)` on Save. The
    suggested file name's extension sets the filter and is added when the user types none."""
    suffix = Path(file_name).suffix.lstrip(".")
    dialog = QFileDialog(parent, title, str(Path.home() / file_name), KINDS.get(suffix, ""))
    dialog.setObjectName("saveDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix(suffix)
    dialog.fileSelected.connect(chosen)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
