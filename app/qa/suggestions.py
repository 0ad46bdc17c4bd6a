"""Suggested scores: what the platform already judged and what a deterministic check can tell,
mapped to the scorecard's criteria. The reviewer confirms or changes each; none is a score until then.

The platform's judgement comes first (a scorecard or structured output named like a criterion, the
success evaluation for "understood the request"); where it says nothing, the checks speak: a greeting
in the first assistant turn, a goodbye near the end, a transfer after the customer asked for a person
(the alerts' own phrase matcher), no silence longer than `max_silence` seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain import Call, Turn, TurnRole
from app.domain.clock import clock
from app.domain.success import success_passed, success_score
from app.live.alerts.phrases import pattern, plain
from app.live.alerts.settings import DEFAULT_PHRASES
from app.qa.queue_rules import was_transferred
from app.store.reviews import DEFAULT_TEMPLATE, NOT_APPLICABLE, Mark, ScorecardTemplate

MAX_SILENCE_SECONDS = 8.0
GREETINGS = ("hello", "hi", "hey", "good morning", "good afternoon", "good evening", "welcome", "thanks for calling",
             "thank you for calling")
GOODBYES = ("goodbye", "bye", "good bye", "have a nice day", "have a great day", "have a good day", "take care",
            "thanks for calling", "thank you for calling")
ASKED_FOR_A_PERSON = ("human", "manager")  # the alert rules' phrase lists that mean "put me through to a person"
# Platform outputs that judge whether the request was understood and met, by name (casefolded).
UNDERSTOOD_OUTPUTS = ("call objective achieved", "objective achieved", "resolved", "issue resolved")


@dataclass(frozen=True)
class Suggestion:
    criterion_id: str
    mark: Mark
    why: str  # in the reviewer's words, e.g. "Platform: Call objective achieved = true"
    from_platform: bool


def suggest(call: Call, template: ScorecardTemplate = DEFAULT_TEMPLATE, *,
            max_silence: float = MAX_SILENCE_SECONDS) -> dict[str, Suggestion]:
    """A suggestion for each criterion something can speak to, by criterion id."""
    found: dict[str, Suggestion] = {}
    for suggestion in (*_platform(call, template), *_checks(call, max_silence)):
        if suggestion.criterion_id in found or suggestion.criterion_id not in {c.id for c in template.criteria}:
            continue  # the platform's judgement first; one suggestion per criterion
        criterion = template.criterion(suggestion.criterion_id)
        if suggestion.mark.not_applicable and not criterion.allow_na:
            continue
        found[suggestion.criterion_id] = suggestion
    return found


# -- the platform's judgement ---------------------------------------------------------------------

def _platform(call: Call, template: ScorecardTemplate) -> list[Suggestion]:
    named = {plain(c.title): c for c in template.criteria} | {plain(c.id): c for c in template.criteria}
    out: list[Suggestion] = []
    for kind, judgements in (("scorecard", call.scorecards), ("output", call.structured_outputs)):
        for judgement in _objects(judgements):
            name = plain(str(judgement.get("name") or ""))
            # a scorecard's `scoreNormalized` is a percent (ceil(score / maxPoints * 100)); its `score` is
            # points on a scale the call does not carry, so it suggests nothing
            value = judgement.get("scoreNormalized") if kind == "scorecard" else judgement.get("result")
            criterion = named.get(name) or (template.criterion("understood") if name in UNDERSTOOD_OUTPUTS
                                            and "understood" in named else None)
            mark = _mark(value, criterion.max_score if criterion else 5, percent=kind == "scorecard")
            if criterion is not None and mark is not None:
                out.append(Suggestion(criterion.id, mark, f"Platform {kind}: {judgement.get('name')} = {value}", True))
    if call.success_evaluation:
        passed, score = success_passed(call.success_evaluation), success_score(call.success_evaluation)
        mark = Mark(round(score / 2)) if score is not None else None if passed is None else Mark(5 if passed else 1)
        if mark is not None:
            out.append(Suggestion("understood", mark, f"Platform success evaluation: {call.success_evaluation}", True))
    return out


def _objects(judgements: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [value for value in (judgements or {}).values() if isinstance(value, dict)]


def _mark(value: object, max_score: int, *, percent: bool) -> Mark | None:
    if isinstance(value, bool):
        return Mark(max_score if value else 0)
    if isinstance(value, int | float):
        if percent and 0 <= value <= 100:
            return Mark(round(value / 100 * max_score))
        if 0 <= value <= max_score:
            return Mark(round(value))
    return None


# -- deterministic checks -------------------------------------------------------------------------

def _checks(call: Call, max_silence: float) -> list[Suggestion]:
    spoken = [t for t in call.turns if t.role in (TurnRole.ASSISTANT, TurnRole.CUSTOMER) and t.text.strip()]
    assistant = [t for t in spoken if t.role is TurnRole.ASSISTANT]
    out: list[Suggestion] = []
    if assistant:
        greeted = _says(GREETINGS, assistant[0].text)
        out.append(Suggestion("greeting", Mark(5 if greeted else 1),
                              "Greeting in the first assistant turn" if greeted
                              else "No greeting in the first assistant turn", False))
    if spoken:
        closing = [t for t in spoken[-3:] if t.role is TurnRole.ASSISTANT]
        said = any(_says(GOODBYES, t.text) for t in closing)
        out.append(Suggestion("close", Mark(5 if said else 1), "Said goodbye before the end" if said
                              else "No goodbye from the assistant before the end", False))
    out.extend(_escalation(call, spoken))
    silence = longest_silence(call.turns)
    if silence is not None:
        seconds, at = silence
        quiet = seconds <= max_silence
        out.append(Suggestion("understood", Mark(4 if quiet else 2),
                              f"No silence over {max_silence:g} s" if quiet
                              else f"Silence of {seconds:.0f} s at {clock(at)}", False))
    return out


def _escalation(call: Call, spoken: list[Turn]) -> list[Suggestion]:
    asked = next((t for t in spoken if t.role is TurnRole.CUSTOMER and any(
        (regex := pattern(DEFAULT_PHRASES[name].words)) is not None and regex.search(plain(t.text))
        for name in ASKED_FOR_A_PERSON)), None)
    if asked is None:
        return [Suggestion("escalation", NOT_APPLICABLE, "The customer never asked for a person", False)]
    moved = was_transferred(call.ended_reason) or bool(call.transfers)
    return [Suggestion("escalation", Mark(5 if moved else 0),
                       f"Asked for a person (“{asked.text[:60]}”) and was transferred" if moved
                       else f"Asked for a person (“{asked.text[:60]}”) and was not transferred", False)]


def longest_silence(turns: tuple[Turn, ...]) -> tuple[float, float] | None:
    """The longest gap between one turn's end and the next turn's start, and where it began;
    None when the turns carry no timings."""
    timed = sorted((t.start, t.end) for t in turns if t.start is not None and t.end is not None)
    if len(timed) < 2:
        return None
    best = (0.0, timed[0][1])
    reached = timed[0][1]
    for start, end in timed[1:]:
        if start - reached > best[0]:
            best = (start - reached, reached)
        reached = max(reached, end)
    return best


def _says(words: tuple[str, ...], text: str) -> bool:
    regex = pattern(words)
    return regex is not None and regex.search(plain(text)) is not None


