"""The official Vapi Python SDK (vapi_server_sdk) reads the sandbox's calls like real Vapi's."""

from __future__ import annotations

from datetime import datetime

import pytest
from vapi import AsyncVapi, Vapi

from app.domain import Provider
from tests.fixtures.sandbox import SANDBOX_KEY


def test_sdk_lists_gets_and_renames(sandbox) -> None:
    vapi = Vapi(token=SANDBOX_KEY, base_url=sandbox.base_url(Provider.VAPI))
    calls = vapi.calls.list(limit=10)
    assert len(calls) == 10
    assert all(isinstance(c.created_at, datetime) for c in calls)
    ended = next(c for c in calls if c.status == "ended")
    got = vapi.calls.get(ended.id)
    assert got.id == ended.id and got.ended_reason == ended.ended_reason
    assert got.artifact.messages and got.analysis.summary
    renamed = vapi.calls.update(ended.id, name="Reviewed by QA")
    assert renamed.name == "Reviewed by QA" and vapi.calls.get(ended.id).name == "Reviewed by QA"


def test_sdk_filters_by_created_window(sandbox) -> None:
    vapi = Vapi(token=SANDBOX_KEY, base_url=sandbox.base_url(Provider.VAPI))
    newest = vapi.calls.list(limit=5)
    older = vapi.calls.list(limit=5, created_at_lt=newest[-1].created_at)
    assert not {c.id for c in newest} & {c.id for c in older}
    assert max(c.created_at for c in older) < min(c.created_at for c in newest)


async def test_async_sdk_lists(sandbox) -> None:
    vapi = AsyncVapi(token=SANDBOX_KEY, base_url=sandbox.base_url(Provider.VAPI))
    calls = await vapi.calls.list(limit=3)
    assert len(calls) == 3


def test_sdk_surfaces_the_401(sandbox) -> None:
    from vapi.core.api_error import ApiError

    vapi = Vapi(token="wrong", base_url=sandbox.base_url(Provider.VAPI))
    with pytest.raises(ApiError) as raised:
        vapi.calls.list(limit=1)
    assert raised.value.status_code == 401
