"""journal/safefetch.py: outbound requests never reach inner addresses, and stay bounded."""

import ipaddress
import socket

import pytest

from journal import safefetch
from journal.safefetch import Refused
from tests.conftest import Answer


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/",
        "http://10.0.0.5/",
        "http://172.16.3.4/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata, link-local
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",  # reserved
        "http://[::1]/",
        "http://[::]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[ff02::1]/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
        "http://2130706433/",  # 127.0.0.1 written as one decimal number
        "http://0x7f.1/",
        "http://017700000001/",  # octal
    ],
)
def test_inner_addresses_are_refused(url):
    with pytest.raises(Refused, match="private or reserved"):
        safefetch.check_address(url)


def test_a_host_is_refused_when_any_of_its_addresses_is_inner(monkeypatch):
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 80)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 80)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
    with pytest.raises(Refused, match="private or reserved"):
        safefetch.check_address("https://blog.example/feed.xml")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "Only http:// and https://"),
        ("gopher://example.com/", "Only http:// and https://"),
        ("ftp://example.com/", "Only http:// and https://"),
        ("http:///feed", "no host name"),
        ("http://user:secret@example.com/", "user name or password"),
        ("http://example.com:99999/", "not a web address"),
        ("http://[::1/", "not a web address"),
        ("http://no-such-host.invalid/", "No address was found"),
    ],
)
def test_addresses_that_are_not_fetched_say_why(url, reason):
    with pytest.raises(Refused, match=reason):
        safefetch.check_address(url)


def test_a_public_address_passes(monkeypatch):
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
    safefetch.check_address("https://blog.example/feed.xml")


def test_the_local_server_is_refused_without_the_switch(local_server):
    local_server.answers["/feed"] = Answer(body=b"<feed/>")
    with pytest.raises(Refused, match="private or reserved"):
        safefetch.fetch(local_server.url + "/feed")
    assert local_server.requests == []


@pytest.mark.usefixtures("allow_private_addresses")
def test_fetch_returns_status_headers_and_body(local_server):
    local_server.answers["/feed"] = Answer(body=b"<feed/>", headers={"ETag": '"v1"'})
    response = safefetch.fetch(local_server.url + "/feed", headers={"If-None-Match": '"v0"'})
    assert (response.status, response.body) == (200, b"<feed/>")
    assert response.headers["etag"] == '"v1"'
    assert response.url == local_server.url + "/feed"
    _method, _path, headers, _body = local_server.requests[0]
    assert headers["If-None-Match"] == '"v0"'
    assert headers["Host"] == f"127.0.0.1:{local_server.server.server_port}"
    assert headers["User-Agent"].startswith("Momentum")


@pytest.mark.usefixtures("allow_private_addresses")
def test_error_statuses_are_returned_not_raised(local_server):
    assert safefetch.fetch(local_server.url + "/missing").status == 404


@pytest.mark.usefixtures("allow_private_addresses")
def test_redirects_are_followed_up_to_the_limit(local_server):
    local_server.answers["/old"] = Answer(301, headers={"Location": "/new"})
    local_server.answers["/new"] = Answer(body=b"moved")
    response = safefetch.fetch(local_server.url + "/old")
    assert (response.body, response.url) == (b"moved", local_server.url + "/new")

    for n in range(5):
        local_server.answers[f"/hop{n}"] = Answer(302, headers={"Location": f"/hop{n + 1}"})
    with pytest.raises(Refused, match="redirected more than 3 times"):
        safefetch.fetch(local_server.url + "/hop0")


def test_a_redirect_to_an_inner_address_is_refused_before_connecting(local_server, monkeypatch):
    """The local server stands for a public site here: only 127.0.0.1 is let through."""
    real_is_public = safefetch._is_public
    monkeypatch.setattr(
        safefetch,
        "_is_public",
        lambda address: address == ipaddress.ip_address("127.0.0.1") or real_is_public(address),
    )
    attempts = []
    monkeypatch.setattr(safefetch, "_request", _recording(safefetch._request, attempts))
    local_server.answers["/feed"] = Answer(
        302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with pytest.raises(Refused, match="private or reserved"):
        safefetch.fetch(local_server.url + "/feed")
    assert [target.address for target in attempts] == ["127.0.0.1"]


def _recording(function, calls):
    def recorded(method, target, **kwargs):
        calls.append(target)
        return function(method, target, **kwargs)

    return recorded


def test_the_connection_goes_to_the_checked_address(local_server, monkeypatch, settings):
    """A host resolved once is connected to at that address: a second DNS answer (DNS
    rebinding) is never asked for."""
    settings.MOMENTUM_ALLOW_PRIVATE_ADDRESSES = True
    port = local_server.server.server_port
    lookups = []

    def resolve(host, *args, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    local_server.answers["/feed"] = Answer(body=b"pinned")
    response = safefetch.fetch(f"http://blog.example:{port}/feed")
    assert response.body == b"pinned"
    # The socket's own lookup is of the checked address, not of the name.
    assert lookups == ["blog.example", "127.0.0.1"]
    assert local_server.requests[0][2]["Host"] == f"blog.example:{port}"


@pytest.mark.usefixtures("allow_private_addresses")
def test_an_answer_over_the_size_cap_is_refused(local_server):
    local_server.answers["/big"] = Answer(body=b"x" * 3_000_000)
    with pytest.raises(Refused, match="larger than 2 MB"):
        safefetch.fetch(local_server.url + "/big")
    with pytest.raises(Refused, match="larger than 1 kB"):
        safefetch.fetch(local_server.url + "/big", max_bytes=1000)


@pytest.mark.usefixtures("allow_private_addresses")
def test_an_answer_that_lies_about_its_length_is_still_capped(local_server):
    def no_length(_headers):
        return Answer(body=b"y" * 5000, headers={"Transfer-Encoding": "identity"})

    local_server.answers["/sneaky"] = no_length
    with pytest.raises(Refused, match="larger than 1 kB"):
        safefetch.fetch(local_server.url + "/sneaky", max_bytes=1000)


@pytest.mark.usefixtures("allow_private_addresses")
def test_a_slow_server_times_out(local_server):
    local_server.answers["/slow"] = Answer(body=b"late", delay=2)
    with pytest.raises(Refused, match=r"took longer than 0\.5 seconds"):
        safefetch.fetch(local_server.url + "/slow", timeout=0.5)


@pytest.mark.usefixtures("allow_private_addresses")
def test_a_closed_port_says_so():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(Refused, match=r"Could not connect to 127\.0\.0\.1"):
        safefetch.fetch(f"http://127.0.0.1:{port}/")


@pytest.mark.usefixtures("allow_private_addresses")
def test_post_sends_the_body_and_does_not_follow_redirects(local_server):
    local_server.answers["/hook"] = Answer(302, headers={"Location": "/elsewhere"})
    response = safefetch.post(
        local_server.url + "/hook",
        body=b'{"event": "entry"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 302
    assert [(method, path, body) for method, path, _headers, body in local_server.requests] == [
        ("POST", "/hook", b'{"event": "entry"}')
    ]


@pytest.mark.usefixtures("allow_private_addresses")
def test_post_keeps_only_the_start_of_a_long_answer(local_server):
    local_server.answers["/hook"] = Answer(body=b"z" * 200_000)
    response = safefetch.post(local_server.url + "/hook", body=b"{}", headers={})
    assert response.body == b"z" * safefetch.POST_ANSWER_MAX_BYTES


def test_post_refuses_inner_addresses():
    with pytest.raises(Refused, match="private or reserved"):
        safefetch.post("http://10.0.0.1/hook", body=b"{}", headers={})
