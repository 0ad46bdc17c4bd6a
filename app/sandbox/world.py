"""The simulated platforms: every call of Vapi, HMS Sovereign and VoiceBot Studio, history and live traffic."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import random
import string
import uuid
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from app.domain import Provider
from app.sandbox.call_audio import CallAudio
from app.sandbox.callbook import CallBook
from app.sandbox.clock import SandboxClock
from app.sandbox.conversation import Beat, plan, scripted_audio
from app.sandbox.player import CallPlayer
from app.sandbox.scenarios import Scenario
from app.sandbox.simcall import SimCall
from app.sandbox.speech import SpeechBank

NAMES = ("Morgan Lee", "Casey Brooks", "Jamie Ortiz", "Priya Shah", "Tom Becker", "Ana Silva", "Wei Chen", "Noor Haddad")
PLAN_VARIANTS = 8  # history calls share a few timing variants per scenario, so 100 000 of them build fast


@dataclass(frozen=True)
class TrafficSettings:
    seed: int = 1
    live: int = 3
    history: int = 40
    analysis_delay: float = 4.0  # seconds after the end until analysis and costs appear
    queued_seconds: tuple[float, float] = (0.5, 1.5)
    ringing_seconds: tuple[float, float] = (1.5, 3.5)
    restart_seconds: tuple[float, float] = (1.0, 3.0)  # pause before a replacement live call


def stable_uuid(*parts: object) -> str:
    digest = hashlib.sha1("/".join(map(str, parts)).encode()).digest()[:16]
    return str(uuid.UUID(bytes=digest, version=4))


def hex_uuid(h: str) -> str:
    """A version-4 UUID from 32 random hex digits (uuid.UUID is too slow for 100 000 history calls)."""
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"


class World:
    def __init__(self, settings: TrafficSettings, scenarios: dict[str, Scenario], bank: SpeechBank, clock: SandboxClock) -> None:
        self.settings = settings
        self.scenarios = scenarios
        self.bank = bank
        self.clock = clock
        self.books = {p: CallBook() for p in Provider}
        self.players: dict[str, CallPlayer] = {}
        self.org_id = stable_uuid(settings.seed, "org")
        self._scenario_ids = sorted(scenarios)
        self._weights = list(accumulate(scenarios[s].weight for s in self._scenario_ids))
        self._live_serial = dict.fromkeys(Provider, 0)
        self._keeper_calls: dict[Provider, set[str]] = {p: set() for p in Provider}
        self._replacements: dict[int, asyncio.TimerHandle] = {}  # pending replacement live calls, by serial
        self._replacement_serials = itertools.count()
        self._variants: dict[str, list[tuple[tuple[Beat, ...], float]]] = {}
        self.started_ms = self.now_ms()
        self._numbers = {p: [stable_uuid(settings.seed, p, "number", n) for n in range(3)] for p in Provider}
        self._assistants = {s: stable_uuid(settings.seed, "assistant", s) for s in scenarios}
        self._transfers = {s.id: next((t.destination for t in s.steps if t.role == "transfer"), None)
                           for s in scenarios.values()}

    def now_ms(self) -> int:
        return int(self.clock.now() * 1000)

    # identities ------------------------------------------------------------------------------
    def _new_call(self, provider: Provider, call_id: str, scenario: Scenario, beats: tuple[Beat, ...], length: float,
                  created_ms: int, customer: str, name: str | None, number: int, carrier: str) -> SimCall:
        return SimCall(
            provider=provider.value,
            id=call_id,
            scenario=scenario,
            beats=beats,
            length=length,
            created_ms=created_ms,
            updated_ms=created_ms,
            customer_number=customer,
            customer_name=name,
            phone_number_id=self._numbers[provider][number],
            assistant_id=self._assistants[scenario.id],
            carrier_id="CA" + carrier,
            direction=scenario.direction,
            org_id=self.org_id,
        )

    def _random_call(self, provider: Provider, rng: random.Random, scenario: Scenario, beats: tuple[Beat, ...],
                     length: float) -> SimCall:
        if provider is Provider.HMS:
            customer = f"+316{rng.randrange(10**7, 10**8)}"
            call_id = f"call-_{customer}_{''.join(rng.choices(string.ascii_letters, k=12))}"
        else:
            customer = f"+1555{rng.randrange(10**6, 10**7)}"
            call_id = hex_uuid(f"{rng.getrandbits(128):032x}")
        name = NAMES[rng.randrange(len(NAMES))] if rng.random() < 0.7 else None
        return self._new_call(provider, call_id, scenario, beats, length, self.now_ms(), customer, name,
                              rng.randrange(3), f"{rng.getrandbits(128):032x}")

    def _pick(self, rng: random.Random) -> Scenario:
        return self.scenarios[rng.choices(self._scenario_ids, cum_weights=self._weights)[0]]

    def _variant(self, scenario: Scenario, index: int) -> tuple[tuple[Beat, ...], float]:
        if scenario.id not in self._variants:
            self._variants[scenario.id] = [
                plan(scenario, self.bank, random.Random(f"{self.settings.seed}/{scenario.id}/{n}"))
                for n in range(PLAN_VARIANTS)
            ]
        return self._variants[scenario.id][index]

    # history ---------------------------------------------------------------------------------
    def build_history(self) -> None:
        """`history` ended calls per platform, drawn column-wise with numpy so 100 000 take seconds."""
        for provider in Provider:
            calls = self._history(provider, self.settings.history)
            calls.reverse()
            self.books[provider].load_sorted(calls)

    def _history(self, provider: Provider, count: int) -> list[SimCall]:
        settings = self.settings
        seed = int.from_bytes(hashlib.sha1(f"{settings.seed}/{provider.value}/history".encode()).digest()[:8], "big")
        rng = np.random.default_rng(seed)
        weights = np.array([self.scenarios[s].weight for s in self._scenario_ids], dtype=float)
        picks = rng.choice(len(self._scenario_ids), size=count, p=weights / weights.sum()).tolist()
        variants = rng.integers(0, PLAN_VARIANTS, count).tolist()
        setup = rng.uniform(*settings.queued_seconds, count) + rng.uniform(*settings.ringing_seconds, count)
        scenarios = [self.scenarios[s] for s in self._scenario_ids]
        plans = [[self._variant(s, v) for v in range(PLAN_VARIANTS)] for s in scenarios]
        lengths = np.array([plans[p][v][1] for p, v in zip(picks, variants, strict=True)], dtype=float)
        mean_gap = min(900.0, 30 * 86400 / max(count, 1))
        steps = ((lengths + setup + rng.exponential(mean_gap, count)) * 1000).astype(np.int64) + 1
        created = (self.started_ms - 300_000 - np.cumsum(steps)).tolist()
        started = (np.array(created) + (setup * 1000).astype(np.int64)).tolist()
        low, high = (10**7, 10**8) if provider is Provider.HMS else (10**6, 10**7)
        customers = rng.integers(low, high, count).tolist()
        names = np.where(rng.random(count) < 0.7, rng.integers(0, len(NAMES), count), -1).tolist()
        numbers = rng.integers(0, 3, count).tolist()
        id_hex = rng.bytes(16 * count).hex()
        carrier_hex = rng.bytes(16 * count).hex()
        letters = np.frombuffer(string.ascii_letters.encode(), np.uint8)[rng.integers(0, 52, 12 * count)].tobytes().decode()
        delay_ms = int(settings.analysis_delay * 1000)
        calls = []
        for i in range(count):
            scenario = scenarios[picks[i]]
            beats, length = plans[picks[i]][variants[i]]
            customer = f"+316{customers[i]}" if provider is Provider.HMS else f"+1555{customers[i]}"
            if provider is Provider.HMS:
                call_id = f"call-_{customer}_{letters[12 * i:12 * i + 12]}"
            else:
                call_id = hex_uuid(id_hex[32 * i:32 * i + 32])
            call = self._new_call(provider, call_id, scenario, beats, length, created[i], customer,
                                  NAMES[names[i]] if names[i] >= 0 else None, numbers[i], carrier_hex[32 * i:32 * i + 32])
            call.status = "ended"
            call.started_ms = started[i]
            call.ended_ms = started[i] + int(length * 1000)
            call.ended_reason = scenario.ended_reason
            call.analysis_ms = call.updated_ms = call.ended_ms + delay_ms
            call.destination = self._transfers[scenario.id]
            calls.append(call)
        return calls

    def recording(self, call: SimCall) -> CallAudio:
        """Blocking for history calls (renders the script's audio); run it off the event loop."""
        return call.audio if call.audio is not None else scripted_audio(call.beats, self.bank)

    # live traffic ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start keeping `live` calls in progress on every platform (call on the loop)."""
        for provider in Provider:
            for _ in range(self.settings.live):
                self._keep(provider)

    def stop(self) -> None:
        for handle in self._replacements.values():
            handle.cancel()
        self._replacements.clear()
        for player in list(self.players.values()):
            player.cancel()
        self.players.clear()

    def _keep(self, provider: Provider) -> None:
        call = self.start_call(provider)
        self._keeper_calls[provider].add(call.id)

    def start_call(self, provider: Provider, scenario_id: str | None = None) -> SimCall:
        """A new live call, queued now (call on the loop)."""
        serial = self._live_serial[provider]
        self._live_serial[provider] += 1
        rng = random.Random(f"{self.settings.seed}/{provider.value}/live/{serial}")
        scenario = self.scenarios[scenario_id] if scenario_id else self._pick(rng)
        beats, length = plan(scenario, self.bank, rng)
        call = self._random_call(provider, rng, scenario, beats, length)
        call.audio = CallAudio()
        call.live_messages = []
        queue_ring = (rng.uniform(*self.settings.queued_seconds), rng.uniform(*self.settings.ringing_seconds))
        self.books[provider].add(call)
        player = CallPlayer(call, self.clock, self.bank, self.touch, self._ended, queue_ring, self.settings.analysis_delay)
        self.players[call.id] = player
        player.start()
        return call

    def touch(self, call: SimCall) -> None:
        self.books[Provider(call.provider)].touch(call, self.now_ms())

    def _ended(self, call: SimCall) -> None:
        self.players.pop(call.id, None)
        provider = Provider(call.provider)
        if call.id in self._keeper_calls[provider]:
            self._keeper_calls[provider].discard(call.id)
            rng = random.Random(f"{self.settings.seed}/{call.id}/restart")
            delay = self.clock.wall_seconds(rng.uniform(*self.settings.restart_seconds))
            serial = next(self._replacement_serials)
            self._replacements[serial] = asyncio.get_running_loop().call_later(delay, self._replace, provider, serial)

    def _replace(self, provider: Provider, serial: int) -> None:
        self._replacements.pop(serial, None)
        self._keep(provider)

    def find(self, provider: Provider, call_id: str) -> SimCall | None:
        return self.books[provider].get(call_id)
