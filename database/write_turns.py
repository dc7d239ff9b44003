"""Turns at SQLite's write lock: a batch job's transactions give way to the server's writes.

SQLite has one write lock for the whole file. A process that finds it taken sleeps in
its busy handler, up to 100 ms between tries, and misses the short gaps between the
transactions of an import: a request's write waited for several of them in a row.

So every write also takes a turn, a POSIX lock on a file next to the database:
- a server process takes the turn shared, for one transaction (or one statement);
- a batch process (an import worker) takes it exclusive, and only when no server write
  is waiting: a server write that finds the turn taken marks itself waiting (a second
  byte, shared) and polls every millisecond, so it gets in as soon as the batch
  transaction in progress ends, however short the batch job's pause is.
Neither waits forever: after `patience` the write goes on without its turn, and SQLite's
own lock (with its busy timeout) still keeps the writes apart. The turn only orders them.

POSIX locks belong to the process, not to a file descriptor: a process never waits for
itself, and its locks go when it exits, however it ends (or when it closes any
descriptor of the file: harmless, the turn only orders writes).

PostgreSQL locks rows, not the database: it needs none of this.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import time

_TURN = 0
_WAITING = 1
_SERVER_POLL_SECONDS = 0.001
_BATCH_POLL_SECONDS = 0.002
_CONTENDED_FOR_SECONDS = 10.0


class WriteTurns:
    def __init__(self, path: str, *, batch: bool, patience: float) -> None:
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self.batch = batch
        self._patience = patience
        self._contended_at = -_CONTENDED_FOR_SECONDS

    def close(self) -> None:
        os.close(self._fd)

    async def take(self) -> None:
        """Wait for this process's turn (or for `patience`); `give_back` when written."""
        await (self._batch_turn() if self.batch else self._server_turn())

    def give_back(self) -> None:
        self._unlock(_TURN)  # a no-op when the turn was not taken

    async def _server_turn(self) -> bool:
        if self._try(fcntl.LOCK_SH, _TURN):
            return True
        deadline = time.monotonic() + self._patience
        waiting = False
        try:
            while time.monotonic() < deadline:
                # The batch process checks the mark only for an instant: retried until set.
                waiting = waiting or self._try(fcntl.LOCK_SH, _WAITING)
                await asyncio.sleep(_SERVER_POLL_SECONDS)
                if self._try(fcntl.LOCK_SH, _TURN):
                    return True
            return False
        finally:
            if waiting:
                self._unlock(_WAITING)

    def contended(self) -> bool:
        """Whether a batch turn had to wait for the server's writes a moment ago."""
        return time.monotonic() - self._contended_at < _CONTENDED_FOR_SECONDS

    async def _batch_turn(self) -> bool:
        deadline = time.monotonic() + self._patience
        while True:
            if self._nobody_waiting() and self._try(fcntl.LOCK_EX, _TURN):
                return True
            self._contended_at = time.monotonic()
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(_BATCH_POLL_SECONDS)

    def _nobody_waiting(self) -> bool:
        if not self._try(fcntl.LOCK_EX, _WAITING):
            return False
        self._unlock(_WAITING)
        return True

    def _try(self, mode: int, byte: int) -> bool:
        try:
            fcntl.lockf(self._fd, mode | fcntl.LOCK_NB, 1, byte)
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EAGAIN):
                return False
            raise
        return True

    def _unlock(self, byte: int) -> None:
        fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, byte)
