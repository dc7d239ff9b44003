"""Marks work that runs beside the requests (queue pollers), e.g. to leave its SQL out of a
request's statement count."""

from __future__ import annotations

from contextvars import ContextVar

_background: ContextVar[bool] = ContextVar("background", default=False)


def mark_background() -> None:
    """Call first in a background task: its context (and its subtasks') is marked."""
    _background.set(True)


def in_background() -> bool:
    return _background.get()
