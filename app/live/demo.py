"""The demo account: the embedded sandbox started in-process on a free loopback port."""

from __future__ import annotations

import asyncio
import secrets
from typing import TYPE_CHECKING

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

    async def start(self) -> Account:
        """Start the sandbox (once) and return the demo account pointing at it."""
        if self._sandbox is None:
            self._sandbox = await asyncio.get_running_loop().run_in_executor(None, self._started)
        return demo_account(self._sandbox.base_url(DEMO_PROVIDER))

    def _started(self) -> EmbeddedSandbox:
        # The console imports the sandbox only here, to run the demo account; on a worker thread, as
        # it starts, so the window stays responsive meanwhile.
        from app.sandbox.embedded import EmbeddedSandbox

        sandbox = EmbeddedSandbox(
            api_key=self._key, live=self._live, history=self._history, seed=self._seed, faults=self._faults
        )
        sandbox.start()
        return sandbox

    async def stop(self) -> None:
        sandbox, self._sandbox = self._sandbox, None
        if sandbox is not None:
            await asyncio.get_running_loop().run_in_executor(None, sandbox.stop)
