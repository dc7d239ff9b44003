"""A real `kundenstamm serve` and Debian's Chromium, for the web app's browser tests.

Playwright cannot download its own browsers here: it drives /usr/bin/chromium (the
`chromium` package). Without it the browser tests skip on a laptop and fail under CI=1.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.conftest import POSTGRES_URL, recreate_postgres_database
from tests.live_server import ROOT, free_port, kundenstamm_command

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "korrekt-pferd-batterie"
# Long enough for a loaded CI machine, short enough that a missing element fails soon.
UI_TIMEOUT_MS = 15_000


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@dataclass(frozen=True)
class Organization:
    id: str
    key: str


@dataclass
class LiveApp:
    """A running `kundenstamm serve`: its URL, its database and a client for its API."""

    base_url: str
    database_url: str
    http: httpx.Client

    def execute(self, query: str, variables: dict[str, Any] | None, *, key: str) -> Any:
        response = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """The `kundenstamm` command on the server's database, as an operator runs it."""
        done = subprocess.run(  # noqa: S603 (our own command, fixed arguments)
            [*kundenstamm_command(), *args],
            cwd=ROOT,
            env={**os.environ, "KUNDENSTAMM_DATABASE_URL": self.database_url},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    def organization(self, name: str, *, datev: bool = False) -> Organization:
        printed = json.loads(
            self.cli("org", "create", "--name", name, "--json", *(["--datev"] if datev else []))
        )
        return Organization(id=printed["organization_id"], key=printed["api_key"])

    def user(self, organization: Organization, email: str, role: str = "EMPLOYEE") -> None:
        """A user with PASSWORD (no one-time password)."""
        self.cli(
            "user", "create", "--org", organization.id, "--email", email, "--role", role,
            "--password-stdin", stdin=PASSWORD + "\n",
        )  # fmt: skip


def _database_url(directory: Path) -> str:
    if POSTGRES_URL:
        # A database of its own: the server runs across this module's tests, while the
        # other modules empty the shared one before each test.
        url = POSTGRES_URL.rsplit("/", 1)[0] + "/kundenstamm_webapp_test"
        asyncio.run(recreate_postgres_database(url))
        return url
    return f"sqlite://{directory / 'webapp.sqlite3'}"


@contextmanager
def live_app(directory: Path) -> Iterator[LiveApp]:
    """`kundenstamm serve` on a new database (it migrates it itself)."""
    database_url = _database_url(directory)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "KUNDENSTAMM_DATABASE_URL": database_url,
        "KUNDENSTAMM_EXPORT_DIR": str(directory / "exports"),
        "KUNDENSTAMM_SECRET_KEY": "webapp-test-secret-" + "x" * 32,
        # The tests click faster than the default bucket refills.
        "KUNDENSTAMM_RATE_LIMIT_BUCKET": "1000000",
        "KUNDENSTAMM_RATE_LIMIT_RESTORE_RATE": "1000000",
    }
    with (directory / "server.log").open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 (our own command)
            [*kundenstamm_command(), "serve", "--port", str(port)],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=log,
        )
        try:
            with httpx.Client(base_url=base_url, timeout=30) as http:
                _wait_until_up(http, server)
                yield LiveApp(base_url=base_url, database_url=database_url, http=http)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_until_up(http: httpx.Client, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("kundenstamm serve ended before it answered")
        try:
            if http.get("/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError("kundenstamm serve did not come up")


def log_in(page: Page, app: LiveApp, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{app.base_url}/app/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
