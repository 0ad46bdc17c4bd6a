"""Small HTTP helpers for sandbox tests: authenticated clients per platform, polling, live calls, commands."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from app.domain import Provider
from app.sandbox.embedded import EmbeddedSandbox
from tests.fixtures.sandbox import SANDBOX_KEY


def client(sandbox: EmbeddedSandbox, provider: Provider, key: str = SANDBOX_KEY) -> httpx.Client:
    header = {"X-API-Key": key} if provider is Provider.VOICEBOT else {"Authorization": f"Bearer {key}"}
    return httpx.Client(base_url=sandbox.base_url(provider), headers=header, timeout=10)


def wait_for(probe: Callable[[], Any], timeout: float = 20.0, every: float = 0.05) -> Any:
    """Poll `probe` until it returns something truthy; fail with the last value after `timeout`."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"gave up waiting after {timeout}s; last value: {value!r}")


def vapi_call(api: httpx.Client, call_id: str) -> dict[str, Any]:
    response = api.get(f"/call/{call_id}")
    response.raise_for_status()
    return response.json()


def in_progress(sandbox: EmbeddedSandbox, scenario: str = "booking", **start: Any) -> dict[str, Any]:
    """Start a Vapi call (`start`: owner=..., realtime=...) and return its Call once it is answered."""
    call_id = sandbox.start_call(Provider.VAPI, scenario, **start)
    with client(sandbox, Provider.VAPI) as api:
        return wait_for(lambda: (c := vapi_call(api, call_id))["status"] == "in-progress" and c, timeout=10)


def command(call: dict[str, Any], body: dict[str, Any], headers: dict[str, str] | None = None) -> httpx.Response:
    """POST a control body to the call's controlUrl (no key unless `headers` bring one)."""
    return httpx.post(call["monitor"]["controlUrl"], json=body, headers=headers)
