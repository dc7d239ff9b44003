"""Where webhooks may go: no internal network of ours, checked again at every delivery.

A partner's URL is attacker-controlled input that our servers will call (SSRF). Only
https, or http to loopback while developing. In production the host's addresses must
all be public unless the operator allows internal ones; the delivery then connects to
the address that was checked, so a DNS answer that changes between the check and the
connection (rebinding) cannot send it elsewhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import urllib.parse
from dataclasses import dataclass

from domain.errors import DomainError, ErrorCode

MAX_URL_LENGTH = 2048
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    production: bool
    allow_private: bool


@dataclass(frozen=True, slots=True)
class Target:
    """A checked URL and the address to connect to."""

    url: str
    host: str
    address: str


class UnsafeUrl(Exception):
    """The URL may not be called (now); the message says why."""


def _refused(message: str) -> DomainError:
    return DomainError.single(ErrorCode.INVALID, message, ("url",))


def _internal(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _loopback_host(host: str) -> bool:
    literal = _literal(host)
    return host == "localhost" or (literal is not None and literal.is_loopback)


def check_url(url: str, policy: UrlPolicy) -> urllib.parse.SplitResult:
    """What can be said without DNS: scheme, host, no credentials; raises UnsafeUrl."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises on a port out of range)
    except ValueError:
        raise UnsafeUrl("The URL is not valid.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeUrl("The URL must be https://host/...")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("The URL must not carry credentials; the signature authenticates us.")
    if parts.scheme == "http" and (policy.production or not _loopback_host(parts.hostname)):
        raise UnsafeUrl("The URL must use https (http only to this machine while developing).")
    return parts


async def resolve(url: str, policy: UrlPolicy) -> Target:
    """The URL checked and its host resolved (off the event loop) to an allowed address."""
    parts = check_url(url, policy)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    literal = _literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except OSError as exc:
            raise UnsafeUrl(f"The host {host} could not be resolved: {exc}") from None
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
        if not addresses:
            raise UnsafeUrl(f"The host {host} has no address.")
    if policy.production and not policy.allow_private:
        internal = [a for a in addresses if _internal(a)]
        if internal:
            raise UnsafeUrl(f"The host {host} resolves to an internal address ({internal[0]}).")
    return Target(url=url, host=host, address=str(addresses[0]))


async def check_endpoint_url(url: str, policy: UrlPolicy) -> None:
    """At create and update: a refusal as the user error of `url`. Resolved only where
    addresses are checked (elsewhere a host may come up later)."""
    try:
        if policy.production and not policy.allow_private:
            await resolve(url, policy)
        else:
            check_url(url, policy)
    except UnsafeUrl as exc:
        raise _refused(str(exc)) from None
