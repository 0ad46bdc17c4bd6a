"""The team record as one console sees it through its hub (Qt-free).

`TeamBoard` holds the rows the team wrote through the hub (read once the stream is up, then kept
current by the stream's `record` events) and shares this console's own: audit rows, submitted
reviews and their comments, alert acknowledgements. Offline-first: the local store is always
written first by its own code; `share` then queues the row on disk (TeamRecordClient), and the
queue goes out whenever the hub answers, so the console never waits for the hub.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from app.domain import Account, Call, Command, CommandResult, describe
from app.domain.team_record import RecordKind
from app.live.events import Event
from app.live.session import CommandJournal
from app.providers.base import PlatformClient

if TYPE_CHECKING:  # the hub client (and websockets) load with the first account on a hub
    from app.live.hub_client import TeamRecordClient

log = logging.getLogger(__name__)

MAX_ROWS = 20_000  # what one console keeps in memory; older rows stay on the hub


def team_account_id(account: Account) -> str:
    """The same platform account on every console of the team (local account ids differ per console)."""
    return f"{account.provider.value}:{account.base_url.strip().rstrip('/').lower()}"[:200]


@dataclass(frozen=True)
class TeamRow:
    id: int
    author: str
    created_at: float
    kind: str
    account_id: str
    call_id: str
    body: dict[str, Any]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TeamRow:
        """Raises KeyError, TypeError or ValueError for a row that is not one."""
        body = data["body"]
        if not isinstance(body, dict):
            raise TypeError("a row's body is an object")
        return cls(int(data["id"]), str(data["author"]), float(data["created_at"]), str(data["kind"]),
                   str(data["account_id"]), str(data["call_id"]), body)

    def text(self, key: str) -> str:
        value = self.body.get(key)
        return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class BoardEvents:
    rows: Event[list[TeamRow]] = field(default_factory=lambda: Event("team rows"))  # the new ones


class TeamBoard:
    def __init__(self, client: TeamRecordClient, account: Account) -> None:
        self.client = client
        self.account_id = team_account_id(account)
        self.events = BoardEvents()
        self._rows: dict[int, TeamRow] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    # --- the team's rows -----------------------------------------------------------------
    def rows(self, kind: RecordKind, call_id: str | None = None) -> list[TeamRow]:
        """This account's rows of a kind (of one call), oldest first."""
        return [row for row in sorted(self._rows.values(), key=lambda r: r.id)
                if row.kind == kind and row.account_id == self.account_id and call_id in (None, row.call_id)]

    def add(self, data: dict[str, Any]) -> None:
        """A row from the hub's stream (or its list): kept once, told to the views."""
        self._add([data])

    def _add(self, items: list[dict[str, Any]]) -> None:
        new: list[TeamRow] = []
        for data in items:
            try:
                row = TeamRow.from_json(data)
            except (KeyError, TypeError, ValueError) as error:  # one bad row is skipped, not its neighbours
                log.warning("a team row was skipped: %s", error)
                continue
            if row.id not in self._rows:
                self._rows[row.id] = row
                new.append(row)
        while len(self._rows) > MAX_ROWS:
            del self._rows[min(self._rows)]
        if new:
            self.events.rows.emit(new)

    async def catch_up(self) -> None:
        """Read the rows written since the newest one held (all of them the first time)."""
        while True:
            after = max(self._rows, default=0)
            try:
                page = await self.client.rows(after)
            except httpx.HTTPError as error:  # the stream's return will bring us here again
                log.info("team rows could not be read: %s", error)
                return
            self._add(page)
            if not page or max(self._rows, default=0) == after:
                return

    def catch_up_soon(self) -> None:
        self._keep(self.catch_up())

    # --- this console's rows -------------------------------------------------------------
    def share(self, kind: RecordKind, call_id: str, body: dict[str, Any], client_id: str | None = None) -> None:
        """Queue a row for the hub (after the local store has it); it goes out now or when the hub is back."""
        try:
            self.client.queue(kind, self.account_id, call_id, body, client_id)
        except OSError as error:  # the local store has the row already; only the team misses it
            log.error("a team row could not be queued: %s", error)
            return
        self._keep(self.client.flush())

    def _keep(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("team work failed: %s", task.exception())

    async def aclose(self) -> None:
        # Rows already queued are on disk: waiting for the hub here would only hold up the switch.
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.client.aclose()


@dataclass(frozen=True)
class SharedJournal:
    """The audit trail, each command's finished row also shared with the team (who sent what to which call)."""

    local: CommandJournal
    board: TeamBoard

    async def send(self, client: PlatformClient, account: Account, call: Call, command: Command) -> CommandResult:
        result = await self.local.send(client, account, call, command)
        self.board.share(RecordKind.AUDIT, call.id, {"command": command.kind.value, "description": describe(command),
                                          "outcome": result.outcome.value, "message": result.message})
        return result
