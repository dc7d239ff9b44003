"""`kundenstamm backup FILE`: a consistent copy of the database while the server runs.

SQLite: the online backup API copies the database in one step under a read transaction,
so the copy is the database as of one moment, with every transaction committed before it
and none half. Writers wait for that moment only (WAL: readers never wait).
PostgreSQL: `pg_dump`, which reads one snapshot as well.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from tortoise.backends.base.config_generator import expand_db_url


class BackupError(RuntimeError):
    """The backup cannot be made; the message says what to do."""


def backup_sqlite(database_url: str, target: Path) -> None:
    source_path = expand_db_url(database_url)["credentials"]["file_path"]
    if source_path == ":memory:" or not Path(source_path).exists():
        raise BackupError(f"no database file at {source_path}")
    staged = target.with_name(f".{target.name}.partial")
    staged.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=30)
    try:
        copy = sqlite3.connect(staged)
        try:
            source.backup(copy)  # all pages in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
    finally:
        source.close()
    os.chmod(staged, 0o600)  # the copy holds what the database holds
    os.replace(staged, target)  # a reader of FILE never sees half a backup


def pg_dump_command() -> str | None:
    """pg_dump on PATH, else the newest one Debian's postgresql packages install."""
    found = shutil.which("pg_dump")
    if found:
        return found
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_dump"),
        key=lambda path: int(Path(path).parent.parent.name or 0),
    )
    return candidates[-1] if candidates else None


def backup_postgres(database_url: str, target: Path) -> None:
    command = pg_dump_command()
    if command is None:
        raise BackupError(
            "pg_dump was not found: install the PostgreSQL client (apt-get install "
            "postgresql-client) or run `pg_dump --format=custom` against the database yourself"
        )
    credentials = expand_db_url(database_url)["credentials"]
    # The password goes through the environment, never the command line (ps shows that).
    env = {**os.environ, "PGPASSWORD": str(credentials.get("password") or "")}
    staged = target.with_name(f".{target.name}.partial")
    result = subprocess.run(  # noqa: S603 (a fixed program with our own arguments)
        [
            command,
            "--format=custom",
            f"--file={staged}",
            f"--host={credentials.get('host') or '127.0.0.1'}",
            f"--port={credentials.get('port') or 5432}",
            f"--username={credentials.get('user') or 'postgres'}",
            "--no-password",
            str(credentials["database"]),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        staged.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    os.chmod(staged, 0o600)
    os.replace(staged, target)


def backup(database_url: str, target: Path) -> None:
    if database_url.startswith("sqlite://"):
        backup_sqlite(database_url, target)
    else:
        backup_postgres(database_url, target)
