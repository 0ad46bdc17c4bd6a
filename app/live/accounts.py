"""Saved accounts (accounts.json in the config folder) and their API keys (OS keyring or env var).

Keys never go into the JSON file, QSettings or logs. SWITCHBOARD_API_KEY, when set, wins over
the keyring for every account: that is how headless machines without a keyring run. A Vapi account
may also have a public key (sent only to its calls' monitor URLs), kept the same way beside it
(SWITCHBOARD_PUBLIC_KEY wins over the keyring).
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

import keyring
import keyring.errors
from keyring.backends import fail, null
from pydantic import TypeAdapter, ValidationError

from app.domain import Account, Provider
from app.paths import config_dir

log = logging.getLogger(__name__)

ENV_KEY = "SWITCHBOARD_API_KEY"
ENV_PUBLIC_KEY = "SWITCHBOARD_PUBLIC_KEY"
PUBLIC_SUFFIX = ":public"  # the keyring entry of an account's public key: "<account id>:public"
KEYRING_SERVICE = "switchboard"
ACCOUNTS = TypeAdapter(list[Account])


class KeyStoreError(Exception):
    """The key could not be saved or removed; `str(err)` is fit to show."""


def same_base_url(a: str, b: str) -> bool:
    return a.strip().rstrip("/").lower() == b.strip().rstrip("/").lower()


class AccountBook:
    """The accounts a supervisor has added, and where their keys are kept."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "accounts.json"
        self._accounts = self._load()
        self._session: dict[str, str] = {}  # keyring entry id -> key, kept in memory only (no keyring)

    @property
    def accounts(self) -> list[Account]:
        return list(self._accounts)

    def get(self, account_id: str) -> Account | None:
        return next((a for a in self._accounts if a.id == account_id), None)

    def find(self, provider: Provider | str, base_url: str) -> Account | None:
        """The saved account for this platform and address, if any."""
        return next(
            (a for a in self._accounts if a.provider == provider and same_base_url(a.base_url, base_url)), None
        )

    def save(self, account: Account) -> None:
        """Add the account, or replace the one with the same id."""
        if self.get(account.id) is None:
            self._accounts.append(account)
        else:
            self._accounts = [account if a.id == account.id else a for a in self._accounts]
        self._write()

    def remove(self, account: Account) -> None:
        self._accounts = [a for a in self._accounts if a.id != account.id]
        self._write()
        self.delete_key(account)

    def key_for(self, account: Account | None) -> str | None:
        """The env var when set, else the account's keyring entry; None when there is neither."""
        return self._secret(ENV_KEY, account, account.id if account else "")

    def public_key_for(self, account: Account | None) -> str | None:
        """The account's public key (Vapi monitor URLs): SWITCHBOARD_PUBLIC_KEY when set, else the keyring."""
        return self._secret(ENV_PUBLIC_KEY, account, f"{account.id}{PUBLIC_SUFFIX}" if account else "")

    def _secret(self, env: str, account: Account | None, entry: str) -> str | None:
        """The env var when set, else a key kept for this session (no keyring), else the keyring's."""
        if account is not None and entry in self._session and not os.environ.get(env, "").strip():
            return self._session[entry]
        return _secret(env, account, entry)

    def set_key(self, account: Account, key: str) -> None:
        _store(account.id, key, ENV_KEY)

    def set_public_key(self, account: Account, key: str | None) -> None:
        """Save the public key, or remove it when `key` is None or blank."""
        entry = f"{account.id}{PUBLIC_SUFFIX}"
        if key and key.strip():
            _store(entry, key.strip(), ENV_PUBLIC_KEY)
        else:
            self._session.pop(entry, None)
            _forget(entry)

    def keep_for_session(self, account: Account, key: str, *, public: bool = False) -> None:
        """No keyring: hold the key in memory until the app closes (never written anywhere)."""
        self._session[f"{account.id}{PUBLIC_SUFFIX}" if public else account.id] = key

    def delete_key(self, account: Account) -> None:
        """Remove both of the account's keys."""
        for entry in (account.id, f"{account.id}{PUBLIC_SUFFIX}"):
            self._session.pop(entry, None)
            _forget(entry)

    def _load(self) -> list[Account]:
        if not self.path.exists():
            return []
        try:
            return ACCOUNTS.validate_json(self.path.read_bytes())
        except (OSError, ValidationError) as exc:
            # Keep the unreadable file for the user instead of overwriting it with an empty book.
            aside = self.path.with_name(f"{self.path.name}.unreadable-{int(time.time())}")
            log.warning("accounts.json could not be read (%s); kept as %s", type(exc).__name__, aside.name)
            try:
                self.path.rename(aside)
            except OSError:
                pass
            return []

    def _write(self) -> None:
        data = [a.model_dump(mode="json") for a in self._accounts]
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        tmp.replace(self.path)


def _secret(env: str, account: Account | None, entry: str) -> str | None:
    value = os.environ.get(env, "").strip()
    if value:
        return value
    if account is None:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, entry)
    except keyring.errors.KeyringError as exc:
        log.warning("Could not read a key for %s from the keyring: %s", account.name, type(exc).__name__)
        return None


def _store(entry: str, key: str, env: str) -> None:
    if not keyring_available():
        raise KeyStoreError(f"No keyring on this computer: set {env} instead.")
    try:
        keyring.set_password(KEYRING_SERVICE, entry, key)
    except keyring.errors.KeyringError as exc:
        raise KeyStoreError(f"The keyring refused to save the key ({type(exc).__name__}).") from None


def _forget(entry: str) -> None:
    try:
        keyring.delete_password(KEYRING_SERVICE, entry)
    except keyring.errors.PasswordDeleteError:
        pass  # nothing saved: nothing to remove
    except keyring.errors.KeyringError as exc:
        raise KeyStoreError(f"The keyring refused to remove the key ({type(exc).__name__}).") from None


def keyring_available() -> bool:
    """False when keyring found no real backend; the UI then offers the env var."""
    return not isinstance(keyring.get_keyring(), fail.Keyring | null.Keyring)
