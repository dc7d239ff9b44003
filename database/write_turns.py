"""Whether other processes are writing, so a long batch job can give them their turn.

SQLite has one write lock for the whole file. A process waiting for it sleeps in its
busy handler (up to 100 ms between tries) and may miss the short gaps between an
import's write transactions. So an import pauses between its transactions, but only
while somebody else is writing: `PRAGMA data_version` changes when another connection
committed since the last call. An import on a quiet server runs at full speed.

PostgreSQL locks rows, not the database: other organizations' writes never wait for an
import there, so no pause is needed.
"""

from __future__ import annotations

from tortoise import connections

from database.dialect import is_postgres


class OtherWriters:
    def __init__(self) -> None:
        self._version: int | None = None

    async def wrote_since_last_asked(self) -> bool:
        """Call outside any transaction (inside one, the answer is about its start)."""
        if is_postgres():
            return False
        rows = await connections.get("default").execute_query_dict("PRAGMA data_version")
        version = int(rows[0]["data_version"])
        changed = self._version is not None and version != self._version
        self._version = version
        return changed
