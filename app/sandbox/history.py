"""Ended calls created at start, drawn column-wise with numpy so 100 000 per platform take seconds."""

from __future__ import annotations

import hashlib
import string

import numpy as np

from app.domain import Provider
from app.sandbox.call_factory import (
    NAMES,
    OWNER_WEIGHTS,
    OWNERS,
    PLAN_VARIANTS,
    CallFactory,
    customer_number,
    hex_uuid,
    hms_call_id,
    number_range,
)
from app.sandbox.simcall import SimCall

SETTLED_MS = 300_000  # the newest history call ended this long before the sandbox started
SPAN_SECONDS = 30 * 86400  # history spreads over about a month, at most one call every 15 minutes


def history_calls(factory: CallFactory, provider: Provider, count: int, before_ms: int, setup: tuple[tuple[float, float], tuple[float, float]],
                  analysis_delay: float, realtime_share: float = 0.0) -> list[SimCall]:
    """`count` ended calls, oldest first; `setup` is the queued and ringing ranges in seconds."""
    seed = int.from_bytes(hashlib.sha1(f"{factory.seed}/{provider.value}/history".encode()).digest()[:8], "big")
    rng = np.random.default_rng(seed)
    scenarios = [factory.scenarios[s] for s in factory.scenario_ids]
    weights = np.array([s.weight for s in scenarios], dtype=float)
    picks = rng.choice(len(scenarios), size=count, p=weights / weights.sum()).tolist()
    variants = rng.integers(0, PLAN_VARIANTS, count).tolist()
    waits = rng.uniform(*setup[0], count) + rng.uniform(*setup[1], count)
    plans = [[factory.variant(s, v) for v in range(PLAN_VARIANTS)] for s in scenarios]
    lengths = np.array([plans[p][v][1] for p, v in zip(picks, variants, strict=True)], dtype=float)
    mean_gap = min(900.0, SPAN_SECONDS / max(count, 1))
    steps = ((lengths + waits + rng.exponential(mean_gap, count)) * 1000).astype(np.int64) + 1
    created = (before_ms - SETTLED_MS - np.cumsum(steps)).tolist()
    started = (np.array(created, dtype=np.int64) + (waits * 1000).astype(np.int64)).tolist()
    customers = rng.integers(*number_range(provider), count).tolist()
    names = np.where(rng.random(count) < 0.7, rng.integers(0, len(NAMES), count), -1).tolist()
    numbers = rng.integers(0, 3, count).tolist()
    id_hex = rng.bytes(16 * count).hex()
    carrier_hex = rng.bytes(16 * count).hex()
    alphabet = np.frombuffer(string.ascii_letters.encode(), np.uint8)
    letters = alphabet[rng.integers(0, len(alphabet), 12 * count)].tobytes().decode()
    delay_ms = int(analysis_delay * 1000)
    # A stream of its own, so adding owners left every other draw (and so every earlier fact) as it was.
    kinds = np.random.default_rng([seed, 1])
    owners = kinds.choice(len(OWNERS), size=count, p=OWNER_WEIGHTS).tolist()
    realtime = (kinds.random(count) < realtime_share).tolist() if provider is Provider.VAPI else [False] * count
    calls = []
    for i in range(count):
        scenario = scenarios[picks[i]]
        beats, length = plans[picks[i]][variants[i]]
        customer = customer_number(provider, customers[i])
        if provider is Provider.HMS:
            call_id = hms_call_id(customer, factory.salt.letters(letters[12 * i:12 * i + 12]))
        else:
            call_id = hex_uuid(factory.salt.hex(id_hex[32 * i:32 * i + 32]))
        call = factory.new(provider, call_id, scenario, beats, created[i], customer,
                           NAMES[names[i]] if names[i] >= 0 else None, numbers[i], carrier_hex[32 * i:32 * i + 32],
                           OWNERS[owners[i]])
        call.status = "ended"
        call.realtime = realtime[i]
        call.started_ms = started[i]
        call.ended_ms = started[i] + int(length * 1000)
        call.ended_reason = scenario.ended_reason
        call.analysis_ms = call.updated_ms = call.ended_ms + delay_ms
        call.destination = factory.transfers[scenario.id]
        calls.append(call)
    calls.reverse()
    return calls
