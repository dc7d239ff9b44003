"""One attempt of one delivery: a signed POST to the checked address, bounded in time and size."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import time
import urllib.parse

import httpx
import orjson

from domain.global_ids import encode_id, event_key
from domain.webhook_deliveries import Claimed, Outcome
from domain.webhook_endpoints import secrets_in_use
from domain.webhook_signing import signed_headers
from domain.webhook_urls import Target, UnsafeUrl, UrlPolicy, resolve
from models import Event

# A receiver's answer matters by its status only; a little of the body explains a failure.
MAX_RESPONSE_BYTES = 4096
USER_AGENT = "Kundenstamm-Webhooks/1"


def message_id(event: Event) -> str:
    """webhook-id: the event's global id, the same on every attempt and retry."""
    return encode_id("Event", event_key(event.id))


def event_type_name(event: Event) -> str:
    """CUSTOMER_CREATED -> customer.created"""
    return event.type.value.lower().replace("_", ".", 1)


def body_of(event: Event) -> bytes:
    occurred: dt.datetime = event.occurred_at
    return orjson.dumps(
        {"type": event_type_name(event), "timestamp": occurred.isoformat(), "data": event.data}
    )


def new_client() -> httpx.AsyncClient:
    """No redirects (a 3xx could point inside), no proxies from the environment."""
    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
    )


def _address_url(target: Target) -> tuple[str, dict[str, str]]:
    """The URL with the checked address as its host; Host and SNI keep the name."""
    parts = urllib.parse.urlsplit(target.url)
    address = ipaddress.ip_address(target.address)
    host = f"[{address}]" if address.version == 6 else str(address)
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    host_header = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), {"host": host_header}


async def _post(
    client: httpx.AsyncClient,
    target: Target,
    headers: dict[str, str],
    body: bytes,
    timeout_s: float,
) -> tuple[int, bytes]:
    url, host = _address_url(target)
    request = client.build_request(
        "POST",
        url,
        content=body,
        headers={**headers, **host, "user-agent": USER_AGENT},
        timeout=httpx.Timeout(timeout_s),
        extensions={"sni_hostname": target.host},
    )
    response = await client.send(request, stream=True)
    try:
        read = b""
        async for chunk in response.aiter_raw():
            read += chunk
            if len(read) >= MAX_RESPONSE_BYTES:
                break
        return response.status_code, read[:MAX_RESPONSE_BYTES]
    finally:
        await response.aclose()


async def attempt(
    client: httpx.AsyncClient, claimed: Claimed, *, policy: UrlPolicy, timeout_s: float
) -> Outcome:
    """Send once; every way it can go is an Outcome, never an exception."""
    delivery, event, endpoint = claimed.delivery, claimed.event, claimed.endpoint

    def outcome(status: int | None, error: str | None, *, gone: bool = False) -> Outcome:
        return Outcome(
            delivery_id=delivery.id,
            endpoint_id=endpoint.id,
            attempt=delivery.attempts,
            succeeded=status is not None and 200 <= status < 300,
            response_status=status,
            error=error,
            gone=gone,
        )

    body = body_of(event)
    headers = signed_headers(secrets_in_use(endpoint), message_id(event), int(time.time()), body)
    try:
        async with asyncio.timeout(timeout_s):
            # Resolved and checked at every attempt: DNS may have changed since creation.
            target = await resolve(endpoint.url, policy)
            status, answer = await _post(client, target, headers, body, timeout_s)
    except UnsafeUrl as exc:
        return outcome(None, f"refused: {exc}")
    except TimeoutError:
        return outcome(None, f"timeout after {timeout_s:g} s")
    except httpx.TimeoutException:
        return outcome(None, f"timeout after {timeout_s:g} s")
    except httpx.ConnectError as exc:
        return outcome(None, f"connection failed: {exc}")
    except httpx.HTTPError as exc:
        return outcome(None, f"{type(exc).__name__}: {exc}")
    if 200 <= status < 300:
        return outcome(status, None)
    detail = answer.decode("utf-8", "replace").strip()[:200]
    return outcome(status, f"HTTP {status}" + (f": {detail}" if detail else ""), gone=status == 410)
