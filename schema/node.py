"""Relay Global Object Identification: opaque ids that name the type and the row."""

from __future__ import annotations

import base64
import binascii
import uuid

import strawberry


@strawberry.interface
class Node:
    id: strawberry.ID


def encode_id(type_name: str, pk: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode())


def decode_any_id(global_id: str) -> tuple[str, uuid.UUID] | None:
    """(type name, primary key), or None for anything that is not one of our ids."""
    try:
        raw = base64.urlsafe_b64decode(global_id.encode("ascii")).decode()
        type_name, _, pk = raw.partition(":")
        return type_name, uuid.UUID(pk)
    except (ValueError, UnicodeError, binascii.Error):
        return None


def decode_id(global_id: str, type_name: str) -> uuid.UUID | None:
    decoded = decode_any_id(global_id)
    if decoded is None or decoded[0] != type_name:
        return None
    return decoded[1]
