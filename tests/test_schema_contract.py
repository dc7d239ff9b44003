"""The committed SDL matches the code, and the schema keeps the API contract (v2: v1 plus
events, webhooks, import jobs and data protection)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from graphql import build_schema, find_breaking_changes

from schema import schema

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT.parent / "shared" / "api" / "contract-v2.graphql"


def test_committed_sdl_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == schema.as_str() + "\n", (
        "schema.graphql is stale: run `python scripts/export_schema.py` and commit it"
    )


def test_schema_keeps_the_api_contract() -> None:
    if not CONTRACT.exists() and not os.environ.get("CI"):
        pytest.skip(f"the shared contract is not checked out next to the repository ({CONTRACT})")
    changes = find_breaking_changes(
        build_schema(CONTRACT.read_text(encoding="utf-8")), build_schema(schema.as_str())
    )
    assert [f"{c.type.name}: {c.description}" for c in changes] == []
