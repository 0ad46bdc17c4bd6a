"""The demo account: the embedded sandbox started in-process on a free loopback port."""

from __future__ import annotations

import asyncio
import secrets
from concurrent.futures import Future
from typing import TYPE_CHECKING

from app.background import started
from app.domain import Account, Provider

if TYPE_CHECKING:
    from app.sandbox.embedded import EmbeddedSandbox

DEMO_ACCOUNT_ID = "demo"
DEMO_PROVIDER = Provider.VAPI


def demo_account(base_url: str = "") -> Account:
    """The demo account is never stored: its URL and key change on every start."""
    return Account(id=DEMO_ACCOUNT_ID, name="Demo (sandbox)", provider=DEMO_PROVIDER, base_url=base_url, is_demo=True)


class DemoPlatform:
    """Starts and stops the sandbox off the caller's thread, so the window never freezes."""

    def __init__(self, *, live: int = 4, history: int = 40, seed: int = 1, faults: str | None = None):
        self._live, self._history, self._seed, self._faults = live, history, seed, faults
        self._starting: Future[EmbeddedSandbox] | None = None
        self._sandbox: EmbeddedSandbox | None = None
        self._key = secrets.token_urlsafe(24)

    @property
    def sandbox(self) -> EmbeddedSandbox:
        if self._sandbox is None:
            raise RuntimeError("the demo platform is not running")
        return self._sandbox

    @property
    def api_key(self) -> str:
        return self._key

    def start_soon(self) -> None:
        """Begin starting the sandbox (once) on a worker thread, e.g. while the window's modules load."""
        if self._starting is None:
            self._starting = started(self._started, "demo start")

    async def start(self) -> Account:
        """Start the sandbox (once, or wait for the start under way) and return the demo account on it."""
        self.start_soon()
        starting = self._starting
        assert starting is not None
        try:
            sandbox = await asyncio.wrap_future(starting)
        except Exception:
            if self._starting is starting:
                self._starting = None  # the next start tries again
            raise
        if self._starting is not starting:
            raise RuntimeError("the demo platform was stopped while it started")
        self._sandbox = sandbox
        return demo_account(sandbox.base_url(DEMO_PROVIDER))

    def _started(self) -> EmbeddedSandbox:
        # The console imports the sandbox only here, to run the demo account (its modules load on
        # this thread too: ~0.4 s the window's thread does not wait for).
        from app.sandbox.embedded import EmbeddedSandbox

        sandbox = EmbeddedSandbox(
            api_key=self._key, live=self._live, history=self._history, seed=self._seed, faults=self._faults
        )
        sandbox.start()
        return sandbox

    async def stop(self) -> None:
        starting, self._starting, self._sandbox = self._starting, None, None
        if starting is None:
            return
        try:
            sandbox = await asyncio.wrap_future(starting)  # a start under way finishes, then stops
        except Exception:
            return  # it never ran
        await asyncio.get_running_loop().run_in_executor(None, sandbox.stop)
