"""Relay Global Object Identification: opaque ids that name the type and the row.

In the domain because events carry them in their stored data, as the API shows them.
"""

from __future__ import annotations

import base64
import binascii
import uuid


def encode_id(type_name: str, pk: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()


def decode_any_id(global_id: str) -> tuple[str, uuid.UUID] | None:
    """(type name, primary key), or None for anything that is not one of our ids."""
    try:
        raw = base64.urlsafe_b64decode(global_id.encode("ascii")).decode()
        type_name, _, pk = raw.partition(":")
        return type_name, uuid.UUID(pk)
    except (ValueError, UnicodeError, binascii.Error):
        return None


def event_key(event_id: int) -> uuid.UUID:
    """An event's row id (a sequence number) as the UUID its global id is built from."""
    return uuid.UUID(int=event_id)
