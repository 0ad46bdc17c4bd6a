"""Saved accounts (accounts.json in the config folder) and their API keys (OS keyring or env var).

Keys never go into the JSON file, QSettings or logs. SWITCHBOARD_API_KEY, when set, wins over
the keyring for every account: that is how headless machines without a keyring run.
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
        env = os.environ.get(ENV_KEY, "").strip()
        if env:
            return env
        if account is None:
            return None
        return self._read(account, account.id)

    def public_key_for(self, account: Account) -> str | None:
        """A Vapi account's public key (for its monitor URLs), or None."""
        return self._read(account, f"{account.id}:public")

    def set_public_key(self, account: Account, key: str | None) -> None:
        """Keep (or with None, forget) the account's public key, like the private one."""
        entry = f"{account.id}:public"
        if key:
            self._write_key(entry, key)
        else:
            self._session.pop(entry, None)
            self._delete(entry)

    def keep_for_session(self, account: Account, key: str, *, public: bool = False) -> None:
        """No keyring: hold the key in memory until the app closes (never written anywhere)."""
        self._session[f"{account.id}:public" if public else account.id] = key

    def _read(self, account: Account, entry: str) -> str | None:
        if entry in self._session:
            return self._session[entry]
        try:
            return keyring.get_password(KEYRING_SERVICE, entry)
        except keyring.errors.KeyringError as exc:
            log.warning("Could not read the key for %s from the keyring: %s", account.name, type(exc).__name__)
            return None

    def set_key(self, account: Account, key: str) -> None:
        self._write_key(account.id, key)

    def _write_key(self, entry: str, key: str) -> None:
        if not keyring_available():
            raise KeyStoreError(f"No keyring on this computer: set {ENV_KEY} instead.")
        try:
            keyring.set_password(KEYRING_SERVICE, entry, key)
        except keyring.errors.KeyringError as exc:
            raise KeyStoreError(f"The keyring refused to save the key ({type(exc).__name__}).") from None

    def delete_key(self, account: Account) -> None:
        self._session.pop(account.id, None)
        self._session.pop(f"{account.id}:public", None)
        self._delete(account.id)
        self._delete(f"{account.id}:public")

    def _delete(self, entry: str) -> None:
        try:
            keyring.delete_password(KEYRING_SERVICE, entry)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing saved: nothing to remove
        except keyring.errors.KeyringError as exc:
            raise KeyStoreError(f"The keyring refused to remove the key ({type(exc).__name__}).") from None

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


def keyring_available() -> bool:
    """False when keyring found no real backend; the UI then offers the env var."""
    return not isinstance(keyring.get_keyring(), fail.Keyring | null.Keyring)
