"""Screenshots of the audio area against the sandbox: a stereo recording with turn regions (whole
call and zoomed in, the transcript following the playhead) and a live call being listened to.

Run by tests/ui/test_waveform_screenshots.py on an Xvfb display:
    python -m tests.ui.audio_screenshots OUTPUT_DIR
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from app.domain import Call, Provider, TurnRole
from app.live.listen import ListenState
from app.providers import make_client
from app.sandbox.embedded import EmbeddedSandbox
from app.ui.app import create_application
from app.ui.audio_area import AudioArea
from app.ui.transcript import TranscriptView
from tests.e2e.screenshot_app import save
from tests.fixtures.qt import until

SHOTS = ("audio-recording", "audio-recording-zoomed", "audio-live-listening")
KEY = "screenshot-key"


async def richest_ended_call(client) -> Call:
    """An ended call with a tool call and the most timed turns: the most to look at."""
    best: Call | None = None
    async for page in client.list_calls():
        for call in page:
            if call.status != "ended" or not call.recordings.stereo:
                continue
            full = await client.get_call(call.id)
            score = sum(t.start is not None for t in full.turns) + 10 * any(t.role == TurnRole.TOOL for t in full.turns)
            if best is None or score > sum(t.start is not None for t in best.turns) + 10 * any(
                    t.role == TurnRole.TOOL for t in best.turns):
                best = full
    assert best is not None, "the sandbox has no ended call with a recording"
    return best


async def shoot(frame: QSplitter, transcript: TranscriptView, area: AudioArea, sandbox: EmbeddedSandbox, out: Path) -> None:
    client = make_client(Provider.VAPI, sandbox.base_url(Provider.VAPI), KEY)
    try:
        frame.show()
        frame.move(0, 0)
        call = await richest_ended_call(client)
        transcript.show_call(call)
        area.show_call(call, client)
        await until(lambda: area.recording is not None, 30, what="the recording")
        turns = [(i, t) for i, t in enumerate(call.turns) if t.start is not None and t.role == TurnRole.CUSTOMER]
        index, turn = turns[min(1, len(turns) - 1)]
        transcript.turn_activated.emit(index, (turn.start or 0.0) + 0.8)
        await asyncio.sleep(0.8)
        save(frame, out / "audio-recording.png")

        start = max(0.0, (turn.start or 0.0) - 1.0)
        area.waveform.set_visible_range(start, start + 4.0)
        await asyncio.sleep(0.8)
        save(frame, out / "audio-recording-zoomed.png")

        live = await client.get_call(sandbox.start_call(Provider.VAPI, "booking"))
        transcript.show_call(live)
        area.show_call(live, client)
        area.listen_panel.listen_button.click()
        listener = await until(lambda: area.listen_panel.listener, 10, what="a listener")
        await until(lambda: listener.state == ListenState.LISTENING and listener.envelope is not None
                    and listener.envelope.seconds > 9.0, 40, what="ten seconds of live audio")
        await until(lambda: float(max(listener.envelope.levels_db)) > -30, 20, what="someone speaking")
        transcript.update_call(await client.get_call(live.id))  # the window's poller does this
        await asyncio.sleep(0.3)
        save(frame, out / "audio-live-listening.png")
    finally:
        await area.close_audio()
        await client.aclose()


def main(argv: list[str]) -> int:
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app, loop = create_application()
    sandbox = EmbeddedSandbox(api_key=KEY, live=0, history=12).start()
    frame = QSplitter(Qt.Orientation.Vertical)
    transcript = TranscriptView()
    area = AudioArea()
    area.attach_transcript(transcript)
    frame.addWidget(transcript)
    frame.addWidget(area)
    frame.resize(1280, 760)
    frame.setSizes([430, 330])
    try:
        with loop:
            loop.run_until_complete(shoot(frame, transcript, area, sandbox, out))
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
