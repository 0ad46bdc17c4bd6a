"""An account: which platform, where, and under what name. The key lives in the keyring.

`hub_url`: the team hub this account's console streams from and shares its record through (the
per-user hub token lives in the keyring beside the key)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.domain.call import Provider


class Account(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    provider: Provider
    base_url: str
    is_demo: bool = False
    hub_url: str | None = None
