"""A real HTTP server on 127.0.0.1 that records webhook deliveries and answers as told.

Plain asyncio (HTTP/1.1 with keep-alive, Content-Length bodies): what a partner's
endpoint does on the wire, with no framework of ours in between.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class Received:
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


Answer = Callable[[Received], Awaitable[int]]


async def answer_ok(received: Received) -> int:
    return 204


@dataclass
class Receiver:
    url: str
    answer: Answer = answer_ok
    received: list[Received] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for(self, count: int, within: float = 20.0) -> list[Received]:
        """Until `count` requests came in (all of them are returned)."""
        async with asyncio.timeout(within):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return list(self.received)


async def _serve(
    receiver: Receiver, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines[1:] if line)
            }
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            received = Received(headers, body)
            receiver.received.append(received)
            receiver.arrived.set()
            status = await receiver.answer(received)
            writer.write(
                f"HTTP/1.1 {status} X\r\ncontent-length: 2\r\n\r\nno".encode()
                if status >= 300
                else f"HTTP/1.1 {status} X\r\ncontent-length: 0\r\n\r\n".encode()
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


@contextlib.asynccontextmanager
async def webhook_receiver(answer: Answer = answer_ok) -> AsyncIterator[Receiver]:
    receiver = Receiver(url="", answer=answer)
    connections: set[asyncio.Task[None]] = set()

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        connections.add(task)
        try:
            await _serve(receiver, reader, writer)
        except asyncio.CancelledError:
            pass  # the receiver closes: a request it still held ends unanswered
        finally:
            connections.discard(task)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    receiver.url = f"http://127.0.0.1:{port}/hooks"
    try:
        yield receiver
    finally:
        server.close()
        for task in list(connections):
            task.cancel()
        await asyncio.gather(*connections, return_exceptions=True)


def closed_port_url() -> str:
    """A loopback URL where nothing listens: connections are refused."""
    from tests.live_server import free_port

    return f"http://127.0.0.1:{free_port()}/hooks"
