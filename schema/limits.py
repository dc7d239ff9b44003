"""The limits every request is held to; set from the server's settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ApiLimits:
    max_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 5000
    max_page_size: int = 100
    max_query_cost: int = 1000
    rate_limit_bucket: int = 1000
    rate_limit_restore_rate: int = 50
