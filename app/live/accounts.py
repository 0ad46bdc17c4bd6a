"""Saved accounts (accounts.json in the config folder) and their API keys (OS keyring or env var).

Keys never go into the JSON file, QSettings or logs. SWITCHBOARD_API_KEY, when set, wins over
the keyring for every account: that is how headless machines without a keyring run. A Vapi account
may also have a public key (sent only to its calls' monitor URLs), kept the same way beside it
(SWITCHBOARD_PUBLIC_KEY wins over the keyring). An account on a team hub has the user's hub token
there too (SWITCHBOARD_HUB_TOKEN wins).
"""

from __future__ import annotations

import json
import logging
import os
import time
from enum import StrEnum
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from app.domain import Account, Provider
from app.paths import config_dir

log = logging.getLogger(__name__)

ENV_KEY = "SWITCHBOARD_API_KEY"
ENV_PUBLIC_KEY = "SWITCHBOARD_PUBLIC_KEY"
ENV_HUB_TOKEN = "SWITCHBOARD_HUB_TOKEN"
KEYRING_SERVICE = "switchboard"
ACCOUNTS = TypeAdapter(list[Account])


class Secret(StrEnum):
    """An account's secrets, each in its own keyring entry (see `entry`)."""

    KEY = ""  # the API key: the entry is the account id itself
    PUBLIC_KEY = ":public"  # a Vapi account's public key, for its calls' monitor URLs
    HUB_TOKEN = ":hub"  # the user's token for the account's team hub


def entry(account: Account, secret: Secret) -> str:
    """The keyring entry (and session key) of one of an account's secrets: "<account id><suffix>"."""
    return f"{account.id}{secret.value}"


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
        return self._secret(ENV_KEY, account, Secret.KEY)

    def public_key_for(self, account: Account | None) -> str | None:
        """The account's public key (Vapi monitor URLs): SWITCHBOARD_PUBLIC_KEY when set, else the keyring."""
        return self._secret(ENV_PUBLIC_KEY, account, Secret.PUBLIC_KEY)

    def _secret(self, env: str, account: Account | None, secret: Secret) -> str | None:
        """The env var when set, else a key kept for this session (no keyring), else the keyring's."""
        name = entry(account, secret) if account is not None else ""
        if account is not None and name in self._session and not os.environ.get(env, "").strip():
            return self._session[name]
        return _secret(env, account, name)

    def hub_token_for(self, account: Account | None) -> str | None:
        """The user's token for the account's hub: SWITCHBOARD_HUB_TOKEN when set, else the keyring."""
        return self._secret(ENV_HUB_TOKEN, account, Secret.HUB_TOKEN)

    def set_key(self, account: Account, key: str) -> None:
        _store(entry(account, Secret.KEY), key, ENV_KEY)

    def set_public_key(self, account: Account, key: str | None) -> None:
        """Save the public key, or remove it when `key` is None or blank."""
        self._store_or_forget(entry(account, Secret.PUBLIC_KEY), key, ENV_PUBLIC_KEY)

    def set_hub_token(self, account: Account, token: str | None) -> None:
        """Save the hub token, or remove it when `token` is None or blank."""
        self._store_or_forget(entry(account, Secret.HUB_TOKEN), token, ENV_HUB_TOKEN)

    def _store_or_forget(self, name: str, secret: str | None, env: str) -> None:
        if secret and secret.strip():
            _store(name, secret.strip(), env)
        else:
            self._session.pop(name, None)
            _forget(name)

    def keep_for_session(self, account: Account, key: str, *, public: bool = False) -> None:
        """No keyring: hold the key in memory until the app closes (never written anywhere)."""
        self._session[entry(account, Secret.PUBLIC_KEY if public else Secret.KEY)] = key

    def delete_key(self, account: Account) -> None:
        """Remove all of the account's secrets."""
        for secret in Secret:
            self._session.pop(entry(account, secret), None)
            _forget(entry(account, secret))

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


def _secret(env: str, account: Account | None, name: str) -> str | None:
    value = os.environ.get(env, "").strip()
    if value:
        return value
    if account is None:
        return None
    import keyring  # its backends load on import (~35 ms): only once a key is asked for

    try:
        return keyring.get_password(KEYRING_SERVICE, name)
    except keyring.errors.KeyringError as exc:
        log.warning("Could not read a key for %s from the keyring: %s", account.name, type(exc).__name__)
        return None


def _store(name: str, key: str, env: str) -> None:
    if not keyring_available():
        raise KeyStoreError(f"No keyring on this computer: set {env} instead.")
    import keyring

    try:
        keyring.set_password(KEYRING_SERVICE, name, key)
    except keyring.errors.KeyringError as exc:
        raise KeyStoreError(f"The keyring refused to save the key ({type(exc).__name__}).") from None


def _forget(name: str) -> None:
    import keyring

    try:
        keyring.delete_password(KEYRING_SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        pass  # nothing saved: nothing to remove
    except keyring.errors.KeyringError as exc:
        raise KeyStoreError(f"The keyring refused to remove the key ({type(exc).__name__}).") from None


def keyring_available() -> bool:
    """False when keyring found no real backend; the UI then offers the env var."""
    import keyring
    from keyring.backends import fail, null

    return not isinstance(keyring.get_keyring(), fail.Keyring | null.Keyring)
