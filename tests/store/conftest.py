"""Store tests: a fresh history database in the test's own data folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.domain import Account, Provider
from app.store.database import Database


@pytest.fixture
def db() -> Iterator[Database]:
    database = Database()
    yield database
    database.close()


@pytest.fixture
def vapi_account() -> Account:
    return Account(id="acc-vapi", name="Vapi production", provider=Provider.VAPI, base_url="https://api.vapi.ai")
