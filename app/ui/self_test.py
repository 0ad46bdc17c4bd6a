"""`switchboard --self-test`: prove a build works end to end, offscreen, one printed line per step.

It opens the demo account in the real window, lists calls, opens a live call and its transcript,
sends a Say, fetches and decodes a recording, builds its peaks and opens an audio stream when the
machine has an output device. Exit 0 when every step passed, else 1 naming the failing step.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from app.audio.device import AudioUnavailable, open_in_background
from app.audio.playback import PlaybackEngine
from app.audio.recordings import LoadedRecording, RecordingLoader
from app.domain import Call, Outcome, Say, TurnRole
from app.live.session import AccountSession
from app.ui.main_window import MainWindow

STEP_TIMEOUT = 45.0
SAID = "This is the Switchboard self-test speaking."
T = TypeVar("T")


class StepFailed(Exception):
    """A step's plain-words reason for failing."""


async def wait_for(what: str, probe: Callable[[], T | None], timeout: float = STEP_TIMEOUT) -> T:
    """Poll `probe` until it returns something truthy; the loop keeps running meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise StepFailed(f"timed out after {timeout:.0f} s waiting for {what}")


class SelfTest:
    def __init__(self, window: MainWindow):
        self.window = window
        self.session: AccountSession | None = None
        self.live: Call | None = None
        self.recording: LoadedRecording | None = None

    def steps(self) -> list[tuple[str, Callable[[], Awaitable[str]]]]:
        return [
            ("start the embedded sandbox", self.start_sandbox),
            ("list calls", self.list_calls),
            ("open a live call and its transcript", self.open_live_call),
            ("send a Say", self.send_say),
            ("fetch and decode a recording", self.fetch_recording),
            ("build its peaks", self.build_peaks),
            ("open an audio stream", self.open_audio_stream),
        ]

    async def run(self) -> int:
        for number, (name, step) in enumerate(self.steps(), start=1):
            started = time.monotonic()
            try:
                detail = await step()
            except Exception as error:  # every failure is reported as the step's, with its reason
                print(f"FAIL {number}. {name}: {error}", flush=True)
                return 1
            print(f"ok   {number}. {name} — {detail} ({(time.monotonic() - started) * 1000:.0f} ms)", flush=True)
        print("self-test passed", flush=True)
        return 0

    async def start_sandbox(self) -> str:
        self.session = await self.window.open_demo()
        return self.session.account.base_url

    async def list_calls(self) -> str:
        rows = await wait_for("the call list to fill", lambda: self.window.call_list.model.rowCount())
        return f"{rows} calls"

    async def open_live_call(self) -> str:
        registry = self._session().registry
        live_id = await wait_for("a call in progress", lambda: next(
            (c.id for c in registry.calls() if c.status == "in-progress"), None))
        if not self.window.call_list.select_call(live_id):
            raise StepFailed(f"call {live_id} could not be selected in the list")
        model = self.window.transcript.model
        turns = await wait_for("the transcript to show turns", model.rowCount)
        self.live = registry.get(live_id)
        return f"call {live_id}, {turns} turns shown"

    async def send_say(self) -> str:
        session, call = self._session(), self.live
        assert call is not None
        result = await session.send(call.id, Say(text=SAID))
        if result.outcome is not Outcome.ACCEPTED:
            raise StepFailed(f"the platform answered {result.outcome.value}: {result.message}")

        def spoken() -> bool:
            # The window's poller refreshes the selected call; the self-test only reads what it merged.
            fresh = session.registry.get(call.id)
            return bool(fresh and any(t.role is TurnRole.ASSISTANT and SAID in t.text for t in fresh.turns))

        await wait_for("the assistant's line in the transcript", spoken)
        return "accepted, and the assistant said it"

    async def fetch_recording(self) -> str:
        session = self._session()
        ended = next((c for c in session.registry.calls() if not c.is_live and c.recordings.any), None)
        if ended is None:
            raise StepFailed("no ended call with a recording in the list")
        loader = RecordingLoader()
        try:
            recording = await loader.load(ended, session.client)
        finally:
            loader.close()
        if recording is None:
            raise StepFailed(f"the platform offers no recording for call {ended.id}")
        self.recording = recording
        audio = recording.audio
        return f"call {ended.id}: {audio.duration:.1f} s, {audio.channels} channel(s) at {audio.sample_rate} Hz"

    async def build_peaks(self) -> str:
        assert self.recording is not None
        peaks = self.recording.peaks
        level = peaks.level_for(peaks.frames / 1000)  # a 1000-pixel-wide view
        if level.buckets == 0 or not level.maxs.any():
            raise StepFailed("the peak envelope is empty or silent")
        return f"{len(peaks.levels)} levels, {level.buckets} buckets for a 1000-pixel view"

    async def open_audio_stream(self) -> str:
        assert self.recording is not None
        try:
            engine = await open_in_background(None, PlaybackEngine, self.recording.audio)
        except AudioUnavailable as reason:
            return f"no output device on this machine, stream not opened ({reason})"
        try:
            engine.play()
            await asyncio.sleep(0.3)
            heard = engine.position()
        finally:
            engine.close()
        return f"stream ran on the default output, at {heard:.1f} s after 0.3 s"

    def _session(self) -> AccountSession:
        if self.session is None:
            raise StepFailed("no account is open")
        return self.session
