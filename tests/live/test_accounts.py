"""AccountBook: accounts.json in the config folder, keys in the keyring (or the env var)."""

from __future__ import annotations

import json

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from app.domain import Account, Provider
from app.live.accounts import AccountBook, KeyStoreError, keyring_available
from app.paths import config_dir


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps passwords in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.saved.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


ACME = Account(id="acct-1", name="Acme Vapi", provider=Provider.VAPI, base_url="https://api.vapi.ai")


def test_accounts_persist_as_json_without_keys(memory_keyring):
    book = AccountBook()
    book.save(ACME)
    book.set_key(ACME, "sk-secret")
    stored = (config_dir() / "accounts.json").read_text()
    assert "sk-secret" not in stored and json.loads(stored)[0]["id"] == "acct-1"
    again = AccountBook()
    assert again.accounts == [ACME]
    assert again.key_for(ACME) == "sk-secret"
    assert memory_keyring.saved == {("switchboard", "acct-1"): "sk-secret"}


def test_save_replaces_by_id_and_find_matches_provider_and_url(memory_keyring):
    book = AccountBook()
    book.save(ACME)
    book.save(ACME.model_copy(update={"name": "Renamed"}))
    assert [a.name for a in book.accounts] == ["Renamed"]
    assert book.find(Provider.VAPI, "https://API.vapi.ai/") is not None
    assert book.find(Provider.HMS, "https://api.vapi.ai") is None


def test_env_var_wins_over_the_keyring(memory_keyring, monkeypatch):
    book = AccountBook()
    book.set_key(ACME, "from-keyring")
    assert book.key_for(None) is None  # no saved account, no env var: no key
    monkeypatch.setenv("SWITCHBOARD_API_KEY", "from-env")
    assert book.key_for(ACME) == "from-env"
    assert book.key_for(None) == "from-env"  # the CLI on a headless machine, no saved account


def test_remove_deletes_account_and_key(memory_keyring):
    book = AccountBook()
    book.save(ACME)
    book.set_key(ACME, "k")
    book.remove(ACME)
    assert AccountBook().accounts == [] and book.key_for(ACME) is None
    book.delete_key(ACME)  # nothing left: still fine


def test_without_a_keyring_the_ui_is_told_to_use_the_env_var():
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        book = AccountBook()
        assert keyring_available() is False
        assert book.key_for(ACME) is None
        with pytest.raises(KeyStoreError, match="SWITCHBOARD_API_KEY"):
            book.set_key(ACME, "k")
    finally:
        keyring.set_keyring(before)


def test_memory_keyring_counts_as_available(memory_keyring):
    assert keyring_available() is True


def test_unreadable_file_is_kept_aside_not_overwritten():
    path = config_dir() / "accounts.json"
    path.write_text("{not json")
    book = AccountBook()
    assert book.accounts == []
    kept = list(config_dir().glob("accounts.json.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{not json"


def test_the_public_key_is_kept_beside_the_private_key(memory_keyring, monkeypatch):
    book = AccountBook()
    book.save(ACME)
    assert book.public_key_for(ACME) is None
    book.set_key(ACME, "sk-private")
    book.set_public_key(ACME, "pk-public")
    assert (book.key_for(ACME), book.public_key_for(ACME)) == ("sk-private", "pk-public")
    assert "pk-public" not in (config_dir() / "accounts.json").read_text()
    monkeypatch.setenv("SWITCHBOARD_PUBLIC_KEY", "pk-env")
    assert book.public_key_for(ACME) == "pk-env" and book.public_key_for(None) == "pk-env"
    monkeypatch.delenv("SWITCHBOARD_PUBLIC_KEY")
    book.set_public_key(ACME, None)
    assert book.public_key_for(ACME) is None and book.key_for(ACME) == "sk-private"
    book.set_public_key(ACME, "pk-again")
    book.remove(ACME)
    assert memory_keyring.saved == {}


def test_an_account_names_its_hub_and_the_hub_token_stays_in_the_keyring(memory_keyring, monkeypatch):
    book = AccountBook()
    on_hub = ACME.model_copy(update={"hub_url": "https://hub.example.com"})
    book.save(on_hub)
    book.set_hub_token(on_hub, " hub-secret ")
    stored = (config_dir() / "accounts.json").read_text()
    assert "hub-secret" not in stored and json.loads(stored)[0]["hub_url"] == "https://hub.example.com"
    assert AccountBook().get("acct-1").hub_url == "https://hub.example.com"
    assert book.hub_token_for(on_hub) == "hub-secret" and book.key_for(on_hub) is None  # its own entry
    monkeypatch.setenv("SWITCHBOARD_HUB_TOKEN", "from-env")
    assert book.hub_token_for(on_hub) == "from-env"
    monkeypatch.delenv("SWITCHBOARD_HUB_TOKEN")
    book.set_hub_token(on_hub, None)
    assert book.hub_token_for(on_hub) is None
    book.set_hub_token(on_hub, "again")
    book.remove(on_hub)  # the token goes with the account
    assert memory_keyring.saved == {}
