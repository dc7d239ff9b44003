"""Settings read from KUNDENSTAMM_* environment variables when the app is created."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from local_secrets import load_or_create_secret_key
from telemetry.logs import LOG_FORMATS

ENVIRONMENTS = ("development", "production")


class SettingsError(ValueError):
    """The environment describes a configuration the server must not start with."""


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None:
        return default
    if value.lower() not in ("on", "off", "true", "false", "1", "0"):
        raise SettingsError(f"{name} must be on or off")
    return value.lower() in ("on", "true", "1")


def _number(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    value = env.get(name)
    if value is None:
        return default
    if not re.fullmatch("[0-9]+", value):
        raise SettingsError(f"{name} must be a whole number")
    number = int(value)
    if not low <= number <= high:
        raise SettingsError(f"{name} must be between {low} and {high}")
    return number


# (setting, variable, lowest, highest): limits an operator may tune without a release.
LIMITS: tuple[tuple[str, str, int, int], ...] = (
    ("max_body_bytes", "KUNDENSTAMM_MAX_BODY_BYTES", 1024, 64 * 1_048_576),
    ("max_depth", "KUNDENSTAMM_MAX_QUERY_DEPTH", 3, 100),
    ("max_aliases", "KUNDENSTAMM_MAX_ALIASES", 1, 10_000),
    ("max_tokens", "KUNDENSTAMM_MAX_TOKENS", 100, 1_000_000),
    ("max_page_size", "KUNDENSTAMM_MAX_PAGE_SIZE", 1, 1000),
    ("max_query_cost", "KUNDENSTAMM_MAX_QUERY_COST", 10, 1_000_000),
    ("rate_limit_bucket", "KUNDENSTAMM_RATE_LIMIT_BUCKET", 10, 10_000_000),
    ("rate_limit_restore_rate", "KUNDENSTAMM_RATE_LIMIT_RESTORE_RATE", 1, 1_000_000),
    ("import_max_bytes", "KUNDENSTAMM_IMPORT_MAX_BYTES", 1024, 1024 * 1_048_576),
    ("import_max_rows", "KUNDENSTAMM_IMPORT_MAX_ROWS", 1, 10_000_000),
    # Partners that fell behind page on from their cursor: at least 30 days.
    ("event_retention_days", "KUNDENSTAMM_EVENT_RETENTION_DAYS", 30, 3650),
    ("webhook_timeout_s", "KUNDENSTAMM_WEBHOOK_TIMEOUT_S", 1, 60),
)
# Seconds before each attempt of a webhook delivery: at once, then 5 s, 5 min, 30 min,
# 2 h, 5 h, 10 h and 10 h (Standard Webhooks' schedule, as Svix sends it).
DEFAULT_RETRY_SCHEDULE = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)


def _schedule(env: Mapping[str, str], name: str) -> tuple[int, ...]:
    value = env.get(name)
    if value is None:
        return DEFAULT_RETRY_SCHEDULE
    parts = [part.strip() for part in value.split(",")]
    if not parts or not all(re.fullmatch("[0-9]+", part) for part in parts) or len(parts) > 20:
        raise SettingsError(f"{name} must be 1 to 20 comma-separated whole numbers of seconds")
    return tuple(int(part) for part in parts)


@dataclass(frozen=True, slots=True)
class ApiLimits:
    """The limits every request is held to, as the schema takes them."""

    max_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 5000
    max_page_size: int = 100
    # Shopify's numbers: a query may cost up to 1000 points; the bucket holds 1000 and
    # refills 50 a second, so a client can burst and then go on at a steady pace.
    max_query_cost: int = 1000
    rate_limit_bucket: int = 1000
    rate_limit_restore_rate: int = 50


DEFAULT_LIMITS = ApiLimits()


def _data_dir_of(database_url: str) -> Path:
    """Where the server keeps its own files: beside a SQLite database, else the working
    directory."""
    if database_url.startswith("sqlite://"):
        path = database_url.removeprefix("sqlite://")
        if path and path != ":memory:":
            return Path(path).parent
    return Path.cwd()


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    # In-process uses (tests, benchmarks) get a random key; a server reads its own
    # (from_env): configured, or generated once and kept in the data directory.
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    public_url: str = "http://127.0.0.1:8000"
    environment: str = "development"
    max_body_bytes: int = 1_048_576
    max_depth: int = DEFAULT_LIMITS.max_depth
    max_aliases: int = DEFAULT_LIMITS.max_aliases
    max_tokens: int = DEFAULT_LIMITS.max_tokens
    max_page_size: int = DEFAULT_LIMITS.max_page_size
    max_query_cost: int = DEFAULT_LIMITS.max_query_cost
    rate_limit_bucket: int = DEFAULT_LIMITS.rate_limit_bucket
    rate_limit_restore_rate: int = DEFAULT_LIMITS.rate_limit_restore_rate
    import_max_bytes: int = 20 * 1_048_576
    import_max_rows: int = 100_000
    export_dir: Path = Path("exports")
    export_link_seconds: int = 3600
    export_file_seconds: int = 24 * 3600
    cors_origins: tuple[str, ...] = ()
    graphiql: bool = True
    introspection: bool = True
    data_dir: Path = Path()
    log_format: str = "text"
    metrics: bool = True
    metrics_token: str | None = None
    event_retention_days: int = 30
    webhook_retry_schedule: tuple[int, ...] = DEFAULT_RETRY_SCHEDULE
    webhook_timeout_s: int = 10
    webhook_allow_private: bool = False
    webhook_delivery: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        default_db = f"sqlite://{Path.cwd() / 'kundenstamm.sqlite3'}"
        environment = env.get("KUNDENSTAMM_ENV", "development")
        defaults: dict[str, Any] = {field.name: field.default for field in fields(cls)}
        database_url = env.get("KUNDENSTAMM_DATABASE_URL", default_db)
        data_dir = Path(env.get("KUNDENSTAMM_DATA_DIR", "") or _data_dir_of(database_url))
        secret_key = env.get("KUNDENSTAMM_SECRET_KEY")
        if secret_key is None:
            if environment == "production":
                raise SettingsError(
                    "KUNDENSTAMM_SECRET_KEY is required in production (at least 32 characters)"
                )
            secret_key = load_or_create_secret_key(data_dir)
        log_format = env.get(
            "KUNDENSTAMM_LOG_FORMAT", "json" if environment == "production" else "text"
        )
        if log_format not in LOG_FORMATS:
            raise SettingsError(f"KUNDENSTAMM_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
        settings = cls(
            database_url=database_url,
            secret_key=secret_key,
            data_dir=data_dir,
            log_format=log_format,
            metrics=_switch(env, "KUNDENSTAMM_METRICS", True),
            metrics_token=env.get("KUNDENSTAMM_METRICS_TOKEN") or None,
            public_url=env.get("KUNDENSTAMM_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            environment=environment,
            # GraphiQL is for people trying the API; in production only when asked for.
            graphiql=_switch(env, "KUNDENSTAMM_GRAPHIQL", environment == "development"),
            # Partners rely on introspection; every request is authenticated anyway.
            introspection=_switch(env, "KUNDENSTAMM_INTROSPECTION", True),
            webhook_retry_schedule=_schedule(env, "KUNDENSTAMM_WEBHOOK_RETRY_SCHEDULE"),
            # Webhooks to internal addresses (loopback, private, link-local) in production.
            webhook_allow_private=_switch(env, "KUNDENSTAMM_WEBHOOK_ALLOW_PRIVATE", False),
            # Off: this process sends no webhooks (others on the database do).
            webhook_delivery=_switch(env, "KUNDENSTAMM_WEBHOOK_DELIVERY", True),
            **{
                field: _number(env, name, defaults[field], low=low, high=high)
                for field, name, low, high in LIMITS
            },
            export_dir=Path(env.get("KUNDENSTAMM_EXPORT_DIR", str(Path.cwd() / "exports"))),
            cors_origins=tuple(
                origin.strip().rstrip("/")
                for origin in env.get("KUNDENSTAMM_CORS_ORIGINS", "").split(",")
                if origin.strip()
            ),
        )
        settings.check()
        return settings

    @property
    def import_dir(self) -> Path:
        """Uploaded import files until their job ends; every server process must see it."""
        return self.export_dir / "imports"

    def api_limits(self) -> ApiLimits:
        """The limits every request is held to, as the schema takes them."""
        return ApiLimits(**{field.name: getattr(self, field.name) for field in fields(ApiLimits)})

    def check(self) -> None:
        if self.max_query_cost > self.rate_limit_bucket:
            # Such a query could never run: the bucket never holds enough.
            raise SettingsError(
                "KUNDENSTAMM_MAX_QUERY_COST must not exceed KUNDENSTAMM_RATE_LIMIT_BUCKET"
            )
        if self.environment not in ENVIRONMENTS:
            raise SettingsError(f"KUNDENSTAMM_ENV must be one of {', '.join(ENVIRONMENTS)}")
        if self.environment != "development":
            if "*" in self.cors_origins:
                raise SettingsError("KUNDENSTAMM_CORS_ORIGINS must name origins, not '*'")
            if len(self.secret_key) < 32:
                raise SettingsError("KUNDENSTAMM_SECRET_KEY must be at least 32 characters long")
