"""Saving a reviewed call for others: its report as PDF and its recording as WAV with the redacted
moments toned out. Both are written off the Qt thread from what the window already holds (the
recording as decoded and its peaks), never decoded again."""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain import Call
from app.store.reviews import Review

if TYPE_CHECKING:
    from app.audio.recordings import LoadedRecording


async def save_report(path: Path, call: Call, review: Review, recording: LoadedRecording | None,
                      redacted: bool = True) -> str:
    """Write the PDF on a worker thread (it makes and paints its own QPdfWriter); a sentence saying so."""
    from app.ui.call_report_pdf import write_call_report  # numpy: not at the window's start-up

    write = partial(write_call_report, path, call, review, peaks=recording.peaks if recording else None,
                    redacted=redacted)
    try:
        pages = await asyncio.get_running_loop().run_in_executor(None, write)
    except OSError as error:
        return f"The report could not be written: {error}."
    return f"Report saved to {path.name} ({pages} page{'s' if pages > 1 else ''})."


async def save_redacted_audio(path: Path, call: Call, recording: LoadedRecording | None) -> str:
    from app.qa.redacted_audio import export_redacted_audio  # numpy and soundfile: not at start-up

    if recording is None:
        return "Load the call's recording first."
    if not any(t.start is not None and t.end is not None for t in call.turns):
        return "This call's turns carry no timings: the redacted moments cannot be placed."
    audio = recording.audio
    try:
        moments = await asyncio.get_running_loop().run_in_executor(
            None, export_redacted_audio, audio.samples, audio.sample_rate, call.turns, path)
    except (OSError, RuntimeError) as error:  # soundfile raises RuntimeError on an unwritable file
        return f"The audio could not be written: {error}."
    return f"Redacted audio saved to {path.name} ({moments} moment{'s' if moments != 1 else ''} toned out)."
