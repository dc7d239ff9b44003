"""Signed, expiring download links for export files.

The link works without an Authorization header (a browser can open it), so the link
itself is the credential: an HMAC over organization, job and expiry, checked in
constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
import uuid
from enum import Enum


class LinkCheck(Enum):
    VALID = "valid"
    FORGED = "forged"
    EXPIRED = "expired"


def _signature(secret: str, organization_id: uuid.UUID, job_id: uuid.UUID, expires: int) -> str:
    message = f"export:{organization_id}:{job_id}:{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def download_path(secret: str, organization_id: uuid.UUID, job_id: uuid.UUID, expires: int) -> str:
    signature = _signature(secret, organization_id, job_id, expires)
    return f"/exports/{organization_id}/{job_id}?expires={expires}&signature={signature}"


def current_link(
    secret: str,
    organization_id: uuid.UUID,
    job_id: uuid.UUID,
    *,
    link_seconds: int,
    file_expires_at: dt.datetime,
) -> tuple[str, dt.datetime] | None:
    """A fresh link (path, expiry) to a finished export's file: valid for `link_seconds`,
    never past the file's own deletion; None once the file is gone."""
    expires = min(int(time.time()) + link_seconds, int(file_expires_at.timestamp()))
    if expires <= time.time():
        return None
    path = download_path(secret, organization_id, job_id, expires)
    return path, dt.datetime.fromtimestamp(expires, dt.UTC)


def check_link(
    secret: str,
    organization_id: uuid.UUID,
    job_id: uuid.UUID,
    expires: int,
    signature: str,
    now: float,
) -> LinkCheck:
    expected = _signature(secret, organization_id, job_id, expires)
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return LinkCheck.FORGED
    if now > expires:
        return LinkCheck.EXPIRED
    return LinkCheck.VALID
