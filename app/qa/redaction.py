"""Finding what must not leave the building in a transcript line: phone numbers, e-mail addresses,
card numbers and numbers spelled out digit by digit.

Voice transcripts write the same number many ways ("+44 20 7946 0958", "four one five, five five
five…", "double seven"), so the rules lean towards redacting: any run of seven or more digits,
written or spoken, is hidden even when no phone plan recognises it. Qt-free and pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

REGIONS = ("US", "GB", "NL", "DE", "FR", "ES", "IT", "BE", "IN", "AU", "BR", "MX")  # national formats tried


class Kind(StrEnum):
    PHONE = "phone number"
    EMAIL = "e-mail"
    CARD = "card number"
    DIGITS = "number"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: Kind


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
SPOKEN_EMAIL = re.compile(
    r"\b[\w.+-]+(?:\s+(?:dot|underscore|dash)\s+[\w+-]+)*\s+at\s+[\w-]+(?:\s+dot\s+[a-z]{2,})+\b", re.IGNORECASE
)
# Digits with the separators people and recognisers put between them; the run must hold 7+ digits.
DIGIT_RUN = re.compile(r"(?<![\w])\+?\(?\d(?:[\d\s().\-/]*\d)?(?![\w])")
WORD_DIGITS = {
    "zero": 1, "oh": 1, "o": 1, "one": 1, "two": 1, "three": 1, "four": 1, "five": 1, "six": 1,
    "seven": 1, "eight": 1, "nine": 1,
}
MULTIPLIERS = {"double": 2, "triple": 3}
TOKEN = re.compile(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]")
SPOKEN_GAP = {",", "-", ".", "dash", "and"}
MIN_DIGITS = 7
MIN_SPOKEN_DIGITS = 4  # someone spelling digits one by one is reading out a number worth hiding


def find(text: str) -> list[Span]:
    """Every sensitive stretch of `text`, sorted, overlaps merged (the stronger kind kept)."""
    spans = [*_emails(text), *_cards_and_phones(text), *_spoken_digits(text)]
    return _merged(spans)


def redact(text: str, spans: Iterable[Span] | None = None) -> str:
    """`text` with each sensitive stretch replaced by its kind in brackets, e.g. "[phone number]"."""
    out, last = [], 0
    for span in find(text) if spans is None else spans:
        out.append(text[last : span.start])
        out.append(f"[{span.kind}]")
        last = span.end
    out.append(text[last:])
    return "".join(out)


def redact_parts(parts: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Pieces of one text with a flag each (a snippet and its highlighted matches), redacted as the whole
    text would be: a number split over pieces is still found. A hidden stretch becomes its label in the
    piece it starts in."""
    text = "".join(piece for piece, _flag in parts)
    spans = find(text)
    if not spans:
        return parts
    out: list[tuple[str, bool]] = []
    start, k = 0, 0
    for piece, flag in parts:
        end, at, kept = start + len(piece), start, []
        while at < end:
            while k < len(spans) and spans[k].end <= at:
                k += 1
            if k < len(spans) and spans[k].start <= at:  # inside a hidden stretch
                if at == spans[k].start:
                    kept.append(f"[{spans[k].kind}]")
                at = min(end, spans[k].end)
            else:
                upto = min(end, spans[k].start) if k < len(spans) else end
                kept.append(text[at:upto])
                at = upto
        if kept:
            out.append(("".join(kept), flag))
        start = end
    return out


def _emails(text: str) -> Iterable[Span]:
    for pattern in (EMAIL, SPOKEN_EMAIL):
        for match in pattern.finditer(text):
            yield Span(match.start(), match.end(), Kind.EMAIL)


def _cards_and_phones(text: str) -> Iterable[Span]:
    import phonenumbers  # ~25 ms of numbering plans: loaded when a line is first redacted, not at start

    for region in REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
            if sum(ch.isdigit() for ch in match.raw_string) >= MIN_DIGITS:  # not "the 12th"
                yield Span(match.start, match.end, Kind.PHONE)
    for run in DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", run.group())
        if len(digits) < MIN_DIGITS:
            continue
        kind = Kind.CARD if 13 <= len(digits) <= 19 and luhn_valid(digits) else Kind.DIGITS
        yield Span(run.start(), run.end(), kind)


def _spoken_digits(text: str) -> Iterable[Span]:
    """Runs of digit words (and numerals) read out one by one: "five five five, one two three four"."""
    run_start = run_end = -1
    count = 0
    for match in TOKEN.finditer(text):
        word = match.group().lower()
        if word in WORD_DIGITS or word.isdigit() or word in MULTIPLIERS:
            if run_start < 0:
                run_start, count = match.start(), 0
            count += len(word) if word.isdigit() else WORD_DIGITS.get(word, 0)
            run_end = match.end()
        elif run_start >= 0 and word in SPOKEN_GAP:
            continue
        else:
            if run_start >= 0 and count >= MIN_SPOKEN_DIGITS and _spelled(text[run_start:run_end]):
                yield Span(run_start, run_end, Kind.DIGITS)
            run_start = -1
    if run_start >= 0 and count >= MIN_SPOKEN_DIGITS and _spelled(text[run_start:run_end]):
        yield Span(run_start, run_end, Kind.DIGITS)


def _spelled(run: str) -> bool:
    """At least two digit words: "3 pm on the 12th" is not someone spelling a number."""
    words = [w for w in TOKEN.findall(run.lower()) if w in WORD_DIGITS]
    return len(words) >= 2


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


STRENGTH = {Kind.CARD: 3, Kind.EMAIL: 2, Kind.PHONE: 1, Kind.DIGITS: 0}


def _merged(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and span.start < out[-1].end:
            last = out[-1]
            kind = max(last.kind, span.kind, key=STRENGTH.__getitem__)
            out[-1] = Span(last.start, max(last.end, span.end), kind)
        else:
            out.append(span)
    return out
