"""200 generated customer utterances, each holding planted items to redact, in varied forms."""

from __future__ import annotations

import random
from dataclasses import dataclass

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
PHONES = [
    "+1 415-555-0123", "(415) 555-0199", "415.555.0142", "4155550117", "+14155550100",
    "020 7946 0958", "+44 20 7946 0958", "07700 900123", "+44 7700 900 456",
    "06 12345678", "+31 6 12345678", "010-1234567", "+31 (0)20 123 4567",
    "0171 1234567", "+49 171 1234567", "030 12345678",
    "06 12 34 56 78", "+33 6 12 34 56 78", "+91 98765 43210", "+61 412 345 678",
]
EMAILS = [
    "jane.doe@example.com", "j_smith+calls@mail.co.uk", "PIETER@voorbeeld.nl", "m-ali@example.org",
    "jane dot doe at example dot com", "bob at gmail dot com", "anna underscore k at web dot de",
]
CARDS = ["4111 1111 1111 1111", "5500-0000-0000-0004", "340000000000009", "4012888888881881",
         "6011 0009 9013 9424", "3530 1113 3330 0000"]
TEMPLATES = [
    "my number is {x}", "you can reach me on {x} after five", "call me back at {x}, thanks",
    "it's {x}.", "{x} is my mobile", "uh yeah so the number, {x}, that's the one",
    "my email is {x}", "send it to {x} please", "the card is {x} expiring next year",
    "ok the card number {x}", "I said {x}", "write this down {x} got it?",
]


@dataclass(frozen=True)
class Utterance:
    text: str
    planted: tuple[str, ...]


def spelled(rng: random.Random, digits: str) -> str:
    words, i = [], 0
    while i < len(digits):
        d = digits[i]
        if i + 1 < len(digits) and digits[i + 1] == d and rng.random() < 0.3:
            words.append(f"double {WORDS[int(d)]}")
            i += 2
            continue
        words.append("oh" if d == "0" and rng.random() < 0.5 else WORDS[int(d)])
        i += 1
    sep = rng.choice([" ", ", ", " - "])
    groups = [" ".join(words[j : j + 3]) for j in range(0, len(words), 3)]
    return sep.join(groups)


def mixed(rng: random.Random, digits: str) -> str:
    """Half numerals, half words: 'four one five 5 5 5 0 one two three'."""
    return " ".join(d if rng.random() < 0.5 else WORDS[int(d)] for d in digits)


def corpus(size: int = 200, seed: int = 16) -> list[Utterance]:
    rng = random.Random(seed)
    out = []
    for n in range(size):
        kind = n % 5
        if kind == 0:
            item = rng.choice(PHONES)
        elif kind == 1:
            item = rng.choice(EMAILS)
        elif kind == 2:
            item = rng.choice(CARDS)
        elif kind == 3:
            item = spelled(rng, "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 11))))
        else:
            item = mixed(rng, "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 11))))
        out.append(Utterance(rng.choice(TEMPLATES).format(x=item), (item,)))
    return out
