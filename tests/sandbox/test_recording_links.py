"""Per-side recordings and presigned URLs on a storage origin, expiring for real."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import httpx

from app.domain import Provider
from app.sandbox.call_facts import parse_iso
from tests.sandbox.helpers import client

PRESIGNED = ("presignedMonoUrl", "presignedStereoUrl", "presignedCustomerUrl", "presignedAssistantUrl")


def test_per_side_recordings_redirect_to_the_storage_origin(sandbox) -> None:
    with client(sandbox, Provider.VAPI) as api:
        ended = next(c for c in api.get("/call").json() if c["status"] == "ended")
        mono = ended["artifact"]["recording"]["mono"]
        for side in ("customer", "assistant"):
            redirect = api.get(f"/call/{ended['id']}/{side}-recording")
            location = redirect.headers["location"]
            assert redirect.status_code == 302 and location.startswith(sandbox.origins("storage")[0] + "/")
            assert urlsplit(location).path == urlsplit(mono[f"{side}Url"]).path
            assert urlsplit(location).path == urlsplit(ended["artifact"][f"presigned{side.capitalize()}Url"]).path
            assert httpx.get(location).headers["content-type"] == "audio/wav"


def test_presigned_urls_expire(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=3, recording_ttl=3.0)
    with client(sandbox, Provider.VAPI) as api:
        call = api.get("/call").json()[0]
    artifact = call["artifact"]
    expires = parse_iso(artifact["presignedUrlsExpiresAt"]) / 1000
    assert 0 <= expires - time.time() <= 3.5
    assert all(httpx.get(artifact[name]).status_code == 200 for name in PRESIGNED)
    time.sleep(max(0.0, expires - time.time()) + 1.1)
    for name in PRESIGNED:
        expired = httpx.get(artifact[name])
        assert expired.status_code == 403 and "<Code>AccessDenied</Code>" in expired.text, name
        assert "expired" in expired.text
    with client(sandbox, Provider.VAPI) as api:
        fresh = api.get(f"/call/{call['id']}").json()["artifact"]["presignedStereoUrl"]
    assert httpx.get(fresh).status_code == 200  # re-reading the call brings fresh links
