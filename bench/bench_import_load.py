"""Benchmark: a large background import next to another organization's traffic (issue 11).

    python -m bench.bench_import_load [--rows 100000] [--database-url URL] [--clients 4]
        [--interval 0.1] [--idle-seconds 20] [--no-load] [--keep]

Starts `kundenstamm serve` (one process) on a fresh database (a SQLite temp file, or the
PostgreSQL database of --database-url, dropped and recreated) with two organizations. The
bystander B gets 200 customers, then a paced mix of reads (`organization`, a page of 20
customers) and writes (`customerCreate`) from a few concurrent clients: first while the
server is idle, then while organization A's background XLSX import of --rows rows runs,
from the mutation until its job is COMPLETED. Prints the import's wall time and phases,
the worker process's peak memory and B's latencies idle against during the import, with
the targets. Exits 1 when any answer was not a 200 without GraphQL errors or user errors,
or when the import did not create every row.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import shutil
import socket
import sys
import tempfile
import time
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from tortoise import Tortoise

from bench.bench_import import workbook
from database import apply_migrations, tortoise_config
from domain.organizations import create_organization

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIB = 1024 * 1024
TIMEOUT = httpx.Timeout(30.0)

ORGANIZATION = "query Organization { organization { id } }"
PAGE = """
query Page($first: Int!) {
  customers(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id customerNumber displayName defaultAddress { city } } }
  }
}
"""
CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber }
    userErrors { field code message }
  }
}
"""
IMPORT = """
mutation Import($file: Upload!) {
  customersImport(input: {file: $file, background: true}) {
    importJob { id status rowsTotal rowsProcessed }
    userErrors { field code message }
  }
}
"""
JOB = """
query Job($id: ID!) {
  importJob(id: $id) {
    id status rowsTotal rowsProcessed errorMessage
    result { rowsTotal created updated errors { row column code message } }
  }
}
"""
TOTAL = "query Total { customers(first: 1, filter: {status: ALL}) { totalCount } }"

# Each bystander client walks this cycle, starting at its own place: 80 % reads.
CYCLE = ("organization", "page", "write", "organization", "page")

# Targets of issue 11.
P99_RATIO = 2.0
READ_MAX = 0.5
WRITE_MAX = 1.0
WORKER_PEAK_MIB = 300.0
SMALL_IMPORT_ROWS = 10_000
SMALL_IMPORT_SECONDS = 5.0


class BadAnswer(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Sample:
    kind: str  # "read" or "write"
    phase: str  # what A's import was doing when the request started
    started: float  # perf_counter
    seconds: float


@dataclass(slots=True)
class Stats:
    count: int
    p50: float
    p99: float
    max: float

    @classmethod
    def of(cls, seconds: list[float]) -> Stats | None:
        if not seconds:
            return None
        ordered = sorted(seconds)

        def rank(share: float) -> float:
            # Nearest rank: the smallest value with at least `share` of the values at or below.
            return ordered[max(0, math.ceil(len(ordered) * share) - 1)]

        return cls(len(ordered), rank(0.50), rank(0.99), ordered[-1])


@dataclass(slots=True)
class Failures:
    messages: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.messages.append(message)
        if len(self.messages) <= 5:
            print(f"  bad answer: {message[:300]}", file=sys.stderr)


# --- talking to the server -------------------------------------------------------------------


async def graphql(
    http: httpx.AsyncClient, key: str, document: str, **variables: Any
) -> dict[str, Any]:
    """POST one document; anything but a 200 with data and no errors is a BadAnswer."""
    response = await http.post(
        "/graphql",
        json={"query": document, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    return _data(response)


def _data(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 200:
        raise BadAnswer(f"HTTP {response.status_code}: {response.text}")
    body = response.json()
    if not isinstance(body, dict) or body.get("errors") or not isinstance(body.get("data"), dict):
        raise BadAnswer(f"GraphQL errors: {response.text}")
    data: dict[str, Any] = body["data"]
    return data


async def create_customer(http: httpx.AsyncClient, key: str, name: str) -> None:
    data = await graphql(
        http,
        key,
        CREATE,
        input={
            "type": "COMPANY",
            "companyName": name,
            "email": "kontakt@example.com",
            "address": {
                "street": "Lindenallee",
                "houseNumber": "7",
                "zip": "50667",
                "city": "Köln",
                "countryCode": "DE",
            },
        },
    )
    payload = data["customerCreate"]
    if payload["userErrors"] or payload["customer"] is None:
        raise BadAnswer(f"customerCreate: {payload}")


async def start_import(http: httpx.AsyncClient, key: str, data: bytes) -> str:
    response = await http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": IMPORT, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"0": ("kunden.xlsx", data, XLSX)},
        headers={"Authorization": f"Bearer {key}"},
        timeout=httpx.Timeout(120.0),
    )
    payload = _data(response)["customersImport"]
    if payload["userErrors"] or payload["importJob"] is None:
        raise BadAnswer(f"customersImport: {payload}")
    job_id: str = payload["importJob"]["id"]
    return job_id


# --- the bystander's load --------------------------------------------------------------------


class Load:
    """Paced clients of organization B; each request is timed and its answer checked."""

    def __init__(
        self, http: httpx.AsyncClient, key: str, clients: int, interval: float, failures: Failures
    ) -> None:
        self.http = http
        self.key = key
        self.clients = clients
        self.interval = interval
        self.failures = failures
        self.phase = "idle"
        self.samples: list[Sample] = []
        self.written = 0

    async def run(self, stop: asyncio.Event, max_seconds: float) -> None:
        deadline = time.perf_counter() + max_seconds
        await asyncio.gather(*(self._client(n, stop, deadline) for n in range(self.clients)))

    async def _client(self, number: int, stop: asyncio.Event, deadline: float) -> None:
        step = number
        due = time.perf_counter() + self.interval * number / self.clients
        while not stop.is_set() and time.perf_counter() < deadline:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, due - time.perf_counter()))
            if stop.is_set():
                return
            kind = CYCLE[step % len(CYCLE)]
            step += 1
            phase = self.phase
            started = time.perf_counter()
            try:
                await self._request(kind, f"Bystander {number}-{step} AG")
            except (BadAnswer, httpx.HTTPError) as error:
                self.failures.add(f"B {kind}: {type(error).__name__}: {error}")
            seconds = time.perf_counter() - started
            self.samples.append(
                Sample("write" if kind == "write" else "read", phase, started, seconds)
            )
            # Paced, but a late client does not catch up in a burst.
            due = max(due + self.interval, time.perf_counter())

    async def _request(self, kind: str, name: str) -> None:
        if kind == "organization":
            await graphql(self.http, self.key, ORGANIZATION)
        elif kind == "page":
            page = (await graphql(self.http, self.key, PAGE, first=20))["customers"]
            if len(page["edges"]) != 20:
                raise BadAnswer(f"a page of {len(page['edges'])} customers")
        else:
            await create_customer(self.http, self.key, name)
            self.written += 1


# --- processes and their memory --------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in children.read_text().split()]
    return found


def _import_workers(server_pid: int) -> list[int]:
    """Import workers: children of the server's fork server (not the fork server itself,
    nor the resource tracker, nor the export pool)."""
    workers = []
    for pid in _children(server_pid):
        with contextlib.suppress(OSError):
            if b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes():
                workers += _children(pid)
    return workers


def _status_kib(pid: int, *names: str) -> dict[str, int]:
    values: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in names:
                values[name] = int(rest.split()[0])
    return values


@dataclass(frozen=True, slots=True)
class MachineCpu:
    """The whole machine's CPU (others' work included: the machine is shared)."""

    busy: int
    total: int

    @classmethod
    def now(cls) -> MachineCpu:
        ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = ticks[3] + ticks[4]  # idle, iowait
        return cls(sum(ticks[:8]) - idle, sum(ticks[:8]))

    def since(self, start: MachineCpu) -> str:
        share = (self.busy - start.busy) / max(1, self.total - start.total)
        load = Path("/proc/loadavg").read_text().split()[0]
        return f"machine CPU {share:.0%} busy of {os.cpu_count()} cores, load average {load}"


def _cpu_seconds(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(slots=True)
class WorkerMemory:
    pids: set[int] = field(default_factory=set)
    peak_rss_kib: int = 0  # the largest VmRSS sampled
    hwm_kib: int = 0  # the largest VmHWM seen (the kernel's own peak, up to the last sample)
    cpu_seconds: float = 0.0
    samples: int = 0

    async def sample(self, server_pid: int, stop: asyncio.Event) -> None:
        """Every 100 ms while the job runs."""
        while not stop.is_set():
            for pid in _import_workers(server_pid):
                values = _status_kib(pid, "VmRSS", "VmHWM")
                if not values:
                    continue
                self.pids.add(pid)
                self.samples += 1
                self.peak_rss_kib = max(self.peak_rss_kib, values.get("VmRSS", 0))
                self.hwm_kib = max(self.hwm_kib, values.get("VmHWM", 0))
                self.cpu_seconds = max(self.cpu_seconds, _cpu_seconds(pid) or 0.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.1)


async def recreate_postgres_database(url: str) -> None:
    """As tests/conftest.py does: the URL's database is dropped and made again."""
    parts = urllib.parse.urlsplit(url)
    database = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{database}"')
    finally:
        await connection.close()


async def prepare_database(url: str) -> tuple[str, str]:
    """A fresh, migrated database with organizations A (importer) and B (bystander)."""
    if url.startswith(("postgres://", "postgresql://")):
        await recreate_postgres_database(url)
    await apply_migrations(url)
    await Tortoise.init(config=tortoise_config(url))
    try:
        _, importer = await create_organization(name="Import GmbH")
        _, bystander = await create_organization(name="Nebenan AG")
    finally:
        await Tortoise.close_connections()
    return importer.secret, bystander.secret


@contextlib.asynccontextmanager
async def serving(env: dict[str, str], log: Path) -> AsyncIterator[tuple[str, int]]:
    """`kundenstamm serve` on a free port; yields its base URL and pid, stops it after."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    script = Path(sys.executable).parent / "kundenstamm"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            str(script),
            "serve",
            "--port",
            str(port),
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=output,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base_url) as http:
            for _ in range(300):
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get("/health")).status_code == 200:
                        break
                if process.returncode is not None:
                    raise RuntimeError(f"the server stopped at start; see {log}")
                await asyncio.sleep(0.1)
            else:
                raise TimeoutError(f"the server did not come up; see {log}")
        yield base_url, process.pid
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=30)
            except TimeoutError:
                process.kill()
                await process.wait()


# --- A's import ------------------------------------------------------------------------------


@dataclass(slots=True)
class ImportRun:
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # phase -> when it began
    final: dict[str, Any] = field(default_factory=dict)
    customers: int = 0


def _phase(job: dict[str, Any]) -> str:
    if job["status"] == "PENDING":
        return "queued"
    if job["status"] != "RUNNING":
        return "done"
    if job["rowsTotal"] is None:
        return "reading"
    if job["rowsProcessed"] < job["rowsTotal"]:
        return "staging"
    return "publishing"


async def run_import(
    http: httpx.AsyncClient, key: str, data: bytes, load: Load, max_seconds: float
) -> ImportRun:
    """From the mutation until the job ends; `load.phase` follows the job."""
    run = ImportRun()
    started = time.perf_counter()
    load.phase = "upload"
    run.phases["upload"] = 0.0
    job_id = await start_import(http, key, data)
    while time.perf_counter() - started < max_seconds:
        job = (await graphql(http, key, JOB, id=job_id))["importJob"]
        phase = _phase(job)
        if phase not in run.phases:
            run.phases[phase] = time.perf_counter() - started
            load.phase = phase
        if phase == "done":
            run.seconds = time.perf_counter() - started
            run.final = job
            break
        await asyncio.sleep(0.1)
    else:
        raise BadAnswer(f"import job {job_id} did not end within {max_seconds:.0f} s")
    run.customers = (await graphql(http, key, TOTAL))["customers"]["totalCount"]
    return run


# --- the report ------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.1f}"


def _row(label: str, stats: Stats | None) -> str:
    if stats is None:
        return f"  {label:<24} {'0':>6}"
    return (
        f"  {label:<24} {stats.count:>6} {_ms(stats.p50):>9} {_ms(stats.p99):>9} "
        f"{_ms(stats.max):>9}"
    )


def _stats(samples: list[Sample], kind: str, phases: tuple[str, ...]) -> Stats | None:
    return Stats.of([s.seconds for s in samples if s.kind == kind and s.phase in phases])


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


IMPORT_PHASES = ("upload", "queued", "reading", "staging", "publishing")


def report(
    args: argparse.Namespace,
    backend: str,
    file_bytes: int,
    run: ImportRun,
    memory: WorkerMemory,
    server_cpu: float | None,
    load: Load | None,
    machine: dict[str, str],
) -> list[str]:
    """Prints the figures; returns the targets that were missed."""
    missed: list[str] = []
    rows = args.rows
    ends = [*run.phases.values(), run.seconds][1:]
    spans = ", ".join(
        f"{name} {end - begin:.1f} s"
        for (name, begin), end in zip(run.phases.items(), ends, strict=False)
        if name != "done"
    )
    print(
        f"\n{backend}, {rows} rows (file {file_bytes / 1e6:.1f} MB): "
        f"import {run.seconds:.1f} s, {rows / run.seconds:.0f} rows/s"
    )
    print(f"  phases (polled every 0.1 s; reading includes the worker's start): {spans}")
    for phase, cpu in machine.items():
        print(f"  {phase}: {cpu}")
    print(
        f"  worker {sorted(memory.pids)}: peak RSS {memory.peak_rss_kib / 1024:.0f} MiB sampled, "
        f"VmHWM {memory.hwm_kib / 1024:.0f} MiB, CPU {memory.cpu_seconds:.1f} s "
        f"({memory.samples} samples); server CPU during the import "
        f"{'-' if server_cpu is None else f'{server_cpu:.1f} s'}"
    )
    result = run.final.get("result") or {}
    print(
        f"  job {run.final.get('status')}: created {result.get('created')}, "
        f"errors {len(result.get('errors') or [])}; A has {run.customers} customers"
    )
    targets: list[tuple[str, str, bool]] = [
        (
            f"worker peak <= {WORKER_PEAK_MIB:.0f} MiB",
            f"{memory.hwm_kib / 1024:.0f} MiB",
            0 < memory.hwm_kib / 1024 <= WORKER_PEAK_MIB,
        )
    ]
    if rows <= SMALL_IMPORT_ROWS:
        targets.append(
            (
                f"{rows} rows in <= {SMALL_IMPORT_SECONDS:.0f} s",
                f"{run.seconds:.1f} s",
                run.seconds <= SMALL_IMPORT_SECONDS,
            )
        )
    if load is not None:
        duration = args.idle_seconds
        idle = [s for s in load.samples if s.phase == "idle"]
        busy = [s for s in load.samples if s.phase in IMPORT_PHASES]
        print(
            f"\n  bystander B: {args.clients} clients, one request per {args.interval} s each "
            f"({len(idle) / duration:.0f} req/s idle, {len(busy) / run.seconds:.0f} req/s "
            f"during the import), {load.written} customers written"
        )
        print(f"  {'ms':<24} {'n':>6} {'p50':>9} {'p99':>9} {'max':>9}")
        for kind in ("read", "write"):
            print(_row(f"{kind} idle", _stats(idle, kind, ("idle",))))
            print(_row(f"{kind} during import", _stats(busy, kind, IMPORT_PHASES)))
            for phase in IMPORT_PHASES:
                stats = _stats(busy, kind, (phase,))
                if stats is not None:
                    print(_row(f"  {phase}", stats))
        print("  slowest during the import:")
        for sample in sorted(busy, key=lambda s: -s.seconds)[:5]:
            print(f"    {sample.kind:<5} {_ms(sample.seconds):>8} ms  ({sample.phase})")
        for kind, ceiling in (("read", READ_MAX), ("write", WRITE_MAX)):
            before = _stats(idle, kind, ("idle",))
            during = _stats(busy, kind, IMPORT_PHASES)
            if before is None or during is None:
                continue
            ratio = during.p99 / before.p99
            targets.append(
                (f"{kind} p99 import/idle <= {P99_RATIO:.0f}x", f"x{ratio:.2f}", ratio <= P99_RATIO)
            )
            targets.append(
                (
                    f"{kind} max <= {ceiling * 1000:.0f} ms",
                    f"{_ms(during.max)} ms",
                    during.max <= ceiling,
                )
            )
    print("\n  targets:")
    for name, value, met in targets:
        print(f"    {name:<32} {value:>10}  {_verdict(met)}")
        if not met:
            missed.append(name)
    return missed


# --- the run ---------------------------------------------------------------------------------


async def run(args: argparse.Namespace, workdir: Path) -> int:
    url: str = args.database_url or f"sqlite://{workdir / 'bench.sqlite3'}"
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    started = time.perf_counter()
    data = workbook(args.rows)
    print(
        f"{args.rows} rows: XLSX of {len(data) / 1e6:.1f} MB "
        f"in {time.perf_counter() - started:.1f} s"
    )
    importer_key, bystander_key = await prepare_database(url)
    env = {
        "KUNDENSTAMM_DATABASE_URL": url,
        "KUNDENSTAMM_EXPORT_DIR": str(workdir / "exports"),
        "KUNDENSTAMM_RATE_LIMIT_BUCKET": "10000000",
        "KUNDENSTAMM_RATE_LIMIT_RESTORE_RATE": "1000000",
        "KUNDENSTAMM_MAX_QUERY_COST": "100000",
        "KUNDENSTAMM_IMPORT_MAX_ROWS": str(max(args.rows, 100_000)),
        "KUNDENSTAMM_IMPORT_MAX_BYTES": str(max(20 * MIB, len(data) + MIB)),
    }
    failures = Failures()
    machine: dict[str, str] = {}
    log = workdir / "server.log"
    limits = httpx.Limits(max_connections=args.clients + 4)
    async with (
        serving(env, log) as (base_url, server_pid),
        httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT, limits=limits) as bystander_http,
        httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT) as importer_http,
    ):
        print(f"server pid {server_pid} on {base_url} ({backend}); log {log}")
        load = Load(bystander_http, bystander_key, args.clients, args.interval, failures)
        # B's customers, a few at a time (this warms the server up too).
        for first in range(0, args.bystander_customers, args.clients):
            names = range(first, min(first + args.clients, args.bystander_customers))
            await asyncio.gather(
                *(create_customer(bystander_http, bystander_key, f"Nachbar {n} AG") for n in names)
            )
        if not args.no_load:
            idle_cpu = MachineCpu.now()
            await load.run(asyncio.Event(), args.idle_seconds)
            machine["idle"] = MachineCpu.now().since(idle_cpu)
            print(f"idle: {len(load.samples)} requests in {args.idle_seconds:.0f} s")
        stop = asyncio.Event()
        memory = WorkerMemory()
        sampler = asyncio.create_task(memory.sample(server_pid, stop))
        traffic = None if args.no_load else asyncio.create_task(load.run(stop, args.import_timeout))
        server_cpu_before = _cpu_seconds(server_pid)
        import_cpu = MachineCpu.now()
        try:
            outcome = await run_import(importer_http, importer_key, data, load, args.import_timeout)
        finally:
            stop.set()
            await sampler
            if traffic is not None:
                await traffic
        server_cpu_after = _cpu_seconds(server_pid)
        machine["import"] = MachineCpu.now().since(import_cpu)
        server_cpu = (
            None
            if server_cpu_before is None or server_cpu_after is None
            else server_cpu_after - server_cpu_before
        )
    missed = report(
        args,
        backend,
        len(data),
        outcome,
        memory,
        server_cpu,
        None if args.no_load else load,
        machine,
    )
    result = outcome.final.get("result") or {}
    broken = list(failures.messages)
    if outcome.final.get("status") != "COMPLETED" or result.get("created") != args.rows:
        broken.append(f"the import ended {outcome.final}")
    if outcome.customers != args.rows:
        broken.append(f"A has {outcome.customers} customers, not {args.rows}")
    print(
        f"\n  {len(broken)} bad answers/checks; "
        f"{len(missed)} target(s) missed{': ' + '; '.join(missed) if missed else ''}"
    )
    for message in broken[:10]:
        print(f"    {message[:300]}")
    return 1 if broken else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="postgres://...: dropped and created again")
    parser.add_argument("--clients", type=int, default=4, help="B's concurrent clients")
    parser.add_argument(
        "--interval",
        type=float,
        default=0.1,
        help="seconds between a client's requests (0: flat out)",
    )
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--bystander-customers", type=int, default=200)
    parser.add_argument("--import-timeout", type=float, default=900.0)
    parser.add_argument("--no-load", action="store_true", help="the import alone, without B")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (log, database)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-load-"))
    try:
        code = asyncio.run(run(args, workdir))
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
