"""The one way Momentum makes outbound HTTP requests (blog feeds, webhooks).

A URL a member typed must never reach Momentum's own machines: the host is resolved once,
every address it resolves to must be public (not private, loopback, link-local, multicast,
reserved or unspecified), and the connection goes to that checked address, so a second DNS
answer cannot swap in an inner one (DNS rebinding). Each redirect is checked the same way.
Answers are read up to a size cap and within a deadline; anything refused raises `Refused`
whose text can be shown to the member as is.

`settings.MOMENTUM_ALLOW_PRIVATE_ADDRESSES` lifts the address rule, for development and for
tests that talk to a server on 127.0.0.1; nothing else does.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A webhook's answer only matters for its status; its body is kept for the log, cut here.
POST_ANSWER_MAX_BYTES = 64 * 1024
CHUNK_BYTES = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """Why a request was not made or its answer not read, in plain words (str(e))."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str


@dataclass(frozen=True)
class _Target:
    """A checked URL and the address its connection is pinned to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str
    path: str


def _human_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:g} MB"
    if size >= 1_000:
        return f"{size / 1_000:g} kB"
    return f"{size} bytes"


def _is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(f"No address was found for {host}.") from None
    addresses = []
    for _family, _type, _proto, _name, sockaddr in answers:
        # Drop an IPv6 scope ("fe80::1%eth0"); the address itself is what is judged.
        addresses.append(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]))
    if not addresses:
        raise Refused(f"No address was found for {host}.")
    return addresses


def _check(url: str) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused("That is not a web address.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused("Only http:// and https:// addresses can be fetched.")
    if not parts.hostname:
        raise Refused("That address has no host name.")
    if parts.username is not None or parts.password is not None:
        raise Refused("Addresses with a user name or password are not fetched.")
    host = parts.hostname
    port = port or (443 if scheme == "https" else 80)
    addresses = _resolve(host, port)
    if not settings.MOMENTUM_ALLOW_PRIVATE_ADDRESSES:
        for address in addresses:
            if not _is_public(address):
                raise Refused(f"{host} is a private or reserved address, which is not fetched.")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return _Target(url, scheme, host, port, str(addresses[0]), path)


def check_address(url: str) -> None:
    """Raise Refused unless `url` is http(s) and every address of its host is public."""
    _check(url)


def _pool(target: _Target, timeout: float) -> urllib3.HTTPConnectionPool:
    kwargs = {
        "timeout": urllib3.Timeout(connect=timeout, read=timeout),
        "maxsize": 1,
        "retries": False,
    }
    if target.scheme == "https":
        # The socket goes to the checked address; TLS still names and verifies the host.
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            **kwargs,
        )
    return urllib3.HTTPConnectionPool(target.address, target.port, **kwargs)


def _host_header(target: _Target) -> str:
    default_port = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host
    return host if target.port == default_port else f"{host}:{target.port}"


def _request(
    method: str,
    target: _Target,
    *,
    headers: Mapping[str, str] | None,
    body: bytes | None,
    timeout: float,
    max_bytes: int,
    refuse_larger: bool,
) -> Response:
    deadline = time.monotonic() + timeout
    sent_headers = {
        "User-Agent": f"Momentum (+{settings.MOMENTUM_SITE_URL})",
        **(headers or {}),
        "Host": _host_header(target),
    }
    pool = _pool(target, timeout)
    try:
        answer = pool.urlopen(
            method,
            target.path,
            body=body,
            headers=sent_headers,
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            declared = int(answer.headers.get("Content-Length", ""))
        except ValueError:
            declared = None
        if refuse_larger and declared is not None and declared > max_bytes:
            raise Refused(f"The answer is larger than {_human_size(max_bytes)}.")
        chunks, size = [], 0
        for chunk in answer.stream(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                if refuse_larger:
                    raise Refused(f"The answer is larger than {_human_size(max_bytes)}.")
                chunks.append(chunk[: max_bytes - (size - len(chunk))])
                break
            chunks.append(chunk)
            # A server trickling bytes never trips the read timeout; the whole answer
            # must come within `timeout`.
            if time.monotonic() > deadline:
                raise Refused(f"{target.host} took longer than {timeout:g} seconds to answer.")
        answer.release_conn()
        return Response(answer.status, answer.headers.copy(), b"".join(chunks), target.url)
    # urllib3's NewConnectionError is a ConnectTimeoutError, so it is caught first.
    except NewConnectionError:
        raise Refused(f"Could not connect to {target.host}.") from None
    except (ConnectTimeoutError, ReadTimeoutError, TimeoutError):
        raise Refused(f"{target.host} took longer than {timeout:g} seconds to answer.") from None
    except SSLError:
        raise Refused(f"The certificate of {target.host} could not be verified.") from None
    except (ProtocolError, HTTPError, OSError):
        raise Refused(f"{target.host} broke off the connection.") from None
    finally:
        pool.close()


def fetch(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    max_bytes: int = 2_000_000,
    timeout: float = 10,
    max_redirects: int = 3,
) -> Response:
    """GET `url`, following up to `max_redirects` redirects, each checked like the first.

    Raises Refused for a refused address, a body over `max_bytes`, a timeout, a broken
    connection or too many redirects. Any status that is not a redirect is returned.
    """
    target = _check(url)
    for _ in range(max_redirects + 1):
        response = _request(
            "GET",
            target,
            headers=headers,
            body=None,
            timeout=timeout,
            max_bytes=max_bytes,
            refuse_larger=True,
        )
        location = response.headers.get("Location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response
        target = _check(urljoin(target.url, location))
    raise Refused(f"The address redirected more than {max_redirects} times.")


def post(url: str, *, body: bytes, headers: Mapping[str, str], timeout: float = 10) -> Response:
    """POST `body` to `url`; redirects are returned, not followed. The answer's body is kept
    up to POST_ANSWER_MAX_BYTES; a longer one is cut, not refused."""
    return _request(
        "POST",
        _check(url),
        headers=headers,
        body=body,
        timeout=timeout,
        max_bytes=POST_ANSWER_MAX_BYTES,
        refuse_larger=False,
    )
