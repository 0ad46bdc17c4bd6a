"""The sandbox in-process: its own asyncio loop in a background thread, on a free loopback port."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from types import TracebackType
from typing import Any

from app.domain import Provider
from app.sandbox.access import Received
from app.sandbox.call_factory import OWNERS
from app.sandbox.faults import FaultSpec
from app.sandbox.server import SandboxServer, build_state
from app.sandbox.state import Access
from app.sandbox.wire import base_url
from app.sandbox.world import TrafficSettings


class EmbeddedSandbox:
    """Start, use from any thread, stop. `traffic` are TrafficSettings fields (seed, live, history, speed, ...);
    `speed` > 1 runs calls faster than real time (tests). `public_key`, `monitor_auth` and `recording_ttl`
    are as `switchboard sandbox --public-key/--monitor-auth/--recording-ttl`."""

    def __init__(
        self,
        *,
        api_key: str = "sandbox-key",
        faults: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        public_key: str = Access.public_key,
        monitor_auth: bool = False,
        recording_ttl: float = Access.recording_ttl,
        **traffic: Any,
    ) -> None:
        # Bad settings or a bad fault spec fail here, in the caller's thread (ValueError).
        self._traffic = TrafficSettings(**traffic)
        self._access = Access(public_key, monitor_auth, recording_ttl)
        FaultSpec.parse(faults)
        self.api_key = api_key
        self.host = host
        self._requested_port = port
        self._faults = faults
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: SandboxServer | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return self._server.port

    @property
    def server(self) -> SandboxServer:
        """The running server (its state and world), for tests that look inside."""
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return self._server

    def base_url(self, provider: Provider) -> str:
        return base_url(self.host, self.port, provider)

    def origins(self, site: str) -> tuple[str, ...]:
        """http://host:port of each socket of the api, monitor (two: hosts change between calls) or storage site."""
        return self.server.origins(site)

    def received(self) -> list[Received]:
        """Every request the sandbox received (newest last), with where it arrived and its credentials."""
        return self._call(lambda: list(self.server.state.received))

    def start(self) -> EmbeddedSandbox:
        if self._thread is not None:
            return self
        started: Future[None] = Future()
        self._thread = threading.Thread(target=self._serve, args=(started,), name="sandbox", daemon=True)
        self._thread.start()
        try:
            started.result(timeout=60)
        except BaseException:
            self._thread.join(timeout=5)
            self._thread = None
            raise
        return self

    def _serve(self, started: Future[None]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            state = build_state(api_key=self.api_key, traffic=self._traffic, faults_spec=self._faults, access=self._access)
            server = SandboxServer(state, self.host, self._requested_port)
            loop.run_until_complete(server.start())
            self._server = server
        except BaseException as error:
            started.set_exception(error)
            loop.close()
            self._loop = None
            return
        started.set_result(None)
        loop.run_forever()
        loop.run_until_complete(server.stop())
        # Let cancelled calls finish their cleanup (a `say` being rendered kills its espeak-ng process).
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.wait(pending))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()

    def stop(self) -> None:
        """Idempotent: stops serving, ends the traffic and joins the thread."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        self._thread = self._loop = self._server = None

    def _call(self, function: Any, *args: Any) -> Any:
        """Run `function(*args)` on the sandbox loop and return its result."""
        if self._loop is None:
            raise RuntimeError("the sandbox is not running")

        async def run() -> Any:
            return function(*args)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=30)

    def set_faults(self, spec: str | None) -> None:
        parsed = FaultSpec.parse(spec)
        self._faults = spec
        if self._server is not None:
            self._call(self._server.state.faults.replace, parsed)

    def start_call(self, provider: Provider, scenario: str | None = None, *, owner: str | None = None,
                   realtime: bool | None = None) -> str:
        """Queue a new live call now; returns its id. `owner` (transient, assistant, squad, workflow) and
        `realtime` (Vapi) are drawn like the traffic's unless given."""
        world = self.server.state.world
        if scenario is not None and scenario not in world.scenarios:
            raise ValueError(f"unknown scenario '{scenario}' (known: {', '.join(sorted(world.scenarios))})")
        if owner is not None and owner not in OWNERS:
            raise ValueError(f"unknown owner '{owner}' (known: {', '.join(OWNERS)})")
        return self._call(lambda: world.start_call(Provider(provider), scenario, owner=owner, realtime=realtime).id)

    def __enter__(self) -> EmbeddedSandbox:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.stop()
