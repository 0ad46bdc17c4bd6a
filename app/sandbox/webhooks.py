"""The sandbox posts webhooks like the platforms do: signed Vapi server messages and HMS webhooks.

Watches every change the world makes to a live call and sends what a platform would:
Vapi `status-update`, `transcript` (partial, then final), `conversation-update` and
`end-of-call-report`; HMS `status-update` and `end-of-call-report`. Vapi goes to `{url}/vapi`
(HMAC-SHA256 in `x-vapi-signature` over "{timestamp}.{body}", the timestamp in `x-timestamp` as the spec's
HMACAuthenticationPlan defaults it), HMS to `{url}/hms`
(`X-Webhook-Signature: sha256=…`). A call's deliveries go out one at a time, in order; each is
retried (same body, fresh signature) on the next URL when a receiver fails, as a load balancer would.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from app.domain import Provider
from app.hub.signatures import VAPI_SIGNATURE, VAPI_TIMESTAMP, HmsCredential, VapiCredential
from app.providers.http import RetryPolicy
from app.sandbox.call_events import ROLES, partial_text, status_update, transcript
from app.sandbox.call_facts import Links
from app.sandbox.hms_shape import hms_call, hms_status
from app.sandbox.simcall import SimCall
from app.sandbox.vapi_shape import message_json, openai_messages, vapi_call
from app.sandbox.world import World

log = logging.getLogger(__name__)

REPORTED = ("analysis", "artifact", "cost", "costs")  # the call's fields ServerMessageEndOfCallReport repeats
ATTEMPTS = 8
FINISHED_KEPT = 10_000  # ended calls remembered, so a later touch (a rename) sends nothing again


@dataclass
class _Sent:
    """What the receivers were already told about one call."""

    status: str = ""
    messages: int = 0
    reported: bool = False
    queue: asyncio.Queue[tuple[str, str, bytes]] = field(default_factory=asyncio.Queue)
    worker: asyncio.Task[None] | None = None


class WebhookSender:
    def __init__(self, world: World, urls: list[str], secret: str, retry: RetryPolicy | None = None) -> None:
        if not urls:
            raise ValueError("at least one webhook URL")
        self._world = world
        self._urls = itertools.cycle([url.rstrip("/") for url in urls])
        self._vapi = VapiCredential("hmac", secret, VAPI_SIGNATURE, VAPI_TIMESTAMP)
        self._hms = HmsCredential(secret)
        self._retry = retry or RetryPolicy(initial_delay=0.1, max_delay=2.0)
        self._calls: dict[str, _Sent] = {}
        self._finished: dict[str, None] = {}  # an ordered set, oldest first
        self._workers: set[asyncio.Task[None]] = set()
        self._http: aiohttp.ClientSession | None = None
        self._links: Callable[[], Links] | None = None

    async def start(self, links: Callable[[], Links]) -> None:
        """`links`: the sandbox's own URLs (API, monitor, storage), for the links in the calls."""
        self._links = links
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._world.watchers.append(self.watch)
        for player in list(self._world.players.values()):  # calls the world started before the port was known
            self.watch(player.call)

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            self._world.watchers.remove(self.watch)
        workers = list(self._workers)
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if self._http is not None:
            await self._http.close()

    # what changed -----------------------------------------------------------------------------
    def watch(self, call: SimCall) -> None:
        """Called by the world on every change to a call (on the sandbox loop)."""
        provider = Provider(call.provider)
        if (provider is Provider.VOICEBOT or call.live_messages is None or self._http is None
                or self._links is None or call.id in self._finished):
            return
        sent = self._calls.setdefault(call.id, _Sent())
        links = self._links()
        if provider is Provider.VAPI:
            self._vapi_changes(call, sent, links)
        else:
            self._hms_changes(call, sent, links)
        if sent.reported:
            self._calls.pop(call.id, None)  # the worker keeps its own reference until the queue drains
            self._finished[call.id] = None
            if len(self._finished) > FINISHED_KEPT:
                del self._finished[next(iter(self._finished))]

    def _vapi_changes(self, call: SimCall, sent: _Sent, links: Links) -> None:
        shape = vapi_call(call, links)
        if call.status != sent.status:
            sent.status = call.status
            self._send(sent, "vapi", status_update(call), shape)
        new = (call.live_messages or [])[sent.messages:]
        sent.messages += len(new)
        for line in new:
            if line.role in ROLES:
                self._send(sent, "vapi", transcript(line, "partial", partial_text(line)), shape)
                self._send(sent, "vapi", transcript(line, "final", line.text), shape)
        if new and call.started_ms is not None:
            messages = call.messages
            self._send(sent, "vapi", {"type": "conversation-update",
                                      "messages": [message_json(m, call.started_ms) for m in messages],
                                      "messagesOpenAIFormatted": openai_messages(messages)}, shape)
        if not sent.reported and call.analysis_ready(links.now_ms):
            sent.reported = True
            report: dict[str, Any] = {key: shape[key] for key in REPORTED if key in shape}
            self._send(sent, "vapi", {"type": "end-of-call-report", "endedReason": call.ended_reason,
                                      "startedAt": shape.get("startedAt"), "endedAt": shape.get("endedAt"),
                                      **report}, shape)

    def _hms_changes(self, call: SimCall, sent: _Sent, links: Links) -> None:
        status = hms_status(call)
        if status != sent.status:
            sent.status = status
            self._send(sent, "hms", {"type": "status-update", "status": status}, hms_call(call, links))
        if not sent.reported and call.analysis_ready(links.now_ms):
            sent.reported = True
            self._send(sent, "hms", {"type": "end-of-call-report"}, hms_call(call, links))

    # delivery ----------------------------------------------------------------------------------
    def _send(self, sent: _Sent, path: str, message: dict[str, Any], call: dict[str, Any]) -> None:
        now_ms = self._world.now_ms()
        body = json.dumps({"message": {**message, "timestamp": now_ms, "call": call}}).encode()
        sent.queue.put_nowait((path, message["type"], body))
        if sent.worker is None:
            sent.worker = asyncio.get_running_loop().create_task(self._deliver(sent))
            self._workers.add(sent.worker)
            sent.worker.add_done_callback(self._workers.discard)

    async def _deliver(self, sent: _Sent) -> None:
        while not (sent.reported and sent.queue.empty()):
            path, kind, body = await sent.queue.get()
            await self._post(path, kind, body)

    async def _post(self, path: str, kind: str, body: bytes) -> None:
        assert self._http is not None
        for attempt in range(ATTEMPTS):
            url = f"{next(self._urls)}/{path}"
            headers = {"Content-Type": "application/json",
                       **(self._vapi.sign(body) if path == "vapi" else self._hms.sign(body, kind))}
            try:
                async with self._http.post(url, data=body, headers=headers) as response:
                    if response.status < 500:
                        if response.status >= 400:
                            log.warning("webhook %s refused by %s: %s", kind, url, response.status)
                        return
            except (aiohttp.ClientError, TimeoutError) as error:
                log.info("webhook %s to %s failed: %s", kind, url, error)
            await self._retry.sleep(self._retry.backoff(attempt))
        log.warning("webhook %s dropped after %d attempts", kind, ATTEMPTS)

