"""Enums that exist as stored values and as GraphQL enums say the same, and every domain
error code reaches clients as a user error code (not as a masked 500)."""

from __future__ import annotations

from enum import Enum

import pytest

import models.enums as stored
import schema.enums as graphql
from domain.errors import ErrorCode
from schema.types import customer_event, number_range, user

PAIRS: list[tuple[type[Enum], type[Enum]]] = [
    (stored.CustomerType, graphql.CustomerType),
    (stored.CustomerStatus, graphql.CustomerStatus),
    (stored.Language, graphql.Language),
    (stored.AddressType, graphql.AddressType),
    (stored.PaymentMethodType, graphql.PaymentMethodType),
    (stored.ExportFormat, graphql.ExportFormat),
    (stored.JobStatus, graphql.JobStatus),
    (stored.SubscriptionStatus, graphql.SubscriptionStatus),
    (stored.OrderStatus, graphql.OrderStatus),
    (stored.ImportMode, graphql.ImportMode),
    (stored.EventType, graphql.EventType),
    (stored.WebhookDeliveryStatus, graphql.WebhookDeliveryStatus),
    (stored.NumberRangeKind, number_range.NumberRangeKind),
    (stored.UserRole, user.UserRole),
    (stored.CustomerEventAction, customer_event.CustomerEventAction),
    (stored.ActorType, customer_event.ActorType),
]


def _values(enum: type[Enum]) -> set[str]:
    return {str(member.value) for member in enum}


@pytest.mark.parametrize(("model", "api"), PAIRS, ids=[pair[0].__name__ for pair in PAIRS])
def test_a_stored_enum_and_its_graphql_enum_have_the_same_values(
    model: type[Enum], api: type[Enum]
) -> None:
    # when
    stored_values, api_values = _values(model), _values(api)
    # then
    assert stored_values == api_values
    assert {member.name for member in api} == api_values, "names are the values"


def test_every_domain_error_code_is_a_user_error_code() -> None:
    # when
    missing = _values(ErrorCode) - _values(graphql.UserErrorCode)
    # then
    assert missing == set()
