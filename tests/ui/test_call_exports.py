"""Saving a reviewed call for others: the PDF report and the redacted recording, with a plain
sentence saying what was written or why not; both written off the Qt thread from the recording the
window already decoded (its samples and its peaks), never decoded or measured again."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile

from app.audio.decode import DecodedAudio
from app.audio.peaks import PeakPyramid
from app.audio.recordings import LoadedRecording
from app.ui import call_report_pdf
from app.ui.call_exports import save_redacted_audio, save_report
from tests.ui.test_call_report_pdf import reviewed_call


def loaded(tmp_path: Path) -> tuple[np.ndarray, LoadedRecording]:
    """A 12 s recording as the window holds it once loaded; its file is gone (deleted from the cache)."""
    rate = 8000
    samples = (np.sin(2 * np.pi * 220 * np.arange(rate * 12) / rate) * 8000).astype(np.int16)
    return samples, LoadedRecording(DecodedAudio(samples[:, None], rate), PeakPyramid.from_samples(samples, rate),
                                    "mono", tmp_path / "evicted.wav")


def test_saving_the_report_and_the_redacted_audio(qapp, tmp_path: Path, run_async,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    call, review = reviewed_call(tmp_path)
    samples, recording = loaded(tmp_path)
    painted_on: list[threading.Thread] = []
    write = call_report_pdf.write_call_report

    def watched(*args: object, **kwargs: object) -> int:
        painted_on.append(threading.current_thread())
        return write(*args, **kwargs)  # type: ignore[arg-type]

    def no_new_pyramid(*_args: object, **_kwargs: object) -> PeakPyramid:
        raise AssertionError("the recording's peaks are measured again")

    monkeypatch.setattr(call_report_pdf, "write_call_report", watched)
    monkeypatch.setattr(PeakPyramid, "from_samples", no_new_pyramid)
    said = run_async(save_report(tmp_path / "r.pdf", call, review, recording))  # type: ignore[arg-type]
    assert said.startswith("Report saved to r.pdf (") and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert painted_on and painted_on[0] is not threading.main_thread()  # the Qt thread stays free
    assert run_async(save_report(tmp_path / "no-such-folder" / "r.pdf", call, review, None)).startswith(  # type: ignore[arg-type]
        "The report could not be written")

    assert run_async(save_redacted_audio(tmp_path / "a.wav", call, None)) == "Load the call's recording first."
    said = run_async(save_redacted_audio(tmp_path / "a.wav", call, recording))
    assert said == "Redacted audio saved to a.wav (1 moment toned out)."  # the spelled account number
    assert soundfile.info(str(tmp_path / "a.wav")).frames == len(samples)
