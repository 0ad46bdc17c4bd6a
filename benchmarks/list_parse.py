"""list_parse_1000_calls: fetch and parse 1 000 Vapi calls from the sandbox — our client vs the official SDK.

Both ask the same in-process sandbox over loopback for its whole history in pages of up to 1 000
(`limit=1000`) and end with every call as a typed object: ours as `app.domain.Call`, the SDK's as
`vapi.types.Call` (vapi_server_sdk's AsyncVapi).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from app.domain import Provider
from app.providers import make_client
from app.sandbox.embedded import EmbeddedSandbox
from benchmarks.runner import WORK, Result, median_seconds

NAME = "list_parse_1000_calls"
PEER = "vapi_server_sdk AsyncVapi.calls.list"

Fetch = Callable[[str, str, int], Awaitable[int]]


@dataclass(frozen=True)
class Sizes:
    calls: int
    runs: int
    peer_runs: int  # the SDK takes about a minute per 1 000 calls here: fewer runs keep `make bench` short
    warmup_calls: int  # the warm-up fetches a small page: imports, connection, schema set-up


FULL = Sizes(calls=1000, runs=5, peer_runs=3, warmup_calls=20)
SMOKE = Sizes(calls=20, runs=1, peer_runs=1, warmup_calls=5)


async def fetch_ours(base_url: str, key: str, limit: int) -> int:
    client = make_client(Provider.VAPI, base_url, key)
    try:
        count = 0
        async for page in client.list_calls(page_size=limit):
            count += len(page)
            if count >= limit:
                break
        return count
    finally:
        await client.aclose()


async def fetch_peer(base_url: str, key: str, limit: int) -> int:
    from vapi import AsyncVapi  # the peer is a test dependency, imported only when measured

    client = AsyncVapi(token=key, base_url=base_url, timeout=600)
    calls = await client.calls.list(limit=limit)
    return len(calls)


def measure(sizes: Sizes = FULL, work: Path = WORK) -> list[Result]:  # nothing to keep between runs
    with EmbeddedSandbox(history=sizes.calls, live=0, seed=8) as sandbox:
        base_url, key = sandbox.base_url(Provider.VAPI), sandbox.api_key

        def timed(fetch: Fetch, runs: int) -> float:
            def once(limit: int) -> None:
                got = asyncio.run(fetch(base_url, key, limit))
                if got != limit:
                    raise RuntimeError(f"{NAME}: fetched {got} calls, expected {limit}")

            once(sizes.warmup_calls)
            return median_seconds(lambda: once(sizes.calls), runs=runs, warmups=0)

        ours = timed(fetch_ours, sizes.runs)
        peer = timed(fetch_peer, sizes.peer_runs)
    return [Result(NAME, "s", ours, peer, PEER)]
