"""The rules on hand-made calls: what fires, what does not, once per episode."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import timedelta

from app.domain import Turn, TurnRole
from app.domain.alert import Severity
from app.live.alerts.engine import AlertChange, AlertEngine
from app.live.alerts.json_line import alert_as_json
from app.live.alerts.line_cache import CACHED_CHARS, per_line
from app.live.alerts.mood import MoodScorer
from app.live.alerts.settings import AlertSettings, load, parse, save, to_toml
from app.live.registry import CallRegistry
from tests.live.calls import T0, make_call

C, A, TOOL = TurnRole.CUSTOMER, TurnRole.ASSISTANT, TurnRole.TOOL


def line(role: TurnRole, text: str, start: float = 0.0, end: float | None = None, **more) -> Turn:
    return Turn(role=role, text=text, start=start, end=end if end is not None else start + 2, **more)


class Clock:
    def __init__(self, seconds: float = 0.0) -> None:
        self.now = T0.timestamp() + seconds

    def __call__(self) -> float:
        return self.now


def engine_with(*turns: Turn, at: float = 3.0, settings: AlertSettings | None = None, **fields):
    clock = Clock(at)
    engine = AlertEngine(settings, clock=clock)
    changes: list[AlertChange] = []
    engine.changed.connect(changes.append)
    registry = CallRegistry()
    engine.watch("acct", registry)
    registry.merge([make_call("c1", turns=turns, **fields)])
    return engine, registry, clock, changes


def rules_of(engine: AlertEngine) -> set[str]:
    return {a.rule for a in engine.alerts()}


def test_phrases_ignore_case_and_accents_and_match_whole_words_only():
    engine, *_ = engine_with(line(C, "Je veux un SUPERVISÖR maintenant"), line(C, "humanity is great, I cancelled"))
    alerts = engine.alerts()
    assert [(a.rule, a.id.rsplit("/", 1)[1], a.turn) for a in alerts] == [("phrases", "manager", 0)]
    assert alerts[0].text == "Je veux un SUPERVISÖR maintenant"


def test_a_lawyer_is_critical_and_raised_once_however_often_it_is_said():
    engine, registry, _, changes = engine_with(line(C, "I will call my lawyer"))
    registry.merge([make_call("c1", updated=1, turns=(line(C, "I will call my lawyer"), line(C, "My LAWYER, yes")))])
    raised = [a for c in changes for a in c.raised]
    assert [(a.rule, a.severity) for a in raised] == [("phrases", Severity.CRITICAL)]


def test_silence_from_turn_times_fires_after_the_assistant_and_clears_when_someone_speaks():
    engine, registry, clock, changes = engine_with(line(A, "Hello?", 0, 2), at=20)
    [alert] = engine.alerts()
    assert alert.rule == "silence" and alert.turn == 0 and alert.call_seconds == 2.0
    registry.merge([make_call("c1", updated=1, turns=(line(A, "Hello?", 0, 2), line(C, "Hi", 20, 21)))])
    assert engine.get(alert.id).cleared_at is not None
    assert engine.open_alerts() == []


def test_silence_from_listen_levels_while_listening():
    engine, registry, clock, _ = engine_with(line(A, "Hello?", 0, 2), line(C, "Hi", 2, 3), at=3.5)
    for step in range(70):  # 14 s of quiet levels, 5 per second
        clock.now += 0.2
        engine.on_levels("c1", 0.001, 0.002, clock.now)
        if step == 0:
            assert engine.alerts() == []
    assert rules_of(engine) == {"silence"}
    assert "listen levels" in engine.alerts()[0].message


def test_hang_when_the_assistant_does_not_answer_and_from_the_platform_event():
    engine, registry, clock, _ = engine_with(line(A, "Hi", 0, 1), line(C, "Is it ready?", 2, 4), at=10)
    assert engine.alerts() == []
    clock.now += 12
    engine.tick()
    assert rules_of(engine) == {"hang"}
    engine.on_event("c1", "hang", 12.5)
    assert len(engine.alerts()) == 2


def test_turn_latency_repeated_reply_and_tool_failure():
    turns = (line(C, "Claim status", 0, 2), line(A, "Sorry, say again?", 8, 9), line(C, "Claim", 9, 10),
             line(A, "Sorry, say again?", 10.5, 11), line(C, "CLAIM", 11, 12), line(A, "sorry, say again?", 12.5, 13),
             Turn(role=TOOL, start=13, tool_name="lookup", tool_result=json.dumps({"error": "timeout"})))
    engine, *_ = engine_with(*turns, at=14)
    assert rules_of(engine) == {"turn_latency", "repeated_reply", "tool_failure"}


def test_error_ending_only_for_calls_seen_live():
    engine, registry, *_ = engine_with(line(A, "Hi", 0, 1), at=2)
    registry.merge([make_call("c1", updated=1, status="ended", ended_reason="pipeline-error-openai-llm-failed"),
                    make_call("old", status="ended", ended_reason="assistant-error")])
    assert [(a.rule, a.call_id) for a in engine.alerts()] == [("error_ending", "c1")]
    assert make_call("x").ended_reason is None


def test_long_call_by_minutes_or_by_the_assistants_usual_duration():
    engine, registry, clock, _ = engine_with(line(A, "Hi", 0, 1), line(C, "Go on", 96, 99), at=100)
    assert engine.alerts() == []
    registry.merge([make_call(f"done{i}", status="ended", duration_seconds=30.0) for i in range(5)])
    engine.tick()
    [alert] = engine.alerts()
    assert alert.rule == "long_call" and "3.3×" in alert.message


def test_one_negative_word_is_not_a_drop_but_a_sustained_one_is():
    calm = (line(C, "This is terrible.", 0), line(C, "Okay, that works, thank you.", 5), line(C, "Great.", 9))
    engine, *_ = engine_with(*calm, at=12)
    assert "sentiment" not in rules_of(engine)
    angry = (line(C, "This is ridiculous and awful!", 0), line(C, "Terrible service, I hate this.", 5),
             line(C, "Useless. Horrible.", 9))
    engine, *_ = engine_with(*angry, at=12)
    [alert] = [a for a in engine.alerts() if a.rule == "sentiment"]
    assert alert.turn == 1 and engine.mood_trend("c1")[-1] < -0.3


def test_acknowledged_and_snoozed_alerts_leave_the_queue_and_snoozes_come_back():
    quiet = replace(AlertSettings(), hang=replace(AlertSettings().hang, enabled=False))
    engine, registry, clock, changes = engine_with(line(C, "get me a manager"), line(C, "I want to complain"),
                                                   settings=quiet)
    first, second = engine.open_alerts()
    engine.acknowledge(first.id, "sam")
    engine.snooze(second.id, 5)
    assert engine.open_alerts() == []
    assert engine.get(first.id).acknowledged_by == "sam"
    clock.now += 301
    engine.tick()
    assert [a.id for a in engine.open_alerts()] == [second.id]
    assert changes[-1].updated[0].id == second.id


def test_the_queue_is_most_severe_then_oldest_first():
    engine, registry, clock, _ = engine_with(line(C, "get me a manager"))
    clock.now += 1
    registry.merge([make_call("c1", updated=1, turns=(line(C, "get me a manager"), line(C, "my lawyer")))])
    assert [a.severity for a in engine.open_alerts()] == [Severity.CRITICAL, Severity.WARNING]


def test_disabled_rules_do_not_fire():
    settings = AlertSettings()
    settings = replace(settings, phrases=replace(settings.phrases, enabled=False))
    engine, *_ = engine_with(line(C, "get me a manager"), settings=settings)
    assert engine.alerts() == []


def test_settings_file_round_trips_and_a_bad_value_falls_back_alone(tmp_path):
    path = save(AlertSettings(), tmp_path / "alerts.toml")
    assert load(path) == (AlertSettings(), [])
    text = path.read_text().replace("seconds = 12.0", 'seconds = "soon"', 1).replace("times = 3", "times = 4")
    path.write_text(text)
    settings, problems = load(path)
    assert settings.silence.seconds == 12.0 and settings.repeated_reply.times == 4
    assert problems == ["silence.seconds = 'soon' is not valid; the default applies."]
    assert parse({"phrases": {"lists": {"vip": {"severity": "info", "words": ["gold member"]}}}})[0].phrases.lists[
        "vip"].words == ("gold member",)
    assert "[phrases.lists.lawyer]" in to_toml(AlertSettings())


def test_an_alert_as_a_json_line():
    engine, *_ = engine_with(line(C, "get me a manager", 1))
    payload = alert_as_json(engine.alerts()[0])
    assert payload["type"] == "alert" and payload["rule"] == "phrases" and payload["severity"] == "warning"
    assert payload["call_id"] == "c1" and payload["provider"] == "vapi" and payload["text"] == "get me a manager"
    assert payload["time"] == (T0 + timedelta(seconds=3)).isoformat() and payload["call_seconds"] == 1


async def test_calls_sharing_lines_are_all_rescored_off_the_loop_thread():
    import asyncio

    angry = (line(C, "This is ridiculous and awful!", 0), line(C, "Terrible service, I hate this.", 1))
    engine = AlertEngine(clock=Clock(3.0))
    registry = CallRegistry()
    engine.watch("acct", registry)
    registry.merge([make_call("c1", turns=angry), make_call("c2", turns=angry)])
    assert engine.alerts() == []  # scored on the mood worker, not on the loop
    for _ in range(1000):  # the mood worker's first run loads its lexicon: slow on a busy machine
        if {a.call_id for a in engine.alerts() if a.rule == "sentiment"} == {"c1", "c2"}:
            break
        await asyncio.sleep(0.01)
    assert {a.call_id for a in engine.alerts() if a.rule == "sentiment"} == {"c1", "c2"}
    await engine.stop()


def test_the_tick_rechecks_a_call_only_when_time_could_change_its_verdict(monkeypatch):
    """A thousand quiet live calls cost the tick a comparison each, not a run of the rules."""
    from app.live.alerts import engine as engine_module

    engine, registry, clock, _ = engine_with(line(A, "Hello?", 0, 1), at=2)  # silence due at 1 + 12 s
    registry.merge([make_call(f"q{i}", turns=(line(A, "Hello?", 0, 1 + i),)) for i in range(3)])
    checked: list[str] = []
    real = engine_module.findings
    monkeypatch.setattr(engine_module, "findings", lambda view, *a: checked.append(view.call.id) or real(view, *a))
    clock.now += 5
    engine.tick()
    assert checked == [] and engine.alerts() == []
    clock.now += 6.5  # 13.5 s into the calls: c1 (quiet since 1 s) and q0 (since 1 s) are due, q1, q2 not yet
    engine.tick()
    assert sorted(checked) == ["c1", "q0"] and {a.call_id for a in engine.alerts()} == {"c1", "q0"}
    clock.now += 2
    engine.tick()
    assert {a.call_id for a in engine.alerts()} == {"c1", "q0", "q1", "q2"}


def test_calls_that_end_without_alerts_are_not_kept():
    engine, registry, *_ = engine_with(line(A, "Hi", 0, 1), at=2)
    registry.merge([make_call("c1", updated=1, status="ended", turns=(line(A, "Hi", 0, 1),))])
    assert engine.alerts_for("c1") == [] and "c1" not in engine._calls


def test_a_calls_summary_follows_its_alerts_being_raised_acknowledged_snoozed_and_back():
    quiet = replace(AlertSettings(), hang=replace(AlertSettings().hang, enabled=False))
    engine, registry, clock, _ = engine_with(line(C, "get me a manager"), settings=quiet)
    [alert] = engine.open_alerts()
    assert engine.summary("c1").open == 1
    engine.snooze(alert.id, 5)
    assert engine.summary("c1").open == 0 and engine.summary("c1").total == 1
    clock.now += 301
    engine.tick()
    assert engine.summary("c1").worst is alert.severity
    engine.acknowledge(alert.id, "sam")
    assert engine.summary("c1").worst is None
    registry.merge([make_call("c1", updated=1, turns=(line(C, "get me a manager"), line(C, "my lawyer")))])
    assert engine.summary("c1").open == 1 and engine.summary("c1").total == 2


async def test_in_the_window_a_merge_returns_before_its_rules_run_and_they_run_next():
    """A poll's page showing and its rules running are two short pauses of the window, not one long one."""
    engine = AlertEngine(clock=Clock(3.0))
    registry = CallRegistry()
    unwatch = engine.watch("acct", registry)
    registry.merge([make_call("c1", turns=(line(C, "get me a manager"),))])
    assert rules_of(engine) == set()
    await asyncio.sleep(0)
    assert rules_of(engine) == {"phrases"}
    registry.merge([make_call("c2", turns=(line(C, "I will call my lawyer"),))])
    unwatch()  # the account closed before its rules ran: nothing is raised for it
    await asyncio.sleep(0)
    assert [a.call_id for a in engine.alerts()] == ["c1"]


def test_the_rules_keep_their_work_only_for_lines_of_ordinary_length():
    """A line's work is kept as polls bring it again; platform text of any size must not fill memory."""
    worked: list[str] = []

    @per_line(maxsize=10)
    def work(line: str) -> int:
        worked.append(line)
        return len(line)

    long = "x" * (CACHED_CHARS + 1)
    assert [work("short"), work("short"), work(long), work(long)] == [5, 5, CACHED_CHARS + 1, CACHED_CHARS + 1]
    assert worked == ["short", long, long]
    engine, *_ = engine_with(line(C, "word " * 2_000 + "I will call my lawyer"))
    assert rules_of(engine) == {"phrases"}  # a long line is still checked, every time


def test_the_mood_scores_keep_a_long_line_by_its_digest_not_its_text():
    """Scores are kept by line as polls bring them again; a line of any size must not be held whole."""
    scorer = MoodScorer()
    try:
        long = "I am furious, this is useless. " * 2_000
        assert scorer.score_now(["Thank you so much!", long]) == scorer.known(["Thank you so much!", long])
        short_score, long_score = scorer.known(["Thank you so much!", long])
        assert short_score is not None and short_score > 0 and long_score is not None and long_score < 0
        assert max(len(key) for key in scorer._scores) <= CACHED_CHARS
    finally:
        scorer.close()
