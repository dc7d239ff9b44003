"""The order of the event feed: commit order, which an id sequence alone does not give.

PostgreSQL hands out sequence values when rows are inserted, not when they commit: a
transaction that took id 7 may commit after one that took id 8, and a reader paging past
8 would never see 7. So each event carries the id of the transaction that wrote it
(pg_current_xact_id), the feed sorts by (transaction id, id) and shows only events of
transactions older than every transaction still running (the snapshot's xmin): whatever
commits later has a transaction id at or above that horizon, so it sorts after anything
a reader has seen.

SQLite writes one transaction at a time (BEGIN IMMEDIATE takes the write lock before the
first statement, database/sqlite.py), so ids handed out inside write transactions are
in commit order already: the transaction id is 0 there and the feed sorts by id.
"""

from __future__ import annotations

from tortoise import connections

from database.dialect import is_postgres


async def writing_transaction_id() -> int:
    """The current transaction's id; call inside the transaction that writes the events."""
    if not is_postgres():
        return 0
    rows = await connections.get("default").execute_query_dict(
        "SELECT pg_current_xact_id()::text::bigint AS txid"
    )
    return int(rows[0]["txid"])


async def finished_below() -> int | None:
    """Events of transactions below this id are final (committed or gone); None: all are."""
    if not is_postgres():
        return None
    rows = await connections.get("default").execute_query_dict(
        "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin"
    )
    return int(rows[0]["xmin"])
