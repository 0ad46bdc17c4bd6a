"""Saving a reviewed call for others: its report as PDF and its recording as WAV with the redacted
moments toned out. File dialogs are opened with open() (the asyncio loop keeps running); the writing
happens off the Qt thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

from app.domain import Call
from app.store.reviews import Review

if TYPE_CHECKING:
    from app.audio.recordings import LoadedRecording


def ask_save_path(parent: QWidget, title: str, file_name: str, kind: str, suffix: str,
                  chosen: Callable[[str], object]) -> QFileDialog:
    dialog = QFileDialog(parent, title, str(Path.home() / file_name), kind)
    dialog.setObjectName("saveDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix(suffix)
    dialog.fileSelected.connect(chosen)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def save_report(path: Path, call: Call, review: Review, recording: LoadedRecording | None,
                redacted: bool = True) -> str:
    """Write the PDF (on the Qt thread: QPainter on a QPdfWriter is a GUI object); a sentence saying so."""
    from app.ui.call_report_pdf import write_call_report  # numpy: not at the window's start-up

    audio = recording.audio if recording is not None else None
    try:
        pages = write_call_report(path, call, review, samples=audio.samples if audio else None,
                                  sample_rate=audio.sample_rate if audio else 0, redacted=redacted)
    except OSError as error:
        return f"The report could not be written: {error}."
    return f"Report saved to {path.name} ({pages} page{'s' if pages > 1 else ''})."


async def save_redacted_audio(path: Path, call: Call, recording: LoadedRecording | None) -> str:
    from app.qa.redacted_audio import export_redacted_audio  # numpy and soundfile: not at start-up

    if recording is None:
        return "Load the call's recording first."
    if not any(t.start is not None and t.end is not None for t in call.turns):
        return "This call's turns carry no timings: the redacted moments cannot be placed."
    try:
        moments = await asyncio.get_running_loop().run_in_executor(
            None, export_redacted_audio, recording.path, call.turns, path)
    except (OSError, RuntimeError) as error:  # soundfile raises RuntimeError on an unreadable file
        return f"The audio could not be written: {error}."
    return f"Redacted audio saved to {path.name} ({moments} moment{'s' if moments != 1 else ''} toned out)."
