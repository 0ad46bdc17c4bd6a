"""Signing and verifying webhooks: Vapi (Bearer, HMAC header, legacy secret) and HMS (HMAC over timestamp.body).

One module for both sides so the sandbox signs exactly what the hub checks.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

VapiAuth = Literal["bearer", "hmac", "secret"]
REPLAY_WINDOW_SECONDS = 300.0
HMS_SIGNATURE = "X-Webhook-Signature"
HMS_TIMESTAMP = "X-Webhook-Timestamp"
HMS_EVENT = "X-Webhook-Event"
VAPI_SIGNATURE = "x-vapi-signature"  # the brief: "commonly x-vapi-signature"
VAPI_TIMESTAMP = "x-timestamp"  # the spec's HMACAuthenticationPlan.timestampHeader default
VAPI_SECRET = "X-Vapi-Secret"


def hmac_hex(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def _same(presented: str | None, expected: str) -> bool:
    return presented is not None and hmac.compare_digest(presented.encode(), expected.encode())


def _fresh(timestamp: str | None, now: float, window: float) -> bool:
    """A timestamp (unix seconds, or ms when it is that large) within the replay window."""
    try:
        moment = float(timestamp or "")
    except ValueError:
        return False
    if moment > 1e11:  # milliseconds
        moment /= 1000
    return abs(now - moment) <= window


@dataclass(frozen=True)
class VapiCredential:
    """How one Vapi credential authenticates its server messages (see the spec's WebhookCredential)."""

    auth: VapiAuth
    secret: str
    signature_header: str = VAPI_SIGNATURE
    timestamp_header: str | None = None  # HMAC over "{timestamp}.{body}" and a replay window when set
    window: float = REPLAY_WINDOW_SECONDS

    def verify(self, headers: Mapping[str, str], body: bytes, now: float | None = None) -> bool:
        if self.auth == "bearer":
            return _same(headers.get("Authorization"), f"Bearer {self.secret}")
        if self.auth == "secret":
            return _same(headers.get(VAPI_SECRET), self.secret)
        signature = headers.get(self.signature_header)
        if signature is not None:
            signature = signature.removeprefix("sha256=")
        if self.timestamp_header is None:
            return _same(signature, hmac_hex(self.secret, body))
        timestamp = headers.get(self.timestamp_header)
        if not _fresh(timestamp, time.time() if now is None else now, self.window):
            return False
        return _same(signature, hmac_hex(self.secret, f"{timestamp}.".encode() + body))

    def sign(self, body: bytes, now: float | None = None) -> dict[str, str]:
        if self.auth == "bearer":
            return {"Authorization": f"Bearer {self.secret}"}
        if self.auth == "secret":
            return {VAPI_SECRET: self.secret}
        if self.timestamp_header is None:
            return {self.signature_header: hmac_hex(self.secret, body)}
        timestamp = str(int(time.time() if now is None else now))
        return {self.signature_header: hmac_hex(self.secret, f"{timestamp}.".encode() + body),
                self.timestamp_header: timestamp}


@dataclass(frozen=True)
class HmsCredential:
    """HMS Sovereign: `X-Webhook-Signature: sha256=<hex>` of "{timestamp}.{body}", `X-Webhook-Timestamp`."""

    secret: str
    window: float = REPLAY_WINDOW_SECONDS

    def verify(self, headers: Mapping[str, str], body: bytes, now: float | None = None) -> bool:
        timestamp = headers.get(HMS_TIMESTAMP)
        if not _fresh(timestamp, time.time() if now is None else now, self.window):
            return False
        expected = "sha256=" + hmac_hex(self.secret, f"{timestamp}.".encode() + body)
        return _same(headers.get(HMS_SIGNATURE), expected)

    def sign(self, body: bytes, event: str, now: float | None = None) -> dict[str, str]:
        timestamp = str(int(time.time() if now is None else now))
        return {HMS_SIGNATURE: "sha256=" + hmac_hex(self.secret, f"{timestamp}.".encode() + body),
                HMS_TIMESTAMP: timestamp, HMS_EVENT: event}


Credential = VapiCredential | HmsCredential
