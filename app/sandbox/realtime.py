"""Realtime Vapi calls (GPT-Live style, BRIEF.md "Live call control"): few commands, `{"status":"ok"}`, no listen socket.

How a client recognises one. The official `Call` schema has no field naming this kind of call: `type` is
inbound/outbound phone, web or websocket; `phoneCallTransport` is sip/pstn; `transport` names the carrier.
What makes a call realtime is the model it runs on, an OpenAI realtime model (the spec's `OpenAIModel.model`
enum: `gpt-realtime-2025-08-28`, `gpt-realtime-mini-*`, `gpt-4o-realtime-preview-*`). So the sandbox marks
every realtime call with `"assistantOverrides": {"model": {"provider": "openai", "model": "gpt-realtime-2025-08-28"}}`
(whatever the call runs on: saved assistant, squad, workflow or transient assistant), and gives it a
`monitor` with a `controlUrl` and no `listenUrl`. The rule for a client:
  realtime  <=>  "realtime" in call.assistantOverrides.model.model (else call.assistant.model.model);
  listening <=>  call.monitor.listenUrl is present.

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

