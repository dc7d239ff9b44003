"""The `kundenstamm` command: serve, migrate, and operator tasks on organizations and keys."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import secrets
import sys
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from tortoise import Tortoise

from database import apply_migrations, tortoise_config
from domain.api_keys import issue_key, revoke_key
from domain.errors import DomainError
from domain.organizations import (
    create_organization,
    ensure_default_organization,
    update_organization,
)
from domain.users import create_user
from models import Organization
from models.enums import ApiKeyScope, UserRole
from settings import Settings, SettingsError


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
    commands.add_parser("migrate", help="apply pending database migrations")

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
    async def first_start() -> int:
        key = await ensure_default_organization()
        if key is not None:
            print(
                'Created the organization "Default". Its API key (write; shown only now):\n'
                f"  {key.secret}\n"
                'Paste it into GraphiQL\'s headers as {"Authorization": "Bearer <key>"}.',
                flush=True,
            )
        return 0

    await _with_database(settings, first_start)


def _serve(settings: Settings, host: str, port: int) -> int:
    import uvicorn

    from app import create_app

    if "KUNDENSTAMM_PUBLIC_URL" not in os.environ:
        # Links handed out (export downloads) should point at where this server listens.
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 (compared, not bound)
        shown = f"[{shown}]" if ":" in shown else shown
        settings = dataclasses.replace(settings, public_url=f"http://{shown}:{port}")
    asyncio.run(_prepare_serving(settings))
    print(f"GraphiQL: http://{host}:{port}/graphql", flush=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"kundenstamm: {error}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return _serve(settings, args.host, args.port)
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
