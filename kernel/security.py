"""The client's address, trusted only as far as the operator's configuration says."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None


def client_address(remote_addr: str, forwarded_for: str, trusted_proxies: tuple[str, ...]) -> str:
    """The address of the person, from the connection and a forwarded-for header.

    The header is believed only when the connection comes from a trusted proxy; then the
    right-most address that is not itself a trusted proxy is the client (anything to its left
    could have been written by the client). Used for lockout and the sign-in record.
    """
    networks = _networks(trusted_proxies)
    remote = _parse(remote_addr)
    if remote is None:
        return str(ipaddress.IPv4Address(0))  # a placeholder for an unreadable address
    if not networks or not any(remote in net for net in networks):
        return str(remote)
    for hop in reversed(forwarded_for.split(",")):
        address = _parse(hop)
        if address is None:
            return str(remote)  # a malformed header: fall back to what we can see
        if not any(address in net for net in networks):
            return str(address)
    return str(remote)


def client_ip(request: HttpRequest) -> str:
    return client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get(settings.CLIENT_IP_HEADER, ""),
        tuple(settings.TRUSTED_PROXIES),
    )
