"""Who and what a simulated call is: org, assistants, numbers, ids in each platform's style."""

from __future__ import annotations

import hashlib
import random
import secrets
import string
import uuid
from dataclasses import dataclass
from itertools import accumulate

from app.domain import Provider
from app.sandbox.conversation import Beat, plan
from app.sandbox.scenarios import Scenario
from app.sandbox.simcall import SimCall
from app.sandbox.speech import SpeechBank

NAMES = ("Morgan Lee", "Casey Brooks", "Jamie Ortiz", "Priya Shah", "Tom Becker", "Ana Silva", "Wei Chen", "Noor Haddad")
PLAN_VARIANTS = 8  # history calls share a few timing variants per scenario, so 100 000 of them build fast
Plan = tuple[tuple[Beat, ...], float]
# What a Vapi call runs on: mostly saved things (the call carries only their id), some transient assistants
# (the call embeds `assistant{name}`). The weights are the shares of calls.
OWNERS = ("transient", "assistant", "squad", "workflow")
OWNER_WEIGHTS = (0.2, 0.5, 0.15, 0.15)


@dataclass(frozen=True)
class Saved:
    """A saved assistant, squad or workflow: what `GET /assistant|squad|workflow/{id}` answers with."""

    kind: str  # assistant | squad | workflow
    id: str
    name: str
    assistant_id: str  # the scenario's assistant (a squad's first member)


def stable_uuid(*parts: object) -> str:
    digest = hashlib.sha1("/".join(map(str, parts)).encode()).digest()[:16]
    return str(uuid.UUID(bytes=digest, version=4))


def hex_uuid(h: str) -> str:
    """A version-4 UUID from 32 random hex digits (uuid.UUID is too slow for 100 000 history calls)."""
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"


class IdSalt:
    """Call ids differ from run to run, while `--seed` keeps deciding everything else.

    A restarted demo with the same seed would otherwise hand out the ids of the previous run, and a review
    stored for an old call would attach itself to a new one (issue 13). The ids drawn from the seed are
    mixed with a per-run value: XOR for hex ids, a shift for HMS's letters; both are one-to-one, so ids
    stay unique within a run. `value` fixes the salt (tests that compare two runs; 0 = the seed's own ids).
    """

    def __init__(self, value: int | None = None) -> None:
        self.value = secrets.randbits(128) if value is None else value % (1 << 128)
        self._shifts = [(self.value >> (5 * k)) % len(string.ascii_letters) for k in range(12)]

    def hex(self, digits: str) -> str:
        """32 hex digits mixed with the salt."""
        return f"{int(digits, 16) ^ self.value:032x}"

    def letters(self, text: str) -> str:
        """12 ASCII letters mixed with the salt."""
        alphabet = string.ascii_letters
        return "".join(alphabet[(alphabet.index(c) + self._shifts[k]) % len(alphabet)] for k, c in enumerate(text))


def customer_number(provider: Provider, digits: int) -> str:
    """HMS Sovereign serves Dutch numbers, the others US test numbers; `digits` is 8 or 7 digits long."""
    return f"+316{digits}" if provider is Provider.HMS else f"+1555{digits}"


def number_range(provider: Provider) -> tuple[int, int]:
    return (10**7, 10**8) if provider is Provider.HMS else (10**6, 10**7)


def hms_call_id(customer: str, suffix: str) -> str:
    return f"call-_{customer}_{suffix}"


class CallFactory:
    def __init__(self, seed: int, scenarios: dict[str, Scenario], bank: SpeechBank, salt: IdSalt | None = None) -> None:
        self.seed = seed
        self.salt = salt or IdSalt(0)
        self.scenarios = scenarios
        self.bank = bank
        self.org_id = stable_uuid(seed, "org")
        self.scenario_ids = sorted(scenarios)
        self._weights = list(accumulate(scenarios[s].weight for s in self.scenario_ids))
        self._numbers = {p: [stable_uuid(seed, p, "number", n) for n in range(3)] for p in Provider}
        self._assistants = {s: stable_uuid(seed, "assistant", s) for s in scenarios}
        self.saved: dict[str, Saved] = {}  # by id
        self._owners: dict[tuple[str, str], str] = {}  # (scenario, kind) -> id
        for scenario in scenarios.values():
            team = scenario.assistant.split(" - ")[-1]
            for kind, name in (("assistant", scenario.assistant), ("squad", f"{team} squad"),
                               ("workflow", f"{team} workflow")):
                ident = self._assistants[scenario.id] if kind == "assistant" else stable_uuid(seed, kind, scenario.id)
                self.saved[ident] = Saved(kind, ident, name, self._assistants[scenario.id])
                self._owners[scenario.id, kind] = ident
        self.transfers = {s.id: next((t.destination for t in s.steps if t.role == "transfer"), None)
                          for s in scenarios.values()}
        self._variants: dict[str, list[Plan]] = {}

    def pick(self, rng: random.Random) -> Scenario:
        return self.scenarios[rng.choices(self.scenario_ids, cum_weights=self._weights)[0]]

    def variant(self, scenario: Scenario, index: int) -> Plan:
        if scenario.id not in self._variants:
            self._variants[scenario.id] = [
                plan(scenario, self.bank, random.Random(f"{self.seed}/{scenario.id}/{n}")) for n in range(PLAN_VARIANTS)
            ]
        return self._variants[scenario.id][index]

    def new(self, provider: Provider, call_id: str, scenario: Scenario, beats: tuple[Beat, ...], created_ms: int,
            customer: str, name: str | None, number: int, carrier: str, owner: str = "assistant") -> SimCall:
        return SimCall(
            provider=provider.value,
            id=call_id,
            scenario=scenario,
            beats=beats,
            created_ms=created_ms,
            updated_ms=created_ms,
            customer_number=customer,
            customer_name=name,
            phone_number_id=self._numbers[provider][number],
            assistant_id=self._assistants[scenario.id],
            carrier_id="CA" + carrier,
            direction=scenario.direction,
            org_id=self.org_id,
            owner=owner,
            owner_id=self._owners.get((scenario.id, owner), ""),
        )

    def drawn(self, provider: Provider, rng: random.Random, scenario: Scenario, beats: tuple[Beat, ...],
              created_ms: int, owner: str = "assistant") -> SimCall:
        """A call whose identity is drawn from `rng` (live calls)."""
        customer = customer_number(provider, rng.randrange(*number_range(provider)))
        if provider is Provider.HMS:
            call_id = hms_call_id(customer, self.salt.letters("".join(rng.choices(string.ascii_letters, k=12))))
        else:
            call_id = hex_uuid(self.salt.hex(f"{rng.getrandbits(128):032x}"))
        name = NAMES[rng.randrange(len(NAMES))] if rng.random() < 0.7 else None
        return self.new(provider, call_id, scenario, beats, created_ms, customer, name,
                        rng.randrange(3), f"{rng.getrandbits(128):032x}", owner)
