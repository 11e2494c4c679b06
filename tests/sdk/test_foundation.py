"""The gateway in front of every operation: routing, SDK-HMAC-SHA256 authentication, lockout,
the error envelope, parameter errors, flow control; the operator API; health, OpenAPI and
metrics; the command line (world apply, --help, --demo, SIGTERM).

References: ../../../shared/reference/customers.md §11 (flow control, errors, signing,
X-Domain-Id), ../../docs/specs/command-line.md, ../../docs/specs/world-file.md.
"""

import copy
import json
import re
from datetime import datetime, timedelta, timezone

from huaweicloudsdkbss.v2 import (
    ListPartnerBalancesRequest,
    ListSubCustomersRequest,
    QuerySubCustomerListReq,
    ShowCustomerAccountBalancesRequest,
)
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from conftest import (
    AUTH_PREFIX,
    WORLD_FILE,
    Key,
    call,
    check_auth_error,
    check_error,
    check_ok,
    check_sdk_error,
    fresh_database,
    run_cli,
    running_server,
    sdk_client,
    sdk_error,
    send,
    sign,
    start_server,
    wire_body,
)
from helpers.operator import operator_call
from helpers.world import CUSTOMERS, KEYS, NOW, PARTNERS, WORLD, customers_of, resellers_of

SUB_CUSTOMERS = "/v2/partners/sub-customers/query"
INDIRECT_PARTNERS = "/v2/partners/indirect-partners/query"
PARTNER_BALANCES = "/v2/accounts/partner-accounts/balances"
CUSTOMER_BALANCES = "/v2/accounts/customer-accounts/balances"

ACME = KEYS["dist-acme"]
NOVA = KEYS["sp-nova"]


def sdk_date(delta=timedelta()):
    return (datetime.now(timezone.utc) + delta).strftime("%Y%m%dT%H%M%SZ")


def check_key_still_works(server, key=ACME):
    """A correctly signed request with `key` succeeds (and resets its failure count)."""
    check_ok(call(server, "POST", SUB_CUSTOMERS, key, body={"limit": 1}))


# ---------------------------------------------------------------------------------------------
# Routing, health, OpenAPI, metrics


def check_not_found(resp):
    check_error(resp, 404, "APIGW.0101", gateway=True)


def test_unknown_path_is_apigw_0101_without_auth(server):
    check_not_found(server.get("/v2/no-such-operation"))
    check_not_found(server.http.post(server.url + "/v2/partners/nothing/query", json={}))
    check_not_found(server.get("/v2/accounts/no-such-accounts/balances"))


def test_wrong_method_is_apigw_0101(server):
    check_not_found(server.get(SUB_CUSTOMERS))
    check_not_found(server.http.delete(server.url + PARTNER_BALANCES))
    check_not_found(call(server, "GET", SUB_CUSTOMERS, ACME))
    check_not_found(call(server, "POST", PARTNER_BALANCES, ACME, body={}))


def test_signed_unknown_path_is_apigw_0101(server):
    check_not_found(call(server, "POST", "/v2/partners/no-such-thing", ACME, body={}))


def test_health_needs_no_auth(server):
    check_ok(server.get("/health"))


def test_openapi_lists_the_operations(server):
    doc = check_ok(server.get("/openapi.json"))
    for path in (SUB_CUSTOMERS, INDIRECT_PARTNERS, PARTNER_BALANCES, CUSTOMER_BALANCES):
        assert path in doc["paths"], f"{path} missing from /openapi.json"


def test_metrics_count_requests(server):
    check_ok(server.get("/health"))
    resp = server.get("/metrics")
    assert resp.status_code == 200, resp.text[:300]
    assert "http_requests_total" in resp.text


# ---------------------------------------------------------------------------------------------
# Authentication (customers.md §11.1–11.3)


def test_signed_request_is_accepted(server):
    body = check_ok(call(server, "POST", SUB_CUSTOMERS, ACME, body={}))
    assert body["count"] == len(customers_of("dist-acme"))


def test_request_without_domain_id_is_accepted(server):
    body = check_ok(call(server, "POST", SUB_CUSTOMERS, ACME, body={}, domain_id=None))
    assert body["count"] == len(customers_of("dist-acme"))


def test_sdk_with_endpoints_and_no_domain_id(server):
    client = sdk_client(server, NOVA, domain_id=None, endpoints_only=True)
    body = wire_body(client.list_partner_balances(ListPartnerBalancesRequest()), "ListPartnerBalancesResponse")
    assert body["account_balances"], body


def test_wrong_sk_is_rejected(server):
    wrong = Key(ACME.ak, "x" * 40, ACME.owner_id)
    check_auth_error(call(server, "POST", SUB_CUSTOMERS, wrong, body={}), "verify aksk signature fail")
    check_key_still_works(server)


def test_wrong_sk_through_the_sdk(server):
    client = sdk_client(server, Key(NOVA.ak, "y" * 40, NOVA.owner_id))
    exc = sdk_error(client.list_sub_customers, ListSubCustomersRequest(body=QuerySubCustomerListReq()))
    check_sdk_error(exc, 401, "APIG.0301")
    assert exc.error_msg == AUTH_PREFIX + "verify aksk signature fail"
    check_key_still_works(server, NOVA)


def test_tampered_body_is_rejected(server):
    prepared = sign("POST", server.url, SUB_CUSTOMERS, ACME, body={"limit": 1})
    prepared.body = json.dumps({"limit": 2}).encode()
    check_auth_error(send(server, prepared), "verify aksk signature fail")
    check_key_still_works(server)


def test_tampered_signed_header_is_rejected(server):
    prepared = sign("POST", server.url, SUB_CUSTOMERS, ACME, body={})
    assert "user-agent" in prepared.headers["Authorization"]
    prepared.headers["User-Agent"] = "someone-else/2"
    check_auth_error(send(server, prepared), "verify aksk signature fail")
    check_key_still_works(server)


def test_unsigned_extra_header_is_ignored(server):
    prepared = sign("POST", server.url, SUB_CUSTOMERS, ACME, body={})
    prepared.headers["X-Extra-Unsigned"] = "anything"
    check_ok(send(server, prepared))


def test_sdk_date_outside_15_minutes_is_rejected(server):
    for delta in (timedelta(minutes=-20), timedelta(minutes=20)):
        prepared = sign("POST", server.url, SUB_CUSTOMERS, ACME, body={}, sdk_date=sdk_date(delta))
        check_auth_error(send(server, prepared), "verify aksk signature fail")
        check_key_still_works(server)


def test_sdk_date_within_15_minutes_is_accepted(server):
    for delta in (timedelta(minutes=-10), timedelta(minutes=10)):
        check_ok(send(server, sign("POST", server.url, SUB_CUSTOMERS, ACME, body={}, sdk_date=sdk_date(delta))))


def test_unknown_ak_is_rejected(server):
    ghost = Key("GHOSTAK0000000000001", "ghostsecret00000000000000000000000000001", "dist-acme")
    check_auth_error(call(server, "POST", SUB_CUSTOMERS, ghost, body={}),
                     f"Get secretKey failed,ak:{ghost.ak},err:ak not exist")


def test_missing_authorization_is_rejected(server):
    prepared = sign("POST", server.url, SUB_CUSTOMERS, ACME, body={})
    del prepared.headers["Authorization"]
    check_auth_error(send(server, prepared))
    check_auth_error(server.http.post(server.url + SUB_CUSTOMERS, json={}))


def test_missing_sdk_date_is_rejected(server):
    prepared = sign("POST", server.url, SUB_CUSTOMERS, ACME, body={})
    del prepared.headers["X-Sdk-Date"]
    check_auth_error(send(server, prepared))
    check_key_still_works(server)


def test_foreign_domain_id_is_rejected(server):
    check_auth_error(call(server, "POST", SUB_CUSTOMERS, ACME, body={}, domain_id="dist-other"))
    check_key_still_works(server)


def test_unsupported_algorithm_is_rejected(server):
    prepared = sign("POST", server.url, SUB_CUSTOMERS, ACME, body={})
    prepared.headers["Authorization"] = prepared.headers["Authorization"].replace(
        "SDK-HMAC-SHA256", "SDK-HMAC-SM3", 1)
    check_auth_error(send(server, prepared))
    check_key_still_works(server)


def test_lockout_after_six_bad_signatures(server):
    """Only this test uses sp-lockout's key: it stays locked for 5 minutes afterwards."""
    good = KEYS["sp-lockout"]
    bad = Key(good.ak, "z" * 40, good.owner_id)
    for _ in range(6):
        check_auth_error(call(server, "GET", PARTNER_BALANCES, bad))
    check_auth_error(call(server, "GET", PARTNER_BALANCES, good), "AK access failed to reach the limit,forbidden")


def test_auth_domains_names_the_key_owner(server):
    for owner_id in ("dist-acme", "cust-acme-01"):
        body = check_ok(call(server, "GET", "/v3/auth/domains", KEYS[owner_id]))
        entity = PARTNERS.get(owner_id) or CUSTOMERS[owner_id]
        assert body == {"domains": [{"id": owner_id, "name": entity["name"]}]}


def test_sdk_finds_domain_id_through_iam_endpoint(server):
    GlobalCredentials._CACHE.pop(NOVA.ak, None)  # the SDK caches the looked-up id per AK
    client = sdk_client(server, NOVA, domain_id=None, iam_endpoint=server.url)
    body = wire_body(client.list_partner_balances(ListPartnerBalancesRequest()), "ListPartnerBalancesResponse")
    assert body["account_balances"], body
    GlobalCredentials._CACHE.pop(NOVA.ak, None)


# ---------------------------------------------------------------------------------------------
# Parameter errors


def test_malformed_json_is_cbc_0100(server):
    check_error(call(server, "POST", SUB_CUSTOMERS, ACME, body=b'{"limit": 10'), 400, "CBC.0100")
    check_error(call(server, "POST", INDIRECT_PARTNERS, ACME, body=b"not json"), 400, "CBC.0100")


def test_wrong_json_type_is_cbc_0100(server):
    check_error(call(server, "POST", SUB_CUSTOMERS, ACME, body={"limit": "ten"}), 400, "CBC.0100")
    check_error(call(server, "POST", SUB_CUSTOMERS, ACME, body={"account_name": 7}), 400, "CBC.0100")
    check_error(call(server, "POST", INDIRECT_PARTNERS, ACME, body={"offset": "0"}), 400, "CBC.0100")


def test_limit_101_is_cbc_0100(server):
    client = sdk_client(server, ACME)
    exc = sdk_error(client.list_sub_customers, ListSubCustomersRequest(body=QuerySubCustomerListReq(limit=101)))
    check_sdk_error(exc, 400, "CBC.0100")


# ---------------------------------------------------------------------------------------------
# Flow control (customers.md §11): 10 per second per (source IP, operation, account)


def burst(server, key, n_requests):
    """`n_requests` signed ListSubCustomers calls, signed first, then sent back to back."""
    prepared = [sign("POST", server.url, SUB_CUSTOMERS, key, body={"limit": 1}) for _ in range(n_requests)]
    return [send(server, p) for p in prepared]


def test_rate_limits_off_allows_bursts(server):
    for resp in burst(server, ACME, 30):
        check_ok(resp)


def test_throttling_after_ten_per_second(throttled_server):
    responses = burst(throttled_server, ACME, 30)
    for resp in responses[:10]:
        check_ok(resp)
    throttled = [r for r in responses if r.status_code == 429]
    assert throttled, f"no 429 among 30 requests: {[r.status_code for r in responses]}"
    for resp in throttled:
        check_error(resp, 429, "APIG.0308", gateway=True)

    # Another account is not throttled by dist-acme's burst, until its own burst; the SDK reads
    # the 429 of a POST as error_code APIG.0308 (customers.md §11).
    check_ok(call(throttled_server, "POST", SUB_CUSTOMERS, NOVA, body={"limit": 1}))
    client = sdk_client(throttled_server, NOVA)
    request = ListSubCustomersRequest(body=QuerySubCustomerListReq(limit=1))
    for _ in range(40):
        try:
            client.list_sub_customers(request)
        except ClientRequestException as exc:
            check_sdk_error(exc, 429, "APIG.0308")
            return
    raise AssertionError("40 back-to-back SDK calls were never throttled")


# ---------------------------------------------------------------------------------------------
# Operator API (signed like the partner API, with an operator key from the world file)


def check_clock(body, now, mode="manual"):
    assert body == {"mode": mode, "now": now}


def test_operator_api_refuses_other_keys(server):
    for key in (ACME, KEYS["cust-acme-01"], KEYS["resel-bolt"]):
        check_error(call(server, "GET", "/operator/v1/clock", key), 403, "CBC.0151")
        check_error(call(server, "POST", "/operator/v1/access-keys", key,
                         body={"owner_type": "partner", "owner_id": "dist-acme"}), 403, "CBC.0151")
    check_auth_error(server.get("/operator/v1/clock"))


def test_operator_clock(fresh_server):
    """On a server of its own: the clock may refuse to move back, so it is never restored."""
    srv = fresh_server
    check_clock(check_ok(operator_call(srv, "GET", "/operator/v1/clock")), NOW)
    advanced = check_ok(operator_call(srv, "POST", "/operator/v1/clock/advance", {"seconds": 3600}))
    check_clock(advanced, "2026-01-15T01:00:00Z")
    check_clock(check_ok(operator_call(srv, "GET", "/operator/v1/clock")), "2026-01-15T01:00:00Z")
    check_clock(check_ok(operator_call(srv, "PUT", "/operator/v1/clock", {"now": "2026-02-01T00:00:00Z"})),
                "2026-02-01T00:00:00Z")
    check_clock(check_ok(operator_call(srv, "GET", "/operator/v1/clock")), "2026-02-01T00:00:00Z")


def test_operator_clock_in_system_mode_is_not_settable(backend, tmp_path):
    world = tmp_path / "system-clock.json"
    world.write_text(json.dumps({"operators": WORLD["operators"]}))
    with running_server(backend, tmp_path, world=world) as srv:
        body = check_ok(operator_call(srv, "GET", "/operator/v1/clock"))
        assert body["mode"] == "system", body
        check_error(operator_call(srv, "POST", "/operator/v1/clock/advance", {"seconds": 60}), 409,
                    "PC.ClockNotManual")
        check_error(operator_call(srv, "PUT", "/operator/v1/clock", {"now": NOW}), 409, "PC.ClockNotManual")


def check_partner_balance_works(server, key):
    client = sdk_client(server, key)
    return wire_body(client.list_partner_balances(ListPartnerBalancesRequest()), "ListPartnerBalancesResponse")


def test_operator_access_key_lifecycle(server):
    created = check_ok(operator_call(server, "POST", "/operator/v1/access-keys",
                                     {"owner_type": "partner", "owner_id": "resel-cove"}), 201)
    assert {"ak", "sk", "owner_type", "owner_id", "created_at"} <= set(created), created
    assert (created["owner_type"], created["owner_id"]) == ("partner", "resel-cove")
    key = Key(created["ak"], created["sk"], "resel-cove")
    check_partner_balance_works(server, key)

    listed = check_ok(operator_call(server, "GET", "/operator/v1/access-keys"))["access_keys"]
    assert all("sk" not in entry for entry in listed), "the key list must never carry secret keys"
    mine = [entry for entry in listed if entry["ak"] == key.ak]
    assert len(mine) == 1, listed
    assert {"ak", "owner_type", "owner_id", "created_at", "revoked_at"} <= set(mine[0]), mine[0]
    assert (mine[0]["owner_type"], mine[0]["owner_id"], mine[0]["revoked_at"]) == ("partner", "resel-cove", None)

    resp = operator_call(server, "DELETE", f"/operator/v1/access-keys/{key.ak}")
    assert resp.status_code == 204, resp.text
    check_auth_error(call(server, "GET", PARTNER_BALANCES, key),
                     f"Get secretKey failed,ak:{key.ak},err:ak not exist")


def test_operator_customer_key_works_at_once(server):
    created = check_ok(operator_call(server, "POST", "/operator/v1/access-keys",
                                     {"owner_type": "customer", "owner_id": "cust-acme-04"}), 201)
    client = sdk_client(server, Key(created["ak"], created["sk"], "cust-acme-04"))
    wire_body(client.show_customer_account_balances(ShowCustomerAccountBalancesRequest()),
              "ShowCustomerAccountBalancesResponse")
    check_ok(operator_call(server, "DELETE", f"/operator/v1/access-keys/{created['ak']}"), 204)


def test_operator_access_key_for_unknown_owner(server):
    for body in ({"owner_type": "partner", "owner_id": "nobody"},
                 {"owner_type": "customer", "owner_id": "dist-acme"}):
        check_error(operator_call(server, "POST", "/operator/v1/access-keys", body), 400, "PC.UnknownOwner")


def check_indirect_partner_ids(server, key, expected_ids):
    body = check_ok(call(server, "POST", INDIRECT_PARTNERS, key, body={"limit": 100}))
    assert sorted(p["indirect_partner_id"] for p in body["indirect_partners"]) == expected_ids
    return body


def check_acme_unchanged(server):
    """The world's numbers for dist-acme: balances not doubled, no entity duplicated."""
    body = check_partner_balance_works(server, ACME)
    cash = [b for b in body["account_balances"] if b["account_type"] == 1]
    assert [b["amount"] for b in cash] == [100000], body
    check_indirect_partner_ids(server, ACME, resellers_of("dist-acme"))
    assert check_ok(call(server, "POST", SUB_CUSTOMERS, ACME, body={}))["count"] == len(customers_of("dist-acme"))


def check_applied(body):
    assert body["applied"] is True, body


def test_operator_apply_same_world_twice_is_idempotent(server):
    for _ in range(2):
        check_applied(check_ok(operator_call(server, "POST", "/operator/v1/world", WORLD)))
    check_acme_unchanged(server)


ZETA_WORLD = {
    "partners": [
        {"id": "dist-zeta", "name": "Zeta Distribution", "kind": "distributor",
         "ak": "ZETAAK00000000000001", "sk": "zetaaksecret0000000000000000000000000001", "balance": "1.00"},
        {"id": "resel-zeta", "name": "Zeta Reseller", "kind": "reseller", "parent": "dist-zeta"},
    ],
}


def test_operator_world_entities_are_associated_at_clock_now(fresh_server):
    srv = fresh_server
    check_ok(operator_call(srv, "POST", "/operator/v1/clock/advance", {"seconds": 3600}))
    check_applied(check_ok(operator_call(srv, "POST", "/operator/v1/world", ZETA_WORLD)))
    zeta = Key("ZETAAK00000000000001", "zetaaksecret0000000000000000000000000001", "dist-zeta")
    body = check_indirect_partner_ids(srv, zeta, ["resel-zeta"])
    assert body["indirect_partners"][0]["associated_on"] == "2026-01-15T01:00:00Z"
    # The world's own entities keep the time they were applied at.
    body = check_indirect_partner_ids(srv, ACME, resellers_of("dist-acme"))
    assert {p["associated_on"] for p in body["indirect_partners"]} == {NOW}


def test_operator_invalid_world_is_rejected_whole(server):
    world = {
        "partners": [
            {"id": "dist-ghost", "name": "Ghost", "kind": "distributor",
             "ak": "GHOSTAK0000000000002", "sk": "ghostsecret00000000000000000000000000002"},
            {"id": "resel-orphan", "name": "Orphan", "kind": "reseller"},
        ],
    }
    body = check_error(operator_call(server, "POST", "/operator/v1/world", world), 400, "PC.WorldInvalid")
    check_names_entry_and_field(body["error_msg"], "partners", 1, "resel-orphan", "parent")
    check_auth_error(call(server, "GET", PARTNER_BALANCES, Key("GHOSTAK0000000000002", "x", "dist-ghost")),
                     "Get secretKey failed,ak:GHOSTAK0000000000002,err:ak not exist")


# ---------------------------------------------------------------------------------------------
# Command line


def check_names_entry_and_field(message, list_name, index, entry_id, field):
    assert entry_id in message or f"{list_name}[{index}]" in message, (
        f"message does not name the entry ({entry_id} or {list_name}[{index}]): {message!r}")
    assert field in message, f"message does not name the field {field!r}: {message!r}"


def test_help_lists_commands_and_flags():
    res = run_cli("--help")
    assert res.returncode == 0, res.stderr
    for word in ("serve", "world", "--listen", "--database", "--world", "--rate-limits", "--demo"):
        assert word in res.stdout, f"--help does not mention {word}:\n{res.stdout}"


GHOST = {"id": "dist-ghost", "name": "Ghost Distribution", "kind": "distributor",
         "ak": "GHOSTAK0000000000001", "sk": "ghostsecret00000000000000000000000000001", "balance": "1.00"}


def with_defect(defect):
    """The valid world plus a valid ghost distributor with a key, plus one defect.

    The result: (world, list name, index, entry id, field) naming the defective entry."""
    world = copy.deepcopy(WORLD)
    world["partners"].append(copy.deepcopy(GHOST))
    n_partners, n_customers = len(world["partners"]), len(world["customers"])
    if defect == "unknown kind":
        world["partners"].append({"id": "ghost-kind", "name": "Kind", "kind": "wholesaler"})
        return world, "partners", n_partners, "ghost-kind", "kind"
    if defect == "reseller without parent":
        world["partners"].append({"id": "ghost-orphan", "name": "Orphan", "kind": "reseller"})
        return world, "partners", n_partners, "ghost-orphan", "parent"
    if defect == "negative amount":
        world["customers"].append({"id": "ghost-neg", "name": "neg", "partner": "dist-ghost", "balance": "-1.00"})
        return world, "customers", n_customers, "ghost-neg", "balance"
    if defect == "duplicated id":
        world["partners"].append({"id": "dist-ghost", "name": "Twin", "kind": "distributor"})
        return world, "partners", n_partners, "dist-ghost", "id"
    if defect == "duplicated ak":
        world["customers"].append({"id": "ghost-dup-ak", "name": "dup-ak", "ak": ACME.ak, "sk": "s" * 40})
        return world, "customers", n_customers, "ghost-dup-ak", "ak"
    if defect == "unknown partner":
        world["customers"].append({"id": "ghost-lost", "name": "lost", "partner": "no-such-partner"})
        return world, "customers", n_customers, "ghost-lost", "partner"
    raise ValueError(defect)


DEFECTS = ["unknown kind", "reseller without parent", "negative amount", "duplicated id", "duplicated ak",
           "unknown partner"]


def test_world_apply_rejects_invalid_files_whole(backend, tmp_path):
    with fresh_database(backend, tmp_path) as database_url:
        for n, defect in enumerate(DEFECTS):
            world, list_name, index, entry_id, field = with_defect(defect)
            path = tmp_path / f"invalid-{n}.json"
            path.write_text(json.dumps(world))
            res = run_cli("world", "apply", str(path), "--database", database_url)
            assert res.returncode != 0, f"{defect}: world apply exited 0\n{res.stdout}\n{res.stderr}"
            check_names_entry_and_field(res.stderr, list_name, index, entry_id, field)

        res = run_cli("world", "apply", str(WORLD_FILE), "--database", database_url)
        assert res.returncode == 0, res.stderr
        srv = start_server(database_url, tmp_path, world=None)
        try:
            check_auth_error(call(srv, "GET", PARTNER_BALANCES, Key(GHOST["ak"], GHOST["sk"], "dist-ghost")),
                             f"Get secretKey failed,ak:{GHOST['ak']},err:ak not exist")
            check_acme_unchanged(srv)
        finally:
            srv.stop()


def test_world_apply_twice_does_not_double(backend, tmp_path):
    with fresh_database(backend, tmp_path) as database_url:
        for _ in range(2):
            res = run_cli("world", "apply", str(WORLD_FILE), "--database", database_url)
            assert res.returncode == 0, res.stderr
        srv = start_server(database_url, tmp_path, world=WORLD_FILE)  # and a third time on serve
        try:
            check_acme_unchanged(srv)
            clock = check_ok(operator_call(srv, "GET", "/operator/v1/clock"))
            check_clock(clock, NOW)
        finally:
            srv.stop()


def test_demo_prints_credentials(tmp_path):
    srv = start_server(f"sqlite://{tmp_path}/demo.db", tmp_path, world=None, rate_limits=None,
                       extra_args=["--demo"])
    try:
        printed = "\n".join(srv.stdout_lines)
        assert re.search(r"\b[A-Z0-9]{20}\b", printed), f"no access key printed by --demo:\n{printed}"
        check_ok(srv.get("/health"))
    finally:
        srv.stop()


def test_sigterm_exits_zero(backend, tmp_path):
    with fresh_database(backend, tmp_path) as database_url:
        srv = start_server(database_url, tmp_path)
        check_ok(call(srv, "POST", SUB_CUSTOMERS, ACME, body={}))
        code = srv.stop()
        assert code == 0, f"exit status {code} after SIGTERM\n{srv.stderr_tail()}"
