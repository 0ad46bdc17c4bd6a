"""Injected trouble for reliability testing: latency, 5xx, 429 bursts, dropped sockets, broken JSON."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

DURATION = re.compile(r"^\s*([0-9.]+)\s*(ms|s|m)?\s*$")
BURST_SECONDS = 1.0  # how long a 429 burst lasts (and its Retry-After)


def _seconds(text: str, default_unit: str) -> float:
    match = DURATION.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a duration like 200ms, 30s or 1m")
    value, unit = float(match.group(1)), match.group(2) or default_unit
    return value * {"ms": 0.001, "s": 1.0, "m": 60.0}[unit]


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError(f"rate {text} must be between 0 and 1")
    return value


@dataclass(frozen=True)
class FaultSpec:
    latency: float = 0.0  # seconds added to every API response
    error_rate: float = 0.0  # share of API requests answered 5xx
    every_429: int = 0  # every Nth API request starts a burst of 429s
    drop_ws_after: float = 0.0  # listen sockets are cut after this many seconds
    malformed_rate: float = 0.0  # share of JSON bodies sent truncated or corrupted

    @classmethod
    def parse(cls, spec: str | None) -> FaultSpec:
        """`latency=200ms,error_rate=0.05,429_every=20,drop_ws_after=30s,malformed_rate=0.01`."""
        faults = cls()
        for item in filter(None, (part.strip() for part in (spec or "").split(","))):
            key, sep, value = item.partition("=")
            key = key.strip().lower()
            if not sep:
                raise ValueError(f"fault '{item}' needs a value, e.g. {key}=...")
            try:
                if key == "latency":
                    faults = replace(faults, latency=_seconds(value, "ms"))
                elif key == "error_rate":
                    faults = replace(faults, error_rate=_rate(value))
                elif key == "429_every":
                    faults = replace(faults, every_429=max(0, int(value)))
                elif key == "drop_ws_after":
                    faults = replace(faults, drop_ws_after=_seconds(value, "s"))
                elif key == "malformed_rate":
                    faults = replace(faults, malformed_rate=_rate(value))
                else:
                    raise ValueError(f"unknown fault '{key}' (known: latency, error_rate, 429_every, drop_ws_after, malformed_rate)")
            except ValueError as error:
                raise ValueError(f"bad fault '{item}': {error}") from error
        return faults


class FaultPlan:
    """The current spec plus the deterministic dice and counters that decide which request suffers."""

    def __init__(self, spec: FaultSpec, seed: int) -> None:
        self.spec = spec
        self._rng = random.Random(f"{seed}/faults")
        self._count = 0
        self._burst_until = 0.0

    def replace(self, spec: FaultSpec) -> None:
        self.spec = spec
        self._count = 0
        self._burst_until = 0.0

    def throttled(self, now: float) -> bool:
        """Counts the request; True while a 429 burst is on."""
        self._count += 1
        if self.spec.every_429 and self._count % self.spec.every_429 == 0:
            self._burst_until = now + BURST_SECONDS
        return now < self._burst_until

    def fails(self) -> bool:
        return self.spec.error_rate > 0 and self._rng.random() < self.spec.error_rate

    def failure_status(self) -> int:
        return self._rng.choice((500, 502, 503))

    def carried_out(self) -> bool:
        """Whether a failed command was carried out anyway (the client cannot tell): a coin flip."""
        return self._rng.random() < 0.5

    def mangles(self) -> bool:
        return self.spec.malformed_rate > 0 and self._rng.random() < self.spec.malformed_rate

    def mangle(self, body: bytes) -> bytes:
        """Half the time cut the body short, else break its syntax."""
        if self._rng.random() < 0.5 or len(body) < 4:
            return body[: max(1, len(body) // 2)]
        return body.replace(b":", b"=", 1).replace(b'"', b"'", 2)
