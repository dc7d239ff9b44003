"""Benchmark: the nested customer page against the naive floor app, side by side.

    python -m bench.bench_read_floor [--rounds 4] [--seconds 8] [--warmup 2]
        [--connections 10] [--floor-venv /tmp/kundenstamm-floor-venv]

Follows ../shared/bench-floor/README.md: the floor app (its pinned requirements, in a venv
kept between runs) seeded with 200 rows, and `kundenstamm serve` on a fresh SQLite file
with a DATEV organization and 200 customers made through customerCreate. Every answer is
checked once against the data; then wrk alternates Kundenstamm 20, floor 20, Kundenstamm
100, floor 100 (the order flipped every other round). Any non-200 answer or GraphQL error
fails the run. Prints the median requests per second of each and the ratios. Absolute
figures drift on shared machines: only the ratios of one run mean something.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT.parent / "shared" / "bench-floor"
CUSTOMERS = 200

FLOOR_PAGE = (
    "{ customers(first: %d) "
    "{ id number name email phone vatId city country createdAt isArchived } }"
)
KUNDENSTAMM_PAGE = (
    "{customers(first:%d){edges{node{id customerNumber displayName email invoiceEmail "
    "defaultAddress{street zip city countryCode} invoiceAddress{street zip city} "
    "datev{debtorNumber}}}}}"
)
CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber displayName datev { debtorNumber } }
    userErrors { field code message }
  }
}
"""


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    url: str
    body: str
    auth: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def floor_venv(path: Path, rebuild: bool) -> Path:
    """The floor's venv with its pinned requirements, reused while they are unchanged."""
    requirements = (FLOOR / "requirements.txt").read_bytes()
    stamp = path / "requirements.sha256"
    wanted = hashlib.sha256(requirements).hexdigest()
    if not rebuild and stamp.exists() and stamp.read_text() == wanted:
        return path / "bin" / "python"
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [str(path / "bin" / "pip"), "install", "-q", "-r", str(FLOOR / "requirements.txt")],
        check=True,
    )
    stamp.write_text(wanted)
    return path / "bin" / "python"


@contextmanager
def serving(command: list[str], env: Mapping[str, str], cwd: Path, url: str) -> Iterator[None]:
    """Runs a server until the block ends, whatever happens in it."""
    process = subprocess.Popen(  # noqa: S603
        command,
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_up(url, process)
        yield
    finally:
        # The whole session: the server and anything it started (an export worker).
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
        except ProcessLookupError:
            pass


def wait_until_up(url: str, process: subprocess.Popen[bytes], attempts: int = 300) -> None:
    with httpx.Client() as http:
        for _ in range(attempts):
            if process.poll() is not None:
                raise RuntimeError(f"{url}: the server exited with {process.returncode}")
            try:
                http.post(url, json={"query": "{__typename}"}, timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.1)
    raise TimeoutError(f"{url} did not come up")


def graphql(url: str, query: str, auth: str = "", **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": auth} if auth else {}
    response = httpx.post(
        url, json={"query": query, "variables": variables}, headers=headers, timeout=30
    )
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or "errors" in body:
        raise RuntimeError(f"{url}: {response.status_code} {response.text[:500]}")
    data: dict[str, Any] = body["data"]
    return data


def customer_input(n: int) -> dict[str, Any]:
    """Companies and persons alternating, each with both addresses and an invoice e-mail."""
    names: dict[str, Any] = (
        {"type": "COMPANY", "companyName": f"Firma {n:03d} GmbH"}
        if n % 2 == 0
        else {"type": "PERSON", "firstName": "Erika", "lastName": f"Müller {n:03d}"}
    )
    return names | {
        "email": f"kunde{n}@example.com",
        "invoiceEmail": f"rechnung{n}@example.com",
        "address": {
            "street": "Hauptstraße",
            "houseNumber": str(n),
            "zip": f"{10115 + n:05d}",
            "city": "Berlin",
            "countryCode": "DE",
        },
        "invoiceAddress": {"street": "Rechnungsweg", "zip": "80331", "city": "München"},
    }


def expected_node(n: int, created: dict[str, Any]) -> dict[str, Any]:
    given = customer_input(n)
    address, invoice = given["address"], given["invoiceAddress"]
    return {
        "id": created["id"],
        "customerNumber": created["customerNumber"],
        "displayName": created["displayName"],
        "email": given["email"],
        "invoiceEmail": given["invoiceEmail"],
        "defaultAddress": {k: address[k] for k in ("street", "zip", "city", "countryCode")},
        "invoiceAddress": {k: invoice[k] for k in ("street", "zip", "city")},
        "datev": {"debtorNumber": created["datev"]["debtorNumber"]},
    }


def kundenstamm_data(directory: Path, env: Mapping[str, str]) -> str:
    """A DATEV organization on a fresh database; returns its API key."""
    command = [str(Path(sys.executable).parent / "kundenstamm"), "org", "create"]
    made = subprocess.run(  # noqa: S603
        [*command, "--name", "Bench GmbH", "--datev", "--json"],
        cwd=directory,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    key: str = json.loads(made.stdout.strip().splitlines()[-1])["api_key"]
    return key


def seed_kundenstamm(url: str, auth: str) -> list[dict[str, Any]]:
    nodes = []
    for n in range(CUSTOMERS):
        payload = graphql(url, CREATE, auth, input=customer_input(n))["customerCreate"]
        if payload["userErrors"]:
            raise RuntimeError(f"customer {n}: {payload['userErrors']}")
        nodes.append(expected_node(n, payload["customer"]))
    return nodes


def check_kundenstamm(case: Case, size: int, nodes: list[dict[str, Any]]) -> None:
    data = graphql(case.url, json.loads(case.body)["query"], case.auth)
    got = [edge["node"] for edge in data["customers"]["edges"]]
    if got != nodes[:size]:
        raise RuntimeError(f"{case.name}: the page does not match the customers created")


def check_floor(case: Case, size: int) -> None:
    rows = graphql(case.url, json.loads(case.body)["query"])["customers"]
    for i, row in enumerate(rows):
        expected = {
            "id": i + 1,
            "number": 10000 + i,
            "name": f"Customer {i} GmbH",
            "email": f"c{i}@example.com",
            "phone": f"+49 30 {i:07d}",
            "vatId": f"DE{i:09d}",
            "city": "Berlin",
            "country": "DE",
            "isArchived": False,
        }
        if {k: row[k] for k in expected} != expected or not row["createdAt"]:
            raise RuntimeError(f"{case.name}: row {i} does not match the seed")
    if len(rows) != size:
        raise RuntimeError(f"{case.name}: {len(rows)} rows instead of {size}")


def wrk(case: Case, seconds: int, connections: int) -> float:
    """Requests per second of one wrk run; raises on any bad answer."""
    executable = shutil.which("wrk")
    if executable is None:
        raise RuntimeError("wrk is needed: apt-get install wrk")
    done = subprocess.run(  # noqa: S603
        [
            executable,
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(FLOOR / "wrk_bounded.lua"),
            case.url,
        ],
        env={**os.environ, "WRK_BODY": case.body, "WRK_AUTH": case.auth},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    perf = re.search(r"perf: responses=(\d+) non200=(\d+) graphql_errors=(\d+)", done.stdout)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    if perf is None or rate is None:
        raise RuntimeError(f"{case.name}: unexpected wrk output\n{done.stdout}")
    responses, non200, errors = (int(group) for group in perf.groups())
    if responses == 0 or non200 or errors or "Socket errors" in done.stdout:
        raise RuntimeError(f"{case.name}: bad answers, the run does not count\n{done.stdout}")
    return float(rate.group(1))


def measure(cases: list[Case], args: argparse.Namespace) -> dict[str, list[float]]:
    for case in cases:
        wrk(case, args.warmup, args.connections)
    rates: dict[str, list[float]] = {case.name: [] for case in cases}
    for round_ in range(args.rounds):
        for case in cases if round_ % 2 == 0 else cases[::-1]:
            rate = wrk(case, args.seconds, args.connections)
            rates[case.name].append(rate)
            print(f"  round {round_ + 1} {case.name:<16} {rate:8.1f} req/s", flush=True)
    return rates


def run(args: argparse.Namespace, directory: Path) -> None:
    python = floor_venv(Path(args.floor_venv), args.rebuild_floor_venv)
    # No bytecode caches written into the shared floor directory.
    floor_env = {"BENCH_DB": str(directory / "floor.sqlite3"), "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run(  # noqa: S603
        [str(python), "seed.py", str(CUSTOMERS)],
        cwd=FLOOR,
        env={**os.environ, **floor_env},
        check=True,
        capture_output=True,
    )
    floor_port, port = free_port(), free_port()
    floor_url = f"http://127.0.0.1:{floor_port}/graphql"
    url = f"http://127.0.0.1:{port}/graphql"
    env = {
        "KUNDENSTAMM_DATABASE_URL": f"sqlite://{directory / 'kundenstamm.sqlite3'}",
        "KUNDENSTAMM_EXPORT_DIR": str(directory / "exports"),
        # High enough for the load; the bucket is still charged on every request.
        "KUNDENSTAMM_RATE_LIMIT_BUCKET": "10000000",
        "KUNDENSTAMM_RATE_LIMIT_RESTORE_RATE": "1000000",
    }
    auth = f"Bearer {kundenstamm_data(directory, env)}"
    floor_command = [str(python), "-m", "uvicorn", "app:app", "--port", str(floor_port)]
    floor_command += ["--loop", "asyncio", "--http", "h11", "--no-access-log"]
    serve = [str(Path(sys.executable).parent / "kundenstamm"), "serve", "--port", str(port)]
    with (
        serving([*floor_command, "--log-level", "warning"], floor_env, FLOOR, floor_url),
        serving(serve, env, directory, url),
    ):
        nodes = seed_kundenstamm(url, auth)
        cases = []
        for size in (20, 100):
            mine = Case(
                f"kundenstamm {size}", url, json.dumps({"query": KUNDENSTAMM_PAGE % size}), auth
            )
            floor = Case(f"floor {size}", floor_url, json.dumps({"query": FLOOR_PAGE % size}), "")
            check_kundenstamm(mine, size, nodes)
            check_floor(floor, size)
            cases += [mine, floor]
        rates = measure(cases, args)
    medians = {name: statistics.median(values) for name, values in rates.items()}
    print(f"\nwrk -t1 -c{args.connections}, {args.rounds} rounds of {args.seconds} s, medians:")
    for name, value in medians.items():
        print(f"  {name:<16} {value:8.1f} req/s")
    for size in (20, 100):
        ratio = medians[f"kundenstamm {size}"] / medians[f"floor {size}"]
        print(f"  ratio {size:>3}: {ratio:.2f}x the floor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument(
        "--floor-venv",
        default=str(Path(tempfile.gettempdir()) / "kundenstamm-floor-venv"),
        help="where the floor's venv is kept between runs",
    )
    parser.add_argument("--rebuild-floor-venv", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")  # before minutes of setup, not after
    with tempfile.TemporaryDirectory() as directory:
        run(args, Path(directory))


if __name__ == "__main__":
    main()
