"""Where webhooks come in: one named endpoint per platform credential, `/webhooks/{name}`.

Configured from a JSON file (`--webhooks FILE`), e.g.
`{"vapi": {"provider": "vapi", "auth": "hmac", "secret": "...", "timestamp_header": "x-timestamp"},
  "hms": {"provider": "hms", "secret": "..."}}`, or, for one shared secret, from
`SWITCHBOARD_HUB_WEBHOOK_SECRET`: endpoints `vapi` (HMAC with timestamp) and `hms`.
Secrets never come from the command line (they would show in the process list).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain import Provider
from app.hub.signatures import (
    VAPI_SIGNATURE,
    VAPI_TIMESTAMP,
    Credential,
    HmsCredential,
    VapiCredential,
)

SECRET_VARIABLE = "SWITCHBOARD_HUB_WEBHOOK_SECRET"


@dataclass(frozen=True)
class Source:
    name: str
    provider: Provider
    credential: Credential


def shared_secret_sources(secret: str) -> dict[str, Source]:
    """The sandbox's and a simple deployment's set-up: one secret, Vapi HMAC with timestamp, HMS."""
    vapi = VapiCredential("hmac", secret, VAPI_SIGNATURE, VAPI_TIMESTAMP)
    return {"vapi": Source("vapi", Provider.VAPI, vapi), "hms": Source("hms", Provider.HMS, HmsCredential(secret))}


def source_of(name: str, spec: Any) -> Source:
    if not isinstance(spec, dict) or not isinstance(spec.get("secret"), str) or not spec["secret"]:
        raise ValueError(f"webhook source {name!r}: needs a secret")
    provider = Provider(spec.get("provider", "vapi"))
    if provider is Provider.HMS:
        return Source(name, provider, HmsCredential(spec["secret"]))
    if provider is not Provider.VAPI:
        raise ValueError(f"webhook source {name!r}: {provider.display_name} sends no webhooks")
    auth = spec.get("auth", "hmac")
    if auth not in ("bearer", "hmac", "secret"):
        raise ValueError(f"webhook source {name!r}: auth is bearer, hmac or secret")
    credential = VapiCredential(auth, spec["secret"], str(spec.get("signature_header", VAPI_SIGNATURE)),
                                spec.get("timestamp_header"))
    return Source(name, provider, credential)


def load_sources(path: Path | None) -> dict[str, Source]:
    """Raises ValueError for a file that does not describe sources."""
    sources: dict[str, Source] = {}
    if secret := os.environ.get(SECRET_VARIABLE):
        sources.update(shared_secret_sources(secret))
    if path is not None:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValueError(f"cannot read {path}: {error}") from None
        if not isinstance(document, dict):
            raise ValueError(f"{path}: expected an object of named sources")
        sources.update({name: source_of(name, spec) for name, spec in document.items()})
    return sources
