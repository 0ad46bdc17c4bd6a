"""Keeps the call registry fresh: live calls about every second, the list every few seconds.

Rules: never two requests for the same thing in flight; back off on errors; wait out 429s
(honouring Retry-After); stop on 401 until told to resume. State is reported through
`events.state` so the status bar can say what is going on.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from app.domain import Call, Provider
from app.live.events import Event
from app.live.names import NameBook
from app.live.registry import CallRegistry
from app.providers.base import ChangeMark, PlatformClient
from app.providers.errors import (
    APIConnectionError,
    AuthenticationError,
    NotAvailableError,
    NotFoundError,
    ProviderError,
    RateLimitError,
)
from app.providers.http import RetryPolicy

log = logging.getLogger(__name__)


class Connection(StrEnum):
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"  # the platform cannot be reached
    FAILING = "failing"  # reachable but answering with errors
    RATE_LIMITED = "rate-limited"
    UNAUTHORIZED = "unauthorized"


@dataclass(frozen=True)
class PollState:
    connection: Connection = Connection.CONNECTING
    last_update: datetime | None = None
    retry_in: float | None = None  # seconds until the next attempt after a failure or 429
    message: str = "Connecting…"
    loaded: bool = False  # the first list has arrived


@dataclass(frozen=True)
class PollPlan:
    """How hard to poll a platform. HMS Sovereign allows 100 requests a minute per key."""

    live_interval: float = 1.0
    list_interval: float = 4.0
    calls_per_tick: int = 8
    first_window: timedelta = timedelta(days=7)
    max_pages: int = 5  # of the first list
    max_backoff: float = 30.0
    analysis_wait: timedelta = timedelta(minutes=2)  # keep refreshing ended calls until analysis lands

    def retry_policy(self) -> RetryPolicy:
        """The shared backoff, from two live ticks up to max_backoff; Retry-After capped as for every request."""
        return RetryPolicy(initial_delay=2 * self.live_interval, max_delay=self.max_backoff)


PLANS: dict[Provider, PollPlan] = {
    Provider.VAPI: PollPlan(),
    Provider.HMS: PollPlan(list_interval=5.0, calls_per_tick=1),
    Provider.VOICEBOT: PollPlan(list_interval=5.0, calls_per_tick=4),
}

@dataclass(frozen=True)
class PollerEvents:
    state: Event[PollState] = field(default_factory=lambda: Event("poll state"))




@dataclass
class _Backoff:
    """One loop's run of failures: the list and the live loop back off independently."""

    failures: int = 0


class CallPoller:
    """The async poll scheduler for one account. Owns its tasks; `stop()` cancels them."""

    def __init__(self, client: PlatformClient, registry: CallRegistry, plan: PollPlan | None = None,
                 names: NameBook | None = None):
        self._client = client
        self._registry = registry
        self._names = names or NameBook(client, "")
        self._plan = plan or PLANS.get(client.provider, PollPlan())
        self._retry = self._plan.retry_policy()
        self._state = PollState()
        self.events = PollerEvents()
        self._tasks: list[asyncio.Task[None]] = []
        self._in_flight: dict[str, asyncio.Task[Call | None]] = {}
        self._list_lock = asyncio.Lock()
        self._last_refresh: dict[str, float] = {}
        self._watched: str | None = None
        self._resume = asyncio.Event()
        self._resume.set()
        self._wake_list = asyncio.Event()
        self._pause_until = 0.0  # loop time before which no request is made (429)
        self._list_backoff = _Backoff()
        self._live_backoff = _Backoff()
        self._single_reads = True  # False once the platform says it has no single-call read
        self._mark: ChangeMark | None = None  # how far the lists have seen, in the platform's terms
        self._stopped = False

    # --- state ---------------------------------------------------------------------------
    @property
    def state(self) -> PollState:
        return self._state

    def _set_state(self, **changes: Any) -> None:
        new = replace(self._state, **changes)
        if new != self._state:
            self._state = new
            self.events.state.emit(new)

    # --- control -------------------------------------------------------------------------
    @property
    def plan(self) -> PollPlan:
        return self._plan

    def set_plan(self, plan: PollPlan) -> None:
        """Poll at another pace from the next tick on (slowly while a hub streams the changes)."""
        self._plan = plan
        self._retry = plan.retry_policy()

    @property
    def running(self) -> bool:
        return bool(self._tasks)

    def start(self) -> None:
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._list_loop(), name="poll-list"),
                asyncio.create_task(self._live_loop(), name="poll-live"),
            ]

    async def stop(self) -> None:
        self._stopped = True  # a late refresh (e.g. after a command) must not use a closed client
        tasks = self._tasks + list(self._in_flight.values())
        self._tasks = []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._in_flight.clear()

    def watch(self, call_id: str | None) -> None:
        """The call a supervisor is looking at is refreshed every tick, live or just ended."""
        self._watched = call_id

    def resume(self) -> None:
        """Try again after a 401 (e.g. once the key was fixed)."""
        self._list_backoff.failures = self._live_backoff.failures = 0
        self._set_state(connection=Connection.CONNECTING, message="Connecting…", retry_in=None)
        self._resume.set()
        self._wake_list.set()

    def poll_list_soon(self) -> None:
        if not self._list_backoff.failures:  # a failing list keeps its backoff
            self._wake_list.set()

    # --- requests ------------------------------------------------------------------------
    async def refresh(self, call_id: str) -> Call | None:
        """Fetch one call now (joining a fetch already in flight) and merge it."""
        if self._stopped:
            return self._registry.get(call_id)
        if not self._single_reads:  # followed through the list
            self.poll_list_soon()
            return self._registry.get(call_id)
        task = self._in_flight.get(call_id)
        if task is None:
            task = asyncio.create_task(self._fetch_call(call_id), name=f"poll-call-{call_id}")
            self._in_flight[call_id] = task
            task.add_done_callback(lambda _t: self._in_flight.pop(call_id, None))
        return await asyncio.shield(task)

    async def refresh_list(self) -> None:
        if self._stopped:
            return
        async with self._list_lock:  # one list request at a time, whoever asks
            await self._gate()
            client = self._client
            queries = client.changes_since(self._mark, datetime.now(UTC) - self._plan.first_window)
            first = self._mark is None
            mark = self._mark or ChangeMark()  # moved on only once the whole list has arrived
            for query in queries:
                pages = 0
                async for page in client.list_calls(**asdict(query)):
                    await asyncio.sleep(0)  # the window gets a turn between a page arriving and showing it
                    mark = mark.moved(page, client.change_time)
                    self._registry.merge(await self._names.named(page))
                    pages += 1
                    # Only the first list is cut short (older calls are the history's); a change left
                    # unread after it would be lost, as the mark moves past it.
                    if first and pages >= self._plan.max_pages:
                        break
            live = [call.created_at for call in self._registry.calls() if call.is_live and call.created_at]
            self._mark = replace(mark, oldest_live=min(live, default=None))
            self._succeeded(self._list_backoff, loaded=True)

    async def _fetch_call(self, call_id: str) -> Call | None:
        await self._gate()
        self._last_refresh[call_id] = asyncio.get_running_loop().time()
        try:
            call = await self._client.get_call(call_id)
        except NotAvailableError:
            log.info("%s has no single-call read: following its calls through the list",
                     self._client.provider.display_name)
            self._single_reads = False
            self.poll_list_soon()
            self._succeeded(self._live_backoff)
            return self._registry.get(call_id)
        except NotFoundError:
            log.info("call %s is gone from the platform", call_id)
            self._registry.remove([call_id])
            self._succeeded(self._live_backoff)
            return None
        [call] = await self._names.named([call])
        self._registry.merge([call])
        self._succeeded(self._live_backoff)
        return call

    # --- loops ---------------------------------------------------------------------------
    async def _list_loop(self) -> None:
        while True:
            await self._resume.wait()
            delay = self._plan.list_interval
            try:
                await self.refresh_list()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # every failure is reported and retried, never fatal
                delay = self._failed(error, self._list_backoff)
            self._wake_list.clear()
            try:
                async with asyncio.timeout(delay):  # sleep, unless someone asks for the list sooner
                    await self._wake_list.wait()
            except TimeoutError:
                pass

    async def _live_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._resume.wait()
            delay = self._plan.live_interval
            due = self._due_calls(loop.time())
            if due and not self._single_reads:
                self.poll_list_soon()  # live calls are followed through the list
            elif due:
                results = await asyncio.gather(*(self.refresh(i) for i in due), return_exceptions=True)
                errors = [r for r in results if isinstance(r, BaseException)]
                for error in errors:
                    if isinstance(error, asyncio.CancelledError):
                        raise error
                if errors:
                    delay = self._failed(errors[0], self._live_backoff)
            await asyncio.sleep(delay)

    def _due_calls(self, now: float) -> list[str]:
        """The watched call first, then live calls and calls awaiting analysis, stalest first — unless
        there are more than single reads could refresh faster than the list does: then only the watched one."""
        plan = self._plan
        cutoff = datetime.now(UTC) - plan.analysis_wait
        candidates = [
            call.id
            for call in self._registry.calls()
            if call.is_live or _awaits_analysis(call, cutoff)
        ]
        if len(candidates) > plan.calls_per_tick * plan.list_interval / plan.live_interval:
            candidates = []  # each would be read alone less often than the list brings it
        candidates.sort(key=lambda i: self._last_refresh.get(i, 0.0))
        due = [i for i in candidates if i not in self._in_flight]
        watched = self._watched
        if watched is not None and watched in self._registry and watched not in self._in_flight:
            call = self._registry.get(watched)
            if call is not None and (call.is_live or _awaits_analysis(call, cutoff)):
                due = [watched] + [i for i in due if i != watched]
        return due[: self._plan.calls_per_tick]

    # --- outcomes ------------------------------------------------------------------------
    async def _gate(self) -> None:
        """Wait out a rate-limit pause shared by every loop."""
        loop = asyncio.get_running_loop()
        while (wait := self._pause_until - loop.time()) > 0:
            await asyncio.sleep(wait)
        await self._resume.wait()

    def _succeeded(self, backoff: _Backoff, *, loaded: bool = False) -> None:
        backoff.failures = 0
        if self._list_backoff.failures or self._live_backoff.failures:
            # The other loop is still failing: its message stays until it recovers.
            if loaded:
                self._set_state(loaded=True)
            return
        changes: dict[str, Any] = {
            "connection": Connection.ONLINE,
            "last_update": datetime.now(UTC),
            "retry_in": None,
            "message": "Connected",
        }
        if loaded:
            changes["loaded"] = True
        self._set_state(**changes)

    def _failed(self, error: BaseException, backoff: _Backoff) -> float:
        """Record a failure of one loop; returns how long that loop should wait before trying again."""
        attempt = backoff.failures
        backoff.failures += 1
        if isinstance(error, RateLimitError):
            wait = self._retry.delay(attempt, error.retry_after)
            self._pause_until = asyncio.get_running_loop().time() + wait
            self._set_state(
                connection=Connection.RATE_LIMITED,
                retry_in=wait,
                message=f"Rate limited by the platform — waiting {wait:.0f} s",
            )
            return wait
        if isinstance(error, AuthenticationError):
            self._resume.clear()
            self._set_state(connection=Connection.UNAUTHORIZED, retry_in=None, message=str(error))
            return self._plan.list_interval
        if isinstance(error, APIConnectionError):
            connection, what = Connection.OFFLINE, "Cannot reach the platform"
        elif isinstance(error, ProviderError):
            connection, what = Connection.FAILING, "The platform is answering with errors"
        else:
            log.exception("unexpected error while polling", exc_info=error)
            connection, what = Connection.FAILING, "Unexpected error while polling"
        log.info("poll failed (%s): %s", type(error).__name__, error)
        wait = self._retry.backoff(attempt)
        self._set_state(
            connection=connection,
            retry_in=wait,
            message=f"{what}: {error}. Retrying in {wait:.0f} s",
        )
        return wait


def _awaits_analysis(call: Call, cutoff: datetime) -> bool:
    if call.is_live or call.has_analysis or call.ended_at is None:
        return False
    try:
        return call.ended_at >= cutoff
    except TypeError:
        return False
