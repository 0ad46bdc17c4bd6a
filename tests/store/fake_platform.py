"""An in-memory PlatformClient: filters and pages like the real platforms, counts what it was asked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from app.domain import CAPABILITIES, Call, Command, CommandResult, Outcome, Provider, Turn, TurnRole
from app.providers import CLIENTS

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make_call(n: int, *, provider: Provider = Provider.VAPI, status: str = "ended",
              turns: tuple[Turn, ...] | None = None, updated: datetime | None = None, **fields) -> Call:
    created = T0 + timedelta(minutes=n)
    return Call(
        id=f"call-{n:05d}", provider=provider, status=status, created_at=created,
        updated_at=updated or created + timedelta(minutes=3), started_at=created,
        assistant_name=fields.pop("assistant_name", "Front desk"), customer_number=f"+3161234{n:04d}",
        turns=turns if turns is not None else (
            Turn(role=TurnRole.ASSISTANT, text="Hello, thanks for calling. How can I help?", start=0.4, end=2.1),
            Turn(role=TurnRole.CUSTOMER, text=f"I would like a refund for order {n}", start=2.8, end=5.0),
        ),
        raw={"id": f"call-{n:05d}", "orgId": "org-1", "someNewField": {"n": n}},
        **fields,
    )


@dataclass
class ListRequest:
    since: datetime | None
    until: datetime | None
    updated_since: datetime | None
    status: str | None = None


@dataclass
class FakePlatform:
    provider: Provider = Provider.VAPI
    calls: dict[str, Call] = field(default_factory=dict)
    requests: list[ListRequest] = field(default_factory=list)
    sent: list[tuple[str, Command]] = field(default_factory=list)
    on_send: Callable[[Call, Command], Awaitable[CommandResult]] | None = None

    def __post_init__(self) -> None:
        self.capabilities = CAPABILITIES[self.provider]
        # The platform's own "what changed since" rule, as the real client has it.
        self.changes_since = CLIENTS[self.provider].changes_since
        self.change_time = CLIENTS[self.provider].change_time
        self.http = httpx.AsyncClient()

    def put(self, *calls: Call) -> None:
        self.calls.update({call.id: call for call in calls})

    async def list_calls(self, *, since: datetime | None = None, until: datetime | None = None,
                         updated_since: datetime | None = None, status: str | None = None,
                         page_size: int = 100) -> AsyncIterator[list[Call]]:
        self.requests.append(ListRequest(since, until, updated_since, status))
        chosen = sorted(
            (c for c in self.calls.values()
             if (since is None or c.created_at >= since) and (until is None or c.created_at < until)
             and (updated_since is None or c.updated_at > updated_since)
             and (status is None or c.status == status)),
            key=lambda c: c.created_at, reverse=True,
        )
        for start in range(0, len(chosen), page_size):
            await asyncio.sleep(0)
            yield chosen[start:start + page_size]

    async def send(self, call: Call, command: Command) -> CommandResult:
        self.sent.append((call.id, command))
        if self.on_send is not None:
            return await self.on_send(call, command)
        return CommandResult(outcome=Outcome.ACCEPTED, message="Command sent successfully", status_code=200)

    async def aclose(self) -> None:
        await self.http.aclose()
