"""Saving a reviewed call for others: the PDF report and the redacted recording, with a plain
sentence saying what was written or why not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile

from app.audio.decode import DecodedAudio
from app.audio.peaks import PeakPyramid
from app.audio.recordings import LoadedRecording
from app.ui.call_exports import save_redacted_audio, save_report
from tests.ui.test_call_report_pdf import reviewed_call


def test_saving_the_report_and_the_redacted_audio(qapp, tmp_path: Path, run_async) -> None:
    call, review = reviewed_call(tmp_path)
    said = save_report(tmp_path / "r.pdf", call, review, None)  # type: ignore[arg-type]
    assert said.startswith("Report saved to r.pdf (") and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert save_report(tmp_path / "no-such-folder" / "r.pdf", call, review, None).startswith(  # type: ignore[arg-type]
        "The report could not be written")

    assert run_async(save_redacted_audio(tmp_path / "a.wav", call, None)) == "Load the call's recording first."
    rate = 8000
    samples = (np.sin(2 * np.pi * 220 * np.arange(rate * 12) / rate) * 8000).astype(np.int16)
    soundfile.write(tmp_path / "call.wav", samples, rate)
    recording = LoadedRecording(DecodedAudio(samples[:, None], rate), PeakPyramid.from_samples(samples, rate), "mono",
                                tmp_path / "call.wav")
    said = run_async(save_redacted_audio(tmp_path / "a.wav", call, recording))
    assert said == "Redacted audio saved to a.wav (1 moment toned out)."  # the spelled account number
    assert soundfile.info(str(tmp_path / "a.wav")).frames == len(samples)
