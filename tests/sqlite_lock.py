"""Another process writing to the same SQLite file, as a test needs it to."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def another_process_writing(database_url: str) -> Iterator[None]:
    """Hold SQLite's write lock from a second connection, as another server process would."""
    other_process = sqlite3.connect(database_url.removeprefix("sqlite://"), isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()
