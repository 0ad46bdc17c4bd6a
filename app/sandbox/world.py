"""The simulated platforms: every call of Vapi, HMS Sovereign and VoiceBot Studio, history and live traffic."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass

from app.domain import Provider
from app.sandbox.call_audio import CallAudio
from app.sandbox.call_factory import OWNER_WEIGHTS, OWNERS, CallFactory, IdSalt
from app.sandbox.callbook import CallBook
from app.sandbox.clock import SandboxClock
from app.sandbox.conversation import plan, scripted_audio
from app.sandbox.history import history_calls
from app.sandbox.player import CallPlayer
from app.sandbox.scenarios import Scenario, pick_with_trouble
from app.sandbox.simcall import SimCall
from app.sandbox.speech import SpeechBank


@dataclass(frozen=True)
class TrafficSettings:
    """What the sandbox simulates; raises ValueError for values out of range."""

    seed: int = 1
    live: int = 3  # calls kept in progress on each platform
    history: int = 40  # ended calls created at start on each platform
    speed: float = 1.0  # sandbox seconds per wall second: above 1, calls play faster than real time
    id_salt: int | None = None  # None: call ids new on every run (see IdSalt); a number repeats them
    realtime_share: float = 0.0  # share of Vapi calls of the realtime kind (see app.sandbox.realtime)
    analysis_delay: float = 4.0  # seconds after the end until analysis and costs appear
    queued_seconds: tuple[float, float] = (0.5, 1.5)
    ringing_seconds: tuple[float, float] = (1.5, 3.5)
    restart_seconds: tuple[float, float] = (1.0, 3.0)  # pause before a replacement live call
    listen_format: str = "stereo"  # mono | stereo: what the listen socket sends (the real one is not documented)
    listen_start_frame: bool = False  # True: a JSON start frame first (undocumented: clients must not need it)
    trouble_rate: float | None = None  # share of new live calls that play a troubled scenario (None: the usual mix)

    def __post_init__(self) -> None:
        if self.live < 0 or self.history < 0 or self.analysis_delay < 0 or self.speed <= 0:
            raise ValueError("live, history and analysis delay must be 0 or more, speed above 0")
        if not 0 <= self.realtime_share <= 1:
            raise ValueError("the realtime share must be between 0 and 1")
        if self.listen_format not in ("mono", "stereo"):
            raise ValueError("the listen format is mono or stereo")
        if self.trouble_rate is not None and not 0 <= self.trouble_rate <= 1:
            raise ValueError("the trouble rate is a share of calls, from 0 to 1")


class World:
    def __init__(self, settings: TrafficSettings, scenarios: dict[str, Scenario], bank: SpeechBank, clock: SandboxClock) -> None:
        self.settings = settings
        self.scenarios = scenarios
        self.bank = bank
        self.clock = clock
        self.books = {p: CallBook() for p in Provider}
        self.players: dict[str, CallPlayer] = {}
        self.factory = CallFactory(settings.seed, scenarios, bank, IdSalt(settings.id_salt))
        self._live_serial = dict.fromkeys(Provider, 0)
        self._restarts = dict.fromkeys(Provider, 0)  # by count, not by call id: ids change from run to run
        self._keeper_calls: dict[Provider, set[str]] = {p: set() for p in Provider}
        self._replacements: dict[int, asyncio.TimerHandle] = {}  # pending replacement live calls, by serial
        self._replacement_serials = itertools.count()
        self.watchers: list[Callable[[SimCall], None]] = []  # told of every change to a live call (webhooks)
        self.started_ms = self.now_ms()

    def now_ms(self) -> int:
        return int(self.clock.now() * 1000)

    # history ---------------------------------------------------------------------------------
    def build_history(self) -> None:
        setup = (self.settings.queued_seconds, self.settings.ringing_seconds)
        for provider in Provider:
            calls = history_calls(self.factory, provider, self.settings.history, self.started_ms, setup,
                                  self.settings.analysis_delay, self.settings.realtime_share)
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
        for handle in self._replacements.values():
            handle.cancel()
        self._replacements.clear()
        for player in list(self.players.values()):
            player.cancel()
        self.players.clear()

    def _keep(self, provider: Provider) -> None:
        call = self.start_call(provider)
        self._keeper_calls[provider].add(call.id)

    def start_call(self, provider: Provider, scenario_id: str | None = None, *, owner: str | None = None,
                   realtime: bool | None = None) -> SimCall:
        """A new live call, queued now (call on the loop); `owner` and `realtime` are drawn unless given."""
        serial = self._live_serial[provider]
        self._live_serial[provider] += 1
        rng = random.Random(f"{self.settings.seed}/{provider.value}/live/{serial}")
        kind = random.Random(f"{self.settings.seed}/{provider.value}/live/{serial}/kind")  # apart: `rng` draws stay as they were
        if scenario_id:
            scenario = self.scenarios[scenario_id]
        elif self.settings.trouble_rate is not None:
            scenario = pick_with_trouble(self.scenarios, rng, self.settings.trouble_rate)
        else:
            scenario = self.factory.pick(rng)
        beats, _ = plan(scenario, self.bank, rng)
        owner = owner or kind.choices(OWNERS, OWNER_WEIGHTS)[0]
        call = self.factory.drawn(provider, rng, scenario, beats, self.now_ms(), owner)
        drawn_realtime = provider is Provider.VAPI and kind.random() < self.settings.realtime_share
        call.realtime = drawn_realtime if realtime is None else realtime
        call.audio = CallAudio()
        call.live_messages = []
        queue_ring = (rng.uniform(*self.settings.queued_seconds), rng.uniform(*self.settings.ringing_seconds))
        self.books[provider].add(call)
        player = CallPlayer(call, self.clock, self.bank, self.touch, self._ended, queue_ring, self.settings.analysis_delay)
        self.players[call.id] = player
        self._tell(call)
        player.start()
        return call

    def touch(self, call: SimCall) -> None:
        self.books[Provider(call.provider)].touch(call, self.now_ms())
        self._tell(call)

    def _tell(self, call: SimCall) -> None:
        for watcher in list(self.watchers):
            watcher(call)

    def _ended(self, call: SimCall) -> None:
        self.players.pop(call.id, None)
        provider = Provider(call.provider)
        if call.id in self._keeper_calls[provider]:
            self._keeper_calls[provider].discard(call.id)
            rng = random.Random(f"{self.settings.seed}/{provider.value}/restart/{self._restarts[provider]}")
            self._restarts[provider] += 1
            delay = self.clock.wall_seconds(rng.uniform(*self.settings.restart_seconds))
            serial = next(self._replacement_serials)
            self._replacements[serial] = asyncio.get_running_loop().call_later(delay, self._replace, provider, serial)

    def _replace(self, provider: Provider, serial: int) -> None:
        self._replacements.pop(serial, None)
        self._keep(provider)

    def find(self, provider: Provider, call_id: str) -> SimCall | None:
        return self.books[provider].get(call_id)
