"""Counts of webhook delivery outcomes in this process, for a metrics endpoint to expose."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum


class DeliveryResult(StrEnum):
    SUCCEEDED = "succeeded"
    RETRYING = "retrying"
    FAILED = "failed"
    """The last attempt of the schedule, or a 410."""
    HANDED_BACK = "handed_back"


DELIVERY_RESULTS: Counter[DeliveryResult] = Counter()


def count(result: DeliveryResult, amount: int = 1) -> None:
    DELIVERY_RESULTS[result] += amount
