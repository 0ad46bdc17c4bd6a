"""The text frames of a Vapi listen socket: the call's events as the audio being sent reaches them.

Shapes are `call_events`' (the official spec's): for each line, speech started, a partial transcript
halfway, the final transcript and speech stopped as it ends. Lines already over when the socket opened are not
replayed (a live transcriber does not repeat itself).
"""

from __future__ import annotations

from typing import Any

from app.sandbox.call_events import partial_text, speech_update, status_update, transcript
from app.sandbox.player import CallPlayer

STARTED, PARTIAL, FINAL = 1, 2, 3


class SocketEvents:
    def __init__(self, player: CallPlayer) -> None:
        self._player = player
        self._stage: dict[tuple[str, float, str], int] = {}  # per line: how far it has been told
        self._status: str | None = None
        self._opened = False

    def due(self, seconds: float | None) -> list[dict[str, Any]]:
        """Events up to `seconds` of the call's audio (None before it is answered)."""
        call = self._player.call
        events: list[dict[str, Any]] = []
        if call.status != self._status:
            self._status = call.status
            events.append(self._event(status_update(call), seconds))
        if seconds is None:
            return events
        for line in self._player.spoken_lines():
            key = (line.role, round(line.start, 3), line.text)
            end = line.end if line.end is not None else line.start
            stage = self._stage.get(key, 0 if self._opened or end > seconds else FINAL)
            if stage < STARTED and seconds >= line.start:
                events.append(self._event(speech_update(line, "started"), line.start))
                stage = STARTED
            if stage < PARTIAL and seconds >= (line.start + end) / 2:
                events.append(self._event(transcript(line, "partial", partial_text(line)), seconds))
                stage = PARTIAL
            if stage < FINAL and seconds >= end:
                events += [self._event(transcript(line, "final", line.text), end),
                           self._event(speech_update(line, "stopped"), end)]
                stage = FINAL
            self._stage[key] = stage
        self._opened = True
        return events

    def _event(self, event: dict[str, Any], at: float | None) -> dict[str, Any]:
        started = self._player.call.started_ms
        if at is not None and started is not None:
            event["timestamp"] = started + int(at * 1000)  # epoch ms of that moment of the call
        return event
