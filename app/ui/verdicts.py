"""One vocabulary for what platforms conclude about a call: success in plain words, and sentiment on
one scale (-1..1, with Negative / Neutral / Positive) whatever scale the platform used, which is kept
as the source so a reader can check it."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain import Call, Provider
from app.domain.success import success_passed, success_score
from app.ui.tones import Tone

_NEGATIVE_WORDS = {"negative", "angry", "upset", "frustrated", "annoyed", "hostile", "unhappy", "dissatisfied",
                   "very negative", "bad", "furious", "irritated"}
_POSITIVE_WORDS = {"positive", "happy", "satisfied", "pleased", "very positive", "good", "delighted", "grateful"}
_NEUTRAL_WORDS = {"neutral", "mixed", "calm", "ok", "okay"}
THRESHOLD = 0.2  # beyond ±0.2 on the -1..1 scale a call reads positive or negative


def success_verdict(value: str) -> tuple[str, Tone]:
    """The platform's success evaluation ("true", "8", "Pass"...) in plain words with a tone
    (the words themselves: app/domain/success.py, which the review queue reads too)."""
    text = value.strip()
    passed, score = success_passed(text), success_score(text)
    if score is not None:
        return f"{score:g} / 10", {True: Tone.GOOD, False: Tone.BAD, None: Tone.WARN}[passed]
    if passed is not None:
        return ("Successful", Tone.GOOD) if passed else ("Not successful", Tone.BAD)
    return text, Tone.NEUTRAL


@dataclass(frozen=True)
class Sentiment:
    score: float  # -1 (most negative) .. 1 (most positive)
    source: str  # where it came from and on which scale, e.g. "HMS sentiment 2 on 0–10"

    @property
    def label(self) -> str:
        return "Positive" if self.score > THRESHOLD else "Negative" if self.score < -THRESHOLD else "Neutral"

    @property
    def tone(self) -> Tone:
        return {"Positive": Tone.GOOD, "Negative": Tone.BAD}.get(self.label, Tone.NEUTRAL)

    @property
    def words(self) -> str:
        return f"{self.label} ({self.score:+.2f}) · {self.source}"


def _on_scale(value: float, low: float, high: float) -> float:
    return max(-1.0, min(1.0, (value - low) / (high - low) * 2 - 1))


def _from_number(value: float, what: str, scale: str | None = None) -> Sentiment | None:
    """A number on `scale` ("0–10", "1–5", "-1..1"), or the scale its value implies."""
    if scale is None:
        if -1 <= value <= 1 and not (value == 1 or value.is_integer() and value > 0):
            scale = "-1..1"
        elif 1 <= value <= 5 and value.is_integer():
            scale = "1–5"
        elif 0 <= value <= 10:
            scale = "0–10"
        else:
            return None
    low, high = {"0–10": (0, 10), "1–5": (1, 5), "-1..1": (-1, 1)}[scale]
    if not low <= value <= high:
        return None
    return Sentiment(_on_scale(value, low, high), f"{what} {value:g} on {scale}")


def _from_words(text: str, what: str) -> Sentiment | None:
    word = " ".join(text.casefold().split())
    for words, score in ((_NEGATIVE_WORDS, -1.0), (_POSITIVE_WORDS, 1.0), (_NEUTRAL_WORDS, 0.0)):
        if word in words:
            return Sentiment(score, f"{what} “{text.strip()}”")
    return None


def sentiment_of(call: Call) -> Sentiment | None:
    """The call's sentiment on one scale. HMS sends 0–10; Vapi's comes from the assistant's structured
    data, on whatever scale its prompt asked for (a number, or a word)."""
    if call.provider == Provider.VAPI and call.structured_data and "sentiment" in call.structured_data:
        raw = call.structured_data["sentiment"]
        if isinstance(raw, str):
            try:
                raw = float(raw)
            except ValueError:
                return _from_words(raw, "Structured data")
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return _from_number(float(raw), "Structured data")
        return None
    if call.sentiment is None:
        return None
    if call.provider == Provider.HMS:
        return _from_number(call.sentiment, "HMS sentiment", "0–10")
    return _from_number(call.sentiment, f"{call.provider.display_name} sentiment")


def outcome_words(call: Call) -> tuple[str, Tone]:
    """Success and sentiment in one short line (the list's column), toned by the sentiment if any."""
    success = success_verdict(call.success_evaluation) if call.success_evaluation else None
    sentiment = sentiment_of(call)
    parts = [p for p in (success[0] if success else "", sentiment.label if sentiment else "") if p]
    tone = sentiment.tone if sentiment else success[1] if success else Tone.NEUTRAL
    return " · ".join(parts), tone
