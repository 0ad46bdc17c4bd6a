"""Plays one live call in sandbox time — queued, ringing, the script, the end — and applies control to it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from app.sandbox.clock import SandboxClock
from app.sandbox.conversation import (
    TRANSFER_SECONDS,
    Beat,
    Message,
    beat_messages,
    side_role,
    system_prompt,
)
from app.sandbox.scenarios import Scenario
from app.sandbox.simcall import SimCall
from app.sandbox.speech import SAMPLE_RATE, SpeechBank

INJECT_REPLY = "Thank you for your patience. I have an update from my team."
TRANSFER_LINE = "Please hold while I transfer your call."
STOCK_LINES = (INJECT_REPLY, TRANSFER_LINE)
SPEECH_GAP = 0.4  # pause after a supervisor's line before the script goes on


def spoken_lines(scenarios: Iterable[Scenario]) -> list[tuple[str, str]]:
    """Every (side, text) the demo speaks: the scripted lines and the assistant's replies to supervisors' commands."""
    scripted = [(step.role, step.text) for scenario in scenarios for step in scenario.lines]
    return scripted + [("assistant", text) for text in STOCK_LINES]


class NotLive(Exception):
    """The call cannot take this command in its current state."""


class CallPlayer:
    def __init__(
        self,
        call: SimCall,
        clock: SandboxClock,
        bank: SpeechBank,
        touch: Callable[[SimCall], None],
        on_end: Callable[[SimCall], None],
        queue_ring: tuple[float, float],
        analysis_delay: float,
    ) -> None:
        self.call = call
        self._clock = clock
        self._bank = bank
        self._touch = touch
        self._on_end = on_end
        self._queue_ring = queue_ring
        self._analysis_delay = analysis_delay
        self._hold_until = 0.0  # no scripted beat starts before this offset (supervisor speech)
        self._script: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._speaking: list[Message] = []  # placed on the audio, not yet finished

    # lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        self._script = self._spawn(self._run())

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def offset(self) -> float:
        """Seconds since the call was answered."""
        started = self.call.started_ms or self._now_ms()
        return max(0.0, (self._now_ms() - started) / 1000)

    def spoken_lines(self) -> list[Message]:
        """Every line put on the call's audio so far (being said or said), in order of its start:
        what a listen socket transcribes as the audio reaches it."""
        logged = [m for m in self.call.live_messages or () if m.role in ("user", "bot")]
        return sorted([*logged, *self._speaking], key=lambda m: m.start)

    def _now_ms(self) -> int:
        return int(self._clock.now() * 1000)

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _set_status(self, status: str) -> None:
        self.call.status = status
        self._touch(self.call)

    async def _run(self) -> None:
        queued, ringing = self._queue_ring
        await self._clock.sleep(queued)
        self._set_status("ringing")
        await self._clock.sleep(ringing)
        self.call.started_ms = self._now_ms()
        self.call.live_messages = [system_prompt(self.call.scenario)]
        self._set_status("in-progress")
        cursor = 0.0
        for index, beat in enumerate(self.call.beats):
            previous = self.call.beats[index - 1] if index else None
            gap = beat.at - (previous.at + previous.seconds if previous else 0.0)
            await self._wait_past_hold(cursor + gap)
            if beat.step.role == "transfer":
                self._start_forwarding(beat.step.destination)
                await self._forward(None)  # the script already said goodbye
                return
            await self._play(beat, index)
            cursor = self.offset()
        await self._wait_past_hold(cursor + 0.2)
        self._finish(self.call.scenario.ended_reason)

    async def _wait_for(self, target: Callable[[], float]) -> None:
        # Re-read the target: a supervisor's `say` can push the script back while we wait.
        while (remaining := target() - self.offset()) > 0:
            await self._clock.sleep(min(remaining, 0.2))

    async def _wait_past_hold(self, at: float) -> None:
        """Until offset `at`, or later while supervisor speech holds the script."""
        await self._wait_for(lambda: max(at, self._hold_until))

    async def _play(self, beat: Beat, index: int) -> None:
        step = beat.step
        at = self.offset()
        if step.role in ("assistant", "customer"):
            clip = await self._bank.clip(step.role, step.text)
            source = "model" if step.role == "assistant" else ""
            await self._log_when_spoken(self._utter(step.role, step.text, at, clip, source))
        elif step.role == "tool":
            request, result = beat_messages(beat, self.call.id, index)
            request.start = at
            self._add(request)
            await self._clock.sleep(step.latency)
            result.start = self.offset()
            self._add(result)
        else:
            await self._clock.sleep(beat.seconds)

    def _add(self, message: Message) -> None:
        if self.call.live_messages is not None:
            self.call.live_messages.append(message)
        self._touch(self.call)

    def _finish(self, reason: str) -> None:
        if not self.call.is_live:
            return
        call = self.call
        cut = self.offset()
        for message in self._speaking:  # lines cut off by the end are logged as far as they got
            if message.start < cut and call.live_messages is not None:
                message.end = min(message.end or cut, cut)
                call.live_messages.append(message)
        self._speaking.clear()
        call.ended_ms = self._now_ms()
        call.started_ms = call.started_ms or call.ended_ms
        call.ended_reason = reason
        call.analysis_ms = call.ended_ms + int(self._analysis_delay * 1000)
        self._set_status("ended")
        asyncio.get_running_loop().call_later(
            self._clock.wall_seconds(self._analysis_delay) + 0.001, self._touch, call
        )
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
        self._on_end(call)

    # control ---------------------------------------------------------------------------------
    def _require_in_progress(self) -> None:
        if self.call.status != "in-progress":
            raise NotLive(f"Call is {self.call.status}, not in progress")

    async def _speak(self, text: str, source: str, interrupt: bool = False) -> float:
        """Place an assistant line as soon as the assistant is free (at once, cutting it short, when `interrupt`);
        returns when it ends (offset)."""
        if interrupt:  # the assistant stops when the command arrives, not once the new line is rendered
            self._cut_assistant(self.offset())
        clip = await self._bank.clip("assistant", text)
        at = max(self.offset(), self.call.audio.busy_until("assistant"))  # type: ignore[union-attr]
        message = self._utter("assistant", text, at, clip, source)
        end = message.end or at
        self._hold_until = max(self._hold_until, end + SPEECH_GAP)
        self._spawn(self._log_when_spoken(message))
        return end

    def _utter(self, side: str, text: str, at: float, clip: np.ndarray, source: str) -> Message:
        """Put a line on the call's audio; its transcript entry follows once it has been said."""
        self.call.audio.place(side, at, clip)  # type: ignore[union-attr]
        message = Message(side_role(side), text, at, at + len(clip) / SAMPLE_RATE, source=source)
        self._speaking.append(message)
        return message

    async def _log_when_spoken(self, message: Message) -> None:
        await self._wait_for(lambda: message.end or 0.0)
        self._speaking.remove(message)
        self._add(message)

    def _cut_assistant(self, at: float) -> None:
        """The assistant stops mid-line: its audio and its transcript line end at `at`."""
        self.call.audio.cut("assistant", at)  # type: ignore[union-attr]
        for message in self._speaking:
            if message.role == "bot" and message.start < at < (message.end or at):
                message.end = at

    async def say(self, text: str, end_after: bool, interrupt: bool = False) -> None:
        self._require_in_progress()
        end = await self._speak(text, "force-say", interrupt)
        self.call.controls.append("say")
        if end_after:
            self._spawn(self._end_at(end + 0.2, "assistant-ended-call-after-message-spoken"))

    async def _end_at(self, offset: float, reason: str) -> None:
        await self._wait_for(lambda: offset)
        self._finish(reason)

    async def add_message(self, role: str, content: str, respond: bool) -> None:
        self._require_in_progress()
        at = self.offset()
        # A user line is logged as said in an instant; anything else is context for the assistant.
        self._add(Message("user", content, at, at) if role == "user" else Message("system", content, at))
        self.call.controls.append("add-message")
        if respond:
            await self._speak(INJECT_REPLY, "model")

    def append_context(self, kind: str, content: str) -> None:
        """A realtime call's append-context: context for the model, in the transcript as a system line."""
        self._require_in_progress()
        self._add(Message("system", content, self.offset()))
        self.call.controls.append(f"append-context:{kind}")

    def mute(self, side: str, muted: bool) -> None:
        self._require_in_progress()
        self.call.audio.set_muted(side, muted, self.offset())  # type: ignore[union-attr]
        self.call.controls.append(("mute-" if muted else "unmute-") + side)
        self._touch(self.call)

    async def transfer(self, destination: dict[str, Any], content: str | None) -> None:
        self._require_in_progress()
        if self._script is not None:
            self._script.cancel()
        self.call.controls.append("transfer")
        self._start_forwarding(destination)
        self._spawn(self._forward(content or TRANSFER_LINE))

    def _start_forwarding(self, destination: dict[str, Any]) -> None:
        self.call.destination = destination
        self._set_status("forwarding")

    async def _forward(self, line: str | None) -> None:
        spoken_until = await self._speak(line, "model") if line else self.offset()
        await self._wait_for(lambda: spoken_until + TRANSFER_SECONDS)
        self._finish("assistant-forwarded-call")

    def end(self) -> None:
        if not self.call.is_live:
            raise NotLive(f"Call is already {self.call.status}")
        self.call.controls.append("end-call")
        self._finish("assistant-ended-call")
