"""GET /metrics: Prometheus text format (parsed with prometheus_client's parser), requests
by route and status, GraphQL operations by name and outcome, jobs, webhook deliveries, a
bearer token, off switch, no personal data in labels, and one view over several worker
processes."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from app import create_app
from domain.organizations import create_organization
from models import WebhookDelivery
from models.enums import WebhookDeliveryStatus
from settings import Settings
from tests.client import Api, Tenant, api_from
from tests.live_server import live_servers
from tests.webhook_receiver import webhook_receiver

ORGANIZATION = "query Org { organization { name } }"
CREATE = """
mutation CreateCustomer($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { id } userErrors { field code message } }
}
"""
BROKEN = "query Broken { organization { noSuchField } }"
EXPORT = """
mutation Export { customersExport { exportJob { id } userErrors { code } } }
"""
EXPORT_JOB = "query Job($id: ID!) { exportJob(id: $id) { status } }"
ENDPOINT_CREATE = """
mutation EndpointCreate($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) { webhookEndpoint { id } userErrors { code } }
}
"""

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(text: str) -> Samples:
    """Every sample by name and labels; parsing fails on anything not in the format."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


async def scrape(api: Api, token: str | None = None) -> tuple[httpx.Response, Samples]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await api.http.get("/metrics", headers=headers)
    return response, samples(response.text) if response.status_code == 200 else {}


async def test_requests_and_operations_are_counted_by_route_name_and_outcome(
    api: Api, tenant: Tenant
) -> None:
    # given
    _, before = await scrape(api)
    # when: one operation of each outcome but throttled (see below)
    await tenant.execute(ORGANIZATION)
    await tenant.execute(CREATE, {"input": {"type": "PERSON", "email": "erika@example.com"}})
    await api.post(BROKEN, key=tenant.key)
    response, after = await scrape(api)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert grew("kundenstamm_graphql_operations_total", operation="Org", outcome="ok") == 1
    assert (
        grew(
            "kundenstamm_graphql_operations_total",
            operation="CreateCustomer",
            outcome="user_errors",
        )
        == 1
    )
    assert grew("kundenstamm_graphql_operations_total", operation="Broken", outcome="errors") == 1
    posts = {"route": "/graphql", "method": "POST"}
    # (a validation error is a 200 for clients that do not ask for graphql-response+json)
    assert grew("kundenstamm_http_requests_total", status="200", **posts) == 3
    assert grew("kundenstamm_http_request_duration_seconds_count", **posts) >= 3
    assert value(after, "kundenstamm_jobs_queued", kind="import") == 0
    # no organization name, e-mail address or id of ours in any label
    for text in ("Muster GmbH", "erika@example.com", str(tenant.organization_id)):
        assert text not in response.text


async def test_throttled_operations_are_counted_as_such(settings: Settings) -> None:
    # given: a bucket that holds two queries' worth
    app = create_app(replace(settings, rate_limit_bucket=10, rate_limit_restore_rate=1))
    async with app.router.lifespan_context(app), api_from(app, "127.0.0.1") as api:
        _, key = await create_organization(name="Knapp AG")
        _, before = await scrape(api)
        # when
        answers = [await api.post(ORGANIZATION, key=key.secret) for _ in range(15)]
        _, after = await scrape(api)
    # then
    refused = sum(answer.status_code == 429 for answer in answers)
    assert refused >= 1
    labels = {"operation": "Org", "outcome": "throttled"}
    grown = value(after, "kundenstamm_graphql_operations_total", **labels) - value(
        before, "kundenstamm_graphql_operations_total", **labels
    )
    assert grown == refused


async def test_a_finished_export_is_counted_by_kind_and_outcome(api: Api, tenant: Tenant) -> None:
    # given
    _, before = await scrape(api)
    job_id = (await tenant.execute(EXPORT))["customersExport"]["exportJob"]["id"]
    # when
    for _ in range(300):
        job = (await tenant.execute(EXPORT_JOB, {"id": job_id}))["exportJob"]
        if job["status"] == "COMPLETED":
            break
        await asyncio.sleep(0.1)
    for _ in range(50):  # the runner counts it right after the worker returns
        _, after = await scrape(api)
        if value(after, "kundenstamm_jobs_total", kind="export", outcome="completed") > value(
            before, "kundenstamm_jobs_total", kind="export", outcome="completed"
        ):
            break
        await asyncio.sleep(0.1)
    # then
    assert job["status"] == "COMPLETED"
    done = {"kind": "export", "outcome": "completed"}
    assert (
        value(after, "kundenstamm_jobs_total", **done)
        == value(before, "kundenstamm_jobs_total", **done) + 1
    )
    assert value(after, "kundenstamm_job_duration_seconds_count", kind="export") > value(
        before, "kundenstamm_job_duration_seconds_count", kind="export"
    )


async def test_a_metrics_token_is_required_when_set(settings: Settings) -> None:
    # given
    token = "metrics-token-" + "m" * 24
    app = create_app(replace(settings, metrics_token=token))
    async with app.router.lifespan_context(app), api_from(app, "127.0.0.1") as api:
        # when
        without, _ = await scrape(api)
        wrong, _ = await scrape(api, "metrics-token-wrong")
        right, found = await scrape(api, token)
    # then
    assert (without.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert "kundenstamm_http_requests_total" in {name for name, _ in found}


async def test_metrics_can_be_switched_off(settings: Settings) -> None:
    # given
    app = create_app(replace(settings, metrics=False))
    async with app.router.lifespan_context(app), api_from(app, "127.0.0.1") as api:
        # when
        response = await api.http.get("/metrics")
    # then
    assert response.status_code == 404


async def test_one_scrape_counts_the_requests_of_every_worker(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    # given: a server with two worker processes
    _, key = await create_organization(name="Zwei Prozesse GmbH")
    with (tmp_path / "server.log").open("wb") as log:
        async with live_servers(database_url, 1, workers=2, log=log) as [url]:
            # when: enough requests, on fresh connections, for both workers to answer
            for _ in range(40):
                async with httpx.AsyncClient(base_url=url, timeout=30) as once:
                    answer = await once.post(
                        "/graphql",
                        json={"query": ORGANIZATION},
                        headers={"Authorization": f"Bearer {key.secret}"},
                    )
                    assert answer.status_code == 200
            async with httpx.AsyncClient(base_url=url, timeout=30) as http:
                found = samples((await http.get("/metrics")).text)
    # then: the sum over both processes, each request once
    labels = {"operation": "Org", "outcome": "ok"}
    assert value(found, "kundenstamm_graphql_operations_total", **labels) == 40
    posts = {"route": "/graphql", "method": "POST", "status": "200"}
    assert value(found, "kundenstamm_http_requests_total", **posts) == 40
    served_by = set()
    for line in (tmp_path / "server.log").read_text().splitlines():
        if "kundenstamm.access" in line and '"POST /graphql"' in line:
            served_by.add(line.split("[", 1)[1].split("]", 1)[0])
    assert len(served_by) == 2, "both workers should have answered"


async def test_webhook_deliveries_are_counted_by_outcome(api: Api, tenant: Tenant) -> None:
    # given: an endpoint whose receiver takes every event
    _, before = await scrape(api)
    succeeded = "kundenstamm_webhook_delivery_attempts_total"
    async with webhook_receiver() as receiver:
        subscribed = await tenant.execute(ENDPOINT_CREATE, {"input": {"url": receiver.url}})
        assert subscribed["webhookEndpointCreate"]["userErrors"] == []
        # when
        created = await tenant.execute(CREATE, {"input": {"type": "COMPANY", "companyName": "A"}})
        [received] = await receiver.wait_for(1)
        for _ in range(50):  # the runner counts once it has stored the outcome
            _, after = await scrape(api)
            if value(after, succeeded, outcome="succeeded") > value(
                before, succeeded, outcome="succeeded"
            ):
                break
            await asyncio.sleep(0.1)
    # then
    assert created["customerCreate"]["userErrors"] == []
    assert received.webhook_id
    assert value(after, succeeded, outcome="succeeded") == (
        value(before, succeeded, outcome="succeeded") + 1
    )
    assert value(after, succeeded, outcome="failed") == value(before, succeeded, outcome="failed")
    assert value(after, "kundenstamm_jobs_queued", kind="webhook") == 0
    stored = await WebhookDelivery.get(organization_id=tenant.organization_id)
    assert stored.status is WebhookDeliveryStatus.SUCCEEDED
