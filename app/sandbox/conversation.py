"""A scenario laid out in time: when each beat happens, and the transcript and audio that follow from it."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from app.sandbox.call_audio import CallAudio
from app.sandbox.scenarios import Scenario, Step
from app.sandbox.speech import SpeechBank

TRANSFER_SECONDS = 2.5  # forwarding, before the call leaves the platform
HANGUP_SECONDS = 0.6


@dataclass(frozen=True)
class Beat:
    step: Step
    at: float  # seconds from the call start
    seconds: float


@dataclass
class Message:
    """One transcript entry, timed in seconds from the call start."""

    role: str  # system | user | bot | tool_calls | tool_call_result
    text: str
    start: float
    end: float | None = None
    tool_call_id: str = ""
    tool_name: str = ""
    arguments: str = ""
    result: str = ""
    source: str = ""


def side_role(side: str) -> str:
    return "bot" if side == "assistant" else "user"


def beat_seconds(step: Step, bank: SpeechBank) -> float:
    if step.role in ("assistant", "customer"):
        return bank.seconds(step.role, step.text)
    if step.role == "tool":
        return step.latency
    if step.role == "transfer":
        return TRANSFER_SECONDS
    return step.seconds


def plan(scenario: Scenario, bank: SpeechBank, rng: random.Random) -> tuple[tuple[Beat, ...], float]:
    """Beats with natural gaps between turns; returns them and the call length in seconds."""
    beats = []
    at = round(rng.uniform(0.3, 0.8), 2)
    for step in scenario.steps:
        seconds = beat_seconds(step, bank)
        beats.append(Beat(step, at, seconds))
        gap = 0.1 if step.role == "tool" else rng.uniform(0.4, 1.2)
        at = round(at + seconds + gap, 2)
    return tuple(beats), round(at + HANGUP_SECONDS - 0.4, 2)


def tool_call_id(call_id: str, index: int) -> str:
    return "call_" + hashlib.sha1(f"{call_id}:{index}".encode()).hexdigest()[:24]


def tool_messages(step: Step, call_id: str, index: int, at: float) -> tuple[Message, Message]:
    """The tool_calls entry at `at` and its result when the tool answers."""
    ident = tool_call_id(call_id, index)
    request = Message("tool_calls", "", at, tool_call_id=ident, tool_name=step.tool_name, arguments=step.arguments)
    result = Message("tool_call_result", "", at + step.latency, tool_call_id=ident, tool_name=step.tool_name,
                     result=step.result)
    return request, result


def beat_messages(beat: Beat, call_id: str, index: int) -> list[Message]:
    step = beat.step
    if step.role in ("assistant", "customer"):
        source = "model" if step.role == "assistant" else ""
        return [Message(side_role(step.role), step.text, beat.at, beat.at + beat.seconds, source=source)]
    if step.role == "tool":
        return list(tool_messages(step, call_id, index, beat.at))
    return []


def system_prompt(scenario: Scenario) -> Message:
    return Message("system", f"You are {scenario.assistant}. Be brief, warm and accurate.", 0.0)


def scripted_messages(scenario: Scenario, beats: tuple[Beat, ...], call_id: str) -> list[Message]:
    messages = [system_prompt(scenario)]
    for index, beat in enumerate(beats):
        messages.extend(beat_messages(beat, call_id, index))
    return messages


def scripted_audio(beats: tuple[Beat, ...], bank: SpeechBank) -> CallAudio:
    """Blocking (may render speech): the whole audio of a call that played its script to the end."""
    audio = CallAudio()
    for beat in beats:
        if beat.step.role in ("assistant", "customer"):
            audio.place(beat.step.role, beat.at, bank.clip_now(beat.step.role, beat.step.text))
    return audio
