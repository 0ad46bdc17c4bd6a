"""Webhook verification: each Vapi credential kind and HMS, forged and stale requests refused."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from app.hub.signatures import HMS_SIGNATURE, HMS_TIMESTAMP, HmsCredential, VapiCredential
from app.hub.sources import shared_secret_sources

BODY = b'{"message": {"type": "status-update", "status": "ringing"}}'
NOW = 1_800_000_000.0


@pytest.mark.parametrize("credential", [
    VapiCredential("bearer", "tok"),
    VapiCredential("secret", "legacy"),
    VapiCredential("hmac", "key"),
    VapiCredential("hmac", "key", timestamp_header="x-timestamp"),
], ids=["bearer", "x-vapi-secret", "hmac", "hmac+timestamp"])
def test_a_vapi_request_signed_with_the_credential_passes_and_a_forged_one_does_not(credential):
    headers = credential.sign(BODY, now=NOW)
    assert credential.verify(headers, BODY, now=NOW)
    if credential.auth == "hmac":
        assert not credential.verify(headers, BODY + b" ", now=NOW)
    other = VapiCredential(credential.auth, "wrong", credential.signature_header, credential.timestamp_header)
    assert not credential.verify(other.sign(BODY, now=NOW), BODY, now=NOW)
    assert not credential.verify({}, BODY, now=NOW)


def test_vapi_hmac_accepts_a_sha256_prefix_and_refuses_an_old_timestamp():
    credential = VapiCredential("hmac", "key", timestamp_header="x-timestamp")
    headers = credential.sign(BODY, now=NOW)
    prefixed = {**headers, "x-vapi-signature": "sha256=" + headers["x-vapi-signature"]}
    assert credential.verify(prefixed, BODY, now=NOW)
    assert not credential.verify(headers, BODY, now=NOW + 301)


def test_hms_signature_covers_timestamp_and_body_within_the_replay_window():
    credential = HmsCredential("hms-secret")
    headers = credential.sign(BODY, "status-update", now=NOW)
    assert headers[HMS_SIGNATURE].startswith("sha256=")
    assert credential.verify(headers, BODY, now=NOW + 10)
    assert not credential.verify(headers, BODY, now=NOW + 301)  # replayed later
    assert not credential.verify({**headers, HMS_TIMESTAMP: str(int(NOW) + 5)}, BODY, now=NOW)  # moved timestamp
    assert not credential.verify(headers, BODY.replace(b"ringing", b"ended"), now=NOW)  # changed body
    assert not credential.verify({HMS_TIMESTAMP: str(int(NOW))}, BODY, now=NOW)


def test_the_shared_secret_vapi_source_reads_the_timestamp_where_the_spec_puts_it():
    """HMACAuthenticationPlan: `timestampHeader` defaults to `x-timestamp`, the payload to "{timestamp}.{body}"."""
    signature = hmac.new(b"key", f"{int(NOW)}.".encode() + BODY, hashlib.sha256).hexdigest()
    credential = shared_secret_sources("key")["vapi"].credential
    assert credential.verify({"x-vapi-signature": signature, "x-timestamp": str(int(NOW))}, BODY, now=NOW)
    assert not credential.verify({"x-vapi-signature": signature, "x-vapi-timestamp": str(int(NOW))}, BODY, now=NOW)
