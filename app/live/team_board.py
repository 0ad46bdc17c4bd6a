"""The team record as one console sees it through its hub (Qt-free).

`TeamBoard` holds the rows the team wrote through the hub (read once the stream is up, then kept
current by the stream's `record` events) and shares this console's own: audit rows, submitted
reviews and their comments, alert acknowledgements. Offline-first: the local store is always
written first by its own code; `share` then queues the row (TeamRecordClient keeps it on disk), and the
queue goes out whenever the hub answers, so the console never waits for the hub.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from app.domain import Account, Call, Command, CommandResult, describe
from app.domain.team_record import RecordKind
from app.live.events import Event
from app.live.session import CommandJournal
from app.live.tasks import KeptTasks
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
        self._rows: OrderedDict[int, TeamRow] = OrderedDict()  # by id, oldest first (dropped first)
        self._tasks = KeptTasks("team board")

    # --- the team's rows -----------------------------------------------------------------
    def rows(self, kind: RecordKind | None = None, call_id: str | None = None) -> list[TeamRow]:
        """This account's rows of a kind (every kind when None; of one call), oldest first."""
        return [row for row in self._rows.values()
                if kind in (None, row.kind) and row.account_id == self.account_id and call_id in (None, row.call_id)]

    def add(self, data: dict[str, Any]) -> None:
        """A row from the hub's stream (or its list): kept once, told to the views."""
        self._add([data])

    def _add(self, items: list[dict[str, Any]]) -> None:
        new: list[TeamRow] = []
        disordered = False
        for data in items:
            try:
                row = TeamRow.from_json(data)
            except (KeyError, TypeError, ValueError) as error:  # one bad row is skipped, not its neighbours
                log.warning("a team row was skipped: %s", error)
                continue
            if row.id not in self._rows:
                disordered = disordered or row.id < self._newest()
                self._rows[row.id] = row
                new.append(row)
        if disordered:  # rare (a page read while the stream ran): once per batch, put them in their places
            self._rows = OrderedDict(sorted(self._rows.items()))
        while len(self._rows) > MAX_ROWS:
            self._rows.popitem(last=False)
        if new:
            self.events.rows.emit(new)

    async def catch_up(self) -> None:
        """Read the rows written since the newest one held (all of them the first time)."""
        while True:
            after = self._newest()
            try:
                page = await self.client.rows(after)
            except httpx.HTTPError as error:  # the stream's return will bring us here again
                log.info("team rows could not be read: %s", error)
                return
            self._add(page)
            if not page or self._newest() == after:
                return

    def catch_up_soon(self) -> None:
        self._tasks.spawn(self.catch_up())

    def _newest(self) -> int:
        return next(reversed(self._rows), 0)

    # --- this console's rows -------------------------------------------------------------
    def share(self, kind: RecordKind, call_id: str, body: dict[str, Any], client_id: str | None = None) -> None:
        """Queue a row for the hub (after the local store has it); it goes out now or when the hub is back."""
        self.client.queue(kind, self.account_id, call_id, body, client_id)
        self._tasks.spawn(self.client.flush())

    async def aclose(self) -> None:
        # Queued rows stay on disk (the client waits for that): waiting for the hub would only hold up the switch.
        await self._tasks.aclose()
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
