"""The webhook and event settings, read from the environment when the server starts."""

from __future__ import annotations

import pytest

from settings import DEFAULT_RETRY_SCHEDULE, Settings, SettingsError


def test_defaults_follow_the_standard_schedule() -> None:
    # when
    settings = Settings.from_env({})
    # then
    assert settings.webhook_retry_schedule == (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
    assert settings.webhook_retry_schedule == DEFAULT_RETRY_SCHEDULE
    assert (settings.webhook_timeout_s, settings.event_retention_days) == (10, 30)
    assert (settings.webhook_allow_private, settings.webhook_delivery) == (False, True)


def test_values_from_the_environment() -> None:
    # when
    settings = Settings.from_env(
        {
            "KUNDENSTAMM_WEBHOOK_RETRY_SCHEDULE": "0, 1,2",
            "KUNDENSTAMM_WEBHOOK_TIMEOUT_S": "3",
            "KUNDENSTAMM_EVENT_RETENTION_DAYS": "90",
            "KUNDENSTAMM_WEBHOOK_ALLOW_PRIVATE": "on",
            "KUNDENSTAMM_WEBHOOK_DELIVERY": "off",
        }
    )
    # then
    assert settings.webhook_retry_schedule == (0, 1, 2)
    assert (settings.webhook_timeout_s, settings.event_retention_days) == (3, 90)
    assert (settings.webhook_allow_private, settings.webhook_delivery) == (True, False)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KUNDENSTAMM_WEBHOOK_RETRY_SCHEDULE", "5,soon"),
        ("KUNDENSTAMM_WEBHOOK_RETRY_SCHEDULE", ""),
        ("KUNDENSTAMM_EVENT_RETENTION_DAYS", "7"),  # events are kept 30 days at least
        ("KUNDENSTAMM_WEBHOOK_TIMEOUT_S", "0"),
    ],
)
def test_values_out_of_range_stop_the_start(variable: str, value: str) -> None:
    # when / then
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})
