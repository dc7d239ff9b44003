from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Generator
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, Generic, NoReturn, Self, TypeVar

import strawberry
from strawberry.dataloader import DataLoader

from domain.customers.address_roles import MissingDefaultAddress
from domain.customers.listing import CustomerValues, values_of
from domain.idempotency import note_customer
from models import Address as AddressRow
from models import Customer as CustomerRow
from schema.context import Context, Info
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


def _loading(
    loader: DataLoader[uuid.UUID, list[AddressRow]],
    pk: uuid.UUID,
    pick: Callable[[CustomerAddresses], T],
) -> Callable[[], Awaitable[T]]:
    async def load() -> T:
        return pick(CustomerAddresses.from_models(await loader.load(pk)))

    return load


def _picked(addresses: CustomerAddresses, pick: Callable[[CustomerAddresses], T]) -> T | Later[T]:
    try:
        return pick(addresses)
    except MissingDefaultAddress as error:
        # A bug in the data: reported by the field that needs the address, if it is asked
        # for, as when the field loads it itself.
        return Later(partial(_raise, error))


async def _raise(error: Exception) -> NoReturn:
    raise error


class Later(Generic[T]):
    """A value loaded only when awaited: GraphQL execution awaits it if the field is asked
    for. Unlike a coroutine, one that is never awaited costs nothing and warns of nothing."""

    __slots__ = ("_load",)

    def __init__(self, load: Callable[[], Awaitable[T]]) -> None:
        self._load = load

    def __await__(self) -> Generator[Any, None, T]:
        return self._load().__await__()


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
    # The fields below are computed when the row is read, not resolved per node: plain
    # fields cost a page much less than resolvers. The address fields hold the addresses
    # a page read ahead, or else values that load them through the DataLoader when (and
    # only if) the query asks for them.
    invoice_email: str | None = strawberry.field(
        description=(
            "Rechnungs-E-Mail-Adresse; falls back to email when no differing billing e-mail is set."
        )
    )
    default_address: Address | Awaitable[Address] = strawberry.field(
        description=(
            "Standard-Kundenadresse (Empfängeradresse). "
            "Always present: created empty when none was given."
        ),
        graphql_type=Address,
    )
    invoice_address: Address | Awaitable[Address] = strawberry.field(
        description=(
            "Standard-Rechnungsadresse: the default INVOICE address, "
            "or defaultAddress when there is none."
        ),
        graphql_type=Address,
    )
    differing_invoice_address: Address | Awaitable[Address | None] | None = strawberry.field(
        description="The differing billing address (default INVOICE address), if any.",
        graphql_type=Address | None,
    )
    addresses: list[Address] | Awaitable[list[Address]] = strawberry.field(
        graphql_type=list[Address]
    )
    datev: DatevInfo | None = strawberry.field(
        description="Null when the organization has not enabled the DATEV add-on."
    )
    pk: strawberry.Private[uuid.UUID]
    payment_method: strawberry.Private[PaymentMethodType | None]

    @classmethod
    def from_model(cls, row: CustomerRow, context: Context) -> Self:
        return cls.from_values(values_of(row), context)

    @classmethod
    def from_values(
        cls, row: CustomerValues, context: Context, addresses: CustomerAddresses | None = None
    ) -> Self:
        """`addresses`: the customer's addresses, when a page read them ahead."""
        payment_method = row["default_payment_method"]
        pk = row["id"]
        note_customer(pk)
        if addresses is None:
            loader = context.loaders.addresses_by_customer
            default: Address | Awaitable[Address] = Later(_loading(loader, pk, _default))
            invoice: Address | Awaitable[Address] = Later(_loading(loader, pk, _invoice))
            differing: Address | Awaitable[Address | None] | None = Later(
                _loading(loader, pk, _differing_invoice)
            )
            every: list[Address] | Awaitable[list[Address]] = Later(_loading(loader, pk, _all))
        else:
            default = _picked(addresses, _default)
            invoice = _picked(addresses, _invoice)
            differing = _picked(addresses, _differing_invoice)
            every = addresses.all
        datev_enabled = context.principal.organization.datev_enabled
        return cls(
            id=encode_id("Customer", pk),
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
            default_address=default,
            invoice_address=invoice,
            differing_invoice_address=differing,
            addresses=every,
            datev=DatevInfo(debtor_number=row["datev_debtor_number"]) if datev_enabled else None,
            pk=pk,
            payment_method=(
                None if payment_method is None else PaymentMethodType(payment_method.value)
            ),
        )

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
