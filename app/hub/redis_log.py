"""The event stream in Redis Streams: several hub processes append to and read one stream.

A delivery is stored with one server-side script (dedupe key + XADD with a MAXLEN cap), so a
webhook that landed on any hub reaches consoles on every hub, once. Consoles read with XREAD
BLOCK from their last stream id; the stream ids are the event ids, the same on every hub.
"""

from __future__ import annotations

import json
import time

from redis.asyncio import Redis

from app.hub.event_log import READ_BATCH, RETENTION_SECONDS, TRIM_EVERY, HistoryGap
from app.hub.events import Event

STREAM = "switchboard:events"
DELIVERY = "switchboard:delivery:"
MAX_EVENTS = 2_000_000  # the cap; age trimming keeps the stream to the retention well before it


APPEND = """
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return false end
local ids = {}
for i = 3, #ARGV do
  ids[#ids + 1] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[i])
end
return ids
"""


class RedisEventLog:
    def __init__(self, url: str, retention: float = RETENTION_SECONDS, cap: int = MAX_EVENTS) -> None:
        # Blocking reads hold a connection each: one per console, so the pool is not the limit.
        self._redis = Redis.from_url(url, decode_responses=True, max_connections=None)
        self._retention = retention
        self._cap = cap
        self._append = self._redis.register_script(APPEND)
        self._appends = 0

    async def ping(self) -> None:
        await self._redis.ping()

    async def append(self, delivery: str, events: list[Event]) -> list[str] | None:
        args: list[str | int] = [int(self._retention), self._cap, *(json.dumps(event) for event in events)]
        ids = await self._append(keys=[STREAM, DELIVERY + delivery], args=args)
        if ids is None:
            return None
        self._appends += 1
        if self._appends % TRIM_EVERY == 0:
            await self.trim(time.time())
        return list(ids)

    async def trim(self, now: float) -> None:
        await self._redis.xtrim(STREAM, minid=f"{int((now - self._retention) * 1000)}-0", approximate=True)

    async def last_id(self) -> str:
        info = await self._info()
        return str(info.get("last-generated-id", "0-0")) if info else "0-0"

    async def check_resume(self, after: str) -> None:
        # Trimming does not move max-deleted-entry-id (Redis 7.0): compare with the oldest entry kept.
        position = _position(after)
        info = await self._info()
        if position > _position(str(info.get("last-generated-id", "0-0"))):
            raise HistoryGap(after)  # an id this stream never gave (it was replaced)
        if not info or int(str(info["entries-added"])) == int(str(info["length"])):
            return  # nothing was ever trimmed
        first = info.get("first-entry")
        oldest_kept = first[0] if isinstance(first, list | tuple) else str(info["last-generated-id"])
        if position < _position(oldest_kept):
            raise HistoryGap(after)

    async def _info(self) -> dict[str, object]:
        if not await self._redis.exists(STREAM):
            return {}
        return dict(await self._redis.xinfo_stream(STREAM))

    async def read(self, after: str, limit: int = READ_BATCH, block: float = 1.0) -> list[tuple[str, str]]:
        _position(after)
        found = await self._redis.xread({STREAM: after}, count=limit, block=max(1, int(block * 1000)) if block > 0 else None)
        return [(entry_id, fields["e"]) for _, entries in found for entry_id, fields in entries]  # type: ignore[union-attr,str-unpack,index]  # redis-py types every reply as a union

    async def close(self) -> None:
        await self._redis.aclose()


def _position(stream_id: str) -> tuple[int, int]:
    """A stream id as comparable numbers; anything else is not a place to resume from."""
    try:
        millis, _, serial = stream_id.partition("-")
        return int(millis), int(serial or 0)
    except ValueError:
        raise HistoryGap(stream_id) from None
