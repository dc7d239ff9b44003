"""Benchmark: the customer export of a large organization, as the worker process runs it.

    python -m bench.bench_export [--customers 100000] [--format XLSX|DATEV] [--database-url URL]

Prints rows, seconds, the peak resident memory of the process before and after the
export (the export must not hold the file in memory) and the file size.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
import uuid
from pathlib import Path

from tortoise import Tortoise

from database import apply_migrations, tortoise_config
from domain.organizations import create_organization, update_organization
from models import Address, Customer, ExportJob
from models.enums import AddressType, CustomerType, ExportFormat, Language
from workers.export_worker import export_customers

BATCH = 5000


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _fill(organization_id: uuid.UUID, count: int) -> None:
    for start in range(0, count, BATCH):
        customers = [
            Customer(
                id=uuid.uuid4(),
                organization_id=organization_id,
                customer_number=f"K{n:07d}",
                type=CustomerType.COMPANY,
                display_name=f"Firma {n} GmbH",
                company_name=f"Firma {n} GmbH",
                email=f"kontakt{n}@example.com",
                language=Language.DE,
                currency_code="EUR",
                vat_id="DE136695976",
                datev_debtor_number=str(10000 + n),
            )
            for n in range(start, min(start + BATCH, count))
        ]
        await Customer.bulk_create(customers)
        await Address.bulk_create(
            [
                Address(
                    organization_id=organization_id,
                    customer_id=c.id,
                    type=AddressType.DEFAULT,
                    is_default=True,
                    street="Hauptstraße",
                    house_number="1",
                    zip="10115",
                    city="Berlin",
                    country_code="DE",
                )
                for c in customers
            ]
        )


async def run(count: int, export_format: ExportFormat, database_url: str) -> None:
    await apply_migrations(database_url)
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        organization, _ = await create_organization(name="Bench GmbH")
        await update_organization(organization.id, datev_enabled=True)
        started = time.perf_counter()
        await _fill(organization.id, count)
        print(f"inserted {count} customers in {time.perf_counter() - started:.1f} s")
        job = await ExportJob.create(organization_id=organization.id, format=export_format)
        export_dir = Path(tempfile.mkdtemp())
        before = _peak_mib()
        started = time.perf_counter()
        await export_customers(job_id=job.id, export_dir=export_dir, file_seconds=3600)
        seconds = time.perf_counter() - started
        await job.refresh_from_db()
        size = sum(p.stat().st_size for p in export_dir.iterdir())
        print(
            f"{export_format.value}: {job.status.value}, {job.row_count} rows in {seconds:.1f} s, "
            f"peak RSS {before:.0f} MiB before, {_peak_mib():.0f} MiB after, "
            f"file {size / 1e6:.1f} MB"
        )
    finally:
        await Tortoise.close_connections()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--format", choices=[f.value for f in ExportFormat], default="XLSX")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite://{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    asyncio.run(run(args.customers, ExportFormat(args.format), url))


if __name__ == "__main__":
    main()
