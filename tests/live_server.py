"""Real server processes (`kundenstamm serve`) for tests that need more than one."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parent.parent


# Without a terminal, the first start's key goes into a 0600 file; `serve` prints its path.
FIRST_KEY_FILE = re.compile(r"Its API key \(write\) is in (\S+) ")


def first_keys(printed: str) -> list[str]:
    """The keys whose files a server's output names (one per first start)."""
    return [Path(path).read_text().strip() for path in FIRST_KEY_FILE.findall(printed)]


def kundenstamm_command() -> list[str]:
    script = Path(sys.executable).parent / "kundenstamm"
    return [str(script)] if script.exists() else [sys.executable, str(ROOT / "cli.py")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def start_server(
    database_url: str,
    port: int,
    extra_env: Mapping[str, str] | None = None,
    *,
    workers: int | None = 1,
    log: IO[bytes] | None = None,
    printed: bool = True,
) -> asyncio.subprocess.Process:
    """`kundenstamm serve --workers workers` (None: as WEB_CONCURRENCY says).

    Its log (stderr) goes into `log`. What it prints (a first start's key, the access log)
    stays readable on `process.stdout` if `printed`, else it goes with the log.
    """
    log_to = log if log is not None else asyncio.subprocess.DEVNULL
    return await asyncio.create_subprocess_exec(
        *kundenstamm_command(),
        "serve",
        "--port",
        str(port),
        *(["--workers", str(workers)] if workers is not None else []),
        cwd=ROOT,
        env={**os.environ, "KUNDENSTAMM_DATABASE_URL": database_url, **(extra_env or {})},
        stdout=asyncio.subprocess.PIPE if printed else log_to,
        stderr=log_to,
    )


async def wait_until_up(base_url: str, attempts: int = 300) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        for _ in range(attempts):
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"{base_url} did not come up")


async def stop_server(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=30)


@asynccontextmanager
async def live_servers(
    database_url: str,
    count: int,
    extra_env: Mapping[str, str] | None = None,
    *,
    workers: int = 1,
    log: IO[bytes] | None = None,
    ports: list[int] | None = None,
) -> AsyncIterator[list[str]]:
    """`count` servers (`serve --workers workers`) on one database; yields their base URLs.

    `extra_env`: more KUNDENSTAMM_* settings for the servers (limits, say); `log`: a file
    for what they log and print (a pipe nobody reads would fill up and stall them);
    `ports`: where they listen (default: free ports).
    """
    ports = ports or [free_port() for _ in range(count)]
    processes: list[asyncio.subprocess.Process] = []
    try:
        for port in ports:
            processes.append(
                await start_server(
                    database_url, port, extra_env, workers=workers, log=log, printed=False
                )
            )
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        await asyncio.gather(*(wait_until_up(url) for url in urls))
        yield urls
    finally:
        for process in processes:
            await stop_server(process)
