"""Log records as one JSON object a line (or text), with the request they belong to.

Every record passes the redaction: bearer secrets, signatures and the server's secret
key are replaced before a line is written, whatever a message happens to contain.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import orjson

LOG_FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s %(message)s"


@dataclass(slots=True)
class RequestInfo:
    """What a request's log lines carry; filled in as the request learns it."""

    request_id: str
    organization_id: str | None = None
    operation: str | None = None


current_request: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)

# API keys (ks_), session tokens (kss_), and the query parameters of signed links.
_SECRETS = re.compile(r"\b(kss?_)[A-Za-z0-9_\-]{8,}|((?:signature|token|password)=)[^&\s\"']+")
_extra_secrets: set[str] = set()


def redact_also(secret: str) -> None:
    """A secret this process knows (the server's signing key) that no line may contain."""
    if len(secret) >= 8:
        _extra_secrets.add(secret)


def redact(text: str) -> str:
    text = _SECRETS.sub(lambda m: (m.group(1) or m.group(2)) + "[redacted]", text)
    for secret in _extra_secrets:
        text = text.replace(secret, "[redacted]")
    return text


# Attributes of every LogRecord: anything else on a record came in through `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's coloured copy of the message
}


class RequestContextFilter(logging.Filter):
    """Adds the current request's id, organization and operation to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = current_request.get()
        if info is not None:
            record.request_id = getattr(record, "request_id", info.request_id)
            if info.organization_id is not None:
                record.organization_id = info.organization_id
            if info.operation is not None:
                record.operation = info.operation
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "message": redact(record.getMessage()),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD and not name.startswith("_"):
                entry[name] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return orjson.dumps(entry, default=str).decode()


class RedactingTextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def logging_config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """A dictConfig for the server and uvicorn (which applies it in each worker too).

    uvicorn's access log is off: our request log writes one line a request, without query
    strings (signed links, GET variables).
    """
    formatter: dict[str, Any] = (
        {"()": "telemetry.logs.JsonFormatter"}
        if log_format == "json"
        else {"()": "telemetry.logs.RedactingTextFormatter", "format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": "telemetry.logs.RequestContextFilter"}},
        "formatters": {"kundenstamm": formatter},
        "handlers": {
            "kundenstamm": {
                "class": "logging.StreamHandler",
                "formatter": "kundenstamm",
                "filters": ["request"],
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["kundenstamm"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["kundenstamm"], "level": level},
    }
