"""httpx.MockTransport scaffolding: scripted answers, every request recorded, sleeps recorded not slept."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from app.domain import Provider
from app.providers import make_client
from app.providers.http import RetryPolicy

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class ScriptedPlatform:
    """Answers requests from a script (in order, the last one repeating) and keeps what was asked."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def client(self, provider: Provider, base_url: str = "https://api.example/v1", **retry: Any):
        http = httpx.AsyncClient(transport=httpx.MockTransport(self.handle))
        policy = RetryPolicy(sleep=self.sleep, jitter=lambda: 0.0, **retry)
        return make_client(provider, base_url, "sk-test", http=http, retry=policy)

    def bodies(self) -> list[Any]:
        return [json.loads(request.content) if request.content else None for request in self.requests]


def answer(status: int, payload: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
    content = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return httpx.Response(status, content=content, headers=headers)
