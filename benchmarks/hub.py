"""hub: webhook-in -> event-in-console latency, and the hub's ingest rate against a bare aiohttp handler.

A load generator posts signed Vapi `transcript` webhooks for `calls` live calls at `rate` per
second, each stamped with its send time; consoles (the project's HubStream) note when each
event arrives. Hubs are real `switchboard hub` processes: one with the embedded engines, and two
sharing a Redis Stream (webhooks alternate between them, a console on each); and ten consoles
on one hub. Every event must
arrive exactly once at every console, or the benchmark fails. Ingest: seconds per 1000 webhooks
at a fixed concurrency, against a bare aiohttp app in its own process that only answers 200.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from app.hub.signatures import VAPI_SIGNATURE, VAPI_TIMESTAMP, VapiCredential
from app.live.hub_client import HubState, HubStream
from benchmarks.runner import Result, percentile, within_budget
from tests.fixtures.servers import free_port, running_redis

NAME = "hub"
BUDGET_P95_MS = 150.0
SECRET = "bench-secret"
ROOT = Path(__file__).resolve().parents[1]
BARE = """
import asyncio, sys
from aiohttp import web

async def ok(request):
    await request.read()
    return web.json_response({})

async def main():
    app = web.Application()
    app.router.add_post("/webhooks/{source}", ok)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(sys.argv[1])).start()
    print("Hub listening", flush=True)  # the same ready line as the hub's
    await asyncio.Event().wait()

asyncio.run(main())
"""


@dataclass(frozen=True)
class Sizes:
    rate: int  # webhooks per second
    calls: int  # live calls the webhooks are spread over
    seconds: float
    ingest_requests: int
    concurrency: int = 32


FULL = Sizes(rate=2000, calls=500, seconds=5.0, ingest_requests=5000)
SMOKE = Sizes(rate=100, calls=20, seconds=0.5, ingest_requests=100)
WARM_UP = Sizes(rate=200, calls=20, seconds=0.25, ingest_requests=0)


@dataclass
class Arrivals:
    """Latency per event at one console; counts every sequence number to catch loss and duplicates."""

    latencies: list[float] = field(default_factory=list)
    seen: dict[int, int] = field(default_factory=dict)

    def prepare(self, event: dict) -> dict:
        return event

    def apply(self, event_id: str, event: dict) -> None:
        sequence, sent = event["turn"]["text"].split("@")
        self.latencies.append(time.time() - float(sent))
        self.seen[int(sequence)] = self.seen.get(int(sequence), 0) + 1

    def reset(self) -> None:
        raise AssertionError("a console was told to re-read during the benchmark")

    def clear(self) -> None:
        self.latencies.clear()
        self.seen.clear()


async def _process(port: int, *argv: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "SWITCHBOARD_HUB_WEBHOOK_SECRET": SECRET, "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(sys.executable, *argv, cwd=ROOT, env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    if not line.startswith(b"Hub listening"):
        raise RuntimeError(f"server on {port} did not start: {line!r}")
    return process


async def _hub(stack: AsyncExitStack, data: Path, *engine: str) -> str:
    """A `switchboard hub` process, killed when the stack closes; returns its URL."""
    port = free_port()
    process = await _process(port, "-m", "app", "hub", "--port", str(port), "--data", str(data), *engine)
    stack.push_async_callback(_kill, process)
    return f"http://127.0.0.1:{port}"


async def _kill(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.kill()
        await process.wait()


def _signed(sequence: int, call: int) -> tuple[bytes, dict[str, str]]:
    message = {"type": "transcript", "role": "user", "transcriptType": "final", "timestamp": int(time.time() * 1000),
               "transcript": f"{sequence}@{time.time():.6f}",
               "call": {"id": f"bench-call-{call}", "orgId": "bench", "createdAt": "2026-01-01T00:00:00Z",
                        "updatedAt": "2026-01-01T00:00:00Z", "status": "in-progress"}}
    body = json.dumps({"message": message}).encode()
    headers = VapiCredential("hmac", SECRET, VAPI_SIGNATURE, VAPI_TIMESTAMP).sign(body)
    return body, {**headers, "Content-Type": "application/json"}


async def _paced_load(http: aiohttp.ClientSession, hubs: list[str], sizes: Sizes) -> int:
    """Posts rate x seconds webhooks on a fixed schedule; returns how many were sent."""
    total = int(sizes.rate * sizes.seconds)
    schedule = asyncio.Queue[int]()
    begin = time.perf_counter()

    async def sender() -> None:
        while True:
            sequence = await schedule.get()
            delay = begin + sequence / sizes.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            body, headers = _signed(sequence, sequence % sizes.calls)
            async with http.post(f"{hubs[sequence % len(hubs)]}/webhooks/vapi", data=body, headers=headers) as answer:
                if answer.status != 200:
                    raise RuntimeError(f"webhook {sequence} answered {answer.status}")
            schedule.task_done()

    for sequence in range(total):
        schedule.put_nowait(sequence)
    senders = [asyncio.create_task(sender()) for _ in range(sizes.concurrency * 2)]
    await schedule.join()
    for task in senders:
        task.cancel()
    return total


async def _latency(label: str, sizes: Sizes, hubs: list[str], token_for: dict[str, str]) -> list[Result]:
    consoles = [Arrivals() for _ in hubs]
    streams = [HubStream(url, token_for[url], console) for url, console in zip(hubs, consoles, strict=True)]
    for stream in streams:
        stream.start()
    try:
        while not all(stream.state is HubState.STREAMING for stream in streams):
            await asyncio.sleep(0.02)
        connector = aiohttp.TCPConnector(limit=sizes.concurrency * 2)
        async with aiohttp.ClientSession(connector=connector) as http:
            # Untimed warm-up: connections, the Redis script, the hubs' first requests.
            await _arrived(consoles, await _paced_load(http, hubs, WARM_UP))
            for console in consoles:
                console.clear()
            sent = await _paced_load(http, hubs, sizes)
            await _arrived(consoles, sent)
    finally:
        for stream in streams:
            await stream.stop()
    for console in consoles:
        lost, doubled = sent - len(console.seen), sum(1 for n in console.seen.values() if n > 1)
        if lost or doubled:
            raise AssertionError(f"{label}: {lost} events lost and {doubled} duplicated at a console")
    latencies = [seconds * 1000 for console in consoles for seconds in console.latencies]
    what = f"{sizes.rate}/s, {sizes.calls} calls"
    return [within_budget(f"{NAME}_latency {label} p50 ({what})", "ms", percentile(latencies, 0.5), BUDGET_P95_MS),
            within_budget(f"{NAME}_latency {label} p95 ({what})", "ms", percentile(latencies, 0.95), BUDGET_P95_MS)]


async def _arrived(consoles: list[Arrivals], sent: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while any(len(console.seen) < sent for console in consoles) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


async def _ingest_seconds(url: str, sizes: Sizes) -> float:
    """Seconds per 1000 webhooks, `concurrency` in flight, after a warm-up."""
    connector = aiohttp.TCPConnector(limit=sizes.concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        requests = [_signed(n, n % sizes.calls) for n in range(sizes.ingest_requests + 50)]
        pending = asyncio.Queue[tuple[bytes, dict[str, str]]]()

        async def worker() -> None:
            while not pending.empty():
                body, headers = pending.get_nowait()
                async with http.post(f"{url}/webhooks/vapi", data=body, headers=headers) as answer:
                    await answer.read()

        async def run(batch: list[tuple[bytes, dict[str, str]]]) -> float:
            for item in batch:
                pending.put_nowait(item)
            began = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(sizes.concurrency)))
            return time.perf_counter() - began

        await run(requests[:50])
        return await run(requests[50:]) / sizes.ingest_requests * 1000


async def _token(data: Path) -> str:
    """A supervisor's token in the team record at `data`."""
    from app.hub.server import open_hub
    from app.hub.team import Role, new_token, token_hash

    hub = await open_hub({}, data)
    token = new_token()
    try:
        await hub.team.add_user("bench", Role.SUPERVISOR, token_hash(token))
    finally:
        await hub.close()
    return token


async def _measure(sizes: Sizes, folder: Path) -> list[Result]:
    results: list[Result] = []
    async with AsyncExitStack() as stack:
        data = folder / "one.sqlite3"
        token = await _token(data)
        one = await _hub(stack, data)
        results += await _latency("one hub", sizes, [one], {one: token})
        results += await _latency("one hub, ten consoles", sizes, [one] * 10, {one: token})
        hub_ingest = await _ingest_seconds(one, sizes)
        bare_port = free_port()
        stack.push_async_callback(_kill, await _process(bare_port, "-c", BARE, str(bare_port)))
        bare_ingest = await _ingest_seconds(f"http://127.0.0.1:{bare_port}", sizes)
        results.append(Result(f"{NAME}_ingest (s per 1000 webhooks, {sizes.concurrency} in flight)", "s",
                              hub_ingest, bare_ingest, "bare aiohttp 200 handler"))
    with ExitStack() as engines:
        redis_url = engines.enter_context(running_redis())
        async with AsyncExitStack() as stack:
            shared = folder / "team.sqlite3"  # the two hubs' users: one team record file, only read by them
            token = await _token(shared)
            urls = [await _hub(stack, shared, "--redis", redis_url) for _ in range(2)]
            results += await _latency("two hubs + Redis", sizes, urls, dict.fromkeys(urls, token))
    return results


def measure(sizes: Sizes, work: Path) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="sb-hub-bench-") as folder:
        return asyncio.run(_measure(sizes, Path(folder)))
