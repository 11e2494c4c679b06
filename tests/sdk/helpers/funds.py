"""Funds: balances, the four money-moving operations, and the records of what moved, through the
official SDK (test_funds*.py; reference: funds.md §2.1–2.4)."""

import decimal
import re
from dataclasses import dataclass

from huaweicloudsdkbss.v2 import (
    AdjustAccountReq,
    AdjustToIndirectPartnerReq,
    CustomerInfoV2,
    ListCustomerAccountChangeRecordsRequest,
    ListCustomersBalancesDetailRequest,
    ListPartnerAccountChangeRecordsRequest,
    ListPartnerAdjustRecordsRequest,
    ListPartnerBalancesRequest,
    QueryCustomersBalancesReq,
    ReclaimIndirectPartnerAccountReq,
    ReclaimIndirectPartnerAccountRequest,
    ReclaimToPartnerAccountBalancesReq,
    ReclaimToPartnerAccountRequest,
    ShowCustomerAccountBalancesRequest,
    UpdateCustomerAccountAmountRequest,
    UpdateIndirectPartnerAccountRequest,
)

from conftest import check_sdk_error, header_handler, sdk_client, sdk_error, wire_body
from wire_check import assert_wire

from helpers.world import CUSTOMERS, KEYS, PARTNERS

CASH, CREDIT = 1, 2  # account_type of a cash account and of a credit line

# ---------------------------------------------------------------------------------------------
# The four money-moving operations


@dataclass(frozen=True)
class MoneyOp:
    """One of the four money-moving operations: its SDK method, models, path and answer."""

    name: str
    method: str  # the BssClient method
    request: type  # the SDK request (wrapping `body`)
    body: type  # the SDK body model
    response: str  # the SDK response model, for wire_body
    path: str
    id_field: str  # `transfer_id` for adjusts, `trans_id` for reclaims
    id_prefix: str  # "AD" or "RE"
    target: str  # the body field naming the target: customer_id or indirect_partner_id

    def __str__(self):
        return self.name


def _money_ops():
    base = "/v2/accounts/partner-accounts/"
    return (
        MoneyOp("adjust", "update_customer_account_amount", UpdateCustomerAccountAmountRequest,
                AdjustAccountReq, "UpdateCustomerAccountAmountResponse", base + "adjust-amount",
                "transfer_id", "AD", "customer_id"),
        MoneyOp("reclaim", "reclaim_to_partner_account", ReclaimToPartnerAccountRequest,
                ReclaimToPartnerAccountBalancesReq, "ReclaimToPartnerAccountResponse", base + "reclaim",
                "trans_id", "RE", "customer_id"),
        MoneyOp("reseller-adjust", "update_indirect_partner_account", UpdateIndirectPartnerAccountRequest,
                AdjustToIndirectPartnerReq, "UpdateIndirectPartnerAccountResponse",
                base + "indirect-partner-adjust", "transfer_id", "AD", "indirect_partner_id"),
        MoneyOp("reseller-reclaim", "reclaim_indirect_partner_account", ReclaimIndirectPartnerAccountRequest,
                ReclaimIndirectPartnerAccountReq, "ReclaimIndirectPartnerAccountResponse",
                base + "indirect-partner-reclaim", "trans_id", "RE", "indirect_partner_id"),
    )


ADJUST, RECLAIM, RESELLER_ADJUST, RESELLER_RECLAIM = MONEY_OPS = _money_ops()


def money_request(op, **fields):
    """The SDK request of `op`; a str `amount` becomes a Decimal (what the SDK model wants)."""
    if isinstance(fields.get("amount"), str):
        fields["amount"] = decimal.Decimal(fields["amount"])
    return op.request(body=op.body(**fields))


def idempotent_client(server, caller, idempotency_key):
    """An SDK client of world entity `caller` sending `X-Idempotency-Key` on every request."""
    return sdk_client(server, KEYS[caller], http_handler=header_handler({"X-Idempotency-Key": idempotency_key}),
                      nonce=True)


def check_money_answer(op, body):
    """`body` is op's answer: exactly its id field, a string starting with AD (adjust) or RE."""
    assert_wire(body, op.response)
    assert set(body) == {op.id_field}, f"{op}: expected only {op.id_field!r}: {body}"
    tid = body[op.id_field]
    assert isinstance(tid, str) and tid.startswith(op.id_prefix) and len(tid) <= 128, f"{op}: {body}"
    return tid


def move_money(server, op, caller, *, client=None, idempotency_key=None, **fields):
    """Runs money op `op` as world entity `caller` through the SDK; the transaction id it returned.
    Each call is signed apart (a nonce), so that the same movement twice is two movements."""
    if client is None:
        client = (sdk_client(server, KEYS[caller], nonce=True) if idempotency_key is None
                  else idempotent_client(server, caller, idempotency_key))
    response = getattr(client, op.method)(money_request(op, **fields))
    return check_money_answer(op, wire_body(response, op.response))


def money_error(server, op, caller, status, code, *, client=None, **fields):
    """Runs money op `op` as `caller`, which must fail with `status` `code`."""
    if client is None:
        client = sdk_client(server, KEYS[caller])
    exc = sdk_error(getattr(client, op.method), money_request(op, **fields))
    check_sdk_error(exc, status, code)
    return exc


# ---------------------------------------------------------------------------------------------
# Balances


def list_partner_balances(server, caller, **params):
    """(checked wire body, raw text) of ListPartnerBalances called by world entity `caller`."""
    client = sdk_client(server, KEYS[caller])
    response = client.list_partner_balances(ListPartnerBalancesRequest(**params))
    return wire_body(response, "ListPartnerBalancesResponse"), response.raw_content.decode()


def show_customer_account_balances(server, caller):
    """(checked wire body, raw text) of ShowCustomerAccountBalances called by customer `caller`."""
    client = sdk_client(server, KEYS[caller])
    response = client.show_customer_account_balances(ShowCustomerAccountBalancesRequest())
    return wire_body(response, "ShowCustomerAccountBalancesResponse"), response.raw_content.decode()


def account(body, account_type):
    """The one entry of `account_type` in `account_balances`."""
    entries = [b for b in body["account_balances"] if b["account_type"] == account_type]
    assert len(entries) == 1, f"expected one account of type {account_type}: {body}"
    return entries[0]


def check_amount_in_raw(raw, field, amount):
    """The raw JSON has `"field": <amount with 2 decimals>` (a number, not a string)."""
    pattern = rf'"{field}"\s*:\s*{re.escape(amount)}(?![\d.])'
    assert re.search(pattern, raw), f'no "{field}": {amount} (2 decimals, a JSON number) in {raw}'


def world_balance(entity):
    """A world entity's opening balance with 2 decimals, as the wire writes it."""
    return f"{decimal.Decimal(entity.get('balance', '0')):.2f}"


def partner_cash(server, partner_id):
    """The cash balance (account_type 1) of a world partner, read with its own key, or by its
    distributor with indirect_partner_id when it has none."""
    partner = PARTNERS[partner_id]
    if "ak" in partner:
        caller, params = partner_id, {}
    else:
        caller, params = partner["parent"], {"indirect_partner_id": partner_id}
    response = sdk_client(server, KEYS[caller]).list_partner_balances(ListPartnerBalancesRequest(**params))
    body = wire_body(response, "ListPartnerBalancesResponse")
    cash = [b for b in body["account_balances"] if b["account_type"] == CASH]
    assert len(cash) == 1, f"{partner_id}: expected one cash account: {body}"
    return decimal.Decimal(cash[0]["amount"])


def customers_balances(server, caller, customer_ids, indirect_partner_id=None, client=None):
    """The checked wire body of ListCustomersBalancesDetail for `customer_ids`."""
    if client is None:
        client = sdk_client(server, KEYS[caller])
    infos = [CustomerInfoV2(customer_id=c) for c in customer_ids]
    request = ListCustomersBalancesDetailRequest(
        body=QueryCustomersBalancesReq(customer_infos=infos, indirect_partner_id=indirect_partner_id))
    return wire_body(client.list_customers_balances_detail(request), "ListCustomersBalancesDetailResponse")


def customer_cash(server, customer_ids):
    """{customer id: cash balance} of reseller-association world customers (via their partners)."""
    by_reader = {}
    for customer_id in customer_ids:
        partner = PARTNERS[CUSTOMERS[customer_id]["partner"]]
        reader = (partner["parent"], partner["id"]) if partner["kind"] == "reseller" else (partner["id"], None)
        by_reader.setdefault(reader, []).append(customer_id)
    cash = {}
    for (caller, indirect_partner_id), ids in by_reader.items():
        body = customers_balances(server, caller, ids, indirect_partner_id)
        cash.update({b["customer_id"]: decimal.Decimal(b["amount"]) for b in body["customer_balances"]})
    assert sorted(cash) == sorted(customer_ids), f"balances of {customer_ids}: got {cash}"
    return cash


def cash_snapshot(server, partners=(), customers=()):
    """{id: cash balance} of world partners and customers."""
    snapshot = {p: partner_cash(server, p) for p in partners}
    snapshot.update(customer_cash(server, customers) if customers else {})
    return snapshot


# ---------------------------------------------------------------------------------------------
# Adjust records and account change records


def adjust_records(server, caller, client=None, **params):
    """The checked wire body of ListPartnerAdjustRecords."""
    if client is None:
        client = sdk_client(server, KEYS[caller])
    response = client.list_partner_adjust_records(ListPartnerAdjustRecordsRequest(**params))
    return wire_body(response, "ListPartnerAdjustRecordsResponse")


def all_adjust_records(server, caller, **params):
    """Every adjust record of `caller` (paged by 100), newest first; checks total_count."""
    records, total = [], None
    while total is None or len(records) < total:
        body = adjust_records(server, caller, offset=len(records), limit=100, **params)
        assert total is None or body["total_count"] == total, body["total_count"]
        total = body["total_count"]
        if not body["records"]:
            break
        records += body["records"]
    assert len(records) == total, f"{len(records)} records listed of total_count {total}"
    return records


def partner_change_records(server, caller, client=None, **params):
    """The checked wire body of ListPartnerAccountChangeRecords."""
    if client is None:
        client = sdk_client(server, KEYS[caller])
    response = client.list_partner_account_change_records(ListPartnerAccountChangeRecordsRequest(**params))
    return wire_body(response, "ListPartnerAccountChangeRecordsResponse")


def customer_change_records(server, caller, client=None, **params):
    """The checked wire body of ListCustomerAccountChangeRecords (balance_type is required)."""
    if client is None:
        client = sdk_client(server, KEYS[caller])
    response = client.list_customer_account_change_records(ListCustomerAccountChangeRecordsRequest(**params))
    return wire_body(response, "ListCustomerAccountChangeRecordsResponse")
