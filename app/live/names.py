"""Names of what calls run on: calls on a saved assistant, squad or workflow carry only its id.

A `NameBook` per account reads each id's name from the platform once (Vapi: `GET /assistant/{id}`,
`/squad/{id}`, `/workflow/{id}`), keeps it in memory and, when given one, in an archive (the history
store), and fills the names into calls before anyone sees them, so the list, filters, search and
export show names. An id the platform does not know is not asked again; one that failed for another
reason (offline, rate limited) is asked again after a while.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Protocol

from app.domain import Call
from app.providers.base import OwnerKind, PlatformClient
from app.providers.errors import NotFoundError, ProviderError

log = logging.getLogger(__name__)

RETRY_AFTER = 60.0  # seconds before an id whose read failed is asked again
Key = tuple[OwnerKind, str]


class NameArchive(Protocol):
    """Where names outlive the session (the history store's platform_names)."""

    async def load(self, account_id: str) -> dict[Key, str]: ...

    async def save(self, account_id: str, names: dict[Key, str]) -> None: ...


def owners(call: Call) -> list[Key]:
    """The ids on a call whose names are missing."""
    wanted: list[Key] = []
    if call.assistant_id and not call.assistant_name:
        wanted.append(("assistant", call.assistant_id))
    if call.squad_id and not call.squad_name:
        wanted.append(("squad", call.squad_id))
    if call.workflow_id and not call.workflow_name:
        wanted.append(("workflow", call.workflow_id))
    return wanted


class NameBook:
    def __init__(self, client: PlatformClient, account_id: str, archive: NameArchive | None = None) -> None:
        self._client = client
        self._account_id = account_id
        self._archive = archive
        self._names: dict[Key, str] = {}
        self._unknown: set[Key] = set()  # the platform said there is no such id
        self._failed_at: dict[Key, float] = {}
        self._loaded = archive is None
        self._lock = asyncio.Lock()  # one lookup round at a time: each id is read once

    def name(self, kind: OwnerKind, owner_id: str) -> str | None:
        return self._names.get((kind, owner_id))

    async def named(self, calls: Iterable[Call]) -> list[Call]:
        """The calls with every name that can be known filled in (reading unknown ids first)."""
        calls = list(calls)
        wanted = {key for call in calls for key in owners(call)}
        if wanted:
            await self._resolve(wanted)
        return [self.fill(call) for call in calls]

    def fill(self, call: Call) -> Call:
        """The call with the names already known; no request."""
        update = {f"{kind}_name": name for kind, owner_id in owners(call)
                  if (name := self._names.get((kind, owner_id))) is not None}
        return call.model_copy(update=update) if update else call

    def _missing(self, wanted: set[Key], now: float) -> list[Key]:
        return [key for key in wanted if key not in self._names and key not in self._unknown
                and now - self._failed_at.get(key, -RETRY_AFTER) >= RETRY_AFTER]

    async def _resolve(self, wanted: set[Key]) -> None:
        if self._loaded and not self._missing(wanted, time.monotonic()):
            return  # the usual case: known names cost no wait behind a lookup in progress
        async with self._lock:
            if not self._loaded and self._archive is not None:
                self._loaded = True
                try:
                    self._names.update(await self._archive.load(self._account_id))
                except Exception:  # a cache: without it, names are read again
                    log.warning("could not load cached names", exc_info=True)
            now = time.monotonic()
            missing = self._missing(wanted, now)
            if not missing:
                return
            results = await asyncio.gather(*(self._client.read_name(*key) for key in missing), return_exceptions=True)
            found: dict[Key, str] = {}
            for key, result in zip(missing, results, strict=True):
                if isinstance(result, NotFoundError):
                    self._unknown.add(key)
                elif isinstance(result, ProviderError):
                    log.info("could not read the name of %s %s: %s", *key, result)
                    self._failed_at[key] = now
                elif isinstance(result, BaseException):
                    raise result
                elif result:
                    found[key] = result
                else:
                    self._unknown.add(key)  # nameless, or a platform that has no such read
            self._names.update(found)
            if found and self._archive is not None:
                try:
                    await self._archive.save(self._account_id, found)
                except Exception:
                    log.warning("could not keep the names in the history", exc_info=True)
