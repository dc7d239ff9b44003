"""Settings read from KUNDENSTAMM_* environment variables when the app is created."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SECRET_KEY = "development-only-secret-change-me"  # noqa: S105 (a placeholder, refused in production)
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


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    secret_key: str = DEFAULT_SECRET_KEY
    public_url: str = "http://127.0.0.1:8000"
    environment: str = "development"
    max_body_bytes: int = 1_048_576
    import_max_bytes: int = 20 * 1_048_576
    import_max_rows: int = 100_000
    export_dir: Path = Path("exports")
    export_link_seconds: int = 3600
    export_file_seconds: int = 24 * 3600
    cors_origins: tuple[str, ...] = ()
    graphiql: bool = True
    introspection: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        default_db = f"sqlite://{Path.cwd() / 'kundenstamm.sqlite3'}"
        environment = env.get("KUNDENSTAMM_ENV", "development")
        settings = cls(
            database_url=env.get("KUNDENSTAMM_DATABASE_URL", default_db),
            secret_key=env.get("KUNDENSTAMM_SECRET_KEY", DEFAULT_SECRET_KEY),
            public_url=env.get("KUNDENSTAMM_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            environment=environment,
            # GraphiQL is for people trying the API; in production only when asked for.
            graphiql=_switch(env, "KUNDENSTAMM_GRAPHIQL", environment == "development"),
            # Partners rely on introspection; every request is authenticated anyway.
            introspection=_switch(env, "KUNDENSTAMM_INTROSPECTION", True),
            import_max_bytes=int(env.get("KUNDENSTAMM_IMPORT_MAX_BYTES", 20 * 1_048_576)),
            import_max_rows=int(env.get("KUNDENSTAMM_IMPORT_MAX_ROWS", 100_000)),
            export_dir=Path(env.get("KUNDENSTAMM_EXPORT_DIR", str(Path.cwd() / "exports"))),
            cors_origins=tuple(
                origin.strip().rstrip("/")
                for origin in env.get("KUNDENSTAMM_CORS_ORIGINS", "").split(",")
                if origin.strip()
            ),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if self.environment not in ENVIRONMENTS:
            raise SettingsError(f"KUNDENSTAMM_ENV must be one of {', '.join(ENVIRONMENTS)}")
        if self.environment != "development":
            if self.secret_key == DEFAULT_SECRET_KEY:
                raise SettingsError(
                    "KUNDENSTAMM_SECRET_KEY is the development default; set a secret of your own"
                )
            if "*" in self.cors_origins:
                raise SettingsError("KUNDENSTAMM_CORS_ORIGINS must name origins, not '*'")
            if len(self.secret_key) < 32:
                raise SettingsError("KUNDENSTAMM_SECRET_KEY must be at least 32 characters long")
