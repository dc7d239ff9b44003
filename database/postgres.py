"""PostgreSQL engine for Tortoise: asyncpg, with transactions that cannot leak a connection.

Tortoise's pooled transaction takes a connection from the pool, then BEGINs; when BEGIN
fails (the server went away) or the task is cancelled right then, the connection is
never returned and the task keeps pointing at it.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import TransactionContext, TransactionContextPooled
from tortoise.connection import get_connections


class SafePooledTransactionContext(TransactionContextPooled):
    async def __aenter__(self) -> Any:
        await self.ensure_connection()
        pool = self.client._parent._pool
        self.client._connection = await pool.acquire()
        try:
            self.token = get_connections().set(self.connection_name, self.client)
            try:
                await self.client.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            await pool.release(self.client._connection)
            raise
        return self.client


class KundenstammPostgresClient(AsyncpgDBClient):
    def _in_transaction(self) -> TransactionContext:
        return SafePooledTransactionContext(TransactionWrapper(self), self._pool_init_lock)


client_class = KundenstammPostgresClient
