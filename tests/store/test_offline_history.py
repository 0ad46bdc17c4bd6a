"""End to end: fill the history from the real sandbox over loopback, stop the sandbox, keep working offline."""

from __future__ import annotations

import re

import pytest

from app.domain import Account, Provider
from app.providers import make_client
from app.providers.errors import ProviderError
from app.store.calls import CallCache
from app.store.database import Database
from app.store.reviews import ReviewBook
from app.store.search import SearchFilters, TranscriptSearch
from app.store.sync import CallSync
from tests.fixtures.sandbox import SANDBOX_KEY


async def test_sync_from_the_sandbox_then_browse_and_search_with_it_stopped(sandbox, db: Database) -> None:
    accounts, clients = [], []
    for provider in Provider:
        account = Account(id=f"sbx-{provider.value}", name=provider.display_name, provider=provider,
                          base_url=sandbox.base_url(provider))
        accounts.append(account)
        clients.append(make_client(provider, account.base_url, SANDBOX_KEY))
    try:
        for account, client in zip(accounts, clients, strict=True):
            sync = CallSync(db, account, client, first_days=3650)
            first = await sync.catch_up()
            assert first.added >= 30, account.provider
            again = await sync.catch_up()
            # Only the sandbox's live calls can have moved on between the two runs.
            assert again.added <= 2 and again.changed <= 4, (account.provider, again)

        sandbox.stop()

        for account, client in zip(accounts, clients, strict=True):
            with pytest.raises(ProviderError):
                await CallSync(db, account, client).catch_up()
    finally:
        for client in clients:
            await client.aclose()

    # Offline now: every cached call, its transcript and its analysis are still here.
    counts = await db.read(lambda conn: {a.id: CallCache(conn).count(a.id) for a in accounts})
    assert all(count >= 30 for count in counts.values()), counts
    rows = await db.read(lambda conn: CallCache(conn).page("sbx-vapi", limit=50))
    ended = [row for row in rows if row.status == "ended" and row.turn_count > 1]
    assert ended
    call = await db.read(lambda conn: CallCache(conn).get("sbx-vapi", ended[0].id))
    assert call is not None and len(call.turns) == ended[0].turn_count and call.raw["id"] == call.id
    assert any(row.turn_count for row in await db.read(lambda conn: CallCache(conn).page("sbx-hms", limit=50)))

    word = max(re.findall(r"[A-Za-z]{6,}", " ".join(t.text for t in call.turns)), key=len)
    result = await db.read(lambda conn: TranscriptSearch(conn).search(word, SearchFilters(account_id="sbx-vapi"),
                                                                      limit=500))
    assert call.id in {hit.call_id for hit in result.hits}
    assert all(hit.account_id == "sbx-vapi" for hit in result.hits)

    review = await db.write(lambda conn: ReviewBook(conn).start("sbx-vapi", call.id, "ria"))
    assert review.status == "draft"
