"""Calls on saved assistants, squads and workflows carry only the id; the names are behind GET /assistant|squad|workflow/{id}."""

from __future__ import annotations

from collections import Counter

import pytest

from app.domain import Provider
from tests.sandbox.helpers import client, vapi_call
from tests.sandbox.vapi_schema import validator

OWNER_FIELDS = ("assistant", "assistantId", "squadId", "workflowId")
SCHEMAS = {"assistantId": ("assistant", "Assistant"), "squadId": ("squad", "Squad"), "workflowId": ("workflow", "Workflow")}


def owner_of(call: dict) -> str:
    present = [field for field in OWNER_FIELDS if field in call]
    assert len(present) == 1, present  # exactly one of them, as the spec's "To start a call with" says
    return present[0]


def test_most_calls_carry_only_an_id(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=200)
    with client(sandbox, Provider.VAPI) as api:
        calls = api.get("/call", params={"limit": 1000}).json()
    owners = Counter(owner_of(c) for c in calls)
    assert set(owners) == set(OWNER_FIELDS)
    assert owners["assistant"] < len(calls) / 3 < owners["assistantId"]  # transient assistants are the minority
    assert all(set(c["assistant"]) == {"name"} for c in calls if "assistant" in c)


def test_names_are_behind_the_ids(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=80)
    with client(sandbox, Provider.VAPI) as api:
        calls = api.get("/call", params={"limit": 1000}).json()
        for field, (path, schema) in SCHEMAS.items():
            ident = next(c[field] for c in calls if field in c)
            saved = api.get(f"/{path}/{ident}")
            assert saved.status_code == 200, field
            body = saved.json()
            assert body["id"] == ident and body["name"]
            assert [e.message for e in validator(schema).iter_errors(body)] == [], schema
        assistant_names = {api.get(f"/assistant/{c['assistantId']}").json()["name"] for c in calls if "assistantId" in c}
        assert "Riley - Bookings" in assistant_names


@pytest.mark.parametrize("path", ["assistant", "squad", "workflow"])
def test_unknown_ids_are_404(sandbox, path: str) -> None:
    with client(sandbox, Provider.VAPI) as api:
        missing = api.get(f"/{path}/00000000-0000-4000-8000-000000000000")
        squad = next(c["squadId"] for c in api.get("/call").json() if "squadId" in c)
        wrong_kind = api.get(f"/{path}/{squad}") if path != "squad" else None
    assert missing.status_code == 404 and missing.json()["statusCode"] == 404 and missing.json()["error"] == "Not Found"
    assert wrong_kind is None or wrong_kind.status_code == 404


def test_saved_lookups_need_the_private_key(sandbox) -> None:
    with client(sandbox, Provider.VAPI) as api:
        ident = next(c["assistantId"] for c in api.get("/call").json() if "assistantId" in c)
    with client(sandbox, Provider.VAPI, key="wrong") as api:
        assert api.get(f"/assistant/{ident}").status_code == 401


def test_a_live_call_can_be_started_on_each_owner(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=0)
    with client(sandbox, Provider.VAPI) as api:
        for owner, field in (("transient", "assistant"), ("assistant", "assistantId"), ("squad", "squadId"),
                             ("workflow", "workflowId")):
            assert owner_of(vapi_call(api, sandbox.start_call(Provider.VAPI, "booking", owner=owner))) == field
    with pytest.raises(ValueError):
        sandbox.start_call(Provider.VAPI, "booking", owner="committee")
