"""The feed under concurrent commits: two `kundenstamm serve` processes take writes at
once while a consumer pages on with `after`; it sees every event exactly once, and each
customer's versions in increasing order."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import httpx

from models import Event
from tests.client import Tenant
from tests.live_server import live_servers
from tests.test_workers import UNTHROTTLED

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { id } userErrors { code } }
}
"""
UPDATE = """
mutation Update($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) { customer { version } userErrors { code } }
}
"""
EVENTS = """
query Events($after: String) {
  events(first: 50, after: $after) {
    edges { node { id customerId data } }
    pageInfo { endCursor }
  }
}
"""
WRITERS = 12
UPDATES_EACH = 5


async def _post(http: httpx.AsyncClient, key: str, query: str, variables: Any) -> Any:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def _writer(http: httpx.AsyncClient, key: str, index: int) -> None:
    created = await _post(
        http, key, CREATE, {"input": {"type": "COMPANY", "companyName": f"Firma {index}"}}
    )
    customer_id = created["customerCreate"]["customer"]["id"]
    for update in range(UPDATES_EACH):
        data = await _post(
            http,
            key,
            UPDATE,
            {"input": {"id": customer_id, "companyName": f"Firma {index}.{update}"}},
        )
        assert data["customerUpdate"]["userErrors"] == []


async def test_a_paging_consumer_sees_every_event_once_while_two_servers_write(
    tenant: Tenant, database_url: str
) -> None:
    # given
    async with live_servers(database_url, 2, UNTHROTTLED) as urls:
        clients = [httpx.AsyncClient(base_url=url, timeout=60) for url in urls]
        try:
            seen: list[dict[str, Any]] = []
            after: str | None = None
            writers = asyncio.gather(
                *(_writer(clients[i % 2], tenant.key, i) for i in range(WRITERS))
            )
            # when: the consumer pages on, from either server, while the writes commit
            page = 0
            while not writers.done():
                data = await _post(clients[page % 2], tenant.key, EVENTS, {"after": after})
                seen += [edge["node"] for edge in data["events"]["edges"]]
                after = data["events"]["pageInfo"]["endCursor"]
                page += 1
                await asyncio.sleep(0.01)
            await writers
            while True:
                data = await _post(clients[page % 2], tenant.key, EVENTS, {"after": after})
                if not data["events"]["edges"]:
                    break
                seen += [edge["node"] for edge in data["events"]["edges"]]
                after = data["events"]["pageInfo"]["endCursor"]
                page += 1
        finally:
            for client in clients:
                await client.aclose()
    # then
    expected = WRITERS * (1 + UPDATES_EACH)
    assert len(seen) == expected
    assert len({event["id"] for event in seen}) == expected
    versions: dict[str, list[int]] = defaultdict(list)
    for event in seen:
        versions[event["customerId"]].append(event["data"]["customer"]["version"])
    assert sorted(versions.values()) == [list(range(1, UPDATES_EACH + 2))] * WRITERS
    assert await Event.filter(organization_id=tenant.organization_id).count() == expected
    assert page > 2, "the consumer should have paged while the writers ran"
