"""`switchboard listen`: hear one live call, or record it to WAV, or print its socket's events.

The window's own listener does the work (socket, reconnects, mono/stereo decision, jitter buffer,
sound device). Exit codes: 0 the call ended or --seconds passed; 1 listening failed (refused, lost,
no sound device to play on); 2 invalid input or the platform has no live audio; 130 Ctrl+C.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import wave
from pathlib import Path

import numpy as np

from app.cli.live_account import open_session, read_call
from app.cli.platform_option import (
    CliError,
    add_platform_arguments,
    run_safely,
    say_error,
    say_json,
)
from app.live.listen import (
    ACTIVE_STATES,
    CallListener,
    Headset,
    ListenState,
    ListenUnavailable,
    StreamFormat,
)
from app.live.listen_events import ListenEvent, event_as_json

TICK_SECONDS = 0.1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_platform_arguments(parser)
    parser.add_argument("--call", required=True, metavar="ID", help="the live call's id")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE.wav",
                        help="record to this WAV file (the decided channel count and rate) instead of playing")
    parser.add_argument("--seconds", type=float, metavar="N", help="stop after N seconds (default: when the call ends)")
    parser.add_argument("--events", action="store_true", help="print each socket event as a JSON line on stdout")


class WavRecorder:
    """Writes the call's audio as it comes, in the format the listener decided (s16le PCM)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.format: StreamFormat | None = None
        self.frames = 0
        self._file: wave.Wave_write | None = None

    def write(self, frames: np.ndarray, fmt: StreamFormat) -> None:
        if self._file is None:
            self.format = fmt
            self._file = wave.open(str(self.path), "wb")
            self._file.setnchannels(fmt.channels)
            self._file.setsampwidth(2)
            self._file.setframerate(fmt.sample_rate)
        if frames.shape[1] != self._file.getnchannels():
            return  # the platform changed its format mid-call: the file keeps the first one
        self._file.writeframes(np.ascontiguousarray(frames, dtype="<i2").tobytes())
        self.frames += frames.shape[0]

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def print_event(call_id: str, event: ListenEvent) -> None:
    say_json({"call_id": call_id, **event_as_json(event)})


def run(args: argparse.Namespace) -> int:
    return run_safely(lambda: listen(args))


async def listen(args: argparse.Namespace) -> int:
    if args.seconds is not None and args.seconds <= 0:
        raise CliError("--seconds must be above 0.")
    session = open_session(args)
    recorder = WavRecorder(args.output) if args.output else None
    headset = Headset(play_audio=recorder is None)
    try:
        call = await read_call(session, args.call)
        on_event = (lambda event: print_event(call.id, event)) if args.events else None
        try:
            listener = await headset.listen(call, session.client, session.registry, on_event)
        except ListenUnavailable as exc:
            raise CliError(str(exc)) from None
        if recorder is not None:
            listener.on_audio = recorder.write
        return await _until_done(listener, args, recorder)
    finally:
        await headset.stop_all()
        if recorder is not None:
            recorder.close()
        await session.aclose()


async def _until_done(listener: CallListener, args: argparse.Namespace, recorder: WavRecorder | None) -> int:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.seconds if args.seconds else None
    said_no_sound = False
    while listener.state in ACTIVE_STATES and (deadline is None or loop.time() < deadline):
        if listener.audio_note and not said_no_sound:
            said_no_sound = True
            say_error(f"{listener.audio_note} Use -o FILE.wav to record instead.")
            if not args.events:
                return 1
        await asyncio.sleep(TICK_SECONDS)
    if listener.state == ListenState.FAILED:
        say_error(listener.message)
        return 1
    session = listener.session
    if recorder is not None:
        fmt = recorder.format
        if fmt is None:
            say_error(f"No audio came; {recorder.path} was not written.")
            return 1
        print(f"Recorded {recorder.frames / fmt.sample_rate:.1f} s of {fmt.channels}-channel {fmt.sample_rate} Hz audio "
              f"to {recorder.path} ({session.format_reason}).", file=sys.stderr)
    if session.frames_skipped:
        print(f"Skipped {session.frames_skipped} unreadable socket messages.", file=sys.stderr)
    return 0
