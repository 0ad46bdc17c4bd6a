"""A history database with a few realistic calls, for the history panels' tests and screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from app.domain import Provider, Turn, TurnRole
from app.store.calls import CallCache
from app.store.database import Database
from tests.store.fake_platform import make_call

RECENT = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)

CONVERSATIONS = [
    ("Front desk", "ended", [
        ("assistant", "Good morning, Café Nova, this is Ava. How can I help?"),
        ("customer", "Hi, I booked a table for four at the café tonight but need to move it to tomorrow."),
        ("assistant", "Of course. I have moved your booking to tomorrow at 7 pm."),
        ("customer", "Perfect, thank you so much."),
    ]),
    ("Billing", "ended", [
        ("assistant", "Billing support, how can I help you today?"),
        ("customer", "My card was declined twice and I was still charged. I want a refund."),
        ("assistant", "I am sorry about that. I can see the duplicate charge and I have started a refund."),
        ("customer", "How long does the refund take?"),
        ("assistant", "Refunds usually take three to five business days."),
    ]),
    ("Billing", "failed", [
        ("assistant", "Billing support, how can I help you today?"),
        ("customer", "I need a refund for the delivery that never arrived."),
        ("assistant", "Let me transfer you to a colleague who can approve refunds."),
    ]),
    ("Front desk", "ended", [
        ("assistant", "Good evening, Café Nova."),
        ("customer", "Do you have vegan options on the menu?"),
        ("assistant", "Yes, we have a vegan crème brûlée and three vegan mains."),
    ]),
]


def sample_calls(account_provider: Provider = Provider.VAPI):
    calls = []
    for n, (assistant, status, lines) in enumerate(CONVERSATIONS):
        turns = tuple(Turn(role=TurnRole(role), text=text, start=4.5 * i + 0.5, end=4.5 * i + 4.0)
                      for i, (role, text) in enumerate(lines))
        call = make_call(n, provider=account_provider, status=status, turns=turns, assistant_name=assistant,
                         summary=f"{assistant} call", customer_name=["Maria Lopez", "Jan de Vries", "Sam Okafor",
                                                                   "Léa Martin"][n],
                         duration_seconds=4.5 * len(lines) + 2, success_evaluation=["Pass", "Pass", "Fail", "8"][n])
        moment = RECENT - timedelta(minutes=40 * (len(CONVERSATIONS) - n))
        calls.append(call.model_copy(update={"created_at": moment, "started_at": moment, "updated_at": moment}))
    return calls


@pytest.fixture
def history() -> Iterator[Database]:
    db = Database()
    db.submit_write(lambda conn: CallCache(conn).upsert("acc-vapi", sample_calls())).result()
    yield db
    db.close()
