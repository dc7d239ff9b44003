"""Customer import: rows of a file through the same rules as customerCreate/-Update.

All or nothing: every row runs inside one transaction, each in a savepoint of its own so
one refused row does not hide the next; when any row fails, or for a dry run, the whole
transaction is rolled back. The columns are those of the XLSX export, so an export
imports again unchanged.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.customers.address_roles import default_address
from domain.customers.addresses import create_address, update_address
from domain.customers.anonymization import external_id_digest
from domain.customers.editing import (
    CustomerDraft,
    PreparedCustomer,
    number_customers,
    prepare_customer,
    update_customer,
)
from domain.customers.registry import (
    ADDRESS_LABELS,
    CUSTOMER_HEADERS,
    IMPORT_IGNORED,
    UNIQUE_COLUMNS,
)
from domain.customers.staged_events import StagedEvents
from domain.customers.staged_rows import rows_per_transaction, staged_rows, write_staged_rows
from domain.customers.status import archive_customer, restore_customer
from domain.errors import DomainError, ErrorCode, FieldError
from domain.events import one_event_per_customer, record_customer_events
from domain.numbers import claim_numbers
from domain.principal import Actor
from models import Address, Customer, CustomerEvent, Organization, StagedEvent
from models.enums import (
    AddressType,
    CustomerStatus,
    CustomerType,
    EventType,
    ImportMode,
    Language,
    NumberRangeKind,
    PaymentMethodType,
)
from spreadsheets.customer_columns import (
    DEFAULT_GROUP,
    INVOICE_GROUP,
    PAYMENT_METHOD,
    address_header,
)
from spreadsheets.import_reader import UnreadableFile, read_table

MAX_ROWS = 100_000
INSERT_CHUNK = 1000
# Rows numbered, and their events read, at a time.
WRITE_CHUNK = 250
# Columns a row is matched to an existing customer by, in this order.
MATCH_KEYS = ("customer_number", "external_id")


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str | None
    code: ErrorCode
    message: str


@dataclass(slots=True)
class ImportOutcome:
    dry_run: bool
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


class _RollBack(Exception):
    pass


def _key(header: str) -> str:
    return " ".join(header.casefold().split())


# (part, attribute) -> header; part is "customer", "address" or "invoice_address"
HEADERS: dict[tuple[str, str], str] = {
    **{("customer", attribute): header for attribute, header in CUSTOMER_HEADERS.items()},
    **{
        (part, attribute): address_header(group, label)
        for group, part in ((DEFAULT_GROUP, "address"), (INVOICE_GROUP, "invoice_address"))
        for attribute, label in ADDRESS_LABELS.items()
    },
}
# normalized header -> (part, attribute)
TARGETS: dict[str, tuple[str, str]] = {_key(header): target for target, header in HEADERS.items()}

_CHOICES: dict[str, dict[str, Any]] = {
    "type": {
        "privatperson": CustomerType.PERSON,
        "person": CustomerType.PERSON,
        "unternehmen": CustomerType.COMPANY,
        "company": CustomerType.COMPANY,
    },
    "status": {
        "aktiv": CustomerStatus.ACTIVE,
        "active": CustomerStatus.ACTIVE,
        "archiviert": CustomerStatus.ARCHIVED,
        "archived": CustomerStatus.ARCHIVED,
    },
    "language": {
        "deutsch": Language.DE,
        "de": Language.DE,
        "englisch": Language.EN,
        "en": Language.EN,
    },
    "default_payment_method": {
        **{label.casefold(): method for method, label in PAYMENT_METHOD.items()},
        **{method.value.casefold(): method for method in PaymentMethodType},
    },
}


def _text(value: Any) -> str | None:
    """A cell as text: numbers typed into a spreadsheet (PLZ 10115) count as their digits."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


@dataclass(slots=True)
class _Row:
    number: int
    customer: dict[str, Any] = field(default_factory=dict)
    address: dict[str, Any] = field(default_factory=dict)
    invoice_address: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def _parse_row(
    number: int, cells: list[Any], columns: list[tuple[str, str] | None], headers: list[str]
) -> _Row:
    row = _Row(number)
    parts = {
        "customer": row.customer,
        "address": row.address,
        "invoice_address": row.invoice_address,
    }
    for position, cell in enumerate(cells):
        target = columns[position] if position < len(columns) else None
        if target is None:
            # Under an unknown header it is reported with the header; without any header
            # it would be lost silently.
            unnamed = position >= len(columns) or not headers[position]
            if unnamed and _text(cell) not in (None, ""):
                row.errors.append(
                    RowError(
                        number, None, ErrorCode.INVALID, "A value in a column without a header."
                    )
                )
            continue
        if target[1] in IMPORT_IGNORED:
            continue
        part, attribute = target
        value = _text(cell)
        if value is not None:
            value = value.strip() or None
        if value is not None and attribute in _CHOICES:
            choice = _CHOICES[attribute].get(value.casefold())
            if choice is None:
                allowed = ", ".join(sorted({str(k) for k in _CHOICES[attribute]}))
                row.errors.append(
                    RowError(number, HEADERS[target], ErrorCode.INVALID, f"Use one of: {allowed}.")
                )
                continue
            value = choice
        parts[part][attribute] = value
    return row


def _column_of(error: FieldError) -> str | None:
    path = error.field or ()
    if path[:1] == ("datev",):
        return HEADERS[("customer", "datev_debtor_number")]
    if len(path) == 2 and path[0] in ("address", "invoice_address"):
        return HEADERS.get((path[0], path[1]))
    if len(path) == 1:
        return HEADERS.get(("customer", path[0]))
    return None


def _row_errors(number: int, error: DomainError) -> list[RowError]:
    return [RowError(number, _column_of(e), e.code, e.message) for e in error.errors]


def _differing_invoice_address(row: _Row) -> dict[str, Any] | None:
    """The export writes the invoice address even when it is the default address."""
    given = {k: v for k, v in row.invoice_address.items() if v is not None}
    same = {k: v for k, v in row.address.items() if v is not None}
    return row.invoice_address if given and given != same else None


def _customer_values(row: _Row) -> tuple[dict[str, Any], dict[str, Any] | None]:
    values = dict(row.customer)
    values.pop("status", None)
    debtor = values.pop("datev_debtor_number", None)
    if values.get("invoice_email") is not None and values.get("invoice_email") == values.get(
        "email"
    ):
        values["invoice_email"] = None
    return values, ({"debtor_number": debtor} if debtor is not None else None)


def _prepare(row: _Row, organization: Organization) -> tuple[PreparedCustomer, list[FieldError]]:
    values, datev = _customer_values(row)
    return prepare_customer(
        organization,
        CustomerDraft(
            fields=values,
            address=row.address,
            invoice_address=_differing_invoice_address(row),
            datev=datev,
        ),
    )


async def _update(row: _Row, existing: Customer, organization: Organization, actor: Actor) -> None:
    values, datev = _customer_values(row)
    if values.get("customer_number") is None:
        values.pop("customer_number", None)  # matched by external id: the number stays
    await update_customer(
        organization=organization, customer_id=existing.id, changes=values, datev=datev, actor=actor
    )
    addresses = await Address.filter(customer_id=existing.id)
    if row.address:
        await update_address(
            organization_id=organization.id,
            address_id=default_address(addresses).id,
            fields=row.address,
            actor=actor,
        )
    invoice = _differing_invoice_address(row)
    if invoice is not None:
        try:
            await _update_invoice_address(existing, addresses, invoice, organization, actor)
        except DomainError as error:
            raise DomainError(
                FieldError(e.code, e.message, ("invoice_address", *(e.field or ())[1:]))
                for e in error.errors
            ) from None
    status = row.customer.get("status")
    if status is not None and status is not existing.status:
        change = archive_customer if status is CustomerStatus.ARCHIVED else restore_customer
        await change(organization_id=organization.id, customer_id=existing.id, actor=actor)


async def _update_invoice_address(
    existing: Customer,
    addresses: list[Address],
    invoice: dict[str, Any],
    organization: Organization,
    actor: Actor,
) -> None:
    current = next((a for a in addresses if a.type is AddressType.INVOICE and a.is_default), None)
    if current is None:
        await create_address(
            organization_id=organization.id,
            customer_id=existing.id,
            address_type=AddressType.INVOICE,
            set_as_default=True,
            fields=invoice,
            actor=actor,
        )
    else:
        await update_address(
            organization_id=organization.id, address_id=current.id, fields=invoice, actor=actor
        )


def _duplicates(rows: list[_Row]) -> None:
    for attribute in UNIQUE_COLUMNS:
        seen: dict[str, int] = {}
        for row in rows:
            value = row.customer.get(attribute)
            if value is None:
                continue
            if value in seen:
                row.errors.append(
                    RowError(
                        row.number,
                        HEADERS[("customer", attribute)],
                        ErrorCode.TAKEN,
                        f"Also in row {seen[value]} of this file.",
                    )
                )
            else:
                seen[value] = row.number


async def _existing(
    organization_id: uuid.UUID, rows: list[_Row]
) -> dict[tuple[str, str], Customer]:
    found: dict[tuple[str, str], Customer] = {}
    for attribute in MATCH_KEYS:
        values = [r.customer[attribute] for r in rows if r.customer.get(attribute) is not None]
        for start in range(0, len(values), 500):
            for customer in await Customer.filter(
                organization_id=organization_id,
                staged_import_id__isnull=True,
                **{f"{attribute}__in": values[start : start + 500]},
            ):
                found[(attribute, getattr(customer, attribute))] = customer
    return found


def _match(row: _Row, existing: Mapping[tuple[str, str], Customer]) -> tuple[str, Customer] | None:
    for attribute in MATCH_KEYS:
        value = row.customer.get(attribute)
        if value is not None and (attribute, value) in existing:
            return attribute, existing[(attribute, value)]
    return None


async def _erased_external_ids(
    organization_id: uuid.UUID, rows: list[_Row], secret_key: str
) -> set[str]:
    """The external ids of the file that anonymized customers had (kept as digests only)."""
    digests = {
        external_id_digest(secret_key, organization_id, str(value)): str(value)
        for row in rows
        if (value := row.customer.get("external_id")) is not None
    }
    found: set[str] = set()
    keys = list(digests)
    for start in range(0, len(keys), 500):
        matches = await Customer.filter(
            organization_id=organization_id, erased_external_id__in=keys[start : start + 500]
        ).values_list("erased_external_id", flat=True)
        found |= {digests[str(digest)] for digest in matches}
    return found


def _anonymized(row: _Row, matched: tuple[str, Customer] | None, erased: set[str]) -> str | None:
    """The column by which the row matches an anonymized customer, if it does."""
    if matched is not None and matched[1].status is CustomerStatus.ANONYMIZED:
        return matched[0]
    if row.customer.get("external_id") is not None and str(row.customer["external_id"]) in erased:
        return "external_id"
    return None


class Progress(Protocol):
    """Where a long import reports how far it got (the job row, for a progress bar)."""

    async def read(self, rows_total: int) -> None: ...

    async def advance(self, rows_processed: int) -> None: ...

    async def publish(self, outcome: ImportOutcome) -> None:
        """Called inside the transaction that makes the import visible (its events may
        follow in transactions of their own, domain/events.py)."""


class _NoProgress:
    async def read(self, rows_total: int) -> None:
        pass

    async def advance(self, rows_processed: int) -> None:
        pass

    async def publish(self, outcome: ImportOutcome) -> None:
        pass


def _read_rows(data: bytes, max_rows: int, outcome: ImportOutcome) -> tuple[list[_Row], bool]:
    """The file's rows and whether it has the type column (without it nothing is checked)."""
    try:
        table = read_table(data, max_rows=max_rows)
        columns = [TARGETS.get(_key(header)) for header in table.header]
        outcome.errors += [
            RowError(1, header or None, ErrorCode.INVALID, "Unknown column.")
            for header, target in zip(table.header, columns, strict=True)
            if target is None and header
        ]
        seen_headers: dict[tuple[str, str], str] = {}
        for header, target in zip(table.header, columns, strict=True):
            if target is not None and target in seen_headers:
                outcome.errors.append(
                    RowError(1, header, ErrorCode.INVALID, f"The column {header} appears twice.")
                )
            elif target is not None:
                seen_headers[target] = header
        rows = [
            _parse_row(number, cells, columns, table.header)
            for number, cells in table.rows
            if any(cell not in (None, "") for cell in cells)
        ]
    except UnreadableFile as exc:
        raise DomainError.single(ErrorCode.INVALID, str(exc), ("file",)) from None
    has_type = ("customer", "type") in columns
    if not has_type:
        outcome.errors.append(
            RowError(1, HEADERS[("customer", "type")], ErrorCode.REQUIRED, "The column is missing.")
        )
    return rows, has_type


async def import_customers(
    *,
    organization: Organization,
    actor: Actor,
    data: bytes,
    dry_run: bool,
    mode: ImportMode,
    max_rows: int = MAX_ROWS,
    staged_as: uuid.UUID | None = None,
    progress: Progress | None = None,
    secret_key: str | None = None,
) -> ImportOutcome:
    """Check every row, stage the new customers, then publish everything in one step.

    New customers are written chunk by chunk, each chunk (with its block of numbers) in a
    short transaction of its own, marked as staged by this import and so invisible to
    every read; the closing transaction applies the updates and clears the mark. So no
    transaction holds SQLite's write lock, or a number range's row lock, for long, and
    readers still see all rows of the file or none. When anything fails, the staged rows
    are deleted again (their numbers stay used: ranges may have gaps).

    `secret_key` (the server's) recognises external ids that an anonymization erased.
    """
    report = progress or _NoProgress()
    outcome = ImportOutcome(dry_run=dry_run)
    rows, has_type = _read_rows(data, max_rows, outcome)
    outcome.rows_total = len(rows)
    await report.read(len(rows))
    _duplicates(rows)
    for row in rows:
        outcome.errors += row.errors
    if not has_type:
        return outcome  # without types no row can be checked as a create
    stage = _Stage(
        organization, actor, staged_as or uuid.uuid4(), writes=not dry_run, secret_key=secret_key
    )
    try:
        await stage.run(rows, mode, outcome, report)
        # Also after errors: the updates are tried (and rolled back) to report theirs too.
        await stage.publish(outcome, report)
    except IntegrityError:
        # Another write took a unique value meanwhile; nothing of the import was kept.
        outcome.errors.append(
            RowError(
                1,
                None,
                ErrorCode.CONFLICT,
                "Customers changed while importing (a number was taken); import again.",
            )
        )
    finally:
        if outcome.errors or dry_run:
            await stage.discard()
    if outcome.errors:
        outcome.created = outcome.updated = 0
    return outcome


class _Stage:
    """The new customers of one import, written but not yet visible."""

    def __init__(
        self,
        organization: Organization,
        actor: Actor,
        import_id: uuid.UUID,
        *,
        writes: bool,
        secret_key: str | None = None,
    ) -> None:
        self.secret_key = secret_key
        self.erased: set[str] = set()
        self.organization = organization
        self.actor = actor
        self.import_id = import_id
        self.writes = writes
        self.updates: list[tuple[_Row, Customer]] = []
        self.archive: list[uuid.UUID] = []
        self.staged = 0
        self.created_ids: set[uuid.UUID] = set()
        self.created_events = StagedEvents(organization.id, import_id)

    async def run(
        self, rows: list[_Row], mode: ImportMode, outcome: ImportOutcome, report: Progress
    ) -> None:
        existing = await _existing(self.organization.id, rows)
        if self.secret_key is not None:
            self.erased = await _erased_external_ids(self.organization.id, rows, self.secret_key)
        if self.writes:
            await self._claim_typed_numbers(rows, existing)
        for first in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[first : first + INSERT_CHUNK]
            creates = await self._check(chunk, existing, mode, outcome)
            # Once any row failed nothing will be kept: checking goes on (one run shows
            # every problem of the file), writing stops.
            if self.writes and creates and not outcome.errors:
                for start in range(0, len(creates), WRITE_CHUNK):
                    if not outcome.errors:
                        await self._write(creates[start : start + WRITE_CHUNK], outcome)
            elif not self.writes:
                outcome.created += len(creates)
            await report.advance(first + len(chunk))

    async def _claim_typed_numbers(
        self, rows: list[_Row], existing: Mapping[tuple[str, str], Customer]
    ) -> None:
        # Before the first chunk allocates: no chunk may hand out a number that a later row
        # of the file brings along.
        new = [row for row in rows if not row.errors and _match(row, existing) is None]
        for kind, column in (
            (NumberRangeKind.CUSTOMER, "customer_number"),
            (NumberRangeKind.DATEV_DEBTOR, "datev_debtor_number"),
        ):
            typed = [str(row.customer[column]) for row in new if row.customer.get(column)]
            if typed and (kind is NumberRangeKind.CUSTOMER or self.organization.datev_enabled):
                async with in_transaction():
                    await claim_numbers(self.organization.id, kind, typed)

    async def _check(
        self,
        chunk: list[_Row],
        existing: Mapping[tuple[str, str], Customer],
        mode: ImportMode,
        outcome: ImportOutcome,
    ) -> list[tuple[_Row, PreparedCustomer]]:
        creates: list[tuple[_Row, PreparedCustomer]] = []
        for row in chunk:
            # A row whose cells were refused is reported already; the others are still
            # checked, so one run shows every problem of the file.
            if row.errors:
                continue
            matched = _match(row, existing)
            anonymized = _anonymized(row, matched, self.erased)
            if anonymized is not None:
                outcome.errors.append(
                    RowError(
                        row.number,
                        HEADERS[("customer", anonymized)],
                        ErrorCode.ANONYMIZED,
                        "This customer was anonymized; it can no longer be changed.",
                    )
                )
            elif matched is None:
                prepared, errors = _prepare(row, self.organization)
                errors += await _taken_elsewhere(self.organization.id, prepared)
                if errors:
                    outcome.errors += _row_errors(row.number, DomainError(errors))
                else:
                    creates.append((row, prepared))
            elif mode is ImportMode.CREATE_ONLY:
                outcome.errors.append(
                    RowError(
                        row.number,
                        HEADERS[("customer", matched[0])],
                        ErrorCode.TAKEN,
                        "A customer with this value exists.",
                    )
                )
            else:
                self.updates.append((row, matched[1]))
        return creates

    async def _write(
        self, creates: list[tuple[_Row, PreparedCustomer]], outcome: ImportOutcome
    ) -> None:
        prepared = [p for _, p in creates]
        try:
            # Numbers in a short transaction of their own; the rows are built outside any
            # transaction, so the write lock is held for the inserts alone.
            async with in_transaction():
                await number_customers(self.organization, prepared)
        except DomainError as error:  # e.g. a number range that runs out
            outcome.errors += _row_errors(creates[0][0].number, error)
            return
        customer_ids: list[uuid.UUID] = []
        while len(customer_ids) < len(prepared):
            start = len(customer_ids)
            rows = staged_rows(
                organization=self.organization,
                prepared=prepared[start : start + rows_per_transaction()],
                actor=self.actor,
                staged_import_id=self.import_id,
            )
            async with in_transaction():
                await write_staged_rows(rows)
            customer_ids += rows.customer_ids
            self.staged += len(rows.customer_ids)
        outcome.created += len(customer_ids)
        self.created_ids.update(customer_ids)
        active = []
        for (row, _), customer_id in zip(creates, customer_ids, strict=True):
            if row.customer.get("status") is CustomerStatus.ARCHIVED:
                self.archive.append(customer_id)
            else:
                active.append(customer_id)
        # Archived ones get theirs when publishing archives them.
        await self.created_events.stage(active)

    async def publish(self, outcome: ImportOutcome, report: Progress) -> None:
        """One transaction: the updates, then the staged customers become visible."""
        if not self.updates and (outcome.errors or not self.writes):
            return  # nothing to try, nothing to publish
        try:
            async with in_transaction():
                # One event per customer, whatever number of writes the row made.
                with one_event_per_customer() as changed:
                    for row, customer in self.updates:
                        try:
                            async with in_transaction():
                                await _update(row, customer, self.organization, self.actor)
                            outcome.updated += 1
                        except DomainError as error:
                            outcome.errors += _row_errors(row.number, error)
                    if outcome.errors or not self.writes:
                        raise _RollBack
                    # One UPDATE by the staging mark: the rows and their events were
                    # written and read while staging, so the write lock is held briefly.
                    await Customer.filter(
                        organization_id=self.organization.id, staged_import_id=self.import_id
                    ).update(staged_import_id=None)
                    for customer_id in self.archive:
                        await archive_customer(
                            organization_id=self.organization.id,
                            customer_id=customer_id,
                            actor=self.actor,
                        )
                await self.created_events.publish()
                # Archived while publishing: their events show them archived.
                await record_customer_events(
                    self.organization.id, EventType.CUSTOMER_CREATED, self.archive
                )
                await record_customer_events(
                    self.organization.id,
                    EventType.CUSTOMER_UPDATED,
                    sorted(changed - self.created_ids),
                )
                await report.publish(outcome)
        except _RollBack:
            return
        await self.created_events.release()

    async def discard(self) -> None:
        """Delete what this import staged, in short transactions."""
        if self.staged:
            await discard_staged(self.organization.id, self.import_id)


async def discard_staged(organization_id: uuid.UUID, import_id: uuid.UUID) -> None:
    """The rows an import staged and never published (it failed, or its process died)."""
    staged = Customer.filter(organization_id=organization_id, staged_import_id=import_id)
    while ids := await staged.limit(INSERT_CHUNK).values_list("id", flat=True):
        async with in_transaction():
            await StagedEvent.filter(customer_id__in=ids).delete()
            await CustomerEvent.filter(customer_id__in=ids).delete()
            await Address.filter(customer_id__in=ids).delete()
            await Customer.filter(id__in=ids, staged_import_id=import_id).delete()


async def _taken_elsewhere(
    organization_id: uuid.UUID, prepared: PreparedCustomer
) -> list[FieldError]:
    """Unique values of a new row that another customer already has (not the match keys)."""
    debtor = prepared.values.get("datev_debtor_number")
    if debtor is None:
        return []
    if await Customer.exists(organization_id=organization_id, datev_debtor_number=debtor):
        return [
            FieldError(
                ErrorCode.TAKEN,
                "This DATEV debtor number is already in use.",
                ("datev", "debtor_number"),
            )
        ]
    return []
