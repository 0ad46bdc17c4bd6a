"""An in-process PlatformClient for scheduler tests: scripted calls, failures and request counting."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx

from app.domain import CAPABILITIES, Call, Command, CommandResult, Outcome, Provider
from app.providers import CLIENTS
from app.providers.base import MediaSource


class FakePlatform:
    def __init__(self, provider: Provider = Provider.VAPI, *, delay: float = 0.0):
        self.provider = provider
        self.capabilities = CAPABILITIES[provider]
        # The platform's own "what changed since" rule, as the real client has it.
        self.changes_since = CLIENTS[provider].changes_since
        self.change_time = CLIENTS[provider].change_time
        self.http = httpx.AsyncClient()
        self.calls: dict[str, Call] = {}
        self.page: int | None = None  # calls per page (None: all on one)
        self.failures: deque[Exception] = deque()  # raised by the next requests, one each
        self.list_failure: Exception | None = None  # raised by every list request while set
        self.delay = delay
        self.requests: Counter[str] = Counter()
        self.list_queries: list[dict[str, Any]] = []
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self.sent: list[Command] = []
        self.names: dict[tuple[str, str], str] = {}  # (kind, id) -> name, as GET /assistant/{id} has it
        self.send_error: Exception | None = None
        self.closed = False

    async def _request(self, what: str) -> None:
        self.requests[what] += 1
        self.in_flight[what] += 1
        self.max_in_flight[what] = max(self.max_in_flight[what], self.in_flight[what])
        try:
            await asyncio.sleep(self.delay)
            if self.failures:
                raise self.failures.popleft()
        finally:
            self.in_flight[what] -= 1

    async def list_calls(self, *, since: datetime | None = None, until: datetime | None = None,
                         updated_since: datetime | None = None, status: str | None = None,
                         page_size: int = 100) -> AsyncIterator[list[Call]]:
        self.list_queries.append({k: v for k, v in {"since": since, "updated_since": updated_since,
                                                      "status": status}.items() if v is not None})
        await self._request("list")
        if self.list_failure is not None:
            raise self.list_failure
        calls = [c for c in self.calls.values() if status is None or c.status == status]
        if updated_since is not None:
            calls = [c for c in calls if c.updated_at and c.updated_at > updated_since]
        size = self.page or max(1, len(calls))
        for start in range(0, max(1, len(calls)), size):
            yield calls[start:start + size]

    async def get_call(self, call_id: str) -> Call:
        await self._request(call_id)
        from app.providers.errors import NotFoundError

        if call_id not in self.calls:
            raise NotFoundError("No such call", status_code=404)
        return self.calls[call_id]

    async def read_name(self, kind: str, owner_id: str) -> str | None:
        await self._request(f"{kind}:{owner_id}")
        from app.providers.errors import NotFoundError

        if (kind, owner_id) not in self.names:
            raise NotFoundError(f"No such {kind}", status_code=404)
        return self.names[kind, owner_id]

    async def rename_call(self, call_id: str, name: str) -> Call:
        await self._request(f"rename:{call_id}")
        self.calls[call_id] = self.calls[call_id].model_copy(update={"name": name})
        return self.calls[call_id]

    async def send(self, call: Call, command: Command) -> CommandResult:
        self.sent.append(command)
        if self.send_error is not None:
            raise self.send_error
        return CommandResult(outcome=Outcome.ACCEPTED, status_code=200)

    def recording_source(self, call: Call, layout: str) -> MediaSource | None:
        return None

    def listen_source(self, call: Call) -> MediaSource | None:
        return None

    async def aclose(self) -> None:
        self.closed = True
        await self.http.aclose()
