"""The authorization matrix: who may call each routed operation, in one table.

MATRIX has one row per operation the server routes (every `operationId` of its /openapi.json,
the operator API and IAM's look-up included): how to call it with a minimal valid request, what
each kind of caller of the test world gets, and the ownership cases of the operation (naming
someone else's reseller or customer). A routed operation without a row fails, and so does a row
for an operation that is not routed; every call is checked to reach its operation's method and
path. Adding an operation = adding its row here, e.g.

    "ListSubCustomerCoupons": Row(
        lambda me, f: me.sdk.list_sub_customer_coupons(ListSubCustomerCouponsRequest(**f)),
        allowed(DISTRIBUTOR, SOLUTION_PROVIDER),  # the others: FORBIDDEN, 403 CBC.0151
        fields=lambda me: {"customer_id": me.customer},  # the minimal valid request of `me`
        ownership=(
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_id": "cust-nova-02"}, NOT_YOUR_CUSTOMER),
        ),
    ),

The matrix runs on a server of its own per backend (`matrix_server`), so that the allowed
money movements and the operator calls of the table disturb no other test.
Refusals: docs/wire.md "Envelope" and "Decisions where the reference is open".
"""

import re
import uuid
import zlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable
from urllib.parse import urlparse

import pytest
import requests
from huaweicloudsdkbss.v2 import (
    AdjustAccountReq,
    AdjustCouponQuotasReq,
    CheckSubcustomerUserReq,
    CheckUserIdentityRequest,
    AdjustToIndirectPartnerReq,
    ApplyEnterpriseRealnameAuthsReq,
    ApplyIndividualRealnameAuthsReq,
    ChangeEnterpriseRealnameAuthenticationRequest,
    ChangeEnterpriseRealnameAuthsReq,
    CreateCustomerV2Req,
    CreateEnterpriseRealnameAuthenticationRequest,
    CreatePartnerCouponsReq,
    CreatePartnerCouponsRequest,
    CreatePersonalRealnameAuthRequest,
    CreateSubCustomerRequest,
    CustomerInfoV2,
    ListCitiesRequest,
    ListCountiesRequest,
    ListCouponQuotasRecordsRequest,
    ListCustomerCouponChangeRecordsRequest,
    ListCustomerAccountChangeRecordsRequest,
    ListCustomersBalancesDetailRequest,
    ListIndirectPartnersRequest,
    ListIssuedCouponQuotasRequest,
    ListIssuedPartnerCouponsRequest,
    ListPartnerAccountChangeRecordsRequest,
    ListPartnerAdjustRecordsRequest,
    ListPartnerBalancesRequest,
    ListPartnerCouponsRecordRequest,
    ListProvincesRequest,
    ListQuotaCouponsRequest,
    ListStoredValueCardsRequest,
    ListSubCustomerNewTagReq,
    ListSubCustomerNewTagRequest,
    ListSubCustomersRequest,
    ListSubCustomerCouponsRequest,
    QueryCouponQuotasReqExt,
    QueryCustomersBalancesReq,
    QueryIndirectPartnersReq,
    QuerySubCustomerListReq,
    ReclaimCouponQuotasReq,
    ReclaimCouponQuotasRequest,
    ReclaimIndirectPartnerAccountReq,
    ReclaimIndirectPartnerAccountRequest,
    ReclaimPartnerCouponsReq,
    ReclaimPartnerCouponsRequest,
    ReclaimToPartnerAccountBalancesReq,
    ReclaimToPartnerAccountRequest,
    SendVerificationCodeV2Req,
    SendVerificationMessageCodeRequest,
    ShowCustomerAccountBalancesRequest,
    ShowRealNameAuthStatusRequest,
    ShowRealnameAuthenticationReviewResultRequest,
    UpdateCouponQuotasRequest,
    UpdateCustomerAccountAmountRequest,
    UpdateIndirectPartnerAccountRequest,
)
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_handler import HttpHandler

from conftest import (
    Key,
    call,
    check_auth_error,
    check_error,
    check_ok,
    check_sdk_error,
    running_server,
    sdk_client,
    wire_body,
)
from helpers.operator import create_access_key
from helpers.realname import certificate, enterprise, new_customer, pending_review, verified_individual
from helpers.world import KEYS, NOW, PARTNERS, WORLD, customers_of, name_of

CENT = Decimal("0.01")
DEBIT = "BALANCE_TYPE_DEBIT"

# ---------------------------------------------------------------------------------------------
# The kinds of caller, as entities of world.toml

DISTRIBUTOR = "distributor"  # tier-1
RESELLER = "reseller"  # tier-2, the distributor's own
FOREIGN_RESELLER = "foreign-reseller"  # tier-2 of another distributor
SOLUTION_PROVIDER = "solution-provider"
CUSTOMER = "customer"
OPERATOR = "operator"  # an operator key of the world (no X-Domain-Id)
KINDS = (DISTRIBUTOR, RESELLER, FOREIGN_RESELLER, SOLUTION_PROVIDER, CUSTOMER, OPERATOR)
# Members (operator accounts) of the distributor: a row's outcome for them follows from the
# distributor's and from the operation's permission items (customers.md §10), so no row names
# them. One holds every item; one holds none, and is refused wherever an item is listed.
MEMBER_WITH_ITEMS = "member-with-its-items"
MEMBER_WITHOUT_ITEMS = "member-without-items"
MEMBER_KINDS = (MEMBER_WITH_ITEMS, MEMBER_WITHOUT_ITEMS)


@dataclass(frozen=True)
class Caller:
    """A world entity with a key, and whom its minimal requests name: `customer` is a
    reseller-association customer of its own (someone's, for those who have none), `reseller`
    a reseller it would name in indirect_partner_id."""

    id: str
    customer: str
    reseller: str
    key: str | None = None  # the KEYS entry it signs with, when not `id`'s own


CALLERS = {
    DISTRIBUTOR: Caller("dist-acme", customer="cust-acme-01", reseller="resel-bolt"),
    RESELLER: Caller("resel-bolt", customer="cust-bolt-01", reseller="resel-bolt"),
    FOREIGN_RESELLER: Caller("resel-far", customer="cust-far-01", reseller="resel-far"),
    SOLUTION_PROVIDER: Caller("sp-nova", customer="cust-nova-02", reseller="resel-bolt"),
    CUSTOMER: Caller("cust-acme-01", customer="cust-acme-01", reseller="resel-bolt"),
    OPERATOR: Caller("ops", customer="cust-acme-01", reseller="resel-bolt"),
    MEMBER_WITH_ITEMS: Caller("dist-acme", customer="cust-acme-01", reseller="resel-bolt", key="dist-acme/all"),
    MEMBER_WITHOUT_ITEMS: Caller("dist-acme", customer="cust-acme-01", reseller="resel-bolt", key="dist-acme/idle"),
}

# ---------------------------------------------------------------------------------------------
# Outcomes


@dataclass(frozen=True)
class Allowed:
    """A 2xx answer, checked strictly against the SDK's model (SDK calls). `check(body, me)`
    must hold of its body; `ignored`: the answer equals the one to the minimal request, that is,
    the case's extra fields are ignored."""

    check: Callable | None = None
    ignored: bool = False


@dataclass(frozen=True)
class Refused:
    """An error answer: exactly this status and error_code."""

    status: int
    code: str


OK = Allowed()
IGNORED = Allowed(ignored=True)
FORBIDDEN = Refused(403, "CBC.0151")  # the caller's kind may not call the operation
NOT_YOUR_RESELLER = Refused(400, "CBC.99000037")  # indirect_partner_id: not the distributor's own reseller
NOT_YOUR_CUSTOMER = Refused(400, "CBC.99000035")  # money to or from a customer that is not the partner's
REFERRAL_CUSTOMER = Refused(400, "CBC.99000000")
NO_SUCH_CHANGE = Refused(404, "PC.UnknownAssociationChange")  # a request that is not the caller's
NO_SUCH_REPORT = Refused(404, "PC.UnknownReport")  # a report that is not the caller's
NO_SUCH_INVITATION = Refused(404, "PC.InvitationNotFound")  # money to or from the partner's own referral customer


def allowed(*kinds, check=None):
    """{kind: outcome} for every kind of caller: `kinds` are allowed, the others FORBIDDEN."""
    unknown = set(kinds) - set(KINDS)
    assert not unknown, f"unknown kinds of caller: {unknown}"
    return {kind: Allowed(check) if kind in kinds else FORBIDDEN for kind in KINDS}


ALL_PARTNERS = (DISTRIBUTOR, RESELLER, FOREIGN_RESELLER, SOLUTION_PROVIDER)
DIRECT_PARTNERS = (DISTRIBUTOR, SOLUTION_PROVIDER)  # tier-1s, without their tier-2s


# ---------------------------------------------------------------------------------------------
# The table


@dataclass(frozen=True)
class Case:
    """An ownership case: `caller` makes the minimal request with `fields` changed."""

    caller: str
    what: str
    fields: dict
    outcome: Allowed | Refused


@dataclass(frozen=True)
class Row:
    """How to call one operation, and what every kind of caller gets.

    call(me, fields) makes the request through `me.sdk` (the official SDK) or `me.call` (a signed
    raw call); fields(me) are the fields of the minimal valid request `me` makes."""

    call: Callable
    outcomes: dict
    fields: Callable = lambda me: {}
    ownership: tuple = ()


def count_is(n):
    return lambda body, me: body["count"] == n


def realname_submitter(me):
    """Whose platform id a real-name request names: the caller's, or dist-acme's for a caller
    that is no partner (it is refused before the request is read)."""
    return me.id if me.id in PARTNERS else "dist-acme"


def realname_customer(me, verified=False):
    """A customer registered now for a direct partner (verified as an individual, for a change),
    so that each allowed call is a first submission; the customer every other caller names."""
    if me.kind not in DIRECT_PARTNERS + MEMBER_KINDS:  # members act as dist-acme
        return me.customer
    return verified_individual(me.server, me.id) if verified else new_customer(me.server, me.id)


def changeable_customer(me):
    """A customer whose association `me` may ask to change, once: one registered now for a
    direct partner (or its member), the caller's own customer for the others."""
    if me.kind in DIRECT_PARTNERS + MEMBER_KINDS:
        return new_customer(me.server, me.id)
    return me.customer


def pending_review_id(me):
    """A submission waiting in the queue, for an operator; any id for the others, who are
    refused at the gateway."""
    return pending_review(me.server) if me.kind == OPERATOR else "no-such-review"


# Coupons: what an allowed coupon call spends, reclaims or is signed with.

ACME_QUOTA = "quota-acme-2026"  # dist-acme's coupon quota (world.toml)
NOVA_QUOTA = "quota-nova-matrix"  # sp-nova's, granted by the platform on the matrix server
COUPON_ITEMS = [  # the permission items of the coupon operations (their `partner` scopes)
    "BPC_ITEM_SUBCUSTSERV_030100", "BPC_ITEM_SUBCUSTSERV_030102", "BPC_ITEM_SUBCUSTSERV_030103",
    "BPC_ITEM_SUBCUSTSERV_030104", "BPC_ITEM_SALES_020106", "BPC_ITEM_SUBCUSTSERV_030200",
    "BPC_ITEM_SUBCUSTSERV_030201", "BPC_ITEM_SUBCUSTSERV_030600", "BPC_ITEM_SUBCUSTSERV_030601",
    "BPC_ITEM_SUBCUSTSERV_030602", "BPC_ITEM_SUBCUSTSERV_050101",
]  # (ListSubCustomerCoupons also lists BPC_MENU_FINANCE_100100, which no role may hold)


def coupon_sdk(me):
    """The SDK client a coupon row calls with: `me.sdk`, except for the member holding the
    operation's items. world.toml's `dist-acme/all` holds none of the coupon items, so that
    member is one of dist-acme made on the server with them (once per server), recorded like
    `me.sdk`."""
    if me.kind != MEMBER_WITH_ITEMS:
        return me.sdk
    key = getattr(me.server, "coupon_member_key", None)
    if key is None:
        ops, base = KEYS["ops"], "/operator/v1/partners/dist-acme"
        check_ok(call(me.server, "POST", f"{base}/roles", ops, body={"name": "coupons", "permissions": COUPON_ITEMS}),
                 201)
        check_ok(call(me.server, "POST", f"{base}/members", ops, body={"name": "coupons", "roles": ["coupons"]}), 201)
        created = check_ok(call(me.server, "POST", "/operator/v1/access-keys", ops,
                                body={"owner_type": "partner", "owner_id": "dist-acme", "member": "coupons"}), 201)
        key = me.server.coupon_member_key = Key(created["ak"], created["sk"], "dist-acme")
    return sdk_client(me.server, key, http_handler=HttpHandler().add_request_handler(me._record_sdk_request))


def issuing_quota(me):
    """The quota `me` issues coupons from: dist-acme's, or sp-nova's (granted once per server)."""
    if me.kind != SOLUTION_PROVIDER:
        return ACME_QUOTA
    if not getattr(me.server, "nova_quota_granted", False):
        check_ok(call(me.server, "POST", "/operator/v1/partners/sp-nova/coupon-quotas", KEYS["ops"],
                      body={"quota_id": NOVA_QUOTA, "quota_value": "100.00"}), 201)
        me.server.nova_quota_granted = True
    return NOVA_QUOTA


def resellers_quota(me):
    """A quota of resel-bolt's, granted now (0.01 of dist-acme's), for a caller acting as
    dist-acme, so that each allowed reclaim has one; any id for the others, who are refused."""
    if me.kind not in (DISTRIBUTOR,) + MEMBER_KINDS:
        return "no-such-quota"
    request = UpdateCouponQuotasRequest(body=AdjustCouponQuotasReq(
        quota_id=ACME_QUOTA, indirect_partner_ids=["resel-bolt"], quota_amount=CENT))
    granted = wire_body(sdk_client(me.server, KEYS["dist-acme"], nonce=True).update_coupon_quotas(request),
                        "UpdateCouponQuotasResponse")
    return granted["simple_quota_infos"][0]["quota_id"]


def issued_coupon(me):
    """A coupon a direct partner (or its member) issued its customer now (0.01); any id for
    the others, who are refused."""
    if me.kind not in DIRECT_PARTNERS + MEMBER_KINDS:
        return "no-such-coupon"
    partner = "sp-nova" if me.kind == SOLUTION_PROVIDER else "dist-acme"
    request = CreatePartnerCouponsRequest(body=CreatePartnerCouponsReq(
        quota_id=issuing_quota(me), customer_ids=[me.customer], face_value=CENT))
    issued = wire_body(sdk_client(me.server, KEYS[partner], nonce=True).create_partner_coupons(request),
                       "CreatePartnerCouponsResponse")
    return issued["coupon_infos"][0]["coupon_id"]


def batch_done(body, me, ids):
    """A batch answer: exactly `ids` done, nothing refused."""
    done = body.get("simple_quota_infos", body.get("coupon_infos"))
    return [i.get("id", i.get("quota_id")) for i in done] == ids and body["error_details"] == []


def refused_items(code):
    """A batch answer of 200 whose every item is refused with `code`."""
    return Allowed(lambda body, me: not body.get("simple_quota_infos", body.get("coupon_infos")) and
                   {d["error_code"] for d in body["error_details"]} == {code})


MATRIX = {
    # --- Partners and customers ---------------------------------------------------------------
    "ListIndirectPartners": Row(
        lambda me, f: me.sdk.list_indirect_partners(ListIndirectPartnersRequest(body=QueryIndirectPartnersReq(**f))),
        allowed(DISTRIBUTOR),
        ownership=(
            # A filter over the caller's own resellers, not a reference: no CBC.99000037.
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, Allowed(count_is(0))),
        ),
    ),
    "ListSubCustomers": Row(
        lambda me, f: me.sdk.list_sub_customers(ListSubCustomersRequest(body=QuerySubCustomerListReq(**f))),
        allowed(*DIRECT_PARTNERS),
        ownership=(
            Case(DISTRIBUTOR, "its-own-reseller", {"indirect_partner_id": "resel-bolt"},
                 Allowed(count_is(len(customers_of("resel-bolt"))))),
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(DISTRIBUTOR, "itself-as-reseller", {"indirect_partner_id": "dist-acme"}, NOT_YOUR_RESELLER),
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_id": "cust-nova-02"}, Allowed(count_is(0))),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-bolt"}, IGNORED),
        ),
    ),
    "ListSubCustomerNewTag": Row(
        lambda me, f: me.sdk.list_sub_customer_new_tag(ListSubCustomerNewTagRequest(body=ListSubCustomerNewTagReq(**f))),
        allowed(*DIRECT_PARTNERS),
        fields=lambda me: {"customer_ids": [me.customer]},
        ownership=(
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_ids": ["cust-nova-02"]},
                 Allowed(lambda body, me: body["new_customer_tags"] == [])),
            Case(DISTRIBUTOR, "its-resellers-customer-directly", {"customer_ids": ["cust-bolt-01"]},
                 Allowed(lambda body, me: body["new_customer_tags"] == [])),
            Case(DISTRIBUTOR, "its-own-reseller", {"customer_ids": ["cust-bolt-01"], "indirect_partner_id": "resel-bolt"},
                 Allowed(lambda body, me: [t["customer_id"] for t in body["new_customer_tags"]] == ["cust-bolt-01"])),
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-bolt"}, IGNORED),
        ),
    ),
    "CheckUserIdentity": Row(
        lambda me, f: me.sdk.check_user_identity(CheckUserIdentityRequest(body=CheckSubcustomerUserReq(**f))),
        allowed(*DIRECT_PARTNERS),
        fields=lambda me: {"search_type": "name", "search_value": "nobody-registered-01"},
    ),
    "SendVerificationMessageCode": Row(
        lambda me, f: me.sdk.send_verification_message_code(SendVerificationMessageCodeRequest(
            body=SendVerificationCodeV2Req(**f))),
        allowed(*DIRECT_PARTNERS),
        # A number per caller, so that the matrix stays under the 15 messages an hour.
        fields=lambda me: {"receiver_type": 1, "mobile_phone": f"135{zlib.crc32(me.id.encode()) % 10**8:08d}"},
        ownership=(
            Case(DISTRIBUTOR, "a-bank-card-code-for-its-customer", {"scene": 18, "customer_id": "cust-acme-01"}, OK),
            Case(DISTRIBUTOR, "a-bank-card-code-for-another-partners-customer",
                 {"scene": 18, "customer_id": "cust-nova-02"}, NOT_YOUR_CUSTOMER),
            Case(DISTRIBUTOR, "a-bank-card-code-for-its-resellers-customer",
                 {"scene": 18, "customer_id": "cust-bolt-01"}, OK),
            Case(SOLUTION_PROVIDER, "a-bank-card-code-for-a-resellers-customer",
                 {"scene": 18, "customer_id": "cust-bolt-01"}, NOT_YOUR_CUSTOMER),
        ),
    ),
    "CreateSubCustomer": Row(
        lambda me, f: me.sdk.create_sub_customer(CreateSubCustomerRequest(body=CreateCustomerV2Req(**f))),
        allowed(*DIRECT_PARTNERS),
        # Each call registers another platform user (and never for resel-bolt, whose customers
        # the ListSubCustomers row counts).
        fields=lambda me: {"xaccount_id": uuid.uuid4().hex, "xaccount_type": "acme_platform"},
        ownership=(
            Case(DISTRIBUTOR, "for-its-own-reseller", {"indirect_partner_id": "resel-cove"}, OK),
            Case(DISTRIBUTOR, "for-another-distributors-reseller", {"indirect_partner_id": "resel-far"},
                 NOT_YOUR_RESELLER),
            Case(DISTRIBUTOR, "for-a-solution-provider", {"indirect_partner_id": "sp-nova"}, NOT_YOUR_RESELLER),
            Case(SOLUTION_PROVIDER, "for-a-reseller", {"indirect_partner_id": "resel-cove"}, OK),
        ),
    ),
    # --- Real-name authentication (an allowed call submits for a customer registered for it) ----
    "CreatePersonalRealnameAuth": Row(
        lambda me, f: me.sdk.create_personal_realname_auth(CreatePersonalRealnameAuthRequest(
            body=ApplyIndividualRealnameAuthsReq(**f))),
        allowed(*DIRECT_PARTNERS, check=lambda body, me: body == {"is_review": 1}),
        fields=lambda me: certificate(realname_customer(me), realname_submitter(me)),
        ownership=(
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_id": "cust-nova-02"}, NOT_YOUR_CUSTOMER),
            Case(DISTRIBUTOR, "nobodys-customer", {"customer_id": "cust-solo"}, NOT_YOUR_CUSTOMER),
            Case(DISTRIBUTOR, "its-resellers-customer", {"customer_id": "cust-bolt-02"}, OK),
            Case(SOLUTION_PROVIDER, "a-resellers-customer", {"customer_id": "cust-bolt-01"}, NOT_YOUR_CUSTOMER),
        ),
    ),
    "CreateEnterpriseRealnameAuthentication": Row(
        lambda me, f: me.sdk.create_enterprise_realname_authentication(
            CreateEnterpriseRealnameAuthenticationRequest(body=ApplyEnterpriseRealnameAuthsReq(**f))),
        allowed(*DIRECT_PARTNERS, check=lambda body, me: body == {"is_review": 1}),
        fields=lambda me: enterprise(realname_customer(me), realname_submitter(me)),
        ownership=(
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_id": "cust-nova-02"}, NOT_YOUR_CUSTOMER),
            Case(DISTRIBUTOR, "its-resellers-customer", {"customer_id": "cust-bolt-03"}, OK),
            Case(SOLUTION_PROVIDER, "a-resellers-customer", {"customer_id": "cust-bolt-01"}, NOT_YOUR_CUSTOMER),
        ),
    ),
    "ChangeEnterpriseRealnameAuthentication": Row(
        lambda me, f: me.sdk.change_enterprise_realname_authentication(
            ChangeEnterpriseRealnameAuthenticationRequest(body=ChangeEnterpriseRealnameAuthsReq(**f))),
        allowed(*DIRECT_PARTNERS, check=lambda body, me: body == {"is_review": 1}),
        fields=lambda me: enterprise(realname_customer(me, verified=True), realname_submitter(me), change_type=1),
        ownership=(
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_id": "cust-nova-02"}, NOT_YOUR_CUSTOMER),
            Case(SOLUTION_PROVIDER, "a-resellers-customer", {"customer_id": "cust-bolt-01"}, NOT_YOUR_CUSTOMER),
        ),
    ),
    "ShowRealNameAuthStatus": Row(
        lambda me, f: me.sdk.show_real_name_auth_status(ShowRealNameAuthStatusRequest()),
        allowed(CUSTOMER, check=lambda body, me: body["verified_status"] in (-1, 0, 1, 2)),
    ),
    "ShowRealnameAuthenticationReviewResult": Row(
        lambda me, f: me.sdk.show_realname_authentication_review_result(
            ShowRealnameAuthenticationReviewResultRequest(**f)),
        allowed(*DIRECT_PARTNERS),
        fields=lambda me: {"customer_id": me.customer},
        ownership=(
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_id": "cust-nova-02"}, NOT_YOUR_CUSTOMER),
            Case(DISTRIBUTOR, "its-resellers-customer", {"customer_id": "cust-bolt-01"}, OK),
            Case(SOLUTION_PROVIDER, "a-resellers-customer", {"customer_id": "cust-bolt-01"}, NOT_YOUR_CUSTOMER),
        ),
    ),
    # --- Balances ------------------------------------------------------------------------------
    "ListPartnerBalances": Row(
        lambda me, f: me.sdk.list_partner_balances(ListPartnerBalancesRequest(**f)),
        allowed(*ALL_PARTNERS),
        ownership=(
            Case(DISTRIBUTOR, "its-own-reseller", {"indirect_partner_id": "resel-bolt"}, OK),
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(RESELLER, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, IGNORED),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-bolt"}, IGNORED),
        ),
    ),
    "ShowCustomerAccountBalances": Row(
        lambda me, f: me.sdk.show_customer_account_balances(ShowCustomerAccountBalancesRequest(**f)),
        allowed(CUSTOMER),
    ),
    "ListCustomersBalancesDetail": Row(
        lambda me, f: me.sdk.list_customers_balances_detail(ListCustomersBalancesDetailRequest(
            body=QueryCustomersBalancesReq(**f))),
        allowed(*DIRECT_PARTNERS, check=lambda body, me: [b["customer_id"] for b in body["customer_balances"]] == [
            me.customer]),
        fields=lambda me: {"customer_infos": [CustomerInfoV2(customer_id=me.customer)]},
        ownership=(
            # Ids that are not the partner's are left out, silently.
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_infos": [CustomerInfoV2(customer_id="cust-nova-02")]},
                 Allowed(lambda body, me: body["customer_balances"] == [])),
            Case(DISTRIBUTOR, "its-resellers-customer-directly",
                 {"customer_infos": [CustomerInfoV2(customer_id="cust-bolt-01")]},
                 Allowed(lambda body, me: body["customer_balances"] == [])),
            Case(DISTRIBUTOR, "its-own-reseller", {"indirect_partner_id": "resel-bolt",
                                                   "customer_infos": [CustomerInfoV2(customer_id="cust-bolt-01")]},
                 Allowed(lambda body, me: [b["customer_id"] for b in body["customer_balances"]] == ["cust-bolt-01"])),
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far",
                                                                "customer_infos": [CustomerInfoV2(customer_id="cust-far-01")]},
                 NOT_YOUR_RESELLER),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-far"}, IGNORED),
        ),
    ),
    # --- Moving money (each allowed call moves 0.01 on this module's own server) ----------------
    "UpdateCustomerAccountAmount": Row(
        lambda me, f: me.sdk.update_customer_account_amount(UpdateCustomerAccountAmountRequest(
            body=AdjustAccountReq(**f))),
        allowed(*DIRECT_PARTNERS),
        fields=lambda me: {"customer_id": me.customer, "amount": CENT},
        ownership=(
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_id": "cust-nova-02"}, NOT_YOUR_CUSTOMER),
            Case(DISTRIBUTOR, "nobodys-customer", {"customer_id": "cust-solo"}, NOT_YOUR_CUSTOMER),
            Case(DISTRIBUTOR, "its-resellers-customer-directly", {"customer_id": "cust-bolt-01"}, NOT_YOUR_CUSTOMER),
            Case(DISTRIBUTOR, "its-own-referral-customer", {"customer_id": "cust-acme-02"}, REFERRAL_CUSTOMER),
            Case(DISTRIBUTOR, "for-its-own-reseller", {"customer_id": "cust-bolt-01", "indirect_partner_id": "resel-bolt"},
                 OK),
            Case(DISTRIBUTOR, "for-another-distributors-reseller",
                 {"customer_id": "cust-far-01", "indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(SOLUTION_PROVIDER, "another-partners-customer", {"customer_id": "cust-acme-01"}, NOT_YOUR_CUSTOMER),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-bolt"}, OK),
        ),
    ),
    "ReclaimToPartnerAccount": Row(
        lambda me, f: me.sdk.reclaim_to_partner_account(ReclaimToPartnerAccountRequest(
            body=ReclaimToPartnerAccountBalancesReq(**f))),
        allowed(*DIRECT_PARTNERS),
        fields=lambda me: {"customer_id": me.customer, "amount": CENT},
        ownership=(
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_id": "cust-nova-02"}, NOT_YOUR_CUSTOMER),
            Case(DISTRIBUTOR, "nobodys-customer", {"customer_id": "cust-solo"}, NOT_YOUR_CUSTOMER),
            Case(DISTRIBUTOR, "its-resellers-customer-directly", {"customer_id": "cust-bolt-01"}, NOT_YOUR_CUSTOMER),
            Case(DISTRIBUTOR, "its-own-referral-customer", {"customer_id": "cust-acme-02"}, REFERRAL_CUSTOMER),
            Case(DISTRIBUTOR, "for-its-own-reseller", {"customer_id": "cust-bolt-01", "indirect_partner_id": "resel-bolt"},
                 OK),
            Case(DISTRIBUTOR, "for-another-distributors-reseller",
                 {"customer_id": "cust-far-01", "indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(SOLUTION_PROVIDER, "another-partners-customer", {"customer_id": "cust-acme-01"}, NOT_YOUR_CUSTOMER),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-bolt"}, OK),
        ),
    ),
    "UpdateIndirectPartnerAccount": Row(
        lambda me, f: me.sdk.update_indirect_partner_account(UpdateIndirectPartnerAccountRequest(
            body=AdjustToIndirectPartnerReq(**f))),
        allowed(DISTRIBUTOR),
        fields=lambda me: {"indirect_partner_id": me.reseller, "amount": CENT},
        ownership=(
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(DISTRIBUTOR, "a-solution-provider", {"indirect_partner_id": "sp-nova"}, NOT_YOUR_RESELLER),
            Case(DISTRIBUTOR, "its-own-customer", {"indirect_partner_id": "cust-acme-01"}, NOT_YOUR_RESELLER),
        ),
    ),
    "ReclaimIndirectPartnerAccount": Row(
        lambda me, f: me.sdk.reclaim_indirect_partner_account(ReclaimIndirectPartnerAccountRequest(
            body=ReclaimIndirectPartnerAccountReq(**f))),
        allowed(DISTRIBUTOR),
        fields=lambda me: {"indirect_partner_id": me.reseller, "amount": CENT},
        ownership=(
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(DISTRIBUTOR, "a-solution-provider", {"indirect_partner_id": "sp-nova"}, NOT_YOUR_RESELLER),
            Case(DISTRIBUTOR, "its-own-customer", {"indirect_partner_id": "cust-acme-01"}, NOT_YOUR_RESELLER),
        ),
    ),
    # --- Records -------------------------------------------------------------------------------
    "ListPartnerAdjustRecords": Row(
        lambda me, f: me.sdk.list_partner_adjust_records(ListPartnerAdjustRecordsRequest(**f)),
        allowed(*DIRECT_PARTNERS),
        ownership=(
            Case(DISTRIBUTOR, "its-own-reseller", {"indirect_partner_id": "resel-bolt"}, OK),
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            # Another partner's customer is an empty page, not an error (sp-nova moved its money).
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_id": "cust-nova-02"},
                 Allowed(lambda body, me: body["total_count"] == 0 and body["records"] == [])),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-far"}, IGNORED),
        ),
    ),
    "ListPartnerAccountChangeRecords": Row(
        lambda me, f: me.sdk.list_partner_account_change_records(ListPartnerAccountChangeRecordsRequest(**f)),
        allowed(*ALL_PARTNERS),
        ownership=(
            Case(DISTRIBUTOR, "its-own-reseller", {"indirect_partner_id": "resel-bolt"}, OK),
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(RESELLER, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, IGNORED),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-bolt"}, IGNORED),
        ),
    ),
    "ListCustomerAccountChangeRecords": Row(
        lambda me, f: me.sdk.list_customer_account_change_records(ListCustomerAccountChangeRecordsRequest(**f)),
        allowed(CUSTOMER),
        fields=lambda me: {"balance_type": DEBIT},
    ),
    # --- Coupons (each allowed call spends 0.01 of a quota on this module's own server) ---------
    "ListQuotaCoupons": Row(
        lambda me, f: coupon_sdk(me).list_quota_coupons(ListQuotaCouponsRequest(body=QueryCouponQuotasReqExt(**f))),
        allowed(*DIRECT_PARTNERS, check=lambda body, me: (
            (ACME_QUOTA in [q["quota_id"] for q in body["quotas"]]) == (me.id == "dist-acme"))),
        ownership=(
            Case(DISTRIBUTOR, "its-own-reseller", {"indirect_partner_id": "resel-bolt"},
                 Allowed(lambda body, me: ACME_QUOTA not in [q["quota_id"] for q in body["quotas"]])),
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(DISTRIBUTOR, "another-partners-quota", {"quota_ids": [NOVA_QUOTA]},
                 Allowed(lambda body, me: body["total_count"] == 0)),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-bolt"}, IGNORED),
        ),
    ),
    "UpdateCouponQuotas": Row(
        lambda me, f: coupon_sdk(me).update_coupon_quotas(UpdateCouponQuotasRequest(body=AdjustCouponQuotasReq(**f))),
        allowed(DISTRIBUTOR, check=lambda body, me: batch_done(body, me, [me.reseller])),
        fields=lambda me: {"quota_id": ACME_QUOTA, "indirect_partner_ids": [me.reseller], "quota_amount": CENT},
        ownership=(
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_ids": ["resel-far"]},
                 refused_items("CBC.99000037")),
            Case(DISTRIBUTOR, "a-solution-provider", {"indirect_partner_ids": ["sp-nova"]}, refused_items("CBC.99000037")),
            Case(DISTRIBUTOR, "another-partners-quota", {"quota_id": NOVA_QUOTA}, Refused(400, "CBC.99000012")),
        ),
    ),
    "ReclaimCouponQuotas": Row(
        lambda me, f: coupon_sdk(me).reclaim_coupon_quotas(ReclaimCouponQuotasRequest(body=ReclaimCouponQuotasReq(**f))),
        allowed(DISTRIBUTOR, check=lambda body, me: len(body["simple_quota_infos"]) == 1 and not body["error_details"]),
        fields=lambda me: {"quota_ids": [resellers_quota(me)]},
        ownership=(
            Case(DISTRIBUTOR, "its-own-quota", {"quota_ids": [ACME_QUOTA]}, refused_items("CBC.99000012")),
            Case(DISTRIBUTOR, "another-partners-quota", {"quota_ids": [NOVA_QUOTA]}, refused_items("CBC.99000012")),
        ),
    ),
    "ListIssuedCouponQuotas": Row(
        lambda me, f: coupon_sdk(me).list_issued_coupon_quotas(ListIssuedCouponQuotasRequest(**f)),
        allowed(DISTRIBUTOR, check=lambda body, me: all(q["parent_quota_id"] == ACME_QUOTA for q in body["quotas"])),
        ownership=(
            Case(DISTRIBUTOR, "its-own-reseller", {"indirect_partner_id": "resel-bolt"},
                 Allowed(lambda body, me: all(q["indirect_partner_id"] == "resel-bolt" for q in body["quotas"]))),
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
        ),
    ),
    "ListCouponQuotasRecords": Row(
        lambda me, f: coupon_sdk(me).list_coupon_quotas_records(ListCouponQuotasRecordsRequest(**f)),
        allowed(DISTRIBUTOR),
        ownership=(
            Case(DISTRIBUTOR, "its-own-reseller", {"indirect_partner_id": "resel-bolt"},
                 Allowed(lambda body, me: all(r["indirect_partner_id"] == "resel-bolt" for r in body["records"]))),
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
        ),
    ),
    "CreatePartnerCoupons": Row(
        lambda me, f: coupon_sdk(me).create_partner_coupons(CreatePartnerCouponsRequest(body=CreatePartnerCouponsReq(**f))),
        allowed(*DIRECT_PARTNERS, check=lambda body, me: batch_done(body, me, [me.customer])),
        fields=lambda me: {"quota_id": issuing_quota(me), "customer_ids": [me.customer], "face_value": CENT},
        ownership=(
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_ids": ["cust-nova-02"]}, refused_items("CBC.99000035")),
            Case(DISTRIBUTOR, "nobodys-customer", {"customer_ids": ["cust-solo"]}, refused_items("CBC.99000035")),
            Case(DISTRIBUTOR, "its-resellers-customer-directly", {"customer_ids": ["cust-bolt-01"]},
                 refused_items("CBC.99000035")),
            Case(DISTRIBUTOR, "its-own-referral-customer", {"customer_ids": ["cust-acme-02"]}, refused_items("CBC.99000014")),
            Case(DISTRIBUTOR, "for-another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(DISTRIBUTOR, "another-partners-quota", {"quota_id": NOVA_QUOTA}, Refused(400, "CBC.99000012")),
            Case(SOLUTION_PROVIDER, "another-partners-customer", {"customer_ids": ["cust-acme-01"]},
                 refused_items("CBC.99000035")),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-bolt"},
                 Allowed(lambda body, me: batch_done(body, me, [me.customer]))),
        ),
    ),
    "ReclaimPartnerCoupons": Row(
        lambda me, f: coupon_sdk(me).reclaim_partner_coupons(ReclaimPartnerCouponsRequest(
            body=ReclaimPartnerCouponsReq(**f))),
        allowed(*DIRECT_PARTNERS),  # 204, no body
        fields=lambda me: {"coupon_id": issued_coupon(me)},  # a coupon to reclaim
        ownership=(
            Case(DISTRIBUTOR, "an-unknown-coupon", {"coupon_id": "no-such-coupon"}, Refused(400, "CBC.0100")),
            Case(DISTRIBUTOR, "for-another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(DISTRIBUTOR, "an-empty-reseller", {"indirect_partner_id": ""}, Refused(400, "CBC.0100")),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-bolt"}, OK),
        ),
    ),
    "ListIssuedPartnerCoupons": Row(
        lambda me, f: coupon_sdk(me).list_issued_partner_coupons(ListIssuedPartnerCouponsRequest(**f)),
        allowed(*DIRECT_PARTNERS, check=lambda body, me: all(c["customer_id"] == me.customer
                                                             for c in body["user_coupons"])),
        ownership=(
            Case(DISTRIBUTOR, "its-own-reseller", {"indirect_partner_id": "resel-bolt"}, OK),
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_id": "cust-nova-02"},
                 Allowed(lambda body, me: body["total_count"] == 0)),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-bolt"}, IGNORED),
        ),
    ),
    "ListPartnerCouponsRecord": Row(
        lambda me, f: coupon_sdk(me).list_partner_coupons_record(ListPartnerCouponsRecordRequest(**f)),
        allowed(*DIRECT_PARTNERS),
        ownership=(
            Case(DISTRIBUTOR, "its-own-reseller", {"indirect_partner_id": "resel-bolt"}, OK),
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
            Case(SOLUTION_PROVIDER, "a-reseller", {"indirect_partner_id": "resel-bolt"}, IGNORED),
        ),
    ),
    "ListSubCustomerCoupons": Row(
        lambda me, f: coupon_sdk(me).list_sub_customer_coupons(ListSubCustomerCouponsRequest(**f)),
        # A partner holds no coupons of its own here; a customer sees its own.
        allowed(*DIRECT_PARTNERS, CUSTOMER, check=lambda body, me: all(c["customer_id"] == me.id
                                                                       for c in body["user_coupons"])),
        ownership=(
            Case(DISTRIBUTOR, "its-own-reseller", {"indirect_partner_id": "resel-bolt"}, OK),
            Case(DISTRIBUTOR, "another-distributors-reseller", {"indirect_partner_id": "resel-far"}, NOT_YOUR_RESELLER),
        ),
    ),
    "ListCustomerCouponChangeRecords": Row(
        lambda me, f: coupon_sdk(me).list_customer_coupon_change_records(ListCustomerCouponChangeRecordsRequest(**f)),
        allowed(CUSTOMER),
        fields=lambda me: {"balance_type": "BALANCE_TYPE_COUPON"},
    ),
    "ListStoredValueCards": Row(
        lambda me, f: coupon_sdk(me).list_stored_value_cards(ListStoredValueCardsRequest(**f)),
        allowed(CUSTOMER, check=lambda body, me: body == {"total_count": 0, "stored_value_cards": []}),
        fields=lambda me: {"status": 1},
    ),
    # --- Administrative divisions: the same data for every caller who may read it --------------
    "ListProvinces": Row(
        lambda me, f: me.sdk.list_provinces(ListProvincesRequest(**f)),
        allowed(*DIRECT_PARTNERS, CUSTOMER, check=count_is(31)),
    ),
    "ListCities": Row(
        lambda me, f: me.sdk.list_cities(ListCitiesRequest(**f)),
        allowed(*DIRECT_PARTNERS, CUSTOMER, check=count_is(11)),
        fields=lambda me: {"province_code": "CN-13"},
    ),
    "ListCounties": Row(
        lambda me, f: me.sdk.list_counties(ListCountiesRequest(**f)),
        allowed(*DIRECT_PARTNERS, CUSTOMER, check=count_is(22)),
        fields=lambda me: {"city_code": "CN-13-001"},
    ),
    # --- IAM's domain look-up: every key, which sees its own account only -----------------------
    "KeystoneListAuthDomains": Row(
        lambda me, f: me.call("GET", "/v3/auth/domains"),
        allowed(*KINDS, check=lambda body, me: body["domains"] == [
            {"id": me.id, "name": me.id if me.kind == OPERATOR else name_of(me.id)}]),
    ),
    # --- Our operator API ----------------------------------------------------------------------
    "ApplyWorld": Row(
        lambda me, f: me.call("POST", "/operator/v1/world", body=WORLD),  # idempotent
        allowed(OPERATOR),
    ),
    "ShowClock": Row(
        lambda me, f: me.call("GET", "/operator/v1/clock"),
        allowed(OPERATOR),
    ),
    "SetClock": Row(
        lambda me, f: me.call("PUT", "/operator/v1/clock", body=f),
        allowed(OPERATOR),
        fields=lambda me: {"now": NOW},  # where it is: this server's clock never moves
    ),
    "AdvanceClock": Row(
        lambda me, f: me.call("POST", "/operator/v1/clock/advance", body=f),
        allowed(OPERATOR),
        fields=lambda me: {"seconds": 0},
    ),
    "CreateAccessKey": Row(
        lambda me, f: me.call("POST", "/operator/v1/access-keys", body=f),
        allowed(OPERATOR),
        fields=lambda me: {"owner_type": "partner", "owner_id": "resel-cove"},
    ),
    "ListAccessKeys": Row(
        lambda me, f: me.call("GET", "/operator/v1/access-keys"),
        allowed(OPERATOR),
    ),
    "RevokeAccessKey": Row(
        lambda me, f: me.call("DELETE", f"/operator/v1/access-keys/{f['ak']}"),
        allowed(OPERATOR),
        fields=lambda me: {"ak": create_access_key(me.server, "partner", "resel-cove").ak},  # a key to revoke
    ),
    "ShowPartnerOrganization": Row(
        lambda me, f: me.call("GET", "/operator/v1/partners/dist-acme/organization"),
        allowed(OPERATOR),
    ),
    "CreatePartnerRole": Row(
        lambda me, f: me.call("POST", "/operator/v1/partners/resel-cove/roles", body=f),
        allowed(OPERATOR),
        fields=lambda me: {"name": f"role-{uuid.uuid4().hex[:8]}", "permissions": ["BPC_ITEM_SUBCUSTSERV_010100"]},
    ),
    "CreatePartnerMember": Row(
        lambda me, f: me.call("POST", "/operator/v1/partners/resel-cove/members", body=f),
        allowed(OPERATOR),
        fields=lambda me: {"name": f"member-{uuid.uuid4().hex[:8]}", "roles": []},
    ),
    "GrantCouponQuota": Row(
        lambda me, f: me.call("POST", "/operator/v1/partners/dist-other/coupon-quotas", body=f),
        allowed(OPERATOR, check=lambda body, me: body["balance"] == Decimal("1.00")),
        fields=lambda me: {"quota_value": "1.00"},
    ),
    "SetCouponQuotaState": Row(
        lambda me, f: me.call("PUT", f"/operator/v1/coupon-quotas/{ACME_QUOTA}/state", body=f),
        allowed(OPERATOR, check=lambda body, me: body["quota_status"] == 0),
        fields=lambda me: {"state": "normal"},  # where it is: the matrix never freezes it
    ),
    # --- Our channel API: association changes --------------------------------------------------
    "RequestAssociationChange": Row(
        lambda me, f: me.call("POST", "/channel/v1/association-changes", body=f),
        allowed(*ALL_PARTNERS, CUSTOMER),
        fields=lambda me: {"customer_id": changeable_customer(me), "kind": "unbind"},
        ownership=(
            Case(DISTRIBUTOR, "another-partners-customer", {"customer_id": "cust-nova-02"}, NOT_YOUR_CUSTOMER),
            Case(DISTRIBUTOR, "its-resellers-customer", {"customer_id": "cust-bolt-02"}, NOT_YOUR_CUSTOMER),
            Case(RESELLER, "another-resellers-customer", {"customer_id": "cust-far-01"}, NOT_YOUR_CUSTOMER),
        ),
    ),
    "ListAssociationChanges": Row(
        lambda me, f: me.call("GET", "/channel/v1/association-changes"),
        allowed(*ALL_PARTNERS, CUSTOMER, check=lambda body, me: all(
            me.id in (c["partner_id"], c["customer_id"]) for c in body["changes"])),
    ),
    # Answering needs a request of the caller's counterparty: test_associations.py answers real
    # ones; here every admitted caller reaches the operation and learns of no other's request.
    "AcceptAssociationChange": Row(
        lambda me, f: me.call("POST", f"/channel/v1/association-changes/{f['id']}/accept"),
        {kind: NO_SUCH_CHANGE if kind != OPERATOR else FORBIDDEN for kind in KINDS},
        fields=lambda me: {"id": "no-such-request"},
    ),
    "RejectAssociationChange": Row(
        lambda me, f: me.call("POST", f"/channel/v1/association-changes/{f['id']}/reject"),
        {kind: NO_SUCH_CHANGE if kind != OPERATOR else FORBIDDEN for kind in KINDS},
        fields=lambda me: {"id": "no-such-request"},
    ),
    # --- Our channel API: customer reports ------------------------------------------------------
    "CreateCustomerReport": Row(
        lambda me, f: me.call("POST", "/channel/v1/reports", body=f),
        allowed(*ALL_PARTNERS),
        # A prospect no account holds, another for every call.
        fields=lambda me: {"customer_name": "Prospect Ltd", "email": f"{uuid.uuid4().hex[:12]}@prospect.example",
                           "association_type": "2"},
    ),
    "ListCustomerReports": Row(
        lambda me, f: me.call("GET", "/channel/v1/reports"),
        allowed(*ALL_PARTNERS, check=lambda body, me: all(r["partner_id"] == me.id for r in body["reports"])),
    ),
    "DeleteCustomerReport": Row(
        lambda me, f: me.call("DELETE", f"/channel/v1/reports/{f['id']}"),
        {kind: NO_SUCH_REPORT if kind in ALL_PARTNERS + MEMBER_KINDS else FORBIDDEN for kind in KINDS},
        fields=lambda me: {"id": "no-such-report"},
    ),
    "CreateInvitation": Row(
        lambda me, f: me.call("POST", "/channel/v1/invitations", body=f),
        allowed(*ALL_PARTNERS),
        fields=lambda me: {"association_type": "1", "label": "matrix"},
        ownership=(
            Case(DISTRIBUTOR, "another-partners-report", {"report_id": "no-such-report"}, NO_SUCH_REPORT),
        ),
    ),
    "AcceptInvitation": Row(
        lambda me, f: me.call("POST", f"/channel/v1/invitations/{f['code']}/accept"),
        {kind: NO_SUCH_INVITATION if kind == CUSTOMER else FORBIDDEN for kind in KINDS},
        fields=lambda me: {"code": "no-such-invitation"},
    ),
    "ListCustomerReportReviews": Row(
        lambda me, f: me.call("GET", "/operator/v1/report-reviews"),
        allowed(OPERATOR),
    ),
    "ApproveCustomerReport": Row(
        lambda me, f: me.call("POST", f"/operator/v1/report-reviews/{f['id']}/approve"),
        {kind: NO_SUCH_REPORT if kind == OPERATOR else FORBIDDEN for kind in KINDS},
        fields=lambda me: {"id": "no-such-report"},
    ),
    "RejectCustomerReport": Row(
        lambda me, f: me.call("POST", f"/operator/v1/report-reviews/{f['id']}/reject", body={"reason": "no"}),
        {kind: NO_SUCH_REPORT if kind == OPERATOR else FORBIDDEN for kind in KINDS},
        fields=lambda me: {"id": "no-such-report"},
    ),
    "ListVerificationCodes": Row(
        lambda me, f: me.call("GET", "/operator/v1/verification-codes"),
        allowed(OPERATOR),
    ),
    "ListRealnameReviews": Row(
        lambda me, f: me.call("GET", "/operator/v1/realname-reviews"),
        allowed(OPERATOR),
    ),
    "ApproveRealnameReview": Row(
        lambda me, f: me.call("POST", f"/operator/v1/realname-reviews/{f['id']}/approve"),
        allowed(OPERATOR, check=lambda body, me: body["status"] == "approved"),
        fields=lambda me: {"id": pending_review_id(me)},  # a submission to decide
    ),
    "RejectRealnameReview": Row(
        lambda me, f: me.call("POST", f"/operator/v1/realname-reviews/{f['id']}/reject", body={"opinion": "blurred"}),
        allowed(OPERATOR, check=lambda body, me: body["status"] == "rejected"),
        fields=lambda me: {"id": pending_review_id(me)},
    ),
}


# ---------------------------------------------------------------------------------------------
# Running a cell of the table


class Me:
    """A kind of caller on a server: its world ids, an SDK client and signed raw calls, which
    record the (method, path) of every request they send."""

    def __init__(self, server, kind):
        caller = CALLERS[kind]
        self.server, self.kind = server, kind
        self.id, self.customer, self.reseller = caller.id, caller.customer, caller.reseller
        self.key = KEYS[caller.key or caller.id]
        self.sent = []
        recorder = HttpHandler().add_request_handler(self._record_sdk_request)
        # An operator key has no domain id: the SDK is given the endpoint, so it does not look one up.
        self.sdk = sdk_client(server, self.key, endpoints_only=self.key.owner_id is None, http_handler=recorder)

    def _record_sdk_request(self, request, logger, **_):
        self.sent.append((request.method.upper(), urlparse(request.url).path))

    def call(self, method, path, body=None):
        self.sent.append((method, path))
        return call(self.server, method, path, self.key, body=body)


def answer(row, me, fields):
    """(status, error_code, body) of the call; body is the JSON of a 2xx answer, strictly
    checked against the SDK's model when the SDK made the call."""
    try:
        result = row.call(me, fields)
    except ClientRequestException as exc:
        return exc.status_code, exc.error_code, exc
    if isinstance(result, requests.Response):
        if not 200 <= result.status_code < 300:
            body = result.json() if result.content else {}
            return result.status_code, body.get("error_code"), result
        return result.status_code, None, check_ok(result, result.status_code)
    if result.status_code == 204:
        assert not result.raw_content, f"204 with a body: {result.raw_content!r}"
        return 204, None, None
    return result.status_code, None, wire_body(result, type(result).__name__)


def check_outcome(row, me, fields, outcome, default_fields):
    status, code, body = answer(row, me, fields)
    if isinstance(outcome, Refused):
        assert (status, code) == (outcome.status, outcome.code), (
            f"{me.kind} {me.id}: expected refusal {outcome.status} {outcome.code}, got {status} {code}: {body}")
        if isinstance(body, ClientRequestException):
            check_sdk_error(body, outcome.status, outcome.code)
        else:
            check_error(body, outcome.status, outcome.code)
        return
    assert 200 <= status < 300, f"{me.kind} {me.id}: expected to be allowed, got {status} {code}: {body}"
    if outcome.check is not None:
        assert outcome.check(body, me), f"{me.kind} {me.id}: unexpected answer {body}"
    if outcome.ignored:
        _, _, plain = answer(row, me, default_fields)
        assert body == plain, f"{me.kind} {me.id}: the fields {fields} changed the answer: {body} != {plain}"


def member_outcome(row, kind, items):
    """What a member of the distributor gets: the distributor's outcome, unless it holds none
    of the operation's permission items (`items`, from /openapi.json), which is the real 403."""
    outcome = row.outcomes[DISTRIBUTOR]
    if kind == MEMBER_WITHOUT_ITEMS and items and isinstance(outcome, Allowed):
        return FORBIDDEN
    return outcome


def route_pattern(path):
    """A regex of an OpenAPI path: `{name}` matches one segment."""
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")


def check_requests_reached(me, operation, routes):
    method, path = routes[operation]
    assert me.sent, f"{operation}: the row's call sent nothing"
    for sent_method, sent_path in me.sent:
        assert sent_method == method and route_pattern(path).match(sent_path), (
            f"{operation}: the row's call went to {sent_method} {sent_path}, the operation is {method} {path}")


# ---------------------------------------------------------------------------------------------
# Tests


@pytest.fixture(scope="module")
def matrix_server(backend, tmp_path_factory):
    """A server of its own (world.toml, rate limits off): the matrix moves money and keys."""
    with running_server(backend, tmp_path_factory.mktemp(f"matrix-{backend}")) as srv:
        yield srv


@pytest.fixture(scope="module")
def permission_items(matrix_server):
    """{operationId: [permission item]} of every operation that lists any (its `partner`
    security requirement's scopes)."""
    doc = check_ok(matrix_server.get("/openapi.json"))
    found = {}
    for methods in doc["paths"].values():
        for operation in methods.values():
            for requirement in operation.get("security", []):
                if requirement.get("partner"):
                    found[operation["operationId"]] = requirement["partner"]
    return found


@pytest.fixture(scope="module")
def routes(matrix_server):
    """{operationId: (METHOD, path)} of every route in the server's /openapi.json."""
    doc = check_ok(matrix_server.get("/openapi.json"))
    found = {}
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            name = operation.get("operationId")
            assert name, f"{method.upper()} {path} has no operationId"
            assert name not in found, f"operationId {name} is used twice"
            found[name] = (method.upper(), path)
    return found


def test_every_routed_operation_has_a_row(routes):
    missing = sorted(set(routes) - set(MATRIX))
    assert not missing, f"routed operations without a row in MATRIX (test_authorization.py): {missing}"


def test_every_row_is_a_routed_operation(routes):
    unrouted = sorted(set(MATRIX) - set(routes))
    assert not unrouted, f"MATRIX rows for operations the server does not route: {unrouted}"


@pytest.mark.parametrize("operation", sorted(MATRIX))
def test_every_row_gives_every_kind_of_caller(operation):
    row = MATRIX[operation]
    assert tuple(row.outcomes) == KINDS, f"{operation}: outcomes for {list(row.outcomes)}, expected {list(KINDS)}"
    for case in row.ownership:
        assert case.caller in KINDS, f"{operation}: unknown caller {case.caller!r} in ownership case {case.what!r}"


def test_every_routed_operation_needs_a_signature(matrix_server, routes):
    for name, (method, path) in sorted(routes.items()):
        url = matrix_server.url + re.sub(r"\{[^/]+?\}", "X", path)
        resp = matrix_server.http.request(method, url, json={} if method in ("POST", "PUT") else None, timeout=30)
        try:
            check_auth_error(resp)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


CELLS = [pytest.param(operation, kind, id=f"{operation}-{kind}") for operation in MATRIX for kind in KINDS]


@pytest.mark.parametrize("operation, kind", CELLS)
def test_who_may_call(matrix_server, routes, operation, kind):
    row = MATRIX[operation]
    me = Me(matrix_server, kind)
    fields = row.fields(me)
    check_outcome(row, me, fields, row.outcomes[kind], fields)
    check_requests_reached(me, operation, routes)


MEMBER_CELLS = [pytest.param(operation, kind, id=f"{operation}-{kind}") for operation in MATRIX for kind in MEMBER_KINDS]


@pytest.mark.parametrize("operation, kind", MEMBER_CELLS)
def test_what_a_member_may_call(matrix_server, routes, permission_items, operation, kind):
    row = MATRIX[operation]
    me = Me(matrix_server, kind)
    fields = row.fields(me)
    check_outcome(row, me, fields, member_outcome(row, kind, permission_items.get(operation)), fields)
    check_requests_reached(me, operation, routes)


def test_a_member_holding_one_listed_item_may_call(matrix_server):
    """customers.md §13.14: only BPC_ITEM_SUBCUSTSERV_010500 lets a member list customers, and
    not register one."""
    client = sdk_client(matrix_server, KEYS["dist-acme/t2-viewer"])
    wire_body(client.list_sub_customers(ListSubCustomersRequest(body=QuerySubCustomerListReq())),
              "ListSubCustomersResponse")
    request = CreateSubCustomerRequest(body=CreateCustomerV2Req(xaccount_id=uuid.uuid4().hex, xaccount_type="acme_platform"))
    with pytest.raises(ClientRequestException) as info:
        client.create_sub_customer(request)
    check_sdk_error(info.value, 403, "CBC.0151")


OWNERSHIP = [pytest.param(operation, case, id=f"{operation}-{case.caller}-{case.what}")
             for operation, row in MATRIX.items() for case in row.ownership]


@pytest.mark.parametrize("operation, case", OWNERSHIP)
def test_ownership(matrix_server, routes, operation, case):
    row = MATRIX[operation]
    me = Me(matrix_server, case.caller)
    default_fields = row.fields(me)
    check_outcome(row, me, {**default_fields, **case.fields}, case.outcome, default_fields)
    check_requests_reached(me, operation, routes)
