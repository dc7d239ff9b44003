"""The `kundenstamm` command: serve, migrate, and operator tasks on organizations and keys."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import shutil
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Sequence
from logging.config import dictConfig
from pathlib import Path
from typing import Any, TypeVar

from tortoise import Tortoise

from database import apply_migrations, migrate_to, migration_lock, tortoise_config
from database.backup import BackupError, backup
from domain.api_keys import issue_key, revoke_key
from domain.errors import DomainError
from domain.organizations import (
    create_organization,
    ensure_default_organization,
    update_organization,
)
from domain.users import create_user
from local_secrets import store_first_api_key
from models import Organization
from models.enums import ApiKeyScope, UserRole
from settings import Settings, SettingsError
from telemetry.logs import TEXT_FORMAT, logging_config

T = TypeVar("T")
logger = logging.getLogger("kundenstamm.cli")
# Each worker holds its own database connections (up to 5 on PostgreSQL): more than this
# would only queue on the database, and a typo like 200 should not take the server down.
MAX_WORKERS = 32


def _worker_count(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 1 to {MAX_WORKERS}, not {value!r}"
        )
    return int(value)


def _on_off(value: str) -> bool:
    if value not in ("on", "off"):
        raise argparse.ArgumentTypeError("use on or off")
    return value == "on"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kundenstamm", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="apply migrations, then serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=_worker_count,
        help=f"server processes, 1 to {MAX_WORKERS} (default: $WEB_CONCURRENCY, else 1)",
    )
    commands.add_parser("migrate", help="apply pending database migrations")
    backup_command = commands.add_parser(
        "backup", help="copy the database to FILE, consistent while the server runs"
    )
    backup_command.add_argument("file", type=Path)

    org = commands.add_parser("org", help="organizations").add_subparsers(
        dest="action", required=True
    )
    org_create = org.add_parser("create", help="create an organization and its first API key")
    org_create.add_argument("--name", required=True)
    org_create.add_argument("--datev", action="store_true", help="enable the DATEV add-on")
    org_create.add_argument("--json", action="store_true", help="print one JSON object")
    org_update = org.add_parser("update", help="change operator settings of an organization")
    org_update.add_argument("org_id", type=uuid.UUID)
    org_update.add_argument("--datev", type=_on_off, metavar="on|off")
    org_update.add_argument("--customers-read-only", type=_on_off, metavar="on|off")

    key = commands.add_parser("apikey", help="API keys").add_subparsers(
        dest="action", required=True
    )
    key_create = key.add_parser("create", help="issue an API key (shown once)")
    key_create.add_argument("--org", required=True, type=uuid.UUID)
    key_create.add_argument("--scope", choices=[s.value for s in ApiKeyScope], default="write")
    key_create.add_argument("--json", action="store_true", help="print one JSON object")
    key_revoke = key.add_parser("revoke", help="revoke an API key")
    key_revoke.add_argument("key_id", type=uuid.UUID)

    user = commands.add_parser("user", help="web-app users").add_subparsers(
        dest="action", required=True
    )
    user_create = user.add_parser(
        "create", help="create a user; prints a one-time password, replaced at first login"
    )
    user_create.add_argument("--org", required=True, type=uuid.UUID)
    user_create.add_argument("--email", required=True)
    user_create.add_argument("--role", choices=[r.value for r in UserRole], default="EMPLOYEE")
    user_create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    return parser


async def _with_database(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    await apply_migrations(settings.database_url)
    return await _connected(settings, work)


async def _connected(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


def _print(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    print(json.dumps(payload) if getattr(args, "json", False) else text)


async def _org_create(args: argparse.Namespace) -> int:
    organization, key = await create_organization(name=args.name, datev_enabled=args.datev)
    _print(
        args,
        {"organization_id": str(organization.id), "api_key": key.secret},
        f"Organization {organization.name} ({organization.id})\n"
        f"API key (write, shown once): {key.secret}",
    )
    return 0


async def _org_update(args: argparse.Namespace) -> int:
    organization = await update_organization(
        args.org_id, datev_enabled=args.datev, customers_read_only=args.customers_read_only
    )
    if organization is None:
        print(f"No organization {args.org_id}", file=sys.stderr)
        return 1
    print(
        f"Organization {organization.name} ({organization.id}): "
        f"datev={'on' if organization.datev_enabled else 'off'}, "
        f"customers-read-only={'on' if organization.customers_read_only else 'off'}"
    )
    return 0


async def _apikey_create(args: argparse.Namespace) -> int:
    if not await Organization.exists(id=args.org):
        print(f"No organization {args.org}", file=sys.stderr)
        return 1
    key = await issue_key(organization_id=args.org, scope=ApiKeyScope(args.scope))
    _print(
        args,
        {
            "id": str(key.id),
            "api_key_id": str(key.id),
            "organization_id": str(args.org),
            "api_key": key.secret,
        },
        f"API key {key.id} ({key.scope.value}, shown once): {key.secret}",
    )
    return 0


async def _apikey_revoke(args: argparse.Namespace) -> int:
    if not await revoke_key(args.key_id):
        print(f"No active API key {args.key_id}", file=sys.stderr)
        return 1
    print(f"API key {args.key_id} revoked")
    return 0


async def _user_create(args: argparse.Namespace) -> int:
    generated = not args.password_stdin
    password = secrets.token_urlsafe(16) if generated else sys.stdin.readline().rstrip("\n")
    try:
        user = await create_user(
            organization_id=args.org,
            email_address=args.email,
            role=UserRole(args.role),
            password=password,
            one_time=generated,
        )
    except DomainError as error:
        print(f"kundenstamm: {error}", file=sys.stderr)
        return 1
    print(f"User {user.email} ({user.role.value}, {user.id})")
    if generated:
        print(f"One-time password (shown once): {password}")
        print("It works for one thing only: replacing it (passwordChange) after login.")
    return 0


async def _prepare_serving(settings: Settings) -> None:
    # Several `serve` (or `migrate`) processes may start at once on a new database: one
    # at a time migrates and, finding no organization, creates "Default"; the others
    # find both done, so there is one "Default" and its key is printed once.
    async with migration_lock(settings.database_url):
        await migrate_to(settings.database_url)
        key = await _connected(settings, ensure_default_organization)
    if key is None:
        return
    if sys.stdout.isatty():
        print(
            # The id is what `kundenstamm user create --org` needs for the first web-app user.
            f'Created the organization "Default" ({key.organization_id}). '
            "Its API key (write; shown only now):\n"
            f"  {key.secret}\n"
            'Paste it into GraphiQL\'s headers as {"Authorization": "Bearer <key>"}.',
            flush=True,
        )
        return
    # Output that no one watches ends up in container and journal logs, readable by
    # whoever reads logs: the key goes into a file of this user's only.
    path = store_first_api_key(settings.data_dir, key.secret)
    _announce(
        settings,
        f'Created the organization "Default" ({key.organization_id}). '
        f"Its API key (write) is in {path} "
        "(readable by this user only): store it elsewhere, then delete the file.",
    )


def _announce(settings: Settings, message: str) -> None:
    """What `serve` tells its operator: a line of the log when the log is JSON (every
    line of it one object), else printed."""
    if settings.log_format == "json":
        logger.info(message)
    else:
        print(message, flush=True)


def _workers(requested: int | None) -> int:
    """--workers, else uvicorn's WEB_CONCURRENCY (checked the same way), else 1."""
    if requested is not None:
        return requested
    value = os.environ.get("WEB_CONCURRENCY")
    if value is None:
        return 1
    try:
        return _worker_count(value)
    except argparse.ArgumentTypeError as error:
        raise SettingsError(f"WEB_CONCURRENCY {error}") from None


def _serve(settings: Settings, host: str, port: int, workers: int) -> int:
    import uvicorn

    if "KUNDENSTAMM_PUBLIC_URL" not in os.environ:
        # Links handed out (export downloads) should point at where this server listens.
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 (compared, not bound)
        shown = f"[{shown}]" if ":" in shown else shown
        # Each worker reads its settings from the environment (app.create_app_from_env).
        os.environ["KUNDENSTAMM_PUBLIC_URL"] = f"http://{shown}:{port}"
    if settings.environment == "development":
        # Nothing else would tell an operator who forgot KUNDENSTAMM_ENV.
        logger.warning(
            "running in development mode: GraphiQL %s, 'Did you mean' hints on, a generated "
            "secret key unless KUNDENSTAMM_SECRET_KEY is set; for production set "
            "KUNDENSTAMM_ENV=production",
            "on" if settings.graphiql else "off",
        )
    asyncio.run(_prepare_serving(settings))
    _announce(settings, f"GraphiQL: http://{host}:{port}/graphql")
    metrics_dir = None
    if settings.metrics and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Each worker writes its samples here and /metrics sums them. Set before any
        # worker imports prometheus_client (it reads the variable once, at import); new
        # for each start, so no samples of an earlier run are counted again.
        metrics_dir = tempfile.mkdtemp(prefix="kundenstamm-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        # An import string, not an app object: uvicorn's worker processes import it each.
        # The migrations ran above, once; the workers only serve.
        uvicorn.run(
            "app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            log_config=logging_config(settings.log_format),
            access_log=False,  # web/request_log.py writes one line per request instead
        )
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def _backup(settings: Settings, target: Path) -> int:
    try:
        backup(settings.database_url, target.resolve())
    except (BackupError, OSError) as error:
        print(f"kundenstamm: backup failed: {error}", file=sys.stderr)
        return 1
    print(f"Backup written to {target}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format=TEXT_FORMAT)
    try:
        settings = Settings.from_env()
        workers = _workers(args.workers) if args.command == "serve" else 1
    except SettingsError as error:
        print(f"kundenstamm: {error}", file=sys.stderr)
        return 2
    dictConfig(logging_config(settings.log_format))
    if args.command == "backup":
        return _backup(settings, args.file)
    if args.command == "serve":
        return _serve(settings, args.host, args.port, workers)
    if args.command == "migrate":
        asyncio.run(apply_migrations(settings.database_url))
        print("Database is up to date.")
        return 0
    handlers: dict[tuple[str, str], Callable[[argparse.Namespace], Awaitable[int]]] = {
        ("org", "create"): _org_create,
        ("org", "update"): _org_update,
        ("apikey", "create"): _apikey_create,
        ("apikey", "revoke"): _apikey_revoke,
        ("user", "create"): _user_create,
    }
    handler = handlers[(args.command, args.action)]
    return asyncio.run(_with_database(settings, lambda: handler(args)))


if __name__ == "__main__":
    sys.exit(main())
