"""Switching and unbinding associations through our channel API (/channel/v1/association-changes):
one side asks, the other answers (customers.md §3, §13 items 47–50). The real system keeps these
workflows in its console; the SDK has no operation for them.

The tests change associations, so they run on a server of their own (`channel`), or on a fresh
one when they move its clock.
"""

from decimal import Decimal

import pytest
from huaweicloudsdkbss.v2 import (
    AdjustAccountReq,
    ListPartnerAccountChangeRecordsRequest,
    UpdateCustomerAccountAmountRequest,
)

from conftest import call, check_error, check_ok, running_server, sdk_client, wire_body
from helpers.customers import list_sub_customers
from helpers.operator import advance_clock, create_access_key
from helpers.realname import new_customer
from helpers.world import KEYS

CHANGES = "/channel/v1/association-changes"
ACME = "dist-acme"
NINETY_DAYS = 90 * 24 * 3600


@pytest.fixture(scope="module")
def channel(backend, tmp_path_factory):
    with running_server(backend, tmp_path_factory.mktemp(f"channel-{backend}")) as srv:
        yield srv


def customer_with_key(server, partner=ACME):
    """A customer registered now for `partner`, and a key of its own."""
    customer_id = new_customer(server, partner)
    return customer_id, create_access_key(server, "customer", customer_id)


def ask(server, key, kind, customer_id=None, status=201):
    body = {"kind": kind} if customer_id is None else {"kind": kind, "customer_id": customer_id}
    return check_ok(call(server, "POST", CHANGES, key, body=body), status)


def answer(server, key, change_id, verb, status=200):
    return check_ok(call(server, "POST", f"{CHANGES}/{change_id}/{verb}", key), status)


def association_type(server, customer_id):
    rows = list_sub_customers(server, ACME, customer_id=customer_id)["customer_infos"]
    return rows[0]["association_type"] if rows else None


def test_a_switch_takes_effect_when_the_customer_accepts(channel):
    customer_id, customer_key = customer_with_key(channel)
    change = ask(channel, KEYS[ACME], "switch", customer_id)
    assert (change["state"], change["requested_by"], change["association_type"]) == ("pending", "partner", "2")
    assert association_type(channel, customer_id) == "2", "a pending request changes nothing"
    check_error(call(channel, "POST", f"{CHANGES}/{change['id']}/accept", KEYS[ACME]), 403, "PC.NotTheCounterparty")
    done = answer(channel, customer_key, change["id"], "accept")
    assert done["state"] == "accepted" and done["decided_at"], done
    assert association_type(channel, customer_id) == "1"


def test_a_customer_leaving_disappears_from_the_list_and_the_records_stay(channel):
    customer_id, customer_key = customer_with_key(channel)
    client = sdk_client(channel, KEYS[ACME], nonce=True)
    client.update_customer_account_amount(UpdateCustomerAccountAmountRequest(
        body=AdjustAccountReq(customer_id=customer_id, amount=3)))
    change = ask(channel, customer_key, "unbind")
    assert change["requested_by"] == "customer" and change["customer_id"] == customer_id
    answer(channel, KEYS[ACME], change["id"], "accept")
    assert association_type(channel, customer_id) is None
    records = wire_body(client.list_partner_account_change_records(ListPartnerAccountChangeRecordsRequest()),
                        "ListPartnerAccountChangeRecordsResponse")
    assert records["total_count"] >= 1, "the partner's records up to the unbinding stay"
    balances = check_ok(call(channel, "GET", "/v2/accounts/customer-accounts/balances", customer_key))
    cash = [a for a in balances["account_balances"] if a["account_type"] == 1]
    assert cash[0]["amount"] == Decimal("3"), balances
    # No longer the partner's customer: money no longer moves to it.
    resp = call(channel, "POST", "/v2/accounts/partner-accounts/adjust-amount", KEYS[ACME],
                body={"customer_id": customer_id, "amount": 1})
    check_error(resp, 400, "CBC.99000035")


def test_a_rejected_request_changes_nothing_and_one_waits_at_a_time(channel):
    customer_id, customer_key = customer_with_key(channel)
    change = ask(channel, customer_key, "unbind")
    check_error(call(channel, "POST", CHANGES, KEYS[ACME], body={"kind": "switch", "customer_id": customer_id}),
                409, "PC.AssociationChangePending")
    assert answer(channel, KEYS[ACME], change["id"], "reject")["state"] == "rejected"
    check_error(call(channel, "POST", f"{CHANGES}/{change['id']}/accept", KEYS[ACME]), 409,
                "PC.AssociationChangeNotPending")
    assert association_type(channel, customer_id) == "2"


def test_a_customer_only_unbinds_and_nobody_answers_anothers_request(channel):
    customer_id, customer_key = customer_with_key(channel)
    check_error(call(channel, "POST", CHANGES, customer_key, body={"kind": "switch"}), 400,
                "PC.AssociationChangeInvalid")
    check_error(call(channel, "POST", CHANGES, KEYS[ACME], body={"kind": "move", "customer_id": customer_id}),
                400, "CBC.0100")
    change = ask(channel, KEYS[ACME], "unbind", customer_id)
    other = KEYS["cust-acme-01"]
    check_error(call(channel, "POST", f"{CHANGES}/{change['id']}/accept", other), 404, "PC.UnknownAssociationChange")
    check_error(call(channel, "POST", f"{CHANGES}/{change['id']}/reject", KEYS["sp-nova"]), 404,
                "PC.UnknownAssociationChange")
    log = check_ok(call(channel, "GET", CHANGES, customer_key))["changes"]
    assert [c["id"] for c in log] == [change["id"]]
    assert change["id"] not in [c["id"] for c in check_ok(call(channel, "GET", CHANGES, KEYS["sp-nova"]))["changes"]]


def test_the_partner_asks_once_every_three_months(fresh_server):
    customer_id, customer_key = customer_with_key(fresh_server)
    change = ask(fresh_server, KEYS[ACME], "switch", customer_id)
    answer(fresh_server, customer_key, change["id"], "reject")
    check_error(call(fresh_server, "POST", CHANGES, KEYS[ACME], body={"kind": "switch", "customer_id": customer_id}),
                400, "PC.AssociationChangeTooSoon")
    advance_clock(fresh_server, NINETY_DAYS)
    ask(fresh_server, KEYS[ACME], "switch", customer_id)
