"""Relay Global Object Identification: opaque ids that name the type and the row."""

from __future__ import annotations

import uuid

import strawberry

from domain import global_ids
from domain.global_ids import decode_any_id


@strawberry.interface
class Node:
    id: strawberry.ID


def encode_id(type_name: str, pk: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(global_ids.encode_id(type_name, pk))


def decode_id(global_id: str, type_name: str) -> uuid.UUID | None:
    decoded = decode_any_id(global_id)
    if decoded is None or decoded[0] != type_name:
        return None
    return decoded[1]


__all__ = ["Node", "decode_any_id", "decode_id", "encode_id"]
