"""Where a webhook may point: an https URL, without credentials, whose host resolves only to
public addresses. Checked at registration and again before every send (DNS can change), and the
send goes to the address that was checked, so a rebinding name cannot redirect it inward."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedUrl(ValueError):
    """The URL is not one the gateway will send to; the message says why."""


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    path: str  # with the query string

    def url_for(self, address: IPAddress) -> str:
        host = f"[{address}]" if address.version == 6 else str(address)
        return f"https://{host}:{self.port}{self.path}"

    @property
    def host_header(self) -> str:
        return self.host if self.port == 443 else f"{self.host}:{self.port}"


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def parse(url: str) -> Target:
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError as exc:
        raise RefusedUrl("The URL is malformed.") from exc
    if parts.scheme != "https":
        raise RefusedUrl("Only https URLs are accepted.")
    if parts.username is not None or parts.password is not None:
        raise RefusedUrl("The URL must not carry credentials; the signature authenticates us.")
    if not parts.hostname:
        raise RefusedUrl("The URL names no host.")
    if parts.fragment:
        raise RefusedUrl("The URL must not have a fragment.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.hostname.lower().rstrip("."), port, path)


def refusal(address: IPAddress) -> str | None:
    """Why an address may not receive webhooks, or None if it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (address.is_unspecified, "an unspecified address"),
        (not address.is_global, "not a public address"),
    )
    return next((why for bad, why in checks if bad), None)


async def public_addresses(target: Target, resolver: Resolver) -> list[IPAddress]:
    """Every address the host resolves to, if all are public; RefusedUrl otherwise."""
    try:
        addresses = [ipaddress.ip_address(target.host)]
    except ValueError:
        addresses = await _resolve(target, resolver)
    for address in addresses:
        why = refusal(address)
        if why is not None:
            raise RefusedUrl(f"The host {target.host} resolves to {address}, {why}.")
    return addresses


async def _resolve(target: Target, resolver: Resolver) -> list[IPAddress]:
    try:
        resolved = await resolver(target.host, target.port)
    except (OSError, UnicodeError) as exc:
        raise RefusedUrl(f"The host {target.host} does not resolve.") from exc
    if not resolved:
        raise RefusedUrl(f"The host {target.host} does not resolve.")
    return [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolved]
