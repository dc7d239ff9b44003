"""Mutations of the contract whose features are not built yet: a clear top-level error."""

from __future__ import annotations

from resolvers.context import Info
from resolvers.errors import NotBuiltYet
from schema.inputs import CustomersImportInput
from schema.payloads import CustomersImportPayload


async def customers_import(info: Info, input: CustomersImportInput) -> CustomersImportPayload:
    raise NotBuiltYet("The customer import")
