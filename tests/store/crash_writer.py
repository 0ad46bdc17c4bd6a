"""Run as a child process by test_crash_safety: writes calls and reviews until it is killed.

Prints `review <id>` after each review submit has committed and `bulk` as a big write begins.
"""

from __future__ import annotations

import sys

from app.store.calls import CallCache
from app.store.database import connect
from app.store.reviews import DEFAULT_TEMPLATE, NOT_APPLICABLE, Mark, ReviewBook
from tests.store.fake_platform import make_call

BATCH = 2000


def main(path: str) -> None:
    conn = connect(path)
    cache, book = CallCache(conn), ReviewBook(conn)
    for round_ in range(10_000):
        calls = [make_call(round_ * BATCH + n) for n in range(BATCH)]
        print("bulk", flush=True)  # the big transaction starts now
        cache.upsert("acc", calls)
        review = book.start("acc", f"call-{round_:05d}", "ria")
        book.add_comment(review.id, f"round {round_}", at_seconds=round_ * 1.5, turn_index=1)
        book.submit(review.id, {c.id: NOT_APPLICABLE if c.allow_na else Mark(4) for c in DEFAULT_TEMPLATE.criteria})
        print(f"review {review.id}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
