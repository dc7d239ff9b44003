"""Turns at SQLite's write lock (database/write_turns.py): an import worker's transactions
give way to a server process's write that waits, in two real processes."""

from __future__ import annotations

import asyncio
import multiprocessing
from multiprocessing.connection import Connection
from pathlib import Path

from database.write_turns import WriteTurns

SECONDS = 10.0


def _batch_process(path: str, orders: Connection) -> None:
    """An import worker: a turn, then, when told, another right after the first."""

    async def run() -> None:
        turns = WriteTurns(path, batch=True, patience=SECONDS)
        await turns.take()
        orders.send("first turn")
        orders.recv()  # go on
        turns.give_back()
        await turns.take()
        orders.send("second turn")
        turns.give_back()
        turns.close()

    asyncio.run(run())


async def _receive(orders: Connection) -> str:
    if not await asyncio.to_thread(orders.poll, SECONDS):
        raise TimeoutError("the batch process did not answer")
    message: str = orders.recv()
    return message


async def test_a_waiting_server_write_goes_before_the_next_batch_transaction(
    tmp_path: Path,
) -> None:
    # given: an import worker in the middle of a transaction, and a server write waiting
    path = str(tmp_path / "kundenstamm.db-writers")
    orders, child_orders = multiprocessing.get_context("spawn").Pipe()
    batch = multiprocessing.get_context("spawn").Process(
        target=_batch_process, args=(path, child_orders)
    )
    batch.start()
    try:
        assert await _receive(orders) == "first turn"
        server = WriteTurns(path, batch=False, patience=SECONDS)
        waiting = asyncio.create_task(server.take())
        await asyncio.sleep(0.1)  # the server's write is waiting for its turn meanwhile
        assert not waiting.done()
        # when: the worker ends its transaction and at once wants the next
        orders.send("go on")
        await asyncio.wait_for(waiting, SECONDS)
        # then: the server writes first; the worker's next turn comes after it
        second_before_server_done = await asyncio.to_thread(orders.poll, 0.2)
        server.give_back()
        assert not second_before_server_done
        assert await _receive(orders) == "second turn"
        server.close()
    finally:
        batch.join(SECONDS)
        if batch.is_alive():
            batch.kill()
    assert batch.exitcode == 0
