"""Balances through the official SDK: ListPartnerBalances (GET /v2/accounts/partner-accounts/balances)
and ShowCustomerAccountBalances (GET /v2/accounts/customer-accounts/balances).

Amounts are JSON numbers with 2 decimals, in yuan (measure_id 1), currency CNY.
Reference: ../../../shared/reference/funds.md §2.1, §3, §5 items 1–4.
"""

from decimal import Decimal

import pytest
from huaweicloudsdkbss.v2 import ListPartnerBalancesRequest, ShowCustomerAccountBalancesRequest

from conftest import check_sdk_error, sdk_client, sdk_error
from helpers.funds import (
    CASH,
    CREDIT,
    account,
    check_amount_in_raw,
    list_partner_balances,
    show_customer_account_balances,
    world_balance,
)
from helpers.world import CUSTOMERS, KEYS, PARTNERS


def check_cash_account(body, raw, amount):
    cash = account(body, CASH)
    assert cash["amount"] == Decimal(amount), cash
    assert cash["currency"] == "CNY", cash
    assert cash["measure_id"] == 1, cash
    assert cash.get("designated_amount", 0) == 0, cash
    check_amount_in_raw(raw, "amount", amount)


# ---------------------------------------------------------------------------------------------
# ListPartnerBalances


@pytest.mark.parametrize("caller", ["dist-acme", "dist-other", "sp-nova", "resel-bolt", "resel-cove", "resel-far"])
def test_partner_reads_its_own_cash_balance(server, caller):
    body, raw = list_partner_balances(server, caller)
    check_cash_account(body, raw, world_balance(PARTNERS[caller]))


def test_distributor_has_its_credit_line(server):
    body, raw = list_partner_balances(server, "dist-acme")
    credit = account(body, CREDIT)
    assert credit["amount"] == Decimal("5000.00"), credit
    assert credit["credit_amount"] == Decimal("5000.00"), credit
    assert credit["currency"] == "CNY" and credit["measure_id"] == 1, credit
    check_amount_in_raw(raw, "credit_amount", "5000.00")
    check_amount_in_raw(raw, "amount", "100000.00")


@pytest.mark.parametrize("reseller", ["resel-bolt", "resel-cove"])
def test_distributor_reads_its_resellers_balance(server, reseller):
    body, raw = list_partner_balances(server, "dist-acme", indirect_partner_id=reseller)
    check_cash_account(body, raw, world_balance(PARTNERS[reseller]))


@pytest.mark.parametrize("caller, indirect_partner_id", [
    ("dist-acme", "resel-far"),
    ("dist-other", "resel-bolt"),
    ("dist-acme", "no-such-reseller"),
])
def test_foreign_indirect_partner_id_is_99000037(server, caller, indirect_partner_id):
    client = sdk_client(server, KEYS[caller])
    request = ListPartnerBalancesRequest(indirect_partner_id=indirect_partner_id)
    check_sdk_error(sdk_error(client.list_partner_balances, request), 400, "CBC.99000037")


def test_solution_provider_indirect_partner_id_is_ignored(server):
    body, raw = list_partner_balances(server, "sp-nova", indirect_partner_id="resel-bolt")
    check_cash_account(body, raw, "500.00")


@pytest.mark.parametrize("caller", ["cust-acme-01", "cust-solo"])
def test_customer_may_not_read_partner_balances(server, caller):
    client = sdk_client(server, KEYS[caller])
    check_sdk_error(sdk_error(client.list_partner_balances, ListPartnerBalancesRequest()), 403, "CBC.0151")


# ---------------------------------------------------------------------------------------------
# ShowCustomerAccountBalances


@pytest.mark.parametrize("caller", ["cust-acme-01", "cust-acme-02", "cust-bolt-01", "cust-nova-02", "cust-solo"])
def test_customer_reads_its_own_balance(server, caller):
    body, raw = show_customer_account_balances(server, caller)
    check_cash_account(body, raw, world_balance(CUSTOMERS[caller]))
    assert body["debt_amount"] == 0, body
    assert body["measure_id"] == 1, body
    assert body["currency"] == "CNY", body


@pytest.mark.parametrize("caller", ["dist-acme", "sp-nova", "resel-bolt"])
def test_partner_may_not_read_customer_balances(server, caller):
    client = sdk_client(server, KEYS[caller])
    request = ShowCustomerAccountBalancesRequest()
    check_sdk_error(sdk_error(client.show_customer_account_balances, request), 403, "CBC.0151")
