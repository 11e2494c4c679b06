"""The fund operations through the official SDK: moving money and reading what moved.

UpdateCustomerAccountAmount (adjust), ReclaimToPartnerAccount (reclaim),
UpdateIndirectPartnerAccount / ReclaimIndirectPartnerAccount (tier-1 <-> tier-2),
ListCustomersBalancesDetail, ListPartnerAdjustRecords, ListPartnerAccountChangeRecords,
ListCustomerAccountChangeRecords, and balances after money moved; plus our idempotency
extension (`X-Idempotency-Key`). Concurrency and crash safety: test_funds_durability.py.

Money moves only on the fund entities of world.toml. Tests moving money on `dist-fund`,
`resel-fund`, `sp-fund` and their customers assert deltas (before/after); the `*-ledger` and
`sp-pager` entities are moved by one module fixture each (`ledger`, `pager`), so the tests
reading them know every balance and record exactly. The shared server's clock never moves:
every operation there happens at NOW.
Reference: ../../../shared/reference/funds.md §1, §2.1–2.4, §3, §5 items 1–34.
"""

import re
import secrets
from decimal import Decimal

import pytest
from huaweicloudsdkbss.v2 import (
    CustomerInfoV2,
    ListCustomerAccountChangeRecordsRequest,
    ListCustomersBalancesDetailRequest,
    ListPartnerAccountChangeRecordsRequest,
    ListPartnerAdjustRecordsRequest,
    ListPartnerBalancesRequest,
    QueryCustomersBalancesReq,
    ShowCustomerAccountBalancesRequest,
)

from conftest import (
    call,
    cases,
    check_error,
    check_ok,
    check_sdk_error,
    sdk_client,
    sdk_error,
    send,
    sign,
    wire_body,
)
from helpers.funds import (
    ADJUST,
    MONEY_OPS,
    RECLAIM,
    RESELLER_ADJUST,
    RESELLER_RECLAIM,
    adjust_records,
    cash_snapshot,
    check_money_answer,
    customer_cash,
    customer_change_records,
    customers_balances,
    idempotent_client,
    money_error,
    move_money,
    partner_cash,
    partner_change_records,
)
from helpers.operator import set_clock
from helpers.world import KEYS, NOW, name_of

D = Decimal
CENT = D("0.01")
ONE_SECOND_AFTER = "2026-01-15T00:00:01Z"
ONE_SECOND_BEFORE = "2026-01-14T23:59:59Z"

BEADJUST = "SOURCE_OPERATION_BEADJUST"
BERETRIEVE = "SOURCE_OPERATION_BERETRIEVE"
RECHARGE = "SOURCE_OPERAIION_RECHARGE"  # sic
ADJUST_CREDIT = "SOURCE_OPERAIION_ADJUST_CREDIT"  # sic
DEBIT, CREDIT = "BALANCE_TYPE_DEBIT", "BALANCE_TYPE_CREDIT"


def check_deltas(before, after, deltas):
    """Every balance in `before` moved by exactly its delta in `deltas` (default: not at all)."""
    moved = {k: after[k] - before[k] for k in before}
    expected = {k: D(deltas.get(k, 0)) for k in before}
    assert moved == expected, f"balances moved by {moved}, expected {expected}"


def fund_fields(op):
    """A target `dist-fund` may move money with by `op`: its customer or its reseller."""
    return {"customer_id": "cust-fund-01"} if op.target == "customer_id" else {"indirect_partner_id": "resel-fund"}


def fund_parties(op):
    """(payer, receiver) of `op` by dist-fund with fund_fields(op)."""
    other = fund_fields(op)[op.target]
    return ("dist-fund", other) if op.id_prefix == "AD" else (other, "dist-fund")


FUND_ENTITIES = {"partners": ("dist-fund", "resel-fund"), "customers": ("cust-fund-01", "cust-rfund-01")}


def fund_snapshot(server):
    return cash_snapshot(server, **FUND_ENTITIES)


def new_idempotency_key():
    return "wire-test-" + secrets.token_hex(8)


# ---------------------------------------------------------------------------------------------
# Amounts and bodies: > 0, at most 2 decimals, every field present (funds.md §3.3, items 8–11, 14)


BAD_AMOUNTS = [
    pytest.param(D("0"), id="0"),
    pytest.param(D("0.00"), id="0.00"),
    pytest.param(D("-1"), id="-1"),
    pytest.param(D("-0.01"), id="-0.01"),
    pytest.param(D("0.001"), id="0.001"),
    pytest.param(D("1.005"), id="1.005"),
    pytest.param(0.1 + 0.2, id="float-0.30000000000000004"),  # sent as is, never rounded
]


@pytest.mark.parametrize("op", MONEY_OPS, ids=str)
@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_bad_amount_is_cbc_0100(server, op, amount):
    before = fund_snapshot(server)
    money_error(server, op, "dist-fund", 400, "CBC.0100", amount=amount, **fund_fields(op))
    check_deltas(before, fund_snapshot(server), {})


@pytest.mark.parametrize("op", MONEY_OPS, ids=str)
@pytest.mark.parametrize("missing", ["target", "amount", "both"])
def test_missing_field_is_cbc_0100(server, op, missing):
    fields = {**fund_fields(op), "amount": D("1.00")}
    if missing in ("target", "both"):
        del fields[op.target]
    if missing in ("amount", "both"):
        del fields["amount"]
    before = fund_snapshot(server)
    money_error(server, op, "dist-fund", 400, "CBC.0100", **fields)
    check_deltas(before, fund_snapshot(server), {})


@pytest.mark.parametrize("op", MONEY_OPS, ids=str)
def test_amount_as_a_json_string_is_accepted(server, op):
    """The docs' own example sends `"amount": "1.11"`; the SDK model wants a Decimal, so raw."""
    payer, receiver = fund_parties(op)
    before = fund_snapshot(server)
    body = check_ok(call(server, "POST", op.path, KEYS["dist-fund"], body={**fund_fields(op), "amount": "1.11"}))
    check_money_answer(op, body)
    check_deltas(before, fund_snapshot(server), {payer: "-1.11", receiver: "1.11"})


@pytest.mark.parametrize("amount", ["1.111", "abc", "", "-1.00", "0", "0.00", None, True, [1], {"value": 1}],
                         ids=repr)
def test_raw_bad_amount_is_cbc_0100(server, amount):
    before = fund_snapshot(server)
    resp = call(server, "POST", ADJUST.path, KEYS["dist-fund"], body={"customer_id": "cust-fund-01", "amount": amount})
    check_error(resp, 400, "CBC.0100")
    check_deltas(before, fund_snapshot(server), {})


@pytest.mark.parametrize("amount", ["2", "0.5", "0.01", "12.30", "1234.56"])
def test_amounts_with_up_to_2_decimals_move_exactly(server, amount):
    """Adjusted to cust-fund-02, then reclaimed back: each step moves exactly `amount`."""
    parties = {"partners": ("dist-fund",), "customers": ("cust-fund-02",)}
    before = cash_snapshot(server, **parties)
    move_money(server, ADJUST, "dist-fund", customer_id="cust-fund-02", amount=D(amount))
    middle = cash_snapshot(server, **parties)
    check_deltas(before, middle, {"dist-fund": -D(amount), "cust-fund-02": D(amount)})
    move_money(server, RECLAIM, "dist-fund", customer_id="cust-fund-02", amount=D(amount))
    check_deltas(middle, cash_snapshot(server, **parties), {"dist-fund": D(amount), "cust-fund-02": -D(amount)})


# ---------------------------------------------------------------------------------------------
# Who may move money (items 15, 16, 21)


@pytest.mark.parametrize("op, caller, fields", [
    pytest.param(ADJUST, "resel-fund", {"customer_id": "cust-rfund-01"}, id="adjust-by-reseller"),
    pytest.param(ADJUST, "cust-fund-01", {"customer_id": "cust-fund-01"}, id="adjust-by-customer"),
    pytest.param(RECLAIM, "resel-fund", {"customer_id": "cust-rfund-01"}, id="reclaim-by-reseller"),
    pytest.param(RECLAIM, "cust-fund-01", {"customer_id": "cust-fund-01"}, id="reclaim-by-customer"),
    pytest.param(RESELLER_ADJUST, "sp-fund", {"indirect_partner_id": "resel-fund"}, id="reseller-adjust-by-sp"),
    pytest.param(RESELLER_ADJUST, "resel-fund", {"indirect_partner_id": "resel-fund"},
                 id="reseller-adjust-by-reseller"),
    pytest.param(RESELLER_ADJUST, "cust-fund-01", {"indirect_partner_id": "resel-fund"},
                 id="reseller-adjust-by-customer"),
    pytest.param(RESELLER_RECLAIM, "sp-fund", {"indirect_partner_id": "resel-fund"}, id="reseller-reclaim-by-sp"),
    pytest.param(RESELLER_RECLAIM, "resel-fund", {"indirect_partner_id": "resel-fund"},
                 id="reseller-reclaim-by-reseller"),
    pytest.param(RESELLER_RECLAIM, "cust-fund-01", {"indirect_partner_id": "resel-fund"},
                 id="reseller-reclaim-by-customer"),
])
def test_caller_not_allowed_is_cbc_0151(server, op, caller, fields):
    before = fund_snapshot(server)
    money_error(server, op, caller, 403, "CBC.0151", amount=D("1.00"), **fields)
    check_deltas(before, fund_snapshot(server), {})


# ---------------------------------------------------------------------------------------------
# Whom money may move to (items 13, 17, 22)


def target_case(caller, fields, code, name):
    return pytest.param(caller, fields, code, id=name)


@pytest.mark.parametrize("op", [ADJUST, RECLAIM], ids=str)
@pytest.mark.parametrize("caller, fields, code", [
    target_case("dist-fund", {"customer_id": "cust-acme-01"}, "CBC.99000035", "another-distributors-customer"),
    target_case("dist-fund", {"customer_id": "cust-rfund-01"}, "CBC.99000035", "own-resellers-customer-directly"),
    target_case("dist-fund", {"customer_id": "cust-solo"}, "CBC.99000035", "nobodys-customer"),
    target_case("dist-fund", {"customer_id": "no-such-customer"}, "CBC.99000035", "unknown-customer"),
    target_case("dist-fund", {"customer_id": "resel-fund"}, "CBC.99000035", "a-reseller-as-customer"),
    target_case("dist-fund", {"customer_id": "cust-fund-ref"}, "CBC.99000000", "own-referral-customer"),
    target_case("sp-fund", {"customer_id": "cust-spfund-ref"}, "CBC.99000000", "sp-own-referral-customer"),
    target_case("sp-fund", {"customer_id": "cust-fund-01"}, "CBC.99000035", "sp-another-partners-customer"),
    target_case("dist-fund", {"customer_id": "cust-fund-01", "indirect_partner_id": "resel-fund"},
                "CBC.99000035", "own-customer-named-as-resellers"),
    target_case("dist-fund", {"customer_id": "cust-rfund-ref", "indirect_partner_id": "resel-fund"},
                "CBC.99000000", "resellers-referral-customer"),
    target_case("dist-fund", {"customer_id": "cust-rfund-01", "indirect_partner_id": "resel-bolt"},
                "CBC.99000037", "another-distributors-reseller"),
    target_case("dist-fund", {"customer_id": "cust-rfund-01", "indirect_partner_id": "resel-far"},
                "CBC.99000037", "a-far-reseller"),
    target_case("dist-fund", {"customer_id": "cust-rfund-01", "indirect_partner_id": "no-such-reseller"},
                "CBC.99000037", "unknown-reseller"),
    target_case("dist-fund", {"customer_id": "cust-rfund-01", "indirect_partner_id": "dist-fund"},
                "CBC.99000037", "itself-as-reseller"),
    target_case("dist-fund", {"customer_id": "cust-rfund-01", "indirect_partner_id": "cust-rfund-01"},
                "CBC.99000037", "a-customer-as-reseller"),
    target_case("dist-acme", {"customer_id": "cust-rfund-01", "indirect_partner_id": "resel-fund"},
                "CBC.99000037", "someone-elses-reseller"),
])
def test_customer_target_rules(server, op, caller, fields, code):
    before = fund_snapshot(server)
    money_error(server, op, caller, 400, code, amount=D("1.00"), **fields)
    check_deltas(before, fund_snapshot(server), {})


@pytest.mark.parametrize("op", [RESELLER_ADJUST, RESELLER_RECLAIM], ids=str)
@pytest.mark.parametrize("target", ["resel-bolt", "resel-far", "no-such-reseller", "dist-fund", "dist-acme",
                                    "sp-fund", "cust-fund-01", "cust-rfund-01"])
def test_reseller_target_must_be_own_reseller(server, op, target):
    before = fund_snapshot(server)
    money_error(server, op, "dist-fund", 400, "CBC.99000037", indirect_partner_id=target, amount=D("1.00"))
    check_deltas(before, fund_snapshot(server), {})


# ---------------------------------------------------------------------------------------------
# Moving money: exact deltas (items 7, 12, 17–20, 23)


def newest_change_record(server, caller, **params):
    body = partner_change_records(server, caller, limit=1, **params)
    assert body["records"], body
    return body["records"][0]


def only_adjust_record(server, caller, trans_id, **params):
    body = adjust_records(server, caller, trans_id=trans_id, **params)
    assert body["total_count"] == 1 and len(body["records"]) == 1, body
    return body["records"][0]


def test_adjust_moves_money_from_partner_to_customer(server):
    before = fund_snapshot(server)
    transfer_id = move_money(server, ADJUST, "dist-fund", customer_id="cust-fund-01", amount=D("10.00"))
    after = fund_snapshot(server)
    check_deltas(before, after, {"dist-fund": "-10.00", "cust-fund-01": "10.00"})

    record = only_adjust_record(server, "dist-fund", transfer_id)
    assert record["operation_type"] == BEADJUST and record["amount"] == "10.00", record
    assert (record["customer_id"], record["customer_name"]) == ("cust-fund-01", "fund-client-one"), record

    # The distributor's cash account: an expense of 10.00 to the customer, the new balance after it.
    change = newest_change_record(server, "dist-fund")
    assert change["trade_detail_type"] == BEADJUST and change["type"] == "2", change
    assert change["change_amount"] == "10.00", change
    assert change["balance_after_change"] == f"{after['dist-fund']:.2f}", change
    assert change["trade_id"] == transfer_id, change
    assert (change["customer_id"], change["account_name"]) == ("cust-fund-01", "fund-client-one"), change

    # The customer's own view.
    body = customer_change_records(server, "cust-fund-01", balance_type=DEBIT, limit=1)
    mine = body["records"][0]
    assert (mine["trade_detail_type"], mine["revenue_expense_type"]) == (BEADJUST, "REVENUE"), mine
    assert (mine["trade_id"], mine["change_amount"]) == (transfer_id, "10.00"), mine
    assert mine["balance_after_change"] == f"{after['cust-fund-01']:.2f}", mine


def test_reclaim_moves_money_from_customer_to_partner(server):
    before = fund_snapshot(server)
    trans_id = move_money(server, RECLAIM, "dist-fund", customer_id="cust-fund-01", amount=D("4.56"))
    after = fund_snapshot(server)
    check_deltas(before, after, {"dist-fund": "4.56", "cust-fund-01": "-4.56"})

    record = only_adjust_record(server, "dist-fund", trans_id)
    assert record["operation_type"] == BERETRIEVE and record["amount"] == "4.56", record
    change = newest_change_record(server, "dist-fund")
    assert (change["trade_detail_type"], change["type"], change["change_amount"]) == (BERETRIEVE, "1", "4.56")
    assert change["balance_after_change"] == f"{after['dist-fund']:.2f}", change
    assert change["trade_id"] == trans_id, change

    body = customer_change_records(server, "cust-fund-01", balance_type=DEBIT, limit=1)
    mine = body["records"][0]
    assert (mine["trade_detail_type"], mine["revenue_expense_type"], mine["trade_id"]) == (
        BERETRIEVE, "EXPENSE", trans_id), mine
    assert mine["balance_after_change"] == f"{after['cust-fund-01']:.2f}", mine


def test_balances_read_the_moved_money(server):
    move_money(server, ADJUST, "dist-fund", customer_id="cust-fund-01", amount=D("0.42"))
    cash = customer_cash(server, ["cust-fund-01"])["cust-fund-01"]
    client = sdk_client(server, KEYS["cust-fund-01"])
    body = wire_body(client.show_customer_account_balances(ShowCustomerAccountBalancesRequest()),
                     "ShowCustomerAccountBalancesResponse")
    accounts = [b for b in body["account_balances"] if b["account_type"] == 1]
    assert len(accounts) == 1 and accounts[0]["amount"] == cash, body
    assert body["debt_amount"] == 0 and body["currency"] == "CNY" and body["measure_id"] == 1, body

    # Adjusts draw on the cash account alone: the credit line stays.
    client = sdk_client(server, KEYS["dist-fund"])
    body = wire_body(client.list_partner_balances(ListPartnerBalancesRequest()), "ListPartnerBalancesResponse")
    credit = [b for b in body["account_balances"] if b["account_type"] == 2]
    assert len(credit) == 1 and credit[0]["credit_amount"] == D("300.00"), body
    cash = [b for b in body["account_balances"] if b["account_type"] == 1]
    assert len(cash) == 1 and cash[0]["amount"] == partner_cash(server, "dist-fund"), body


def test_solution_provider_adjusts_and_reclaims_ignoring_indirect_partner_id(server):
    parties = {"partners": ("sp-fund", "resel-fund"), "customers": ("cust-spfund-01",)}
    before = cash_snapshot(server, **parties)
    transfer_id = move_money(server, ADJUST, "sp-fund", customer_id="cust-spfund-01", amount=D("7.00"),
                             indirect_partner_id="resel-fund")
    middle = cash_snapshot(server, **parties)
    check_deltas(before, middle, {"sp-fund": "-7.00", "cust-spfund-01": "7.00"})
    trans_id = move_money(server, RECLAIM, "sp-fund", customer_id="cust-spfund-01", amount=D("2.50"),
                          indirect_partner_id="resel-fund")
    check_deltas(middle, cash_snapshot(server, **parties), {"sp-fund": "2.50", "cust-spfund-01": "-2.50"})
    assert only_adjust_record(server, "sp-fund", transfer_id)["operation_type"] == BEADJUST
    assert only_adjust_record(server, "sp-fund", trans_id)["operation_type"] == BERETRIEVE


def test_distributor_moves_its_resellers_money_for_the_resellers_customer(server):
    before = fund_snapshot(server)
    transfer_id = move_money(server, ADJUST, "dist-fund", customer_id="cust-rfund-01", amount=D("3.00"),
                             indirect_partner_id="resel-fund")
    middle = fund_snapshot(server)
    check_deltas(before, middle, {"resel-fund": "-3.00", "cust-rfund-01": "3.00"})
    trans_id = move_money(server, RECLAIM, "dist-fund", customer_id="cust-rfund-01", amount=D("1.50"),
                          indirect_partner_id="resel-fund")
    after = fund_snapshot(server)
    check_deltas(middle, after, {"resel-fund": "1.50", "cust-rfund-01": "-1.50"})

    # The records are the reseller's: listed with indirect_partner_id, not among the distributor's own.
    for tid, operation_type, amount in ((transfer_id, BEADJUST, "3.00"), (trans_id, BERETRIEVE, "1.50")):
        record = only_adjust_record(server, "dist-fund", tid, indirect_partner_id="resel-fund")
        assert (record["operation_type"], record["amount"], record["customer_id"]) == (
            operation_type, amount, "cust-rfund-01"), record
        body = adjust_records(server, "dist-fund", trans_id=tid)
        assert (body["total_count"], body["records"]) == (0, []), body
    change = newest_change_record(server, "resel-fund")
    assert (change["trade_detail_type"], change["type"], change["trade_id"]) == (BERETRIEVE, "1", trans_id), change
    assert change["balance_after_change"] == f"{after['resel-fund']:.2f}", change


def test_reseller_short_of_money_even_when_the_distributor_is_rich(server):
    before = fund_snapshot(server)
    amount = before["resel-fund"] + CENT
    assert before["dist-fund"] > amount
    money_error(server, ADJUST, "dist-fund", 400, "CBC.99005003", customer_id="cust-rfund-01",
                indirect_partner_id="resel-fund", amount=amount)
    check_deltas(before, fund_snapshot(server), {})


def test_adjust_more_than_the_partner_has_is_99005003(server):
    for payer, customer in (("dist-fund", "cust-fund-01"), ("sp-fund", "cust-spfund-01")):
        parties = {"partners": (payer,), "customers": (customer,)}
        before = cash_snapshot(server, **parties)
        money_error(server, ADJUST, payer, 400, "CBC.99005003", customer_id=customer, amount=before[payer] + CENT)
        check_deltas(before, cash_snapshot(server, **parties), {})


def test_reclaim_more_than_the_customer_has_is_99005003(server):
    before = fund_snapshot(server)
    money_error(server, RECLAIM, "dist-fund", 400, "CBC.99005003", customer_id="cust-fund-01",
                amount=before["cust-fund-01"] + CENT)
    money_error(server, RECLAIM, "dist-fund", 400, "CBC.99005003", customer_id="cust-rfund-01",
                indirect_partner_id="resel-fund", amount=before["cust-rfund-01"] + CENT)
    check_deltas(before, fund_snapshot(server), {})


def test_reclaim_exactly_the_whole_balance(server):
    parties = {"partners": ("dist-fund",), "customers": ("cust-fund-03",)}
    before = cash_snapshot(server, **parties)
    assert before["cust-fund-03"] == D("7.77")
    move_money(server, RECLAIM, "dist-fund", customer_id="cust-fund-03", amount=D("7.77"))
    after = cash_snapshot(server, **parties)
    check_deltas(before, after, {"dist-fund": "7.77", "cust-fund-03": "-7.77"})
    money_error(server, RECLAIM, "dist-fund", 400, "CBC.99005003", customer_id="cust-fund-03", amount=CENT)
    check_deltas(after, cash_snapshot(server, **parties), {})


def test_distributor_funds_and_reclaims_its_reseller(server):
    before = fund_snapshot(server)
    transfer_id = move_money(server, RESELLER_ADJUST, "dist-fund", indirect_partner_id="resel-fund", amount=D("25.00"))
    middle = fund_snapshot(server)
    check_deltas(before, middle, {"dist-fund": "-25.00", "resel-fund": "25.00"})
    trans_id = move_money(server, RESELLER_RECLAIM, "dist-fund", indirect_partner_id="resel-fund", amount=D("5.00"))
    check_deltas(middle, fund_snapshot(server), {"dist-fund": "5.00", "resel-fund": "-5.00"})

    for tid, operation_type, amount in ((transfer_id, BEADJUST, "25.00"), (trans_id, BERETRIEVE, "5.00")):
        record = only_adjust_record(server, "dist-fund", tid)
        assert (record["operation_type"], record["amount"]) == (operation_type, amount), record
        assert (record["customer_id"], record["customer_name"]) == ("resel-fund", "Fund Reseller"), record


def test_reseller_reclaim_over_its_balance_is_99005003(server):
    before = fund_snapshot(server)
    money_error(server, RESELLER_RECLAIM, "dist-fund", 400, "CBC.99005003", indirect_partner_id="resel-fund",
                amount=before["resel-fund"] + CENT)
    check_deltas(before, fund_snapshot(server), {})


def test_reseller_adjust_over_the_distributors_cash_is_99005003(server):
    before = fund_snapshot(server)
    money_error(server, RESELLER_ADJUST, "dist-fund", 400, "CBC.99005003", indirect_partner_id="resel-fund",
                amount=before["dist-fund"] + CENT)
    check_deltas(before, fund_snapshot(server), {})


# ---------------------------------------------------------------------------------------------
# Idempotency: our X-Idempotency-Key extension (funds.md §3.4)


@pytest.mark.parametrize("op", MONEY_OPS, ids=str)
def test_same_idempotency_key_moves_money_once(server, op):
    key = new_idempotency_key()
    payer, receiver = fund_parties(op)
    fields = {**fund_fields(op), "amount": D("2.22")}
    before = fund_snapshot(server)
    first = move_money(server, op, "dist-fund", idempotency_key=key, **fields)
    again = move_money(server, op, "dist-fund", idempotency_key=key, **fields)
    assert again == first
    # A new client (a retry from another process) gets the first answer too.
    assert move_money(server, op, "dist-fund", client=idempotent_client(server, "dist-fund", key), **fields) == first
    check_deltas(before, fund_snapshot(server), {payer: "-2.22", receiver: "2.22"})
    assert adjust_records(server, "dist-fund", trans_id=first)["total_count"] == 1


def test_idempotency_key_reused_for_another_request_is_409(server):
    key = new_idempotency_key()
    client = idempotent_client(server, "dist-fund", key)
    move_money(server, ADJUST, "dist-fund", client=client, customer_id="cust-fund-01", amount=D("1.00"))
    before = fund_snapshot(server)
    for op, fields in (
        (ADJUST, {"customer_id": "cust-fund-01", "amount": D("1.01")}),  # another amount
        (ADJUST, {"customer_id": "cust-rfund-01", "amount": D("1.00"), "indirect_partner_id": "resel-fund"}),
        (RECLAIM, {"customer_id": "cust-fund-01", "amount": D("1.00")}),  # the same body, another operation
        (RESELLER_ADJUST, {"indirect_partner_id": "resel-fund", "amount": D("1.00")}),
    ):
        money_error(server, op, "dist-fund", 409, "PC.IdempotencyKeyReused", client=client, **fields)
    check_deltas(before, fund_snapshot(server), {})


def test_idempotency_keys_are_per_caller(server):
    """Another caller's key is not a retry of this caller's request: never its answer."""
    key = new_idempotency_key()
    parties = {"partners": ("dist-fund", "sp-fund"), "customers": ("cust-fund-01", "cust-spfund-01")}
    before = cash_snapshot(server, **parties)
    mine = move_money(server, ADJUST, "dist-fund", idempotency_key=key, customer_id="cust-fund-01", amount=D("0.20"))
    theirs = move_money(server, ADJUST, "sp-fund", idempotency_key=key, customer_id="cust-spfund-01",
                        amount=D("0.20"))
    assert theirs != mine
    check_deltas(before, cash_snapshot(server, **parties),
                 {"dist-fund": "-0.20", "cust-fund-01": "0.20", "sp-fund": "-0.20", "cust-spfund-01": "0.20"})


def test_refused_request_keeps_no_answer_for_its_key(server):
    """docs/wire.md: a refused request keeps no answer, so a corrected retry may reuse its key."""
    key = new_idempotency_key()
    client = idempotent_client(server, "dist-fund", key)
    before = fund_snapshot(server)
    money_error(server, ADJUST, "dist-fund", 400, "CBC.99005003", client=client, customer_id="cust-fund-01",
                amount=before["dist-fund"] + CENT)
    first = move_money(server, ADJUST, "dist-fund", client=client, customer_id="cust-fund-01", amount=D("0.75"))
    assert move_money(server, ADJUST, "dist-fund", client=client, customer_id="cust-fund-01",
                      amount=D("0.75")) == first
    check_deltas(before, fund_snapshot(server), {"dist-fund": "-0.75", "cust-fund-01": "0.75"})


def test_signed_idempotency_key_header_works_too(server):
    key = new_idempotency_key()
    body = {"customer_id": "cust-fund-01", "amount": 1.5}
    before = fund_snapshot(server)
    answers = [check_ok(call(server, "POST", ADJUST.path, KEYS["dist-fund"], body=body,
                             headers={"X-Idempotency-Key": key})) for _ in range(2)]
    assert answers[0] == answers[1]
    check_money_answer(ADJUST, answers[0])
    check_deltas(before, fund_snapshot(server), {"dist-fund": "-1.50", "cust-fund-01": "1.50"})


def test_idempotency_key_of_128_characters_is_accepted(server):
    key = ("k" + secrets.token_hex(64))[:128]
    before = fund_snapshot(server)
    first = move_money(server, ADJUST, "dist-fund", idempotency_key=key, customer_id="cust-fund-01", amount=D("0.10"))
    assert move_money(server, ADJUST, "dist-fund", idempotency_key=key, customer_id="cust-fund-01",
                      amount=D("0.10")) == first
    check_deltas(before, fund_snapshot(server), {"dist-fund": "-0.10", "cust-fund-01": "0.10"})


@pytest.mark.parametrize("key", ["", "k" * 129], ids=["empty", "129-characters"])
def test_idempotency_key_outside_1_to_128_characters_is_cbc_0100(server, key):
    before = fund_snapshot(server)
    money_error(server, ADJUST, "dist-fund", 400, "CBC.0100", client=idempotent_client(server, "dist-fund", key),
                customer_id="cust-fund-01", amount=D("1.00"))
    check_deltas(before, fund_snapshot(server), {})


def test_without_idempotency_key_every_signed_call_is_a_new_operation(server):
    before = fund_snapshot(server)
    ids = {move_money(server, ADJUST, "dist-fund", customer_id="cust-fund-01", amount=D("0.25")) for _ in range(2)}
    assert len(ids) == 2, ids
    check_deltas(before, fund_snapshot(server), {"dist-fund": "-0.50", "cust-fund-01": "0.50"})


def test_byte_identical_replay_without_key_moves_money_once(server):
    """The signature is a deduplication key: the same signed request again is a replay
    (test_attacks.py has the attack; docs/wire.md "Replays")."""
    prepared = sign("POST", server.url, ADJUST.path, KEYS["dist-fund"],
                    body={"customer_id": "cust-fund-01", "amount": 0.3})
    before = fund_snapshot(server)
    answers = [check_ok(send(server, prepared)) for _ in range(2)]
    ids = {check_money_answer(ADJUST, body) for body in answers}
    assert len(ids) == 1, answers
    check_deltas(before, fund_snapshot(server), {"dist-fund": "-0.30", "cust-fund-01": "0.30"})


# ---------------------------------------------------------------------------------------------
# The ledger: one fixed sequence of operations by dist-ledger, then exact reads


LEDGER_OPS = [  # (name, op, fields) in the order the `ledger` fixture runs them, all by dist-ledger
    ("adjust-01", ADJUST, {"customer_id": "cust-ledger-01", "amount": "10.00"}),
    ("adjust-02", ADJUST, {"customer_id": "cust-ledger-02", "amount": "2.50"}),
    ("reclaim-01", RECLAIM, {"customer_id": "cust-ledger-01", "amount": "1.25"}),
    ("fund-reseller", RESELLER_ADJUST, {"indirect_partner_id": "resel-ledger", "amount": "20.00"}),
    ("adjust-r01", ADJUST, {"customer_id": "cust-rledger-01", "indirect_partner_id": "resel-ledger", "amount": "3.00"}),
    ("reclaim-r01", RECLAIM, {"customer_id": "cust-rledger-01", "indirect_partner_id": "resel-ledger",
                              "amount": "1.00"}),
    ("unfund-reseller", RESELLER_RECLAIM, {"indirect_partner_id": "resel-ledger", "amount": "5.00"}),
]
LEDGER_BALANCES = {  # after LEDGER_OPS, from the world's opening balances
    "dist-ledger": "973.75",  # 1000 - 10 - 2.50 + 1.25 - 20 + 5
    "resel-ledger": "113.00",  # 100 + 20 - 3 + 1 - 5
    "cust-ledger-01": "48.75",  # 40 + 10 - 1.25
    "cust-ledger-02": "7.50",  # 5 + 2.50
    "cust-rledger-01": "10.00",  # 8 + 3 - 1
}
OWN_LEDGER_RECORDS = ["unfund-reseller", "fund-reseller", "reclaim-01", "adjust-02", "adjust-01"]  # newest first
RESELLER_LEDGER_RECORDS = ["reclaim-r01", "adjust-r01"]


@pytest.fixture(scope="module")
def ledger(server):
    """Runs LEDGER_OPS once on `server`: {name: the transaction id the operation returned}."""
    ids = {name: move_money(server, op, "dist-ledger", **fields) for name, op, fields in LEDGER_OPS}
    assert len(set(ids.values())) == len(ids), ids
    return ids


def ledger_op(name):
    return next((op, fields) for n, op, fields in LEDGER_OPS if n == name)


def expected_adjust_record(ledger, name):
    op, fields = ledger_op(name)
    target = fields[op.target]
    return {
        "customer_id": target,
        "customer_name": name_of(target),
        "operation_type": BEADJUST if op.id_prefix == "AD" else BERETRIEVE,
        "amount": fields["amount"],
        "currency": "CNY",
        "operation_time": NOW,
        "measure_id": 1,
        "trans_id": ledger[name],
    }


def check_adjust_records(body, ledger, names, total_count=None):
    """`body` lists the ledger records `names`, in this order; total_count (default: their number)."""
    expected = [expected_adjust_record(ledger, n) for n in names]
    got = [{k: r.get(k) for k in e} for r, e in zip(body["records"], expected)]
    assert len(body["records"]) == len(names) and got == expected, (
        f"expected {names}, got {[r.get('trans_id') for r in body['records']]}: {body['records']}")
    assert body["total_count"] == (len(names) if total_count is None else total_count), body


def test_ledger_balances(server, ledger):
    assert partner_cash(server, "dist-ledger") == D(LEDGER_BALANCES["dist-ledger"])
    assert partner_cash(server, "resel-ledger") == D(LEDGER_BALANCES["resel-ledger"])
    customers = ["cust-ledger-01", "cust-ledger-02", "cust-rledger-01"]
    assert customer_cash(server, customers) == {c: D(LEDGER_BALANCES[c]) for c in customers}


# ---------------------------------------------------------------------------------------------
# ListCustomersBalancesDetail (items 5, 6)


def check_customer_balances(body, expected):
    """`body` holds exactly the customers of `expected` {id: amount}, in any order."""
    got = {b["customer_id"]: b for b in body["customer_balances"]}
    assert len(got) == len(body["customer_balances"]), f"duplicated rows: {body}"
    assert sorted(got) == sorted(expected), body
    for customer_id, amount in expected.items():
        row = got[customer_id]
        if amount is not None:
            assert row["amount"] == D(amount), row
        assert row["debt_amount"] == 0 and row["currency"] == "CNY" and row["measure_id"] == 1, row


def test_batch_balances_of_own_reseller_customers_only(server, ledger):
    asked = ["cust-ledger-01", "cust-ledger-02", "cust-ledger-ref", "cust-rledger-01", "cust-acme-01",
             "cust-solo", "resel-ledger", "no-such-customer"]
    client = sdk_client(server, KEYS["dist-ledger"])
    request = ListCustomersBalancesDetailRequest(body=QueryCustomersBalancesReq(
        customer_infos=[CustomerInfoV2(customer_id=c) for c in asked]))
    response = client.list_customers_balances_detail(request)
    body = wire_body(response, "ListCustomersBalancesDetailResponse")
    check_customer_balances(body, {c: LEDGER_BALANCES[c] for c in ("cust-ledger-01", "cust-ledger-02")})
    # Amounts are JSON numbers with 2 decimals (docs/wire.md "Money").
    raw = response.raw_content.decode()
    for amount in ("48.75", "7.50"):
        assert re.search(rf'"amount"\s*:\s*{re.escape(amount)}(?![\d.])', raw), f"no amount {amount} in {raw}"


def test_batch_balances_of_a_resellers_customers(server, ledger):
    body = customers_balances(server, "dist-ledger", ["cust-rledger-01", "cust-ledger-01"],
                              indirect_partner_id="resel-ledger")
    check_customer_balances(body, {"cust-rledger-01": LEDGER_BALANCES["cust-rledger-01"]})


def test_batch_balances_of_a_solution_provider(server):
    body = customers_balances(server, "sp-fund", ["cust-spfund-01", "cust-spfund-ref", "cust-fund-01"])
    check_customer_balances(body, {"cust-spfund-01": None})


def test_batch_balances_of_100_customers(server, ledger):
    asked = ["cust-ledger-01", "cust-ledger-02"] + [f"ghost-{n:03d}" for n in range(98)]
    body = customers_balances(server, "dist-ledger", asked)
    check_customer_balances(body, {c: LEDGER_BALANCES[c] for c in ("cust-ledger-01", "cust-ledger-02")})


def check_balances_error(server, caller, status, code, customer_ids, indirect_partner_id=None):
    infos = None if customer_ids is None else [CustomerInfoV2(customer_id=c) for c in customer_ids]
    request = ListCustomersBalancesDetailRequest(
        body=QueryCustomersBalancesReq(customer_infos=infos, indirect_partner_id=indirect_partner_id))
    client = sdk_client(server, KEYS[caller])
    check_sdk_error(sdk_error(client.list_customers_balances_detail, request), status, code)


@pytest.mark.parametrize("customer_ids", [None, [], ["cust-ledger-01"] + [f"ghost-{n:03d}" for n in range(100)]],
                         ids=["absent", "0-entries", "101-entries"])
def test_batch_balances_of_0_or_101_customers_is_cbc_0100(server, customer_ids):
    check_balances_error(server, "dist-ledger", 400, "CBC.0100", customer_ids)


@pytest.mark.parametrize("indirect_partner_id", ["resel-fund", "resel-bolt", "no-such-reseller", "dist-ledger"])
def test_batch_balances_of_a_foreign_reseller_is_99000037(server, indirect_partner_id):
    check_balances_error(server, "dist-ledger", 400, "CBC.99000037", ["cust-rledger-01"], indirect_partner_id)


@pytest.mark.parametrize("caller", ["resel-ledger", "cust-ledger-01"])
def test_batch_balances_by_reseller_or_customer_is_cbc_0151(server, caller):
    check_balances_error(server, caller, 403, "CBC.0151", ["cust-rledger-01", "cust-ledger-01"])


def test_batch_balances_ignore_a_solution_providers_indirect_partner_id(server):
    body = customers_balances(server, "sp-fund", ["cust-spfund-01"], indirect_partner_id="resel-far")
    check_customer_balances(body, {"cust-spfund-01": None})


# ---------------------------------------------------------------------------------------------
# ListPartnerAdjustRecords (items 24–30)


def test_adjust_records_newest_first(server, ledger):
    body = adjust_records(server, "dist-ledger")
    check_adjust_records(body, ledger, OWN_LEDGER_RECORDS)
    # The reseller's customers' operations are not the distributor's own.
    assert not {ledger[n] for n in RESELLER_LEDGER_RECORDS} & {r["trans_id"] for r in body["records"]}


def test_adjust_records_of_own_reseller(server, ledger):
    check_adjust_records(adjust_records(server, "dist-ledger", indirect_partner_id="resel-ledger"), ledger,
                         RESELLER_LEDGER_RECORDS)


@pytest.mark.parametrize("filters, names", cases(
    ({"operation_type": BEADJUST}, ["fund-reseller", "adjust-02", "adjust-01"]),
    ({"operation_type": BERETRIEVE}, ["unfund-reseller", "reclaim-01"]),
    ({"operation_type": "SOURCE_OPERATION_BEUNBIND"}, []),
    ({"customer_id": "cust-ledger-01"}, ["reclaim-01", "adjust-01"]),
    ({"customer_id": "resel-ledger"}, ["unfund-reseller", "fund-reseller"]),  # tier-1 -> tier-2 money
    ({"customer_id": "cust-ledger-01", "operation_type": BERETRIEVE}, ["reclaim-01"]),
    ({"customer_id": "cust-rledger-01"}, []),  # the reseller's customer, without indirect_partner_id
    ({"customer_id": "cust-ledger-ref"}, []),  # a referral customer
    ({"customer_id": "cust-acme-01"}, []),  # someone else's customer: 200, no records
    ({"customer_id": "no-such-customer"}, []),
    ({"operation_time_begin": NOW, "operation_time_end": NOW}, OWN_LEDGER_RECORDS),  # inclusive
    ({"operation_time_begin": ONE_SECOND_AFTER}, []),
    ({"operation_time_end": ONE_SECOND_BEFORE}, []),
    ({"trans_id": "no-such-transaction"}, []),
    # The SDK model: "此参数不携带或携带值为空时，不作为筛选条件" (absent or "" is no filter).
    ({"customer_id": "", "operation_type": "", "trans_id": ""}, OWN_LEDGER_RECORDS),
    ({"operation_time_begin": "", "operation_time_end": ""}, OWN_LEDGER_RECORDS),
    ({"indirect_partner_id": "resel-ledger", "operation_type": BEADJUST}, ["adjust-r01"]),
    ({"indirect_partner_id": "resel-ledger", "customer_id": "cust-rledger-01"}, RESELLER_LEDGER_RECORDS),
    ({"indirect_partner_id": "resel-ledger", "customer_id": "cust-ledger-01"}, []),
))
def test_adjust_records_filters(server, ledger, filters, names):
    check_adjust_records(adjust_records(server, "dist-ledger", **filters), ledger, names)


def test_adjust_records_by_trans_id(server, ledger):
    for name in OWN_LEDGER_RECORDS:
        check_adjust_records(adjust_records(server, "dist-ledger", trans_id=ledger[name]), ledger, [name])
    for name in RESELLER_LEDGER_RECORDS:
        check_adjust_records(adjust_records(server, "dist-ledger", trans_id=ledger[name],
                                            indirect_partner_id="resel-ledger"), ledger, [name])
        check_adjust_records(adjust_records(server, "dist-ledger", trans_id=ledger[name]), ledger, [])


@pytest.mark.parametrize("filters, names", cases(
    ({"limit": 2}, OWN_LEDGER_RECORDS[:2]),
    ({"offset": 3}, OWN_LEDGER_RECORDS[3:]),
    ({"offset": 2, "limit": 2}, OWN_LEDGER_RECORDS[2:4]),
    ({"offset": 5}, []),
    ({"offset": 1000}, []),
    ({"limit": 100}, OWN_LEDGER_RECORDS),
))
def test_adjust_records_paging(server, ledger, filters, names):
    check_adjust_records(adjust_records(server, "dist-ledger", **filters), ledger, names,
                         total_count=len(OWN_LEDGER_RECORDS))


def check_adjust_records_error(server, caller, status, code, **params):
    client = sdk_client(server, KEYS[caller])
    exc = sdk_error(client.list_partner_adjust_records, ListPartnerAdjustRecordsRequest(**params))
    check_sdk_error(exc, status, code)


@pytest.mark.parametrize("filters", cases(
    ({"limit": 0},),
    ({"limit": 101},),
    ({"offset": -1},),
    ({"operation_time_begin": "2026-01-15"},),
    ({"operation_time_end": "yesterday"},),
))
def test_adjust_records_bad_parameters_are_cbc_0100(server, filters):
    check_adjust_records_error(server, "dist-ledger", 400, "CBC.0100", **filters)


@pytest.mark.parametrize("indirect_partner_id", ["resel-fund", "resel-bolt", "no-such-reseller", "dist-ledger"])
def test_adjust_records_of_a_foreign_reseller_is_99000037(server, indirect_partner_id):
    check_adjust_records_error(server, "dist-ledger", 400, "CBC.99000037", indirect_partner_id=indirect_partner_id)


@pytest.mark.parametrize("caller", ["resel-ledger", "cust-ledger-01"])
def test_adjust_records_by_reseller_or_customer_is_cbc_0151(server, caller):
    check_adjust_records_error(server, caller, 403, "CBC.0151")


# ---------------------------------------------------------------------------------------------
# Paging over more than 10 records: sp-pager adjusts 0.01, 0.02, ... 0.12 to cust-pager-01


PAGER_AMOUNTS = [f"0.{n:02d}" for n in range(1, 13)]


@pytest.fixture(scope="module")
def pager(server):
    """The 12 adjusts of sp-pager, oldest first: [(transfer id, amount)]."""
    return [(move_money(server, ADJUST, "sp-pager", customer_id="cust-pager-01", amount=D(a)), a)
            for a in PAGER_AMOUNTS]


def pager_amounts(body):
    return [r["amount"] for r in body["records"]]


def test_adjust_records_default_to_10(server, pager):
    body = adjust_records(server, "sp-pager")
    assert pager_amounts(body) == PAGER_AMOUNTS[::-1][:10] and body["total_count"] == 12, body
    assert [r["trans_id"] for r in body["records"]] == [tid for tid, _ in pager[::-1][:10]]


def test_adjust_records_offset_is_a_row_offset(server, pager):
    body = adjust_records(server, "sp-pager", offset=1, limit=10)
    assert pager_amounts(body) == PAGER_AMOUNTS[::-1][1:11] and body["total_count"] == 12, body
    body = adjust_records(server, "sp-pager", offset=10)
    assert pager_amounts(body) == ["0.02", "0.01"] and body["total_count"] == 12, body
    body = adjust_records(server, "sp-pager", offset=12)
    assert body["records"] == [] and body["total_count"] == 12, body


def test_adjust_records_pages_join_up(server, pager):
    pages = []
    for offset in range(0, 12, 5):
        pages += pager_amounts(adjust_records(server, "sp-pager", offset=offset, limit=5))
    assert pages == PAGER_AMOUNTS[::-1]


def test_records_ignore_a_solution_providers_indirect_partner_id(server, pager):
    assert adjust_records(server, "sp-pager", indirect_partner_id="resel-far", limit=100) == adjust_records(
        server, "sp-pager", limit=100)
    assert partner_change_records(server, "sp-pager", indirect_partner_id="resel-far", limit=100) == (
        partner_change_records(server, "sp-pager", limit=100))


def test_change_records_paging(server, pager):
    body = partner_change_records(server, "sp-pager")
    assert body["total_count"] == 13 and len(body["records"]) == 10, body
    full = partner_change_records(server, "sp-pager", limit=100)["records"]
    balance, expected = D("100.00"), []
    for amount in PAGER_AMOUNTS:
        balance -= D(amount)
        expected.append((BEADJUST, "2", amount, f"{balance:.2f}"))
    expected = expected[::-1] + [(RECHARGE, "1", "100.00", "100.00")]
    assert [(r["trade_detail_type"], r["type"], r["change_amount"], r["balance_after_change"]) for r in full] == expected
    assert body["records"] == full[:10]
    assert partner_change_records(server, "sp-pager", offset=10, limit=5)["records"] == full[10:]
    assert partner_change_records(server, "sp-pager", offset=3, limit=4)["records"] == full[3:7]


# ---------------------------------------------------------------------------------------------
# ListPartnerAccountChangeRecords (items 31–34)

UNCHECKED = object()

DIST_LEDGER_CHANGES = [  # newest first: (ledger op or None, trade_detail_type, type, change, after, counterparty)
    ("unfund-reseller", BERETRIEVE, "1", "5.00", "973.75", "resel-ledger"),
    ("fund-reseller", BEADJUST, "2", "20.00", "968.75", "resel-ledger"),
    ("reclaim-01", BERETRIEVE, "1", "1.25", "988.75", "cust-ledger-01"),
    ("adjust-02", BEADJUST, "2", "2.50", "987.50", "cust-ledger-02"),
    ("adjust-01", BEADJUST, "2", "10.00", "990.00", "cust-ledger-01"),
    (None, RECHARGE, "1", "1000.00", "1000.00", None),  # the world's opening balance
]
RESEL_LEDGER_CHANGES = [  # the distributor's moves on it: counterparty not checked
    ("unfund-reseller", BERETRIEVE, "2", "5.00", "113.00", UNCHECKED),
    ("reclaim-r01", BERETRIEVE, "1", "1.00", "118.00", "cust-rledger-01"),
    ("adjust-r01", BEADJUST, "2", "3.00", "117.00", "cust-rledger-01"),
    ("fund-reseller", BEADJUST, "1", "20.00", "120.00", UNCHECKED),
    (None, RECHARGE, "1", "100.00", "100.00", None),
]
DIST_LEDGER_CREDIT_CHANGES = [(None, ADJUST_CREDIT, "1", "200.00", "200.00", None)]


def check_change_records(body, ledger, expected, total_count=None):
    """Partner change records: `body` lists `expected` in this order (see DIST_LEDGER_CHANGES)."""
    records = body["records"]
    got = [(r["trade_detail_type"], r["type"], r["change_amount"], r["balance_after_change"]) for r in records]
    assert got == [e[1:5] for e in expected], f"got {got}"
    assert body["total_count"] == (len(expected) if total_count is None else total_count), body
    assert body["currency"] == "CNY", body
    for record, (name, *_, counterparty) in zip(records, expected):
        assert record["trade_time"] == NOW, record
        assert isinstance(record["account_change_id"], str) and record["account_change_id"], record
        if name is not None:
            assert record["trade_id"] == ledger[name], record
        if counterparty is None:
            assert not record.get("customer_id") and not record.get("account_name"), record
        elif counterparty is not UNCHECKED:
            assert (record["customer_id"], record["account_name"]) == (counterparty, name_of(counterparty)), record
    ids = [r["account_change_id"] for r in records]
    assert len(set(ids)) == len(ids), ids


def changes_of(expected, *names_or_types):
    """The rows of `expected` whose ledger name or trade_detail_type is one of `names_or_types`."""
    return [e for e in expected if e[0] in names_or_types or e[1] in names_or_types]


def test_distributor_change_records(server, ledger):
    check_change_records(partner_change_records(server, "dist-ledger"), ledger, DIST_LEDGER_CHANGES)
    check_change_records(partner_change_records(server, "dist-ledger", balance_type=DEBIT), ledger,
                         DIST_LEDGER_CHANGES)


def test_credit_account_change_records(server, ledger):
    check_change_records(partner_change_records(server, "dist-ledger", balance_type=CREDIT), ledger,
                         DIST_LEDGER_CREDIT_CHANGES)
    check_change_records(partner_change_records(server, "resel-ledger", balance_type=CREDIT), ledger, [])


def test_reseller_change_records_by_itself_and_by_its_distributor(server, ledger):
    check_change_records(partner_change_records(server, "resel-ledger"), ledger, RESEL_LEDGER_CHANGES)
    check_change_records(partner_change_records(server, "dist-ledger", indirect_partner_id="resel-ledger"), ledger,
                         RESEL_LEDGER_CHANGES)


def test_reseller_indirect_partner_id_is_ignored(server, ledger):
    check_change_records(partner_change_records(server, "resel-ledger", indirect_partner_id="resel-far"), ledger,
                         RESEL_LEDGER_CHANGES)


def test_solution_provider_change_records(server, ledger):
    body = partner_change_records(server, "sp-fund", trade_type="RECHARGE")
    assert [(r["trade_detail_type"], r["change_amount"], r["balance_after_change"], r["type"])
            for r in body["records"]] == [(RECHARGE, "1000.00", "1000.00", "1")], body


@pytest.mark.parametrize("filters, rows", cases(
    ({"trade_type": "RECHARGE"}, [RECHARGE]),
    ({"trade_type": "BEADJUST"}, [BEADJUST]),
    ({"trade_type": "BERETRIEVE"}, [BERETRIEVE]),
    ({"trade_type": "BEADJUST", "balance_type": DEBIT}, [BEADJUST]),
    ({"trade_time_begin": "2026-01-15", "trade_time_end": "2026-01-15"}, [RECHARGE, BEADJUST, BERETRIEVE]),
    ({"trade_time_begin": "2025-02-01", "trade_time_end": "2026-01-15"}, [RECHARGE, BEADJUST, BERETRIEVE]),
    ({"trade_time_begin": "2026-01-01", "trade_time_end": "2026-01-14"}, []),
    ({"trade_time_begin": "2026-01-16", "trade_time_end": "2026-01-20"}, []),
    ({"trade_type": "BERETRIEVE", "trade_time_begin": "2026-01-15", "trade_time_end": "2026-01-15"}, [BERETRIEVE]),
))
def test_change_records_filters(server, ledger, filters, rows):
    check_change_records(partner_change_records(server, "dist-ledger", **filters), ledger,
                         changes_of(DIST_LEDGER_CHANGES, *rows))


@pytest.mark.parametrize("trade_type", ["DEDEUCT", "REFUND", "RFROZEN", "TRANS", "ADJUST", "BEUNBIND",
                                        "BONUSCONVERT", "TRADE_MODE_TRANSFER"])
def test_change_records_other_trade_types_match_nothing_yet(server, ledger, trade_type):
    check_change_records(partner_change_records(server, "dist-ledger", trade_type=trade_type), ledger, [])


@pytest.mark.parametrize("filters, rows", cases(
    ({"limit": 2}, slice(0, 2)),
    ({"offset": 4}, slice(4, None)),
    ({"offset": 1, "limit": 3}, slice(1, 4)),
    ({"offset": 6}, slice(6, None)),
))
def test_change_records_paging(server, ledger, filters, rows):
    check_change_records(partner_change_records(server, "dist-ledger", **filters), ledger, DIST_LEDGER_CHANGES[rows],
                         total_count=len(DIST_LEDGER_CHANGES))


def check_partner_changes_error(server, caller, status, code, **params):
    client = sdk_client(server, KEYS[caller])
    exc = sdk_error(client.list_partner_account_change_records, ListPartnerAccountChangeRecordsRequest(**params))
    check_sdk_error(exc, status, code)


BAD_CHANGE_RECORD_FILTERS = cases(
    ({"balance_type": "BALANCE_TYPE_COUPON"},),
    ({"balance_type": "DEBIT"},),
    ({"trade_type": "NO_SUCH_TRADE"},),
    ({"trade_time_begin": "2024-13-01", "trade_time_end": "2025-01-01"},),
    ({"trade_time_begin": "2024-13-01"},),
    ({"trade_time_begin": "2026-02-30", "trade_time_end": "2026-03-01"},),
    ({"trade_time_begin": "2026/01/15", "trade_time_end": "2026/01/15"},),
    ({"trade_time_begin": "2026-01-15T00:00:00Z", "trade_time_end": "2026-01-15T00:00:00Z"},),
    ({"trade_time_begin": "2026-01-16", "trade_time_end": "2026-01-15"},),  # begin after end
    ({"trade_time_begin": "2025-01-01", "trade_time_end": "2026-01-15"},),  # over one year
    ({"limit": 0},),
    ({"limit": 101},),
    ({"offset": -1},),
)


@pytest.mark.parametrize("filters", BAD_CHANGE_RECORD_FILTERS)
def test_change_records_bad_parameters_are_cbc_0100(server, filters):
    check_partner_changes_error(server, "dist-ledger", 400, "CBC.0100", **filters)


@pytest.mark.parametrize("indirect_partner_id", ["resel-fund", "resel-far", "no-such-reseller", "dist-ledger"])
def test_change_records_of_a_foreign_reseller_is_99000037(server, indirect_partner_id):
    check_partner_changes_error(server, "dist-ledger", 400, "CBC.99000037", indirect_partner_id=indirect_partner_id)


@pytest.mark.parametrize("caller", ["cust-ledger-01", "cust-solo"])
def test_change_records_by_a_customer_is_cbc_0151(server, caller):
    check_partner_changes_error(server, caller, 403, "CBC.0151")


# ---------------------------------------------------------------------------------------------
# ListCustomerAccountChangeRecords

CUSTOMER_LEDGER_CHANGES = {  # newest first: (ledger op or None, trade_detail_type, revenue_expense_type, change, after)
    "cust-ledger-01": [
        ("reclaim-01", BERETRIEVE, "EXPENSE", "1.25", "48.75"),
        ("adjust-01", BEADJUST, "REVENUE", "10.00", "50.00"),
        (None, RECHARGE, "REVENUE", "40.00", "40.00"),
    ],
    "cust-rledger-01": [  # moved by the distributor on behalf of resel-ledger
        ("reclaim-r01", BERETRIEVE, "EXPENSE", "1.00", "10.00"),
        ("adjust-r01", BEADJUST, "REVENUE", "3.00", "11.00"),
        (None, RECHARGE, "REVENUE", "8.00", "8.00"),
    ],
}


def check_customer_changes(body, ledger, customer_id, expected, total_count=None):
    records = body["records"]
    got = [(r["trade_detail_type"], r["revenue_expense_type"], r["change_amount"], r["balance_after_change"])
           for r in records]
    assert got == [e[1:] for e in expected], f"got {got}"
    assert body["total_count"] == (len(expected) if total_count is None else total_count), body
    assert body["currency"] == "CNY", body
    for record, (name, *_) in zip(records, expected):
        assert record["trade_time"] == NOW, record
        assert record["account_name"] == name_of(customer_id), record
        assert isinstance(record["account_change_id"], str) and record["account_change_id"], record
        if name is not None:
            assert record["trade_id"] == ledger[name], record


@pytest.mark.parametrize("customer_id", sorted(CUSTOMER_LEDGER_CHANGES))
def test_customer_change_records(server, ledger, customer_id):
    body = customer_change_records(server, customer_id, balance_type=DEBIT)
    check_customer_changes(body, ledger, customer_id, CUSTOMER_LEDGER_CHANGES[customer_id])


@pytest.mark.parametrize("filters, rows", cases(
    ({"revenue_expense_type": "REVENUE"}, ["adjust-01", None]),
    ({"revenue_expense_type": "EXPENSE"}, ["reclaim-01"]),
    ({"trade_type": "BEADJUST"}, ["adjust-01"]),
    ({"trade_type": "BERETRIEVE"}, ["reclaim-01"]),
    ({"trade_type": "RECHARGE"}, [None]),
    ({"trade_type": "REFUND"}, []),
    ({"trade_id": "@adjust-01"}, ["adjust-01"]),
    ({"trade_id": "@adjust-02"}, []),  # another customer's
    ({"trade_id": "no-such-trade"}, []),
    ({"trade_time_begin": "2026-01-15", "trade_time_end": "2026-01-15"}, ["reclaim-01", "adjust-01", None]),
    ({"trade_time_begin": "2026-01-01", "trade_time_end": "2026-01-14"}, []),
    ({"trade_type": "BEADJUST", "revenue_expense_type": "EXPENSE"}, []),
    ({"limit": 1, "offset": 1}, ["adjust-01"]),
))
def test_customer_change_records_filters(server, ledger, filters, rows):
    filters = {k: ledger[v[1:]] if isinstance(v, str) and v.startswith("@") else v for k, v in filters.items()}
    expected = [e for e in CUSTOMER_LEDGER_CHANGES["cust-ledger-01"] if e[0] in rows]
    body = customer_change_records(server, "cust-ledger-01", balance_type=DEBIT, **filters)
    total = 3 if "limit" in filters else None
    check_customer_changes(body, ledger, "cust-ledger-01", expected, total_count=total)


def test_customer_credit_change_records_are_empty(server, ledger):
    body = customer_change_records(server, "cust-ledger-01", balance_type=CREDIT)
    check_customer_changes(body, ledger, "cust-ledger-01", [])


def check_customer_changes_error(server, caller, status, code, **params):
    client = sdk_client(server, KEYS[caller])
    exc = sdk_error(client.list_customer_account_change_records, ListCustomerAccountChangeRecordsRequest(**params))
    check_sdk_error(exc, status, code)


@pytest.mark.parametrize("filters", cases(
    ({},),  # balance_type is required
    ({"trade_type": "BEADJUST"},),
    ({"balance_type": "BALANCE_TYPE_COUPON"},),
    ({"balance_type": DEBIT, "revenue_expense_type": "INCOME"},),
    ({"balance_type": DEBIT, "trade_type": "NO_SUCH_TRADE"},),
    ({"balance_type": DEBIT, "trade_time_begin": "2024-13-01", "trade_time_end": "2025-01-01"},),
    ({"balance_type": DEBIT, "trade_time_begin": "2026-01-16", "trade_time_end": "2026-01-15"},),
    ({"balance_type": DEBIT, "trade_time_begin": "2025-01-01", "trade_time_end": "2026-01-15"},),
    ({"balance_type": DEBIT, "limit": 101},),
))
def test_customer_change_records_bad_parameters_are_cbc_0100(server, filters):
    check_customer_changes_error(server, "cust-ledger-01", 400, "CBC.0100", **filters)


@pytest.mark.parametrize("caller", ["dist-ledger", "resel-ledger", "sp-fund"])
def test_customer_change_records_by_a_partner_is_cbc_0151(server, caller):
    check_customer_changes_error(server, caller, 403, "CBC.0151", balance_type=DEBIT)


# ---------------------------------------------------------------------------------------------
# Times and dates on a server of its own, whose clock moves: operation times are the business
# clock's, UTC; change-record dates are days in UTC+8, by default the last year up to today.


def partner_change_ids(srv, **params):
    return [(r["trade_detail_type"], r["trade_id"]) for r in partner_change_records(srv, "dist-ledger", **params)["records"]]


def customer_change_ids(srv, **params):
    body = customer_change_records(srv, "cust-ledger-01", balance_type=DEBIT, **params)
    return [(r["trade_detail_type"], r["trade_id"]) for r in body["records"]]


def test_change_record_dates_are_days_in_utc_plus_8(fresh_server):
    srv = fresh_server
    evening = "2026-01-15T20:00:00Z"  # already 2026-01-16 in UTC+8
    set_clock(srv, evening)
    transfer_id = move_money(srv, ADJUST, "dist-ledger", customer_id="cust-ledger-01", amount=D("1.00"))

    record = only_adjust_record(srv, "dist-ledger", transfer_id)
    assert record["operation_time"] == evening, record
    assert [r["trans_id"] for r in adjust_records(srv, "dist-ledger", operation_time_begin=evening)["records"]] == [
        transfer_id]
    assert adjust_records(srv, "dist-ledger", operation_time_begin="2026-01-15T20:00:01Z")["records"] == []
    assert adjust_records(srv, "dist-ledger", operation_time_end="2026-01-15T19:59:59Z")["records"] == []

    for change_ids in (partner_change_ids, customer_change_ids):
        [(adjust_type, adjust_id), (opening_type, _)] = change_ids(srv)
        assert (adjust_type, adjust_id, opening_type) == (BEADJUST, transfer_id, RECHARGE)
        assert change_ids(srv, trade_time_begin="2026-01-16", trade_time_end="2026-01-16") == [(BEADJUST, transfer_id)]
        assert [t for t, _ in change_ids(srv, trade_time_begin="2026-01-15", trade_time_end="2026-01-15")] == [RECHARGE]
    change = partner_change_records(srv, "dist-ledger", limit=1)["records"][0]
    assert change["trade_time"] == evening, change


def test_change_records_default_to_the_last_year(fresh_server):
    srv = fresh_server
    set_clock(srv, "2027-03-01T00:00:00Z")
    transfer_id = move_money(srv, ADJUST, "dist-ledger", customer_id="cust-ledger-01", amount=D("2.00"))
    for change_ids in (partner_change_ids, customer_change_ids):
        # The world's opening balances of 2026-01-15 are more than a year old by now.
        assert change_ids(srv) == [(BEADJUST, transfer_id)]
        assert change_ids(srv, trade_time_begin="2026-03-02", trade_time_end="2027-03-01") == [(BEADJUST, transfer_id)]
        assert [t for t, _ in change_ids(srv, trade_time_begin="2026-01-15", trade_time_end="2026-12-31")] == [RECHARGE]
    check_partner_changes_error(srv, "dist-ledger", 400, "CBC.0100", trade_time_begin="2026-01-15",
                                trade_time_end="2027-03-01")
    check_customer_changes_error(srv, "cust-ledger-01", 400, "CBC.0100", balance_type=DEBIT,
                                 trade_time_begin="2026-01-15", trade_time_end="2027-03-01")
