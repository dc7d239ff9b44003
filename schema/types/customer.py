from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Self, TypeVar

import strawberry

from domain.customer_listing import CustomerValues, values_of
from models import Customer as CustomerRow
from resolvers.context import Info
from schema.enums import CustomerStatus, CustomerType, Language, PaymentMethodType, UserErrorCode
from schema.node import Node, encode_id
from schema.types.address import Address, CustomerAddresses
from schema.types.customer_event import CustomerEvent

if TYPE_CHECKING:
    from schema.types.billing import Subscription


T = TypeVar("T")


def _default(addresses: CustomerAddresses) -> Address:
    return addresses.default


def _invoice(addresses: CustomerAddresses) -> Address:
    return addresses.invoice


def _differing_invoice(addresses: CustomerAddresses) -> Address | None:
    return addresses.differing_invoice


def _all(addresses: CustomerAddresses) -> list[Address]:
    return addresses.all


@strawberry.type
class DatevInfo:
    debtor_number: str | None = strawberry.field(
        description=(
            "DATEV-Debitorennummer: digits only, Sachkontenlänge + 1 digits, first digit 1-6."
        )
    )


@strawberry.type
class PaymentMethod:
    type: PaymentMethodType
    is_default: bool


@strawberry.type
class DeletionBlocker:
    code: UserErrorCode
    count: int


@strawberry.type
class Customer(Node):
    id: strawberry.ID
    customer_number: str
    type: CustomerType
    status: CustomerStatus
    display_name: str = strawberry.field(
        description="Company name for companies, 'first last' for persons."
    )
    company_name: str | None
    first_name: str | None
    last_name: str | None
    email: str | None = strawberry.field(description="Kunden-E-Mail-Adresse")
    differing_invoice_email: str | None = strawberry.field(
        description="The differing billing e-mail as entered; null when invoices go to email."
    )
    phone: str | None
    language: Language
    currency_code: str = strawberry.field(description="ISO 4217")
    vat_id: str | None
    commercial_register_court: str | None
    commercial_register_number: str | None
    external_id: str | None = strawberry.field(
        description="The caller's own key for this customer (unique per organization)."
    )
    version: int = strawberry.field(
        description="Incremented on every change; pass it as expectedVersion to avoid lost updates."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    archived_at: dt.datetime | None
    # Computed once when the row is read: a plain field costs the page less than a resolver.
    invoice_email: str | None = strawberry.field(
        description=(
            "Rechnungs-E-Mail-Adresse; falls back to email when no differing billing e-mail is set."
        )
    )
    pk: strawberry.Private[uuid.UUID]
    debtor_number: strawberry.Private[str | None]
    payment_method: strawberry.Private[PaymentMethodType | None]
    known_addresses: strawberry.Private[CustomerAddresses | None] = None

    @classmethod
    def from_model(cls, row: CustomerRow) -> Self:
        return cls.from_values(values_of(row))

    @classmethod
    def from_values(cls, row: CustomerValues, addresses: CustomerAddresses | None = None) -> Self:
        """`addresses`: the customer's addresses, when a page read them ahead."""
        payment_method = row["default_payment_method"]
        return cls(
            id=encode_id("Customer", row["id"]),
            customer_number=row["customer_number"],
            type=CustomerType(row["type"].value),
            status=CustomerStatus(row["status"].value),
            display_name=row["display_name"],
            company_name=row["company_name"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            email=row["email"],
            differing_invoice_email=row["invoice_email"],
            phone=row["phone"],
            language=Language(row["language"].value),
            currency_code=row["currency_code"],
            vat_id=row["vat_id"],
            commercial_register_court=row["commercial_register_court"],
            commercial_register_number=row["commercial_register_number"],
            external_id=row["external_id"],
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            archived_at=row["archived_at"],
            invoice_email=row["invoice_email"] or row["email"],
            pk=row["id"],
            debtor_number=row["datev_debtor_number"],
            payment_method=(
                None if payment_method is None else PaymentMethodType(payment_method.value)
            ),
            known_addresses=addresses,
        )

    # The address fields answer at once when the page read the addresses ahead
    # (`known_addresses`): no awaitable per node. Elsewhere (node, customer, payloads)
    # they go through the DataLoader.
    @strawberry.field(
        description=(
            "Standard-Kundenadresse (Empfängeradresse). "
            "Always present: created empty when none was given."
        ),
        graphql_type=Address,
    )
    def default_address(self, info: Info) -> Address | Awaitable[Address]:
        return self._addresses(info, _default)

    @strawberry.field(
        description=(
            "Standard-Rechnungsadresse: the default INVOICE address, "
            "or defaultAddress when there is none."
        ),
        graphql_type=Address,
    )
    def invoice_address(self, info: Info) -> Address | Awaitable[Address]:
        return self._addresses(info, _invoice)

    @strawberry.field(
        description="The differing billing address (default INVOICE address), if any.",
        graphql_type=Address | None,
    )
    def differing_invoice_address(self, info: Info) -> Address | Awaitable[Address | None] | None:
        return self._addresses(info, _differing_invoice)

    @strawberry.field(graphql_type=list[Address])
    def addresses(self, info: Info) -> list[Address] | Awaitable[list[Address]]:
        return self._addresses(info, _all)

    def _addresses(self, info: Info, pick: Callable[[CustomerAddresses], T]) -> T | Awaitable[T]:
        if self.known_addresses is not None:
            return pick(self.known_addresses)
        return self._load_addresses(info, pick)

    async def _load_addresses(self, info: Info, pick: Callable[[CustomerAddresses], T]) -> T:
        rows = await info.context.loaders.addresses_by_customer.load(self.pk)
        return pick(CustomerAddresses.from_models(rows))

    @strawberry.field(description="Null when the organization has not enabled the DATEV add-on.")
    def datev(self, info: Info) -> DatevInfo | None:
        if not info.context.principal.organization.datev_enabled:
            return None
        return DatevInfo(debtor_number=self.debtor_number)

    @strawberry.field
    def default_payment_method(self) -> PaymentMethod | None:
        if self.payment_method is None:
            return None
        return PaymentMethod(type=self.payment_method, is_default=True)

    @strawberry.field
    async def subscriptions(
        self, info: Info
    ) -> list[Annotated[Subscription, strawberry.lazy("schema.types.billing")]]:
        from schema.types.billing import Subscription

        rows = await info.context.loaders.subscriptions_by_customer.load(self.pk)
        return [Subscription.from_model(row) for row in rows]

    @strawberry.field(
        description="Why customerDelete would refuse now; empty when the customer can be deleted."
    )
    async def deletion_blockers(self, info: Info) -> list[DeletionBlocker]:
        blockers = await info.context.loaders.deletion_blockers.load(self.pk)
        return [
            DeletionBlocker(code=UserErrorCode(blocker.code.value), count=blocker.count)
            for blocker in blockers
        ]

    @strawberry.field(description="Audit trail: every write to this customer, oldest first.")
    async def events(self, info: Info) -> list[CustomerEvent]:
        rows = await info.context.loaders.events_by_customer.load(self.pk)
        return [
            CustomerEvent.from_model(
                row, encode_id("Address", row.address_id) if row.address_id else None
            )
            for row in rows
        ]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class CustomerEdge:
    cursor: str
    node: Customer
