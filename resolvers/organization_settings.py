"""Organization settings a `write` key may change: number ranges and DATEV settings."""

from __future__ import annotations

from domain import datev, number_range_settings, organizations
from domain.errors import not_found
from models.enums import NumberRangeKind
from resolvers.guards import require_settings_write
from resolvers.inputs import given, value_of
from resolvers.payloads import refusals_as
from schema.context import Info
from schema.inputs import DatevSettingsInput, NumberRangeUpdateInput, OrganizationSettingsInput
from schema.payloads import NumberRangePayload, OrganizationPayload
from schema.types.number_range import NumberRange
from schema.types.organization import Organization


async def number_ranges(info: Info) -> list[NumberRange]:
    organization = info.context.principal.organization
    return [
        NumberRange.from_model(row, number_range_settings.bounds_of(organization, row.kind))
        for row in await number_range_settings.number_ranges(organization)
    ]


@refusals_as(NumberRangePayload)
async def number_range_update(info: Info, input: NumberRangeUpdateInput) -> NumberRangePayload:
    require_settings_write(info)
    organization = info.context.principal.organization
    kind = NumberRangeKind[input.kind.name]
    row = await number_range_settings.update_number_range(
        organization=organization,
        kind=kind,
        changes=given(input, ("format", "padding", "next_value")),
    )
    return NumberRangePayload(
        number_range=NumberRange.from_model(
            row, number_range_settings.bounds_of(organization, kind)
        )
    )


@refusals_as(OrganizationPayload)
async def datev_settings_update(info: Info, input: DatevSettingsInput) -> OrganizationPayload:
    require_settings_write(info)
    row = await datev.update_datev_settings(
        organization=info.context.principal.organization,
        changes=given(input, ("account_length", "consultant_number", "client_number")),
    )
    return OrganizationPayload(organization=Organization.from_model(row))


@refusals_as(OrganizationPayload)
async def organization_settings_update(
    info: Info, input: OrganizationSettingsInput
) -> OrganizationPayload:
    require_settings_write(info)
    row = await organizations.update_organization(
        info.context.principal.organization_id,
        customers_read_only=value_of(input.customers_read_only),
    )
    if row is None:
        raise not_found("Organization")
    return OrganizationPayload(organization=Organization.from_model(row))
