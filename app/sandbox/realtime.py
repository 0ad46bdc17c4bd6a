"""Realtime Vapi calls (GPT-Live style, BRIEF.md "Live call control"): few commands, `{"status":"ok"}`, no listen socket.

How a client recognises one: nothing documented tells. The brief names these calls but no field that
marks them, and the official `Call` schema has none (`type` is phone, web or websocket). The sandbox marks
every realtime call with `"assistantOverrides": {"model": {"provider": "openai", "model":
"gpt-realtime-2025-08-28"}}` (an OpenAI realtime model from the spec's enum) and gives it a `monitor` with a
`controlUrl` and no `listenUrl`. That marker is a SANDBOX-ONLY CONVENIENCE, not Vapi's word: a classic call
may run on a realtime model too. So the console may use it only to narrow the commands it offers on a call
it takes for realtime, and must work without it (a refusal teaches it the rest); it never decides whether
a failed command may be resent (see app.providers.http, `control`). Listening follows `monitor.listenUrl`.

Control (POST controlUrl): `end-call`; `append-context` `{"kind": "instructions|commentary|thinking",
"content": "..."}` (at most 16 000 characters); `transfer` without `content`. Accepted commands answer
`{"status": "ok"}`; anything else 400 with the reason in Vapi's error body. Under the `error_rate` fault a
503 means nothing was done (the brief: the one status safe to resend, for these calls only); any other
failure may or may not have been carried out (see server.faults).
"""

from __future__ import annotations

from typing import Any

from app.domain.command import MAX_CONTEXT_CHARS

REALTIME_MODEL = {"provider": "openai", "model": "gpt-realtime-2025-08-28"}
ACCEPTED = {"status": "ok"}
CONTEXT_KINDS = ("instructions", "commentary", "thinking")
COMMANDS = ("end-call", "append-context", "transfer")


def refusal(body: dict[str, Any]) -> str | None:
    """Why a realtime call refuses `body` (before anything is done), or None when the body is one it takes."""
    kind = body.get("type")
    if kind not in COMMANDS:
        return f"'{kind}' is not supported on realtime calls: only {', '.join(COMMANDS)}"
    if kind == "transfer" and "content" in body:
        return "transfer on a realtime call takes no 'content'"
    if kind == "append-context":
        content = body.get("content")
        if body.get("kind") not in CONTEXT_KINDS:
            return f"append-context 'kind' must be one of {', '.join(CONTEXT_KINDS)}"
        if not isinstance(content, str) or not content.strip():
            return "append-context 'content' must be a non-empty string"
        if len(content) > MAX_CONTEXT_CHARS:
            return f"append-context 'content' must be at most {MAX_CONTEXT_CHARS} characters (got {len(content)})"
    return None

