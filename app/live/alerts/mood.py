"""Customer mood: the trend of VADER scores over the customer's turns, and its rule.

Scoring runs on a worker thread (`MoodScorer`); the rule only reads the scores it has.
An alert needs a sustained drop: the mean of the last `window` turns at or below the
threshold and at least `negative_turns` of them negative, so one sharp word does not fire.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from app.domain import TurnRole
from app.live.alerts.call_view import CallView, Finding, quote
from app.live.alerts.line_cache import CACHED_CHARS
from app.live.alerts.settings import Sentiment

RULE = "sentiment"
NEGATIVE = -0.05  # VADER's own cut-off for a negative sentence
CACHE_SIZE = 20_000  # scored lines kept (a few MB): live transcripts are re-sent on every poll


def trend(moods: Sequence[float | None], window: int) -> list[float]:
    """The running mean over the last `window` scored turns, one value per scored turn."""
    scored = [m for m in moods if m is not None]
    return [sum(scored[max(0, i + 1 - window): i + 1]) / len(scored[max(0, i + 1 - window): i + 1])
            for i in range(len(scored))]


def check(view: CallView, rule: Sentiment) -> list[Finding]:
    customer = [(i, t) for i, t in enumerate(view.call.turns) if t.role is TurnRole.CUSTOMER]
    recent: list[float] = []
    for (index, turn), mood in zip(customer, view.moods, strict=False):
        if mood is None:
            return []  # not scored yet: the scorer asks for another look when it is
        recent = [*recent, mood][-rule.window:]
        mean = sum(recent) / len(recent)
        negatives = sum(1 for m in recent if m <= NEGATIVE)
        if len(recent) >= min(rule.window, rule.negative_turns) and mean <= rule.threshold \
                and negatives >= rule.negative_turns:
            return [Finding(RULE, "drop", rule.severity,
                            f"Customer mood trending down ({mean:+.2f} over the last {len(recent)} turns)",
                            quote(turn.text), index, turn.start)]
    return []


def _key(text: str) -> str | bytes:
    """A line as the scores are kept: itself when of ordinary length, else its digest (platform text of
    any size never fills memory through the cache)."""
    return text if len(text) <= CACHED_CHARS else hashlib.blake2b(text.encode(), digest_size=16).digest()


class MoodScorer:
    """VADER compound scores of lines, computed on one worker thread and cached by text."""

    def __init__(self) -> None:
        self._scores: OrderedDict[str | bytes, float] = OrderedDict()  # by line (see _key)
        self._pending: set[str | bytes] = set()
        self._waiting: list[tuple[set[str | bytes], Callable[[], object]]] = []  # who to tell when their texts are scored
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="mood")
        self._analyzer: object | None = None

    def known(self, texts: Sequence[str]) -> tuple[float | None, ...]:
        with self._lock:
            return tuple(self._scores.get(_key(t)) for t in texts)

    def score_later(self, texts: Sequence[str], done: Callable[[], object]) -> None:
        """Score the unknown texts off this thread; `done` runs on the worker once all of them are known,
        also when another caller's job is the one scoring some of them."""
        with self._lock:
            wanted = {key for key in map(_key, texts) if key not in self._scores}
            if not wanted:
                return
            missing = [t for t in dict.fromkeys(texts) if (key := _key(t)) in wanted and key not in self._pending]
            self._pending.update(map(_key, missing))
            self._waiting.append((wanted, done))
        if missing:
            self._pool.submit(self._score, missing)

    def score_now(self, texts: Sequence[str]) -> tuple[float | None, ...]:
        """Blocking, for callers without an event loop (scripts, benchmarks' set-up)."""
        self._score([t for t in texts if _key(t) not in self._scores])
        return self.known(texts)

    def _score(self, texts: list[str]) -> None:
        analyzer = self._vader()
        scores = {_key(t): float(analyzer.polarity_scores(t)["compound"]) for t in texts}  # type: ignore[attr-defined]
        with self._lock:
            self._scores.update(scores)
            self._pending.difference_update(scores)
            while len(self._scores) > CACHE_SIZE:
                self._scores.popitem(last=False)
            ready = [done for wanted, done in self._waiting if wanted <= self._scores.keys()]
            self._waiting = [(wanted, done) for wanted, done in self._waiting if not wanted <= self._scores.keys()]
        for done in ready:
            done()

    def _vader(self) -> object:
        if self._analyzer is None:
            # Imported here: loading the lexicon takes ~0.1 s, paid on the worker, not at start-up.
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            self._analyzer = SentimentIntensityAnalyzer()
        return self._analyzer

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
