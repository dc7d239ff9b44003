"""Minimal billing records (subscriptions, orders, invoices, payments) of the contract.

They are not stored yet: the types exist so the schema keeps the v1 contract.
"""

from __future__ import annotations

import strawberry

from schema.enums import OrderStatus, SubscriptionStatus
from schema.node import Node
from schema.types.address import Address
from schema.types.customer import Customer


@strawberry.type
class Subscription(Node):
    id: strawberry.ID
    customer: Customer
    status: SubscriptionStatus
    selected_address: Address | None = strawberry.field(
        description="The address chosen explicitly for this subscription, if any."
    )
    invoice_address: Address = strawberry.field(
        description=(
            "Where its invoices go: selectedAddress, else the customer's current invoiceAddress."
        )
    )


@strawberry.type
class Order(Node):
    id: strawberry.ID
    customer: Customer
    status: OrderStatus


@strawberry.type
class Invoice(Node):
    id: strawberry.ID
    customer: Customer


@strawberry.type
class Payment(Node):
    id: strawberry.ID
    customer: Customer
