"""The HTTP layer under the live clients: timeouts, bounded retries, Retry-After, no retry on a
refused request, and recognising what came back, against a local server."""

from __future__ import annotations

import json
import socket

import pytest
from live_server import IOM_PATH, FakeProviders, html_page

from analysis.live.config import HttpPolicy
from analysis.live.http import (
    FetchError,
    HttpClient,
    Transient,
    body_kind,
    describe_body,
    parse_retry_after,
)

POLICY = HttpPolicy(timeout=(1.0, 0.5), attempts=3, backoff=0.5, backoff_max=5.0, deadline=30.0)
CSV = b"a,b\n1,2\n"


@pytest.fixture
def server():
    with FakeProviders(iom_csv=CSV) as fake:
        yield fake


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(sleeps):
    """A client whose pauses are recorded instead of slept."""
    with HttpClient("test", POLICY, sleep=sleeps.append) as http:
        yield http


def url(server) -> str:
    return server.url + IOM_PATH


def test_every_call_has_a_timeout_and_a_descriptive_user_agent(server, client, monkeypatch):
    seen = []
    real_get = client.session.get

    def spy(*args, **kwargs):
        seen.append(kwargs.get("timeout"))
        return real_get(*args, **kwargs)

    monkeypatch.setattr(client.session, "get", spy)
    server.add_fault(IOM_PATH, status=503)
    assert client.get(url(server)) == CSV
    assert seen == [POLICY.timeout, POLICY.timeout]
    agent = server.requests[0][2]["User-Agent"]
    assert agent.startswith("almaty-analysis/") and "test client" in agent


def test_503_then_success_backs_off_once(server, client, sleeps):
    server.add_fault(IOM_PATH, status=503, body=html_page("Service Unavailable"))
    assert client.get(url(server)) == CSV
    assert client.requests == 2
    assert sleeps == [POLICY.backoff]


def test_429_waits_as_long_as_retry_after_says(server, client, sleeps):
    server.add_fault(IOM_PATH, status=429, headers={"Retry-After": "3"})
    assert client.get(url(server)) == CSV
    assert client.requests == 2
    assert sleeps == [3.0]


def test_retry_after_beyond_our_bound_gives_up_at_once(server, client, sleeps):
    server.add_fault(IOM_PATH, status=429, headers={"Retry-After": "120"})
    with pytest.raises(FetchError, match=r"retry after 120s.*longer than the 5s"):
        client.get(url(server))
    assert client.requests == 1 and sleeps == []


def test_5xx_retries_are_bounded_with_exponential_backoff(server, client, sleeps):
    server.add_fault(IOM_PATH, status=502, times=10)
    with pytest.raises(FetchError) as err:
        client.get(url(server))
    assert "HTTP 502" in str(err.value) and "gave up after 3 attempt(s)" in str(err.value)
    assert str(err.value).startswith(url(server))
    assert client.requests == 3
    assert sleeps == [0.5, 1.0]


def test_total_time_is_bounded_by_the_deadline(server, sleeps):
    policy = HttpPolicy(timeout=(1.0, 1.0), attempts=10, backoff=0.5, backoff_max=60.0,
                        deadline=1.2)
    now = [0.0]

    def sleep(seconds):  # a clock that moves only when the client pauses
        sleeps.append(seconds)
        now[0] += seconds

    server.add_fault(IOM_PATH, status=503, times=10)
    with HttpClient("test", policy, sleep=sleep, clock=lambda: now[0]) as http, \
            pytest.raises(FetchError, match="would pass the 1.2s limit"):
        http.get(url(server))
    # after a 0.5s pause, the next one (1.0s) would end at 1.5s > 1.2s: it is never taken
    assert http.requests == 2 and sleeps == [0.5]


@pytest.mark.parametrize("status", [404, 400, 403])
def test_other_client_errors_are_not_retried(server, client, sleeps, status):
    server.add_fault(IOM_PATH, status=status, body=html_page(f"Error {status}"))
    with pytest.raises(FetchError) as err:
        client.get(url(server))
    message = str(err.value)
    assert message.startswith(url(server)) and f"HTTP {status}" in message
    assert f"'Error {status}'" in message and "not retried" in message
    assert client.requests == 1 and sleeps == []


def test_unknown_path_is_a_permanent_404(server, client):
    with pytest.raises(FetchError, match=r"/nowhere: HTTP 404 .*'404 Not Found'"):
        client.get(server.url + "/nowhere")
    assert client.requests == 1


def test_a_timeout_is_retried(server, client, sleeps):
    server.add_fault(IOM_PATH, delay=1.5)  # longer than the 0.5s read timeout
    assert client.get(url(server)) == CSV
    assert client.requests == 2 and sleeps == [POLICY.backoff]


def test_a_persistent_timeout_fails_naming_the_url(server, client):
    server.add_fault(IOM_PATH, delay=1.5, times=3)
    with pytest.raises(FetchError) as err:
        client.get(url(server))
    assert str(err.value).startswith(url(server))
    assert "no answer within the 1s connect / 0.5s read timeout" in str(err.value)
    assert client.requests == 3


def test_a_body_cut_off_mid_way_is_retried(server, client):
    server.add_fault(IOM_PATH, body=b'{"items": [1, 2, 3, 4, 5, 6]}', cut_at=8)
    assert client.get(url(server)) == CSV
    assert client.requests == 2


def test_connection_refused_is_retried_then_reported(client):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="connection failed"):
        client.get(f"http://127.0.0.1:{port}/data")
    assert client.requests == 3


def test_a_parser_can_ask_for_another_try(server, client):
    """A body the parser calls transient (an outage page under HTTP 200) is fetched again."""
    server.add_fault(IOM_PATH, body=html_page("Down for maintenance"))

    def parse(response):
        if body_kind(response.content) == "html":
            raise Transient(describe_body(response.content))
        return response.content

    assert client.get(url(server), parse=parse) == CSV
    assert client.requests == 2


def test_bodies_are_recognised():
    xml = ('\ufeff<?xml version="1.0" encoding="utf-8"?><wb:error '
           'xmlns:wb="http://www.worldbank.org"><wb:message id="120" key="Invalid value">The '
           'provided parameter value is not valid</wb:message></wb:error>').encode()
    assert body_kind(xml) == "xml"
    assert describe_body(xml) == ("an XML body (error 120 Invalid value: The provided "
                                  "parameter value is not valid)")
    page = html_page("502 Bad Gateway")
    assert body_kind(page) == "html"
    assert describe_body(page) == "an HTML page ('502 Bad Gateway')"
    assert body_kind(b"  \n") == "empty"
    assert body_kind(json.dumps([{"page": 1}]).encode()) == "json"
    assert body_kind(b"PK\x03\x04rest") == "zip"
    assert body_kind(b"Main ID,Incident ID\n") == "text"


def test_retry_after_in_seconds_or_as_a_date():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: now
    assert parse_retry_after("soon") is None


def test_base_urls_come_from_the_environment_and_default_to_the_providers():
    from analysis.errors import AnalysisError
    from analysis.live.config import LiveConfig

    config = LiveConfig.from_env({})
    assert config.url("WORLDBANK_API_URL") == "https://api.worldbank.org/v2"
    assert config.url("UNHCR_API_URL") == "https://api.unhcr.org/population/v1"
    assert config.url("UNDESA_STOCK_URL").endswith(
        "/undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx")
    assert config.url("MMP_CSV_URL").startswith("https://missingmigrants.iom.int/")
    local = LiveConfig.from_env({"UNHCR_API_URL": "http://127.0.0.1:8000/unhcr/"})
    assert local.url("UNHCR_API_URL") == "http://127.0.0.1:8000/unhcr"
    with pytest.raises(AnalysisError, match=r"MMP_CSV_URL='missing.csv': not an http\(s\) URL"):
        LiveConfig.from_env({"MMP_CSV_URL": "missing.csv"})
