"""The attack suite: one test per hole found in review (issue "Hardening"), each written before
its fix and failing then, so that the hole stays closed.

Every request here is what a stranger on the network can send: another source address on the
loopback range (127.0.0.2 …), a captured request replayed or altered, a connection that never
finishes, a body larger than any operation takes. The server's promises are in SECURITY.md.
"""

import dataclasses
import hashlib
import hmac
import http.client
import json
import socket
import sqlite3
import subprocess
import time
from datetime import datetime, timezone
from urllib.parse import urlparse

import pytest
import requests

from conftest import check_auth_error, check_error, check_ok, running_server, send, sign
from helpers.funds import customer_cash, partner_cash
from helpers.world import KEYS

DISTRIBUTOR = KEYS["dist-acme"]
BALANCES = "/v2/accounts/partner-accounts/balances"
ADJUST = "/v2/accounts/partner-accounts/adjust-amount"
ADJUST_RECORDS = "/v3/accounts/partner-accounts/adjust-records"
STRANGER = "127.0.0.2"


def from_address(server, source, prepared):
    """Sends a prepared request from `source` (an address of the loopback range); (status, body)."""
    url = urlparse(prepared.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30, source_address=(source, 0))
    try:
        target = url.path + (f"?{url.query}" if url.query else "")
        conn.request(prepared.method, target, body=prepared.body, headers=prepared.headers)
        resp = conn.getresponse()
        text = resp.read().decode()
        return resp.status, json.loads(text) if text else None
    finally:
        conn.close()


def garbage_signature(prepared):
    """The same request with a signature that cannot verify."""
    headers = dict(prepared.headers)
    auth = headers["Authorization"]
    headers["Authorization"] = auth[: auth.rindex("Signature=")] + "Signature=" + "0" * 64
    return type(prepared)(prepared.method, prepared.url, headers, prepared.body)


def sdk_date_now():
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def hand_signed(server, method, path, key, *, signed, query="", body=b"", headers=None):
    """A request signed by hand with exactly the `signed` headers: what a client other than the
    SDK could send. Returns the `requests.Response`."""
    host = urlparse(server.url).netloc
    values = {"host": host, "x-sdk-date": sdk_date_now(), "content-type": "application/json"}
    values.update({k.lower(): v for k, v in (headers or {}).items()})
    canonical_headers = "".join(f"{name}:{values[name]}\n" for name in signed)
    body_hash = hashlib.sha256(body).hexdigest()
    canonical = "\n".join([method, path.rstrip("/") + "/", query, canonical_headers, ";".join(signed), body_hash])
    to_sign = "\n".join(["SDK-HMAC-SHA256", values["x-sdk-date"], hashlib.sha256(canonical.encode()).hexdigest()])
    signature = hmac.new(key.sk.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    sent = {k: v for k, v in values.items() if k != "host"}
    sent["Authorization"] = f"SDK-HMAC-SHA256 Access={key.ak}, SignedHeaders={';'.join(signed)}, Signature={signature}"
    url = server.url + path + (f"?{query}" if query else "")
    return server.http.request(method, url, headers=sent, data=body, timeout=30)


# ---------------------------------------------------------------------------------------------
# 1. Nobody locks someone else's key out


def test_a_stranger_cannot_lock_a_key_out(fresh_server):
    good = sign("GET", fresh_server.url, BALANCES, DISTRIBUTOR)
    for _ in range(6):
        status, body = from_address(fresh_server, STRANGER, garbage_signature(good))
        assert (status, body["error_code"]) == (401, "APIG.0301"), body
    # The owner, at its own address, is not locked by the stranger's failures ...
    check_ok(send(fresh_server, sign("GET", fresh_server.url, BALANCES, DISTRIBUTOR)))
    # ... while the stranger's address is, even with a signature that verifies.
    status, body = from_address(fresh_server, STRANGER, sign("GET", fresh_server.url, BALANCES, DISTRIBUTOR))
    assert (status, body["error_code"]) == (401, "APIG.0301"), body
    assert "reach the limit" in body["error_msg"], body


def test_the_real_gateways_lockout_per_key_is_an_option(backend, tmp_path):
    with running_server(backend, tmp_path, extra_args=["--lockout", "per-key"]) as server:
        good = sign("GET", server.url, BALANCES, DISTRIBUTOR)
        for _ in range(6):
            from_address(server, STRANGER, garbage_signature(good))
        check_auth_error(send(server, sign("GET", server.url, BALANCES, DISTRIBUTOR)), "AK access failed to reach the limit")


def test_an_address_trying_many_keys_is_throttled_before_any_look_up(fresh_server):
    for n in range(101):  # the budget: 100 failures a minute from one address
        forged = sign("GET", fresh_server.url, BALANCES, dataclasses.replace(DISTRIBUTOR, ak=f"NOSUCHKEY{n:011d}"))
        status, body = from_address(fresh_server, STRANGER, forged)
        assert (status, body["error_code"]) == (401, "APIG.0301"), body
    # Past the budget of failures an address is refused whatever the key ...
    status, body = from_address(fresh_server, STRANGER, sign("GET", fresh_server.url, BALANCES, DISTRIBUTOR))
    assert (status, body["error_code"]) == (401, "APIG.0301"), body
    # ... and only that address.
    check_ok(send(fresh_server, sign("GET", fresh_server.url, BALANCES, DISTRIBUTOR)))


# ---------------------------------------------------------------------------------------------
# 2. A declared body hash is the body's hash


def test_a_signed_body_hash_must_be_the_bodys(fresh_server):
    body = {"customer_id": "cust-acme-01", "amount": 1}
    declared = hashlib.sha256(json.dumps(body).encode()).hexdigest()
    prepared = sign("POST", fresh_server.url, ADJUST, DISTRIBUTOR, body=body,
                    headers={"X-Sdk-Content-Sha256": declared})
    check_ok(send(fresh_server, prepared))
    swapped = json.dumps({"customer_id": "cust-acme-05", "amount": 2}).encode()
    tampered = type(prepared)(prepared.method, prepared.url, prepared.headers, swapped)
    check_auth_error(send(fresh_server, tampered), "verify aksk signature fail")


def test_an_unsigned_payload_is_refused_for_json_bodies(fresh_server):
    body = {"customer_id": "cust-acme-01", "amount": 1}
    prepared = sign("POST", fresh_server.url, ADJUST, DISTRIBUTOR, body=body,
                    headers={"X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"})
    check_auth_error(send(fresh_server, prepared), "verify aksk signature fail")


# ---------------------------------------------------------------------------------------------
# 3. A captured money request replayed pays once


def test_a_replayed_money_request_moves_money_once(fresh_server):
    before = partner_cash(fresh_server, "dist-acme"), customer_cash(fresh_server, ["cust-acme-01"])
    prepared = sign("POST", fresh_server.url, ADJUST, DISTRIBUTOR, body={"customer_id": "cust-acme-01", "amount": 3})
    first = check_ok(send(fresh_server, prepared))
    # The same bytes again, and again with a fresh (unsigned) idempotency key added on the way.
    again = check_ok(send(fresh_server, prepared))
    headers = dict(prepared.headers, **{"X-Idempotency-Key": "attacker-made-this-up"})
    rekeyed = check_ok(send(fresh_server, type(prepared)(prepared.method, prepared.url, headers, prepared.body)))
    assert first == again == rekeyed, (first, again, rekeyed)
    after = partner_cash(fresh_server, "dist-acme"), customer_cash(fresh_server, ["cust-acme-01"])
    assert after[0] == before[0] - 3, (before, after)
    assert after[1]["cust-acme-01"] == before[1]["cust-acme-01"] + 3, (before, after)


# ---------------------------------------------------------------------------------------------
# 4. No connection holds the server forever; no body is larger than an operation takes


def test_a_connection_that_never_finishes_its_headers_is_closed(backend, tmp_path):
    with running_server(backend, tmp_path, extra_args=["--header-timeout", "1"]) as server:
        url = urlparse(server.url)
        with socket.create_connection((url.hostname, url.port), timeout=10) as conn:
            conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
            started = time.monotonic()
            # An error answer or none, then the close.
            while conn.recv(1024):
                pass
            assert time.monotonic() - started < 5, "the half-sent request was kept open"


def test_connections_past_the_cap_wait_to_be_accepted(backend, tmp_path):
    with running_server(backend, tmp_path, extra_args=["--max-connections", "1"]) as server:
        url = urlparse(server.url)
        with socket.create_connection((url.hostname, url.port), timeout=10) as holder:
            holder.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert holder.recv(1024).startswith(b"HTTP/1.1 200"), "the first connection is served"
            # The kept-alive first connection holds the only place: a second one waits ...
            with pytest.raises(requests.exceptions.ReadTimeout):
                requests.get(server.url + "/health", timeout=(5, 0.5))
        # ... and is served once the first has closed.
        check_ok(requests.get(server.url + "/health", timeout=10))


def test_a_request_not_answered_in_time_gets_the_gateways_timeout(tmp_path):
    with running_server("sqlite", tmp_path, extra_args=["--request-timeout", "1"]) as server:
        # Another writer holding the database keeps the money movement from committing.
        database = sqlite3.connect(tmp_path / "pc.db", timeout=10, isolation_level=None)
        database.execute("BEGIN IMMEDIATE")
        try:
            body = {"customer_id": "cust-acme-01", "amount": 1}
            resp = send(server, sign("POST", server.url, ADJUST, DISTRIBUTOR, body=body))
            check_error(resp, 504, "APIG.0201")
        finally:
            database.execute("ROLLBACK")
            database.close()
        check_ok(send(server, sign("GET", server.url, BALANCES, DISTRIBUTOR)))


def test_a_body_larger_than_any_request_is_refused_unread(server):
    body = {"customer_infos": [{"customer_id": "x" * 60}] * 2000}  # ~140 KiB
    resp = send(server, sign("POST", server.url, "/v2/accounts/customer-accounts/balances/batch-query",
                             DISTRIBUTOR, body=body))
    check_error(resp, 413, "APIG.0201", gateway=True)


# ---------------------------------------------------------------------------------------------
# 7. The signature covers what the server reads


def test_plus_and_percent_2b_are_different_queries(server):
    prepared = sign("GET", server.url, ADJUST_RECORDS, DISTRIBUTOR, query=[("trans_id", "A+B")])
    assert "trans_id=A%2BB" in prepared.url, prepared.url
    check_ok(send(server, prepared))
    # `+` in a query string is a space to the parser: a different request, not the signed one.
    altered = type(prepared)(prepared.method, prepared.url.replace("%2B", "+"), prepared.headers, prepared.body)
    check_auth_error(send(server, altered), "verify aksk signature fail")


def test_the_host_must_be_signed(server):
    check_ok(hand_signed(server, "GET", BALANCES, DISTRIBUTOR, signed=["host", "x-sdk-date"]))
    check_auth_error(hand_signed(server, "GET", BALANCES, DISTRIBUTOR, signed=["x-sdk-date"]))


# ---------------------------------------------------------------------------------------------
# 5. Input is parsed strictly, once, and bounded


@pytest.mark.parametrize("amount", [
    "0.010000000000000000000000000001",  # 30 decimals: refused, never rounded to 0.01
    "1.0000000000000000000000000001",
    '"1_000"',
    '"1,000"',
    '"0x10"',
    '" 1"',
    '"+1"',
    '"1e400"',
    "1e-40",
    '""',
])
def test_an_amount_is_exact_or_refused(server, amount):
    body = f'{{"customer_id": "cust-acme-01", "amount": {amount}}}'.encode()
    prepared = sign("POST", server.url, ADJUST, DISTRIBUTOR, body=body)
    check_error(send(server, prepared), 400, "CBC.0100")


@pytest.mark.parametrize("field", ["customer_id", "indirect_partner_id"])
def test_ids_on_the_money_path_are_bounded(server, field):
    body = {"customer_id": "cust-acme-01", "amount": 1, field: "x" * 10_000}
    check_error(send(server, sign("POST", server.url, ADJUST, DISTRIBUTOR, body=body)), 400, "CBC.0100")
    reseller = {"indirect_partner_id": "x" * 10_000, "amount": 1}
    resp = send(server, sign("POST", server.url, "/v2/accounts/partner-accounts/indirect-partner-adjust",
                             DISTRIBUTOR, body=reseller))
    check_error(resp, 400, "CBC.0100")


NUL_REQUESTS = [
    # A NUL character is text PostgreSQL cannot store: refused before anything reads it.
    ("POST", "/v2/partners/sub-customers/query", {"account_name": "a\u0000b"}, ()),
    ("POST", "/v2/partners/sub-customers", {"xaccount_id": "u\u0000", "xaccount_type": "acme_platform"}, ()),
    ("POST", ADJUST, {"customer_id": "cust-acme-01\u0000", "amount": 1}, ()),
    ("GET", ADJUST_RECORDS, None, (("trans_id", "a\x00b"),)),
]


@pytest.mark.parametrize("method, path, body, query", NUL_REQUESTS, ids=lambda v: str(v)[:40])
def test_a_nul_character_is_a_parameter_error(server, method, path, body, query):
    raw = None if body is None else json.dumps(body).encode()  # json.dumps writes NUL as \\u0000
    resp = send(server, sign(method, server.url, path, DISTRIBUTOR, body=raw, query=query))
    check_error(resp, 400, "CBC.0100")


def test_a_world_holding_a_nul_character_is_refused(server):
    world = {"partners": [{"id": "nul\u0000", "name": "n", "kind": "distributor"}]}
    resp = send(server, sign("POST", server.url, "/operator/v1/world", KEYS["ops"], body=json.dumps(world).encode()))
    check_error(resp, 400, "CBC.0100")


def test_an_escaped_backslash_before_u0000_is_no_nul(server):
    body = json.dumps({"account_name": "a\\u0000b"}).encode()  # the text a\u0000b, no NUL
    assert b"\\\\u0000" in body
    check_ok(send(server, sign("POST", server.url, "/v2/partners/sub-customers/query", DISTRIBUTOR, body=body)))


# ---------------------------------------------------------------------------------------------
# 7. Secret keys are sealed at rest under a server key


def test_secret_keys_are_sealed_at_rest(backend, tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNER_CENTER_SECRET_KEY", "42" * 32)
    with running_server(backend, tmp_path) as server:
        check_ok(send(server, sign("GET", server.url, BALANCES, DISTRIBUTOR)))
        if backend == "sqlite":
            stored = b"".join(p.read_bytes() for p in tmp_path.glob("pc.db*"))
        else:
            stored = subprocess.run(["psql", server.database_url, "-X", "-At", "-c", "SELECT sk FROM access_keys"],
                                    capture_output=True, check=True, timeout=60).stdout
        assert stored, "nothing read back"
        for key in KEYS.values():
            assert key.sk.encode() not in stored, f"{key.ak}'s secret key is stored in clear"


def test_the_operator_api_refuses_other_keys_before_reading_their_body(server):
    resp = send(server, sign("POST", server.url, "/operator/v1/world", DISTRIBUTOR, body=b"{not json"))
    check_error(resp, 403, "CBC.0151")
