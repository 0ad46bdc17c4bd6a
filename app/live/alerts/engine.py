"""The alert engine: evaluates every rule on every call change, tick and live level, and keeps the alerts.

An alert is raised once per episode (its id names the call, the rule and the episode); it clears
by itself when its rule says so (`rules.RULES`), otherwise it stays until someone has it.
Qt-free: the window, `switchboard watch` and the benchmarks drive the same engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import statistics
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.domain import Call, CallStatus, TurnRole
from app.domain.alert import Alert, Severity, triage_key
from app.live.alerts.call_view import CallView, Finding
from app.live.alerts.mood import MoodScorer, trend
from app.live.alerts.rules import CLEARS, RULES, TIMED, Rule, findings, next_due
from app.live.alerts.settings import AlertSettings
from app.live.events import Event
from app.live.registry import CallRegistry, RegistryChange

log = logging.getLogger(__name__)
EAR_FRESH = 2.0  # seconds: levels older than this mean nobody is listening any more
USUAL_SAMPLE = 101  # ended calls per assistant kept for its usual (median) duration


@dataclass(frozen=True)
class AlertChange:
    raised: tuple[Alert, ...] = ()
    updated: tuple[Alert, ...] = ()  # acknowledged, snoozed, or back from a snooze
    cleared: tuple[Alert, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.raised or self.updated or self.cleared)


@dataclass(frozen=True)
class CallAlerts:
    """What a call list or a wall tile shows of a call's alerts."""

    worst: Severity | None  # of the open ones
    open: int
    total: int
    headline: str = ""  # what the most urgent open alert says


NO_ALERTS = CallAlerts(None, 0, 0)


@dataclass
class _Ear:
    heard_at: float
    speech_at: float


@dataclass
class _Watched:
    account_id: str
    call: Call
    alerts: dict[tuple[str, str], str] = field(default_factory=dict)  # (rule, episode) -> alert id
    hang_events: list[float] = field(default_factory=list)
    ear: _Ear | None = None
    due: float = 0.0  # epoch seconds when time alone could change a timed rule's verdict
    usual_key: str = ""  # whose usual duration its long-call limit follows


def _usual_key(call: Call) -> str:
    """Whose usual duration a call counts towards and is measured against."""
    return call.assistant_name or call.assistant_id or ""


class _UsualDurations:
    def __init__(self) -> None:
        self._seconds: dict[str, deque[float]] = {}
        self._medians: dict[str, float] = {}  # the tick asks for every live call: sort once per new sample
        self._counted: set[str] = set()

    def add(self, call: Call) -> str | None:
        """Count an ended call's duration; returns its assistant when its usual duration may have moved."""
        key = _usual_key(call)
        if key and call.duration_seconds and call.id not in self._counted and not call.is_live:
            self._counted.add(call.id)
            self._seconds.setdefault(key, deque(maxlen=USUAL_SAMPLE)).append(call.duration_seconds)
            self._medians.pop(key, None)
            return key
        return None

    def of(self, call: Call, min_calls: int) -> float | None:
        key = _usual_key(call)
        sample = self._seconds.get(key)
        if not sample or len(sample) < min_calls:
            return None
        if key not in self._medians:
            self._medians[key] = statistics.median(sample)
        return self._medians[key]


class AlertEngine:
    def __init__(self, settings: AlertSettings | None = None, *, clock: Callable[[], float] = time.time):
        self.settings = settings or AlertSettings()
        self._clock = clock
        self._alerts: dict[str, Alert] = {}
        self._summaries: dict[str, CallAlerts] = {}  # call id -> summary, until its alerts change
        self._calls: dict[str, _Watched] = {}  # calls seen live: the only ones rules look at
        self._usual = _UsualDurations()
        self._scorer = MoodScorer()
        self.changed: Event[AlertChange] = Event("alerts changed")  # the live layer's one observer mechanism
        self._snoozed: set[str] = set()
        self._ticker: asyncio.Task[None] | None = None

    # --- being told ----------------------------------------------------------------------
    def watch(self, account_id: str, registry: CallRegistry) -> Callable[[], None]:
        """Follow an account's calls. The one place alerts subscribe to call changes."""

        watching = True

        def on_change(change: RegistryChange) -> None:
            calls = [c for i in (*change.inserted, *change.changed) if (c := registry.get(i))]
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop (a script, a test): at once
                self.on_calls(account_id, calls)
                return
            # In the loop's next turn: a poll's page showing and its rules running are two short pauses of
            # the window, not one long one (a hundred changed calls a page, with a thousand live).
            loop.call_soon(lambda: self.on_calls(account_id, calls) if watching else None)

        disconnect = registry.events.changed.connect(on_change)

        def unsubscribe() -> None:
            nonlocal watching
            watching = False
            disconnect()

        self.on_calls(account_id, registry.calls())
        return unsubscribe

    def on_calls(self, account_id: str, calls: Iterable[Call]) -> None:
        """New or changed calls of an account (a poll, a listen socket, the hub)."""
        change = _Collector()
        for call in calls:
            if (assistant := self._usual.add(call)) is not None:
                self._recheck(assistant)
            watched = self._calls.get(call.id)
            if watched is None:
                if not call.is_live:
                    continue  # ended before we saw it: history, not triage
                watched = self._calls[call.id] = _Watched(account_id, call, usual_key=_usual_key(call))
            watched.call, watched.usual_key = call, _usual_key(call)  # its assistant's name may come later
            self._evaluate(watched, change)
            if not call.is_live and not watched.alerts:
                del self._calls[call.id]  # over and nothing to show: a day of calls must not pile up here
        self._emit(change)

    def on_levels(self, call_id: str, customer_rms: float, assistant_rms: float, at: float | None = None) -> None:
        """Live audio levels (RMS, 1.0 = full scale) while a call is listened to; `at` in epoch seconds."""
        watched = self._calls.get(call_id)
        if watched is None:
            return
        at = self._clock() if at is None else at
        speaking = max(customer_rms, assistant_rms) >= self.settings.silence.speech_level
        ear = watched.ear
        if ear is None or at - ear.heard_at > EAR_FRESH:
            ear = watched.ear = _Ear(at, at)
        ear.heard_at = at
        was_quiet = at - ear.speech_at >= self.settings.silence.seconds
        if speaking:
            ear.speech_at = at
        if was_quiet or at - ear.speech_at >= self.settings.silence.seconds:
            change = _Collector()
            self._evaluate(watched, change)
            self._emit(change)

    def on_event(self, call_id: str, kind: str, call_seconds: float) -> None:
        """A platform event about a call (listen socket, hub); `hang` feeds the hang rule."""
        watched = self._calls.get(call_id)
        if watched is None or kind != "hang":
            return
        watched.hang_events.append(round(call_seconds, 1))
        change = _Collector()
        self._evaluate(watched, change)
        self._emit(change)

    def tick(self) -> None:
        """Re-check the calls whose time has come for a timed rule (silence, long call, hang), and
        snoozes that ran out: each evaluation says when its call next needs one, so a thousand live
        calls cost a tick a comparison each."""
        change = _Collector()
        clock = self._clock()
        for watched in [w for w in self._calls.values() if w.due <= clock]:
            self._evaluate(watched, change, TIMED)  # only the rules time can change: the others ran on the last change
        now = self._now()
        for alert_id in list(self._snoozed):
            alert = self._alerts[alert_id]
            if alert.snoozed_until is None or alert.snoozed_until <= now:
                self._snoozed.discard(alert_id)
                change.updated.append(alert)
        self._emit(change)

    def start(self, interval: float = 1.0) -> None:
        """Tick on the running loop until `stop`."""
        if self._ticker is None:
            self._ticker = asyncio.get_running_loop().create_task(self._tick_every(interval))

    async def _tick_every(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                self.tick()
            except Exception:  # a rule's bug must not stop the watch
                log.exception("alert tick failed")

    async def stop(self) -> None:
        ticker, self._ticker = self._ticker, None
        if ticker is not None:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
        self._scorer.close()

    def apply_settings(self, settings: AlertSettings) -> None:
        self.settings = settings
        self._recheck()  # new thresholds: every live call's moment may move

    def _recheck(self, assistant: str | None = None) -> None:
        """The timed rules of the calls watched (of this assistant, else all) run on the next tick."""
        for watched in self._calls.values():
            if assistant is None or watched.usual_key == assistant:
                watched.due = 0.0

    # --- telling -------------------------------------------------------------------------
    def get(self, alert_id: str) -> Alert | None:
        return self._alerts.get(alert_id)

    def alerts(self) -> list[Alert]:
        return list(self._alerts.values())

    def open_alerts(self) -> list[Alert]:
        """The triage queue: open alerts, most severe then oldest first."""
        now = self._now()
        return sorted((a for a in self._alerts.values() if a.is_open(now)), key=triage_key)

    def alerts_for(self, call_id: str) -> list[Alert]:
        watched = self._calls.get(call_id)
        return [self._alerts[i] for i in watched.alerts.values()] if watched else []

    def summary(self, call_id: str) -> CallAlerts:
        """What a list row or a wall tile shows; kept until the call's alerts change (the wall orders a
        thousand tiles by it every second)."""
        known = self._summaries.get(call_id)
        if known is not None:
            return known
        alerts = self.alerts_for(call_id)
        if not alerts:
            return NO_ALERTS
        now = self._now()
        open_ones = sorted((a for a in alerts if a.is_open(now)), key=triage_key)
        if not open_ones:
            summary = CallAlerts(None, 0, len(alerts))
        else:
            summary = CallAlerts(open_ones[0].severity, len(open_ones), len(alerts), open_ones[0].message)
        self._summaries[call_id] = summary
        return summary

    def mood_trend(self, call_id: str) -> list[float]:
        """The customer's mood so far (running mean per scored turn, -1..1); empty until scored."""
        watched = self._calls.get(call_id)
        return trend(self._moods(watched.call), self.settings.sentiment.window) if watched else []

    # --- acting --------------------------------------------------------------------------
    def acknowledge(self, alert_id: str, user: str) -> Alert | None:
        """"I have it": the alert leaves the queue, with who has it."""
        return self._update(alert_id, acknowledged_by=user, acknowledged_at=self._now())

    def snooze(self, alert_id: str, minutes: float) -> Alert | None:
        alert = self._update(alert_id, snoozed_until=self._now() + timedelta(minutes=minutes))
        if alert is not None:
            self._snoozed.add(alert_id)
        return alert

    def _update(self, alert_id: str, **changes: object) -> Alert | None:
        alert = self._alerts.get(alert_id)
        if alert is None:
            return None
        alert = self._alerts[alert_id] = alert.with_changes(**changes)
        self._emit(_Collector(updated=[alert]))
        return alert

    # --- evaluating ----------------------------------------------------------------------
    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def _view(self, watched: _Watched, moods: bool = True) -> CallView:
        call, now = watched.call, self._clock()
        elapsed = None
        if call.status == CallStatus.IN_PROGRESS and call.started_at is not None:
            elapsed = max(0.0, now - call.started_at.timestamp())
        ear = watched.ear
        listening = ear is not None and now - ear.heard_at <= EAR_FRESH
        return CallView(
            call=call,
            elapsed=elapsed,
            ear_quiet=(now - ear.speech_at) if listening and ear else None,
            ear_quiet_since=ear.speech_at if listening and ear else None,
            usual_seconds=self._usual.of(call, self.settings.long_call.usual_min_calls),
            moods=self._moods(call, watched.call.id) if moods and self.settings.sentiment.enabled else (),
            hang_events=tuple(watched.hang_events),
        )

    def _moods(self, call: Call, rescore: str | None = None) -> tuple[float | None, ...]:
        texts = [t.text for t in call.turns if t.role is TurnRole.CUSTOMER]
        moods = self._scorer.known(texts)
        if rescore is None or None not in moods:
            return moods
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self._scorer.score_now(texts)
        self._scorer.score_later(texts, lambda: loop.call_soon_threadsafe(self._rescored, rescore))
        return moods

    def _rescored(self, call_id: str) -> None:
        watched = self._calls.get(call_id)
        if watched is not None:
            change = _Collector()
            self._evaluate(watched, change)
            self._emit(change)

    def _evaluate(self, watched: _Watched, change: _Collector, rules: tuple[Rule, ...] = RULES) -> None:
        try:
            view = self._view(watched, moods=rules is RULES)
            found = findings(view, self.settings, rules)
            watched.due = self._due(watched, view)
        except Exception:  # one odd call must not stop the others' alerts
            log.exception("alert rules failed on call %s", watched.call.id)
            watched.due = math.inf  # until its next change
            return
        present = {(f.rule, f.episode) for f in found}
        checked = {rule.name for rule in rules}
        for finding in found:
            if (finding.rule, finding.episode) not in watched.alerts:
                alert = self._raise(watched, finding)
                watched.alerts[(finding.rule, finding.episode)] = alert.id
                change.raised.append(alert)
        for key, alert_id in watched.alerts.items():
            alert = self._alerts[alert_id]
            if key[0] in checked and key not in present and CLEARS.get(key[0]) and alert.cleared_at is None:
                alert = self._alerts[alert_id] = alert.with_changes(cleared_at=self._now())
                change.cleared.append(alert)

    def _due(self, watched: _Watched, view: CallView) -> float:
        """When the tick should next evaluate this call: when a timed rule or the listen levels going
        stale may change a verdict; never for a call that is over."""
        second = next_due(view, self.settings) if watched.call.is_live else None
        due = math.inf if second is None or view.elapsed is None else self._clock() + second - view.elapsed
        if view.ear_quiet_since is not None and watched.ear is not None:
            due = min(due, watched.ear.heard_at + EAR_FRESH)  # the ear goes deaf: back to the turn times
        return due

    def _raise(self, watched: _Watched, finding: Finding) -> Alert:
        call = watched.call
        alert = Alert(
            id=f"{watched.account_id}/{call.id}/{finding.rule}/{finding.episode}",
            rule=finding.rule, severity=finding.severity, account_id=watched.account_id, call_id=call.id,
            provider=call.provider.value, message=finding.message, text=finding.text, raised_at=self._now(),
            call_seconds=finding.call_seconds, turn=finding.turn,
        )
        self._alerts[alert.id] = alert
        return alert

    def _emit(self, change: _Collector) -> None:
        for alert in (*change.raised, *change.updated, *change.cleared):
            self._summaries.pop(alert.call_id, None)
        if change:
            self.changed.emit(AlertChange(tuple(change.raised), tuple(change.updated),
                                         tuple(change.cleared)))


@dataclass
class _Collector:
    raised: list[Alert] = field(default_factory=list)
    updated: list[Alert] = field(default_factory=list)
    cleared: list[Alert] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.raised or self.updated or self.cleared)
