"""A call cache of the sandbox's history (100 000 Vapi calls and more), built once into benchmarks/.work.

Syncing 100 000 calls over HTTP takes minutes (the sandbox shapes each call, our client parses
it, the store indexes it), so the calls go in through the store's own `CallCache.upsert` instead.
The sandbox's history calls share a few scripted conversations (a scenario played with one of
a handful of timing variants), so each conversation is shaped and parsed by our Vapi parser once
and every call is that Call with its own id, times and customer — the rows, documents, turns and
search index are what syncing the same history would write.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from app.domain import Call, Provider
from app.providers.vapi_parse import parse_calls
from app.sandbox.call_facts import Links, iso
from app.sandbox.callbook import TimeRange
from app.sandbox.server import build_state
from app.sandbox.simcall import SimCall
from app.sandbox.vapi_shape import vapi_call
from app.sandbox.world import TrafficSettings
from app.store.calls import CallCache
from app.store.database import connect
from app.store.schema import SCHEMA_VERSION

ACCOUNT_ID = "benchmark-vapi"
BATCH = 1000  # calls per upsert: one sync page
SEED = 8


@dataclass(frozen=True)
class CachedHistory:
    database: Path
    transcripts: Path  # one text file per call, for the grep peer
    calls: int


def sandbox_calls(count: int) -> list[SimCall]:
    """The sandbox's Vapi history (`switchboard sandbox --history count`), newest first."""
    state = build_state(api_key="benchmark", traffic=TrafficSettings(seed=SEED, live=0, history=count),
                        faults_spec=None)
    book = state.world.books[Provider.VAPI]
    return list(islice(book.newest_first(TimeRange(), TimeRange()), count))


def as_calls(sim_calls: list[SimCall]) -> Iterator[Call]:
    """Each sandbox call as our client would read it (see the module note)."""
    links = Links("http://127.0.0.1:8765", "benchmark", max(c.updated_ms for c in sim_calls) + 1)
    parsed: dict[int, Call] = {}
    for sim in sim_calls:
        template = parsed.get(id(sim.beats))
        if template is None:
            template = parse_calls(json.dumps([vapi_call(sim, links)]).encode())[0]
            parsed[id(sim.beats)] = template
            yield template
            continue
        yield template.model_copy(update=_identity(sim, template.raw))


def _identity(sim: SimCall, raw: dict[str, Any]) -> dict[str, Any]:
    def moment(ms: int | None) -> datetime | None:
        return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)

    customer = {"number": sim.customer_number, **({"name": sim.customer_name} if sim.customer_name else {})}
    return {
        "id": sim.id, "created_at": moment(sim.created_ms), "updated_at": moment(sim.updated_ms),
        "started_at": moment(sim.started_ms), "ended_at": moment(sim.ended_ms),
        "customer_number": sim.customer_number, "customer_name": sim.customer_name,
        "raw": {**raw, "id": sim.id, "createdAt": iso(sim.created_ms), "updatedAt": iso(sim.updated_ms),
                "startedAt": iso(sim.started_ms or sim.created_ms), "endedAt": iso(sim.ended_ms or sim.created_ms),
                "customer": customer, "phoneNumberId": sim.phone_number_id, "phoneCallProviderId": sim.carrier_id},
    }


def transcript_text(call: Call) -> str:
    """What a call's transcript file holds for grep: every turn's words, one per line."""
    return "\n".join(turn.text or " ".join(filter(None, (turn.tool_name, turn.tool_arguments, turn.tool_result)))
                     for turn in call.turns) + "\n"


def cached_history(work: Path, count: int, account_id: str = ACCOUNT_ID) -> CachedHistory:
    """The cache of the newest `count` history calls, built unless a matching one exists."""
    folder = work / f"history_{count}"
    stamp = {"calls": count, "schema": SCHEMA_VERSION, "seed": SEED, "account": account_id}
    done = folder / "built.json"
    result = CachedHistory(folder / "history.sqlite3", folder / "transcripts", count)
    if done.exists() and json.loads(done.read_text()) == stamp:
        return result
    shutil.rmtree(folder, ignore_errors=True)
    result.transcripts.mkdir(parents=True)
    conn = connect(result.database)
    conn.execute("PRAGMA synchronous=OFF")  # a scratch file rebuilt from scratch if interrupted
    cache, batch, written = CallCache(conn), [], 0
    for call in as_calls(sandbox_calls(count)):
        (result.transcripts / f"{call.id}.txt").write_text(transcript_text(call))
        batch.append(call)
        if len(batch) == BATCH:
            written += cache.upsert(account_id, batch).added
            batch = []
    written += cache.upsert(account_id, batch).added
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    if written != count:
        raise RuntimeError(f"the benchmark cache holds {written} calls, expected {count}")
    done.write_text(json.dumps(stamp))
    return result

