"""Platform clients: one per provider, all speaking `PlatformClient` over the shared HTTP policy."""

from __future__ import annotations

import httpx

from app.domain import Provider
from app.providers.base import MediaSource, PlatformClient
from app.providers.hms import HmsClient
from app.providers.http import RetryPolicy
from app.providers.vapi import VapiClient
from app.providers.voicebot import VoiceBotClient

CLIENTS: dict[Provider, type[VapiClient | HmsClient | VoiceBotClient]] = {
    Provider.VAPI: VapiClient,
    Provider.HMS: HmsClient,
    Provider.VOICEBOT: VoiceBotClient,
}


def make_client(
    provider: Provider, base_url: str, api_key: str, *, public_key: str | None = None,
    http: httpx.AsyncClient | None = None, retry: RetryPolicy | None = None,
) -> PlatformClient:
    """The client for an account. `public_key`: Vapi's key for monitor URLs (the API key never goes there).
    Pass `http` to share one AsyncClient; otherwise the client owns one."""
    return CLIENTS[Provider(provider)](base_url, api_key, public_key=public_key, http=http, retry=retry)


__all__ = ["HmsClient", "MediaSource", "PlatformClient", "RetryPolicy", "VapiClient", "VoiceBotClient", "make_client"]
