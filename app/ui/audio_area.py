"""The window's audio area: a call's recording (waveform + transport) or, for a live call, the
listen-in panel. One entry point, `show_call(call, client)`; the transcript follows playback.
What the window does not show at start-up loads when first needed, not with the window: the waveform
and live view (pyqtgraph) and the recording loader, player and headset (numpy, soundfile, websockets)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from app.audio.device import AudioUnavailable, open_in_background
from app.audio.timeline import step_turn, turn_at
from app.domain import Call
from app.providers.base import PlatformClient
from app.ui.formats import call_label
from app.ui.recording_labels import CommentMark, lane_names
from app.ui.tasks import OwnedTasks
from app.ui.transcript import TranscriptView
from app.ui.transport import TransportBar

if TYPE_CHECKING:
    from app.audio.playback import PlaybackEngine
    from app.audio.recordings import LoadedRecording, RecordingLoader
    from app.live.listen import Headset
    from app.live.registry import CallRegistry
    from app.ui.listen_panel import ListenPanel
    from app.ui.waveform import WaveformView

log = logging.getLogger(__name__)

POSITION_MS = 30
NO_CALL = "Select a call to see its recording."


class AudioArea(QWidget):
    """Recording page (waveform over transport) or live page (listen panel), for the selected call.
    `listening_changed` fires whenever the set of calls being heard (`listened_ids`) may have changed."""

    listening_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loader: RecordingLoader | None = None
        self._headset: Headset | None = None
        self._registry: CallRegistry | None = None  # the account's calls: a listened call's live transcript goes there
        self.engine: PlaybackEngine | None = None
        self.recording: LoadedRecording | None = None
        self.call: Call | None = None
        self.client: PlatformClient | None = None
        self.transcript: TranscriptView | None = None
        self._tasks = OwnedTasks()
        self._load_task: asyncio.Task[None] | None = None
        self._highlighted: int | None = None
        self._pending_seek: float | None = None
        self._waveform: WaveformView | None = None
        self._listen_panel: ListenPanel | None = None
        self._comment_marks: list[CommentMark] = []  # for the waveform, once it is built

        # Until a recording is first shown, the waveform's empty state without its plotting library.
        self._no_call = QLabel(NO_CALL, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True, objectName="noCall")
        self._no_call.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.transport = TransportBar()
        recording_page = QWidget()
        self._recording_layout = QVBoxLayout(recording_page)
        self._recording_layout.setContentsMargins(0, 0, 0, 0)
        self._recording_layout.setSpacing(0)
        self._recording_layout.addWidget(self._no_call, 1)
        self._recording_layout.addWidget(self.transport)
        self.pages = QStackedWidget()
        self.pages.addWidget(recording_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        self.position_timer = QTimer(self, interval=POSITION_MS)
        self.position_timer.timeout.connect(self._follow_playback)
        self.transport.play_toggled.connect(self.toggle_play)
        self.transport.seek_requested.connect(self.seek)
        self.transport.skip_requested.connect(lambda delta: self.seek(self.position() + delta))
        self.transport.speed_changed.connect(lambda s: self.engine and self.engine.set_speed(s))
        self.transport.volume_changed.connect(lambda v: self.engine and self.engine.set_volume(v))
        self.transport.mute_changed.connect(lambda c, on: self.engine and self.engine.set_muted(c, on))
        self.transport.solo_changed.connect(lambda c, on: self.engine and self.engine.set_soloed(c, on))
        self.transport.turn_step_requested.connect(self.step_turn)
        self.show_call(None, None)

    @property
    def loader(self) -> RecordingLoader:
        if self._loader is None:
            from app.audio.recordings import RecordingLoader

            self._loader = RecordingLoader()
        return self._loader

    @property
    def headset(self) -> Headset:
        if self._headset is None:
            from app.live.listen import Headset

            self._headset = Headset()
        return self._headset

    @property
    def waveform(self) -> WaveformView:
        """The recording's waveform, built (and pyqtgraph imported) the first time it is needed."""
        if self._waveform is None:
            from app.ui.waveform import WaveformView

            view = WaveformView()
            view.seek_requested.connect(self.seek)
            view.cancel_requested.connect(self.cancel_load)
            view.set_comment_marks(self._comment_marks)
            self._recording_layout.removeWidget(self._no_call)
            self._no_call.hide()  # out of the layout but still a child until deleted: not drawn meanwhile
            self._no_call.deleteLater()
            self._recording_layout.insertWidget(0, view, 1)
            self._waveform = view
        return self._waveform

    @property
    def listen_panel(self) -> ListenPanel:
        """The live page, built (and pyqtgraph imported) the first time a live call is shown."""
        if self._listen_panel is None:
            from app.ui.listen_panel import ListenPanel

            panel = ListenPanel()
            panel.listen_toggled.connect(self._listen_toggled)
            panel.several_toggled.connect(lambda on: setattr(self.headset, "exclusive", not on))
            self.pages.addWidget(panel)  # page 1, after the recording's
            self._listen_panel = panel
        return self._listen_panel

    # -- the window's entry points --------------------------------------------------------------
    def show_call(self, call: Call | None, client: PlatformClient | None) -> None:
        """Show `call`'s audio: live calls get the listen panel, ended ones their recording."""
        loading = self._load_task is not None and not self._load_task.done()
        busy = self.recording is not None or loading or self.pages.currentIndex() == 1
        if call is not None and self.call is not None and call.id == self.call.id and client is self.client and busy:
            self.update_call(call)  # the same call again: keep the place, a failed load is retried
            return
        self._unload()
        self.call, self.client = call, client
        if call is None or client is None:
            self.pages.setCurrentIndex(0)
            if self._waveform is not None:  # never built: the empty state is already showing
                self._waveform.clear(NO_CALL)
            return
        if call.is_live:
            self._show_live(call, client)
        else:
            self.pages.setCurrentIndex(0)
            self.waveform.show_loading("Looking for the recording…")  # builds the waveform on first use
            self._load_task = self._tasks.start(self._load(call, client))

    def update_call(self, call: Call) -> None:
        """A newer copy of the shown call: new turns; a live call that ended gets its recording."""
        if self.call is None or call.id != self.call.id:
            return
        was_live, self.call = self.call.is_live, call
        if self._waveform is not None:  # else the turns are drawn with the recording, once loaded
            self._waveform.set_turns(call.turns)
        if was_live and not call.is_live and self.client is not None:
            self.call = None  # force a fresh load of the recording
            self.show_call(call, self.client)

    def listened_ids(self) -> set[str]:
        """The calls being heard (connected or reconnecting)."""
        return {listener.call.id for listener in self._headset.active()} if self._headset is not None else set()

    def call_ended(self, call_id: str) -> None:
        """A call is over: stop hearing it, so nothing names it as listened to any more."""
        if self._headset is not None and self._headset.listener_for(call_id) is not None:
            self._tasks.start(self._stop_listening(call_id))

    async def _stop_listening(self, call_id: str) -> None:
        await self.headset.stop(call_id)
        if self.call is not None and self.call.id == call_id and self._listen_panel is not None:
            self._listen_panel.show_listener(None)
        self.listening_changed.emit()

    def on_session_changed(self, session: object | None) -> None:
        """The account was closed (None) or replaced: its client is gone, so is what used it."""
        self.show_call(None, None)
        self._registry = getattr(session, "registry", None)
        if self._headset is not None:
            self._tasks.start(self._stop_all())

    async def _stop_all(self) -> None:
        await self.headset.stop_all()
        self.listening_changed.emit()

    def attach_transcript(self, transcript: TranscriptView) -> None:
        """Playback highlights the turn being heard; a clicked turn seeks there."""
        self.transcript = transcript
        transcript.turn_activated.connect(self._turn_activated)

    def set_comment_marks(self, marks: list[CommentMark]) -> None:
        """The review's comments on the recording (they stay across a reload of the same call)."""
        self._comment_marks = list(marks)
        if self._waveform is not None:
            self._waveform.set_comment_marks(marks)

    def seek(self, seconds: float) -> None:
        """Play from `seconds`; while the recording still loads, it starts there once shown."""
        if self.recording is None:
            self._pending_seek = seconds
            return
        seconds = max(0.0, min(seconds, self.recording.audio.duration))
        if self.engine is not None:
            self.engine.seek(seconds)
            self._follow_playback()
        else:
            self._show_position(seconds, playing=False)  # no sound here, but the place still moves

    def position(self) -> float:
        if self.engine is not None:
            return self.engine.position()
        return self._waveform.playhead if self._waveform is not None else 0.0

    def toggle_play(self) -> None:
        if self.engine is None:
            return
        if self.engine.at_end:
            self.engine.play()  # from the end, Space replays (the engine may still count itself as playing)
        else:
            self.engine.toggle()
        self.transport.set_playing(self.engine.is_playing)
        if self.engine.is_playing:
            self.position_timer.start()
        self._follow_playback()

    def step_turn(self, direction: int) -> None:
        if self.call is None:
            return
        target = step_turn(self.call.turns, self.position(), direction)
        if target is not None:
            self.seek(target)

    def cancel_load(self) -> None:
        if self._load_task is not None and not self._load_task.done():
            self._load_task.cancel()
            self.waveform.show_message("Download cancelled. Select the call again to retry.")

    async def close_audio(self) -> None:
        """Stop everything and release the device and the decode thread (window shutdown)."""
        self._unload()
        await self._tasks.aclose()
        if self._headset is not None:
            await self._headset.stop_all()
        if self._loader is not None:
            self._loader.close()

    # -- recording ---------------------------------------------------------------------------
    async def _load(self, call: Call, client: PlatformClient) -> None:
        from app.audio.recordings import RecordingError
        from app.providers.errors import ProviderError

        self.transport.hide()
        try:
            recording = await self.loader.load(call, client, self.waveform.show_loading)
        except (RecordingError, ProviderError) as error:  # downloads fail like every platform request
            self.waveform.show_message(str(error))
            return
        except asyncio.CancelledError:
            raise
        except Exception as error:  # bad input must never take the window down
            log.exception("loading the recording of %s failed", call.id)
            self.waveform.show_message(f"The recording could not be shown: {error}")
            return
        if recording is None:
            self.waveform.show_message(f"{client.provider.display_name} has no recording for this call.")
            return
        names = lane_names(recording.audio.channels)
        self.waveform.set_recording(recording.peaks, call.turns, names)
        self.waveform.set_playhead(0.0)
        self.transport.set_channels(names)
        self.transport.set_duration(recording.audio.duration)
        self.transport.set_playing(False)
        self.transport.show()
        await self._open_engine(recording)
        self.recording = recording  # from here seeks go to the engine; until now they wait in _pending_seek
        pending, self._pending_seek = self._pending_seek, None
        if pending is not None:
            self.seek(pending)

    async def _open_engine(self, recording: LoadedRecording) -> None:
        """Open the output stream on the loader's thread: starting PortAudio can take a while."""
        from app.audio.playback import PlaybackEngine

        try:
            self.engine = await open_in_background(self.loader.executor, PlaybackEngine, recording.audio)
        except AudioUnavailable as error:
            self.transport.set_unavailable(str(error))
            return
        self.transport.set_available()
        self.engine.set_speed(self.transport.speed.currentData())
        self.engine.set_volume(self.transport.volume.value() / 100)

    def _follow_playback(self) -> None:
        """Timer tick: playhead, slider and the transcript's highlighted turn follow the engine."""
        engine = self.engine
        if engine is None:
            return
        engine.keep_running()
        self._show_position(engine.position(), engine.is_playing)
        if not engine.is_playing:
            self.position_timer.stop()

    def _show_position(self, seconds: float, playing: bool) -> None:
        self.waveform.set_playhead(seconds)
        self.transport.set_position(seconds)
        self.transport.set_playing(playing)
        if self.call is not None:
            index = turn_at(self.call.turns, seconds)
            if index != self._highlighted:
                self._highlighted = index
                if self.transcript is not None:
                    self.transcript.highlight_turn(index)

    def _turn_activated(self, index: int, seconds: float) -> None:
        if seconds < 0:  # -1: the turn has no time
            return
        self.seek(seconds)
        if self.engine is not None and not self.engine.is_playing:
            self.toggle_play()  # a clicked turn plays from there

    def _unload(self) -> None:
        if self._load_task is not None and not self._load_task.done():
            self._load_task.cancel()
        self._load_task = None
        self.position_timer.stop()
        if self.engine is not None:
            self.engine.close()
            self.engine = None
        self.recording = None
        self._highlighted = None
        self._pending_seek = None
        self.transport.hide()
        self.transport.set_playing(False)
        self.transport.set_position(0.0)  # the next call's slider starts at its beginning
        if self._listen_panel is not None:
            self._listen_panel.show_listener(None)

    # -- live --------------------------------------------------------------------------------
    def _show_live(self, call: Call, client: PlatformClient) -> None:
        self.pages.setCurrentWidget(self.listen_panel)
        if client.listen_source(call) is None:
            self.listen_panel.set_available(False, f"{client.provider.display_name} does not offer live audio for this call.")
            return
        self.listen_panel.set_available(True)
        listener = self.headset.listener_for(call.id)
        self.listen_panel.show_listener(listener)
        others = [other.call for other in self.headset.active() if other.call.id != call.id]
        if listener is None and others:
            switch = " Listen here stops it." if self.headset.exclusive else ""
            self.listen_panel.status.setText(f"Still hearing another call: {call_label(others[0])}.{switch}")

    def _listen_toggled(self, on: bool) -> None:
        if self.call is None or self.client is None:
            return
        if on:
            self._tasks.start(self._start_listening(self.call, self.client))
        else:
            self._tasks.start(self._stop_listening(self.call.id))

    async def _start_listening(self, call: Call, client: PlatformClient) -> None:
        from app.live.listen import ListenUnavailable

        try:
            listener = await self.headset.listen(call, client, self._registry)
        except ListenUnavailable as error:
            self.listen_panel.set_available(False, str(error))
            return
        listener.events.changed.connect(lambda _listener: self.listening_changed.emit())
        self.listening_changed.emit()
        if self.call is not None and self.call.id == call.id:
            self.listen_panel.show_listener(listener)
