"""The official Vapi `Call` schema (OpenAPI 3.0) as a JSON Schema validator.

OpenAPI 3.0 differs from JSON Schema in two ways that matter here: `nullable: true` (becomes a
`null` type), and message `oneOf`s whose branches overlap (a user message also satisfies the bot
and system schemas), which JSON Schema's exactly-one rule rejects; those become `anyOf`, and each
message is then checked against the one schema its `role` names.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker

# A copy of shared/api/vapi-openapi.json, gzipped, so the suite runs from any clone.
SPEC = Path(__file__).with_name("vapi-openapi.json.gz")
MESSAGE_SCHEMAS = {
    "user": "UserMessage", "bot": "BotMessage", "system": "SystemMessage",
    "tool_calls": "ToolCallMessage", "tool_call_result": "ToolCallResultMessage",
}


def _openapi_to_jsonschema(node: Any) -> Any:
    if isinstance(node, list):
        return [_openapi_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _openapi_to_jsonschema(value) for key, value in node.items() if key not in ("nullable", "discriminator")}
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    if node.get("nullable"):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def _components() -> dict[str, Any]:
    spec = json.loads(gzip.decompress(SPEC.read_bytes()))
    return _openapi_to_jsonschema(spec["components"])


@cache
def validator(schema_name: str) -> Draft4Validator:
    return Draft4Validator({"$ref": f"#/components/schemas/{schema_name}", "components": _components()},
                           format_checker=FormatChecker())


def unknown_fields(schema_name: str, document: dict[str, Any]) -> set[str]:
    """Top-level fields of `document` that the schema does not name (JSON Schema lets them through)."""
    return set(document) - set(_components()["schemas"][schema_name].get("properties", {}))


def call_errors(call: dict[str, Any]) -> list[str]:
    """Every way `call` breaks the official schema, in plain words (empty when valid)."""
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator("Call").iter_errors(call)]
    for index, message in enumerate(call.get("artifact", {}).get("messages", [])):
        name = MESSAGE_SCHEMAS.get(message.get("role"))
        if name is None:
            errors.append(f"artifact/messages/{index}: unknown role {message.get('role')!r}")
            continue
        errors += [f"artifact/messages/{index}: {e.message}" for e in validator(name).iter_errors(message)]
    return errors
