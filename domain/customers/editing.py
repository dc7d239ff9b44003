"""Creating and changing customers: the create and update rules, numbers, uniqueness."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from domain.audit import changes_between, new_event, record_event
from domain.customers.fields import (
    RawValues,
    clean_address,
    clean_customer,
    default_language,
    display_name,
    missing_required,
)
from domain.customers.registry import (
    EDITABLE_FIELDS,
    UNIQUE_COLUMNS,
    AddressAttributes,
    CustomerAttributes,
)
from domain.datev import clean_debtor_number, locked_debtor_bounds
from domain.errors import DomainError, ErrorCode, FieldError, FieldPath, not_found
from domain.events import record_customer_events
from domain.numbers import allocate_number, allocate_numbers, claim_number, claim_numbers
from domain.principal import Actor
from domain.validation import InvalidValue
from models import Address, Customer, CustomerEvent, Organization
from models.enums import (
    AddressType,
    CustomerEventAction,
    CustomerStatus,
    EventType,
    NumberRangeKind,
)

_MAX_UPDATE_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class CustomerDraft:
    """What a create request says; absent keys mean "not given"."""

    fields: RawValues
    address: RawValues | None = None
    invoice_address: RawValues | None = None
    datev: RawValues | None = None


@dataclass(slots=True)
class _Checked:
    values: CustomerAttributes
    address: AddressAttributes
    invoice_address: AddressAttributes | None
    errors: list[FieldError] = field(default_factory=list)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def lock_customer(
    organization_id: uuid.UUID, customer_id: uuid.UUID, field: FieldPath = ("id",)
) -> Customer:
    """The customer, its row locked until the transaction ends (PostgreSQL; SQLite's
    transactions are serial anyway). Writes that hang off a customer take this lock, so a
    concurrent delete runs entirely before or entirely after them."""
    customer = (
        await Customer.filter(
            id=customer_id, organization_id=organization_id, staged_import_id__isnull=True
        )
        .select_for_update()
        .first()
    )
    if customer is None:
        raise not_found("Customer", field)
    return customer


def refuse_anonymized(customer: Customer, field: FieldPath = ("id",)) -> None:
    """Every write path of a customer and its records calls this once it has the row."""
    if customer.status is CustomerStatus.ANONYMIZED:
        raise DomainError.single(
            ErrorCode.ANONYMIZED,
            "The customer was anonymized; it can no longer be changed.",
            field,
        )


async def get_customer(
    organization_id: uuid.UUID, customer_id: uuid.UUID, field: FieldPath = ("id",)
) -> Customer:
    customer = await Customer.get_or_none(
        id=customer_id, organization_id=organization_id, staged_import_id__isnull=True
    )
    if customer is None:
        raise not_found("Customer", field)
    return customer


class _StaleVersion(Exception):
    """Raised inside the write transaction to roll it back when the version moved."""


async def _uniqueness_errors(
    organization_id: uuid.UUID, values: Mapping[str, Any], exclude: uuid.UUID | None = None
) -> list[FieldError]:
    errors = []
    for column, (label, path) in UNIQUE_COLUMNS.items():
        value = values.get(column)
        if value is None:
            continue
        query = Customer.filter(organization_id=organization_id, **{column: value})
        if exclude is not None:
            query = query.exclude(id=exclude)
        if await query.exists():
            errors.append(FieldError(ErrorCode.TAKEN, f"This {label} is already in use.", path))
    return errors


async def _taken_after_race(
    organization_id: uuid.UUID, values: Mapping[str, Any], exclude: uuid.UUID | None = None
) -> DomainError:
    # A concurrent write took a unique value between our check and our insert.
    taken = await _uniqueness_errors(organization_id, values, exclude)
    return DomainError(taken or [FieldError(ErrorCode.TAKEN, "A unique value is in use.")])


def _clean_datev(
    organization: Organization, datev: RawValues | None
) -> tuple[CustomerAttributes, list[FieldError]]:
    """The debtor number given, if any, as {"datev_debtor_number": ...}."""
    if datev is None:
        return {}, []
    if not organization.datev_enabled:
        return {}, [
            FieldError(
                ErrorCode.ADDON_NOT_ENABLED,
                "The DATEV add-on is not enabled for this organization.",
                ("datev",),
            )
        ]
    try:
        number = clean_debtor_number(datev.get("debtor_number"), organization.datev_account_length)
    except InvalidValue as exc:
        return {}, [FieldError(exc.code, exc.message, ("datev", "debtor_number"))]
    return ({"datev_debtor_number": number} if number is not None else {}), []


def _check_create(organization: Organization, draft: CustomerDraft) -> _Checked:
    cleaned, errors = clean_customer(draft.fields)
    # Absent and cleared mean the same on create: the defaults apply.
    values = cast(
        CustomerAttributes, {name: value for name, value in cleaned.items() if value is not None}
    )
    errors += missing_required(values, errors)
    address, address_errors = clean_address(draft.address or {}, "address")
    invoice, invoice_errors = clean_address(draft.invoice_address or {}, "invoice_address")
    datev, datev_errors = _clean_datev(organization, draft.datev)
    errors += address_errors + invoice_errors + datev_errors
    values |= datev
    return _Checked(
        values=values,
        address=address,
        invoice_address=invoice if draft.invoice_address is not None else None,
        errors=errors,
    )


def created_values(
    values: CustomerAttributes,
    address: AddressAttributes,
    invoice_address: AddressAttributes | None,
) -> dict[str, Any]:
    """Everything a create stored, addresses included, for the audit trail."""
    stored = {k: v for k, v in values.items() if v is not None}
    for prefix, given in (("address", address), ("invoice_address", invoice_address or {})):
        stored |= {f"{prefix}.{k}": v for k, v in given.items() if v is not None}
    return stored


@dataclass(slots=True)
class PreparedCustomer:
    """A create that passed the rules: column values (defaults applied) and addresses."""

    values: CustomerAttributes
    address: AddressAttributes
    invoice_address: AddressAttributes | None


def prepare_customer(
    organization: Organization, draft: CustomerDraft
) -> tuple[PreparedCustomer, list[FieldError]]:
    """The create rules that need no database: every violation, or a prepared customer."""
    checked = _check_create(organization, draft)
    values, address, invoice_address = checked.values, checked.address, checked.invoice_address
    country = address.get("country_code") or (invoice_address or {}).get("country_code")
    values["language"] = values.get("language") or default_language(country)
    values["currency_code"] = values.get("currency_code") or "EUR"
    values["display_name"] = display_name(values)
    return PreparedCustomer(values, address, invoice_address), checked.errors


async def number_customers(organization: Organization, prepared: list[PreparedCustomer]) -> None:
    """Give prepared customers their customer (and DATEV debtor) numbers; call inside the
    transaction that writes them, or in a short one of its own (an import: numbers stay
    used if the write never happens)."""
    given = [number for p in prepared if (number := p.values.get("customer_number"))]
    # Claims first: the block allocated next then starts past every typed-in number.
    await claim_numbers(organization.id, NumberRangeKind.CUSTOMER, given)
    missing = [p for p in prepared if not p.values.get("customer_number")]
    numbers = await allocate_numbers(organization.id, NumberRangeKind.CUSTOMER, len(missing))
    for item, number in zip(missing, numbers, strict=True):
        item.values["customer_number"] = number
    if organization.datev_enabled:
        typed = [number for p in prepared if (number := p.values.get("datev_debtor_number"))]
        bounds = await locked_debtor_bounds(organization.id, typed)
        await claim_numbers(organization.id, NumberRangeKind.DATEV_DEBTOR, typed)
        missing = [p for p in prepared if not p.values.get("datev_debtor_number")]
        numbers = await allocate_numbers(
            organization.id, NumberRangeKind.DATEV_DEBTOR, len(missing), bounds
        )
        for item, number in zip(missing, numbers, strict=True):
            item.values["datev_debtor_number"] = number


@dataclass(slots=True)
class CustomerRows:
    """Numbered customers as rows to insert: built before the write transaction opens."""

    customers: list[Customer]
    addresses: list[Address]
    events: list[CustomerEvent]


def customer_rows(
    *,
    organization: Organization,
    prepared: list[PreparedCustomer],
    actor: Actor,
    staged_import_id: uuid.UUID | None = None,
) -> CustomerRows:
    """With `staged_import_id` the customers stay invisible until that import publishes them."""
    customers = [
        Customer(organization_id=organization.id, staged_import_id=staged_import_id, **p.values)
        for p in prepared
    ]
    addresses = []
    events = []
    for customer, item in zip(customers, prepared, strict=True):
        addresses.append(
            Address(
                organization_id=organization.id,
                customer_id=customer.id,
                type=AddressType.DEFAULT,
                is_default=True,
                **item.address,
            )
        )
        if item.invoice_address is not None:
            addresses.append(
                Address(
                    organization_id=organization.id,
                    customer_id=customer.id,
                    type=AddressType.INVOICE,
                    is_default=True,
                    **item.invoice_address,
                )
            )
        events.append(
            new_event(
                organization_id=organization.id,
                customer_id=customer.id,
                action=CustomerEventAction.CREATED,
                actor=actor,
                changes=changes_between(
                    {}, created_values(item.values, item.address, item.invoice_address)
                ),
            )
        )
    return CustomerRows(customers, addresses, events)


async def write_customer_rows(rows: CustomerRows) -> None:
    await Customer.bulk_create(rows.customers)
    await Address.bulk_create(rows.addresses)
    await CustomerEvent.bulk_create(rows.events)


async def insert_customers(
    *, organization: Organization, prepared: list[PreparedCustomer], actor: Actor
) -> list[Customer]:
    """Write prepared customers; call inside a transaction. One statement per kind of row
    and one number block per range, whether for one customer or an import of thousands."""
    await number_customers(organization, prepared)
    rows = customer_rows(organization=organization, prepared=prepared, actor=actor)
    await write_customer_rows(rows)
    return rows.customers


async def create_customer(
    *, organization: Organization, draft: CustomerDraft, actor: Actor
) -> Customer:
    prepared, errors = prepare_customer(organization, draft)
    errors += await _uniqueness_errors(organization.id, prepared.values)
    if errors:
        raise DomainError(errors)
    try:
        async with in_transaction():
            [customer] = await insert_customers(
                organization=organization, prepared=[prepared], actor=actor
            )
            await record_customer_events(organization.id, EventType.CUSTOMER_CREATED, [customer.id])
    except IntegrityError:
        raise await _taken_after_race(organization.id, prepared.values) from None
    return customer


async def update_customer(
    *,
    organization: Organization,
    customer_id: uuid.UUID,
    changes: RawValues,
    actor: Actor,
    expected_version: int | None = None,
    datev: RawValues | None = None,
) -> Customer:
    """Apply the given fields (None clears); absent fields stay as they are.

    The write is a compare-and-set on `version` in the database, so a concurrent
    change between our read and our write is never overwritten. `datev` without a
    debtor number gives a customer that has none one from the range.
    """
    cleaned, errors = clean_customer(changes)
    datev_values, datev_errors = _clean_datev(organization, datev)
    errors += datev_errors
    cleaned |= datev_values
    wants_debtor_number = organization.datev_enabled and datev is not None and not datev_values
    for _ in range(_MAX_UPDATE_ATTEMPTS):
        current = await get_customer(organization.id, customer_id)
        refuse_anonymized(current)
        if expected_version is not None and expected_version != current.version:
            raise _conflict(current.version)
        merged: dict[str, Any] = {name: getattr(current, name) for name in EDITABLE_FIELDS}
        merged.update(cleaned)
        problems = errors + missing_required(merged, errors)
        new_values = {k: v for k, v in cleaned.items() if v != getattr(current, k)}
        problems += await _uniqueness_errors(organization.id, new_values, current.id)
        if problems:
            raise DomainError(problems)
        merged["display_name"] = display_name(merged)
        changed = {k: v for k, v in merged.items() if v != getattr(current, k)}
        allocate = wants_debtor_number and current.datev_debtor_number is None
        if not changed and not allocate:
            return current
        try:
            await _write_update(organization, current, changed, allocate=allocate, actor=actor)
        except _StaleVersion:
            if expected_version is not None:
                raise _conflict(None) from None
            continue
        except IntegrityError:
            raise await _taken_after_race(organization.id, changed, current.id) from None
        return await get_customer(organization.id, customer_id)
    raise _conflict(None)


async def _write_update(
    organization: Organization,
    current: Customer,
    changed: dict[str, Any],
    *,
    allocate: bool,
    actor: Actor,
) -> None:
    async with in_transaction():
        if "customer_number" in changed:
            await claim_number(
                organization.id, NumberRangeKind.CUSTOMER, changed["customer_number"]
            )
        typed = changed.get("datev_debtor_number")
        if typed is not None or allocate:
            bounds = await locked_debtor_bounds(organization.id, [typed] if typed else [])
            if typed is not None:
                await claim_number(organization.id, NumberRangeKind.DATEV_DEBTOR, typed)
            else:
                changed["datev_debtor_number"] = await allocate_number(
                    organization.id, NumberRangeKind.DATEV_DEBTOR, bounds
                )
        updated = await Customer.filter(
            id=current.id, organization_id=organization.id, version=current.version
        ).update(**changed, version=F("version") + 1, updated_at=_now())
        if updated != 1:
            raise _StaleVersion
        before = {name: getattr(current, name) for name in changed}
        await record_event(
            organization_id=organization.id,
            customer_id=current.id,
            action=CustomerEventAction.UPDATED,
            actor=actor,
            changes=changes_between(before, changed),
        )
        await record_customer_events(organization.id, EventType.CUSTOMER_UPDATED, [current.id])


def _conflict(version: int | None) -> DomainError:
    detail = f" (it is at version {version} now)" if version is not None else ""
    return DomainError.single(
        ErrorCode.CONFLICT,
        f"The customer was changed by someone else{detail}. Reload it and try again.",
        ("expected_version",),
    )
