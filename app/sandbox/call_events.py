"""A live Vapi call's events in the official spec's shapes, built once for both places that tell them: the
listen socket's text frames (`socket_events`) and the server messages posted as webhooks (`webhooks`).

`status-update` (ServerMessageStatusUpdate), `transcript` (ClientMessageTranscript / ServerMessageTranscript,
a partial halfway through the line, then the final) and `speech-update` (ClientMessageSpeechUpdate).
"""

from __future__ import annotations

from typing import Any

from app.sandbox.conversation import Message
from app.sandbox.simcall import SimCall

ROLES = {"user": "user", "bot": "assistant"}  # the lines that are spoken, by who speaks them in the spec's words


def status_update(call: SimCall) -> dict[str, Any]:
    return {"type": "status-update", "status": call.status,
            **({"endedReason": call.ended_reason} if call.ended_reason else {})}


def partial_text(line: Message) -> str:
    """What a live transcriber has heard halfway through the line: the first half of its words (at least one)."""
    words = line.text.split()
    return " ".join(words[: max(1, len(words) // 2)])


def transcript(line: Message, kind: str, text: str) -> dict[str, Any]:
    """`kind`: partial | final."""
    return {"type": "transcript", "role": ROLES[line.role], "transcriptType": kind, "transcript": text}


def speech_update(line: Message, status: str) -> dict[str, Any]:
    """`status`: started | stopped."""
    return {"type": "speech-update", "status": status, "role": ROLES[line.role]}
