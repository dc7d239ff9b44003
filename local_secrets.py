"""Secrets a server keeps in its data directory, readable by its own user only (0600).

- The signing key (links, idempotency fingerprints) when none is configured: generated
  on the first start and kept, so links and retries stay valid across restarts and every
  worker process signs with the same key.
- The first start's API key when nobody watches a terminal: a key printed into a
  container's or journal's log would be readable by everyone who reads logs.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

SECRET_KEY_FILE = "kundenstamm.secret-key"  # noqa: S105 (a file name)
FIRST_API_KEY_FILE = "kundenstamm.first-api-key"


def _create_private(path: Path, text: str) -> None:
    """Write a new file with mode 0600 from the start (never briefly world-readable)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)


def load_or_create_secret_key(data_dir: Path) -> str:
    path = data_dir / SECRET_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        # Another process of the server may be first: then its key counts.
        with contextlib.suppress(FileExistsError):
            _create_private(path, secrets.token_urlsafe(48) + "\n")
    return path.read_text().strip()


def store_first_api_key(data_dir: Path, key: str) -> Path:
    """Keep the key in a 0600 file (replacing one left by an earlier database)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / FIRST_API_KEY_FILE
    staged = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    staged.unlink(missing_ok=True)
    _create_private(staged, key + "\n")
    os.replace(staged, path)
    return path
