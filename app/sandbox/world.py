"""The simulated platforms: every call of Vapi, HMS Sovereign and VoiceBot Studio, history and live traffic."""

from __future__ import annotations

import asyncio
import hashlib
import random
import string
import uuid
from dataclasses import dataclass
from itertools import accumulate

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
        self._pending: set[asyncio.Handle | asyncio.TimerHandle] = set()
        self._variants: dict[str, list[tuple[tuple[Beat, ...], float]]] = {}
        self.started_ms = self.now_ms()

    def now_ms(self) -> int:
        return int(self.clock.now() * 1000)

    # identities ------------------------------------------------------------------------------
    def phone_number_ids(self, provider: Provider) -> list[str]:
        return [stable_uuid(self.settings.seed, provider, "number", n) for n in range(3)]

    def assistant_id(self, scenario: Scenario) -> str:
        return stable_uuid(self.settings.seed, "assistant", scenario.id)

    def _call_id(self, provider: Provider, rng: random.Random, customer: str) -> str:
        if provider is Provider.HMS:
            suffix = "".join(rng.choices(string.ascii_letters, k=12))
            return f"call-_{customer}_{suffix}"
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def _customer_number(self, provider: Provider, rng: random.Random) -> str:
        if provider is Provider.HMS:
            return f"+316{rng.randrange(10**7, 10**8)}"
        return f"+1555{rng.randrange(10**6, 10**7)}"

    def _new_call(self, provider: Provider, rng: random.Random, scenario: Scenario, beats: tuple[Beat, ...],
                  length: float, created_ms: int) -> SimCall:
        customer = self._customer_number(provider, rng)
        return SimCall(
            provider=provider.value,
            id=self._call_id(provider, rng, customer),
            scenario=scenario,
            beats=beats,
            length=length,
            created_ms=created_ms,
            updated_ms=created_ms,
            customer_number=customer,
            customer_name=NAMES[rng.randrange(len(NAMES))] if rng.random() < 0.7 else None,
            phone_number_id=self.phone_number_ids(provider)[rng.randrange(3)],
            assistant_id=self.assistant_id(scenario),
            carrier_id="CA" + f"{rng.getrandbits(128):032x}",
            direction=scenario.direction,
            org_id=self.org_id,
        )

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
        count = self.settings.history
        mean_gap = min(900.0, 30 * 86400 / max(count, 1))
        for provider in Provider:
            rng = random.Random(f"{self.settings.seed}/{provider.value}/history")
            moment = self.started_ms - 300_000
            calls = []
            for _ in range(count):
                scenario = self._pick(rng)
                beats, length = self._variant(scenario, rng.randrange(PLAN_VARIANTS))
                setup = rng.uniform(*self.settings.queued_seconds) + rng.uniform(*self.settings.ringing_seconds)
                moment -= int((length + setup + rng.expovariate(1 / mean_gap)) * 1000) + 1
                call = self._new_call(provider, rng, scenario, beats, length, moment)
                call.status = "ended"
                call.started_ms = moment + int(setup * 1000)
                call.ended_ms = call.started_ms + int(length * 1000)
                call.ended_reason = scenario.ended_reason
                call.analysis_ms = call.ended_ms + int(self.settings.analysis_delay * 1000)
                call.updated_ms = call.analysis_ms
                call.destination = next((b.step.destination for b in beats if b.step.role == "transfer"), None)
                calls.append(call)
            calls.reverse()
            self.books[provider].load_sorted(calls)

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
        for handle in list(self._pending):
            handle.cancel()
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
        call = self._new_call(provider, rng, scenario, beats, length, self.now_ms())
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
            handle = asyncio.get_running_loop().call_later(delay, self._replace, provider)
            self._pending.add(handle)

    def _replace(self, provider: Provider) -> None:
        self._pending = {h for h in self._pending if not h.cancelled()}
        self._keep(provider)

    def find(self, provider: Provider, call_id: str) -> SimCall | None:
        return self.books[provider].get(call_id)
