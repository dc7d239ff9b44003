"""SQLite: reads go on while a write of the same process waits for the write lock.

Another process (an import publishing, another server worker) may hold SQLite's write
lock for a while; a write of this process then waits in the busy timeout. Reads need no
lock in WAL mode, and they do not queue behind that waiting write either.
"""

from __future__ import annotations

import asyncio

import pytest

from models import Customer
from tests.client import Tenant
from tests.conftest import POSTGRES_URL
from tests.helpers import pk_of
from tests.sqlite_lock import another_process_writing

pytestmark = pytest.mark.skipif(POSTGRES_URL is not None, reason="SQLite's write lock")

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id displayName }
    userErrors { field code message }
  }
}
"""

PAGE = """
query Page {
  customers(first: 10) { edges { node { id displayName defaultAddress { city } } } }
}
"""

# Far below the busy timeout (10 s) a waiting write may take before it gives up.
READ_DEADLINE_SECONDS = 5


async def test_a_read_answers_while_a_write_of_the_process_waits_for_the_lock(
    tenant: Tenant, database_url: str
) -> None:
    # given: a customer, and another process holding the write lock
    existing = await tenant.execute(
        CREATE, {"input": {"type": "COMPANY", "companyName": "Bestand AG"}}
    )
    with another_process_writing(database_url):
        waiting = asyncio.create_task(
            tenant.api.post(
                CREATE,
                {"input": {"type": "COMPANY", "companyName": "Wartet AG"}},
                key=tenant.key,
            )
        )
        await asyncio.sleep(0.5)  # the write is now waiting for the lock
        # when
        page = await asyncio.wait_for(tenant.execute(PAGE), READ_DEADLINE_SECONDS)
        # then: the read saw the committed customer; the write still waits
        assert [edge["node"]["displayName"] for edge in page["customers"]["edges"]] == [
            "Bestand AG"
        ]
        assert not waiting.done()
    written = (await waiting).json()["data"]["customerCreate"]
    assert written["userErrors"] == []
    names = {
        row.display_name for row in await Customer.filter(organization_id=tenant.organization_id)
    }
    assert names == {"Bestand AG", "Wartet AG"}
    assert (await Customer.get(id=pk_of(existing["customerCreate"]["customer"]["id"]))).version == 1
