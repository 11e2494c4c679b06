"""ListSubCustomers (POST /v2/partners/sub-customers/query) through the official SDK.

A solution provider or a tier-1 distributor lists its own customers (both association types);
a tier-1 passes `indirect_partner_id` to list one of its tier-2's customers.
Reference: ../../../shared/reference/customers.md §6.1, §11, §13 items 22–26.
"""

import pytest
from huaweicloudsdkbss.v2 import (
    CheckSubcustomerUserReq,
    CheckUserIdentityRequest,
    ListSubCustomerNewTagReq,
    ListSubCustomerNewTagRequest,
    ListSubCustomersRequest,
    QuerySubCustomerListReq,
)

from conftest import cases, check_sdk_error, sdk_client, sdk_error, wire_body
from helpers.customers import list_sub_customers, listed_ids
from helpers.world import CUSTOMERS, KEYS, NOW, PARTNERS, association_type, customers_of

ONE_SECOND_AFTER = "2026-01-15T00:00:01Z"
ONE_SECOND_BEFORE = "2026-01-14T23:59:59Z"
ACME_CUSTOMERS = customers_of("dist-acme")


def check_sub_customers(server, caller, expected_ids, count=None, **filters):
    """The listed ids, as a set, are `expected_ids`; `count` (default: their number) is the total."""
    body = list_sub_customers(server, caller, **filters)
    got = listed_ids(body)
    assert sorted(got) == sorted(expected_ids), f"{caller} {filters}: got {got}"
    assert len(set(got)) == len(got), f"duplicated rows: {got}"
    assert body["count"] == (len(expected_ids) if count is None else count), body
    return body


def check_list_error(server, caller, status, code, **filters):
    client = sdk_client(server, KEYS[caller])
    request = ListSubCustomersRequest(body=QuerySubCustomerListReq(**filters))
    check_sdk_error(sdk_error(client.list_sub_customers, request), status, code)


def check_customer_info(info):
    """One CustomerInformation row against the world file, with the SDK model's JSON types."""
    world = CUSTOMERS[info["customer_id"]]
    assert info["account_name"] == world["name"], info
    assert info["association_type"] == association_type(world), info
    assert info["associated_on"] == NOW, info
    assert info["verified_status"] == "-1", info
    assert info["customer_type"] == -1, info
    assert info["is_frozen"] == 0, info
    assert info["country_code"] == "0086", info
    if "email" in world:
        assert info["email"] == world["email"], info


# ---------------------------------------------------------------------------------------------
# Who sees which customers


def test_distributor_sees_its_own_customers_of_both_types(server):
    body = check_sub_customers(server, "dist-acme", ACME_CUSTOMERS, limit=100)
    assert {c["association_type"] for c in body["customer_infos"]} == {"1", "2"}
    for info in body["customer_infos"]:
        check_customer_info(info)


def test_solution_provider_sees_its_own_customers(server):
    body = check_sub_customers(server, "sp-nova", customers_of("sp-nova"))
    for info in body["customer_infos"]:
        check_customer_info(info)


def test_distributor_sees_its_resellers_customers_with_indirect_partner_id(server):
    body = check_sub_customers(server, "dist-acme", customers_of("resel-bolt"), indirect_partner_id="resel-bolt")
    for info in body["customer_infos"]:
        check_customer_info(info)
    check_sub_customers(server, "dist-acme", [], indirect_partner_id="resel-cove")
    check_sub_customers(server, "dist-other", customers_of("resel-far"), indirect_partner_id="resel-far")


@pytest.mark.parametrize("caller, indirect_partner_id", [
    ("dist-acme", "resel-far"),
    ("dist-acme", "no-such-reseller"),
    ("dist-other", "resel-bolt"),
    ("dist-acme", "dist-acme"),
])
def test_foreign_indirect_partner_id_is_99000037(server, caller, indirect_partner_id):
    check_list_error(server, caller, 400, "CBC.99000037", indirect_partner_id=indirect_partner_id)


def test_solution_provider_indirect_partner_id_is_ignored(server):
    check_sub_customers(server, "sp-nova", customers_of("sp-nova"), indirect_partner_id="resel-bolt")


@pytest.mark.parametrize("caller", ["resel-bolt", "resel-far", "cust-acme-01", "cust-solo"])
def test_resellers_and_customers_may_not_call(server, caller):
    check_list_error(server, caller, 403, "CBC.0151")


# ---------------------------------------------------------------------------------------------
# Filters


@pytest.mark.parametrize("filters, expected_ids", cases(
    ({"account_name": "lighthouse"}, ["cust-acme-01", "cust-acme-03"]),  # prefix
    ({"account_name": "harbor"}, ["cust-acme-02", "cust-acme-06"]),  # prefix and infix
    ({"account_name": "games"}, ["cust-acme-01"]),  # suffix
    ({"account_name": "lighthouse-games"}, ["cust-acme-01"]),
    ({"account_name": "bolt"}, []),  # resel-bolt's customers are not dist-acme's own
    ({"account_name": "harbor labs"}, []),  # a filter with a space never matches
    ({"account_name": ""}, ACME_CUSTOMERS),  # "" is no filter
    ({"customer": "lighthouse"}, []),  # real-name names: the world customers have none
    ({"customer": ""}, ACME_CUSTOMERS),
    ({"label": "vip"}, []),  # no world customer has a label
    ({"association_type": "1"}, ["cust-acme-02", "cust-acme-04"]),
    ({"association_type": "2"}, ["cust-acme-01", "cust-acme-03", "cust-acme-05", "cust-acme-06"]),
    ({"customer_id": "cust-acme-03"}, ["cust-acme-03"]),
    ({"customer_id": "cust-acme-0"}, []),  # exact, not a substring
    ({"customer_id": "cust-bolt-01"}, []),  # a tier-2's customer
    ({"customer_id": "cust-nova-01"}, []),  # another partner's customer
    ({"customer_id": "cust-solo"}, []),  # nobody's customer
    ({"customer_id": "no-such-customer"}, []),
    ({"associated_on_begin": NOW, "associated_on_end": NOW}, ACME_CUSTOMERS),  # inclusive
    ({"associated_on_begin": ONE_SECOND_AFTER}, []),
    ({"associated_on_end": ONE_SECOND_BEFORE}, []),
    ({"account_name": "harbor", "association_type": "1"}, ["cust-acme-02"]),
    ({"account_name": "lighthouse", "customer_id": "cust-acme-03"}, ["cust-acme-03"]),
))
def test_filters(server, filters, expected_ids):
    check_sub_customers(server, "dist-acme", expected_ids, **filters)


def test_filters_apply_to_a_resellers_customers(server):
    check_sub_customers(server, "dist-acme", ["cust-bolt-03"], indirect_partner_id="resel-bolt",
                        account_name="lighthouse")
    check_sub_customers(server, "dist-acme", ["cust-bolt-02"], indirect_partner_id="resel-bolt",
                        association_type="1")
    check_sub_customers(server, "dist-acme", ["cust-bolt-01"], indirect_partner_id="resel-bolt",
                        customer_id="cust-bolt-01")


# ---------------------------------------------------------------------------------------------
# Paging: offset is a row offset, limit defaults to 10, at most 100


def test_default_limit_is_10(server):
    all_mass = customers_of("sp-mass")
    assert len(all_mass) == 12
    body = list_sub_customers(server, "sp-mass")
    assert len(body["customer_infos"]) == 10 and body["count"] == 12, body


def test_offset_is_a_row_offset(server):
    full = listed_ids(check_sub_customers(server, "sp-mass", customers_of("sp-mass"), limit=100))
    body = list_sub_customers(server, "sp-mass", offset=1, limit=10)
    assert listed_ids(body) == full[1:11] and body["count"] == 12, body


def test_pages_join_up_in_a_stable_order(server):
    full = listed_ids(list_sub_customers(server, "dist-acme", limit=100))
    pages = []
    for offset in range(0, len(full), 4):
        body = list_sub_customers(server, "dist-acme", offset=offset, limit=4)
        assert body["count"] == len(ACME_CUSTOMERS), body
        pages += listed_ids(body)
    assert pages == full


def test_offset_past_the_end_is_empty(server):
    check_sub_customers(server, "dist-acme", [], count=len(ACME_CUSTOMERS), offset=len(ACME_CUSTOMERS))
    check_sub_customers(server, "dist-acme", [], count=len(ACME_CUSTOMERS), offset=1000)


@pytest.mark.parametrize("filters", cases(
    ({"limit": 101},),
    ({"offset": -1},),
    ({"associated_on_begin": ""},),  # "" is refused for the time filters only
    ({"associated_on_end": "2026-01-15"},),
    ({"associated_on_begin": "yesterday"},),
))
def test_bad_parameters_are_cbc_0100(server, filters):
    check_list_error(server, "dist-acme", 400, "CBC.0100", **filters)


# ---------------------------------------------------------------------------------------------
# CheckUserIdentity (POST /v2/partners/sub-customers/users/check-identity), customers.md §5.1


def check_identity(server, caller, search_type, search_value):
    client = sdk_client(server, KEYS[caller])
    request = CheckUserIdentityRequest(body=CheckSubcustomerUserReq(search_type=search_type, search_value=search_value))
    return wire_body(client.check_user_identity(request), "CheckUserIdentityResponse")


@pytest.mark.parametrize("search_type, search_value, expected", [
    ("name", "nobody-registered-01", {"check_result": "available"}),
    ("name", CUSTOMERS["cust-acme-01"]["name"], {"check_result": "used_by_user"}),
    ("name", CUSTOMERS["cust-acme-01"]["name"].upper(), {"check_result": "used_by_user"}),
    ("email", "nobody@example.com", {"check_result": "available"}),
    ("mobile", "0086-13999999999", {"check_result": "available", "mobile_remain_available_num": 5}),
])
def test_check_user_identity_says_whether_an_identity_is_free(server, search_type, search_value, expected):
    assert check_identity(server, "dist-acme", search_type, search_value) == expected


def test_check_user_identity_counts_the_accounts_of_a_mobile_number(server):
    accounts = [*CUSTOMERS.values(), *PARTNERS.values()]
    mobile = next(a["mobile_phone"] for a in accounts if a.get("mobile_phone"))
    holders = sum(1 for a in accounts if a.get("mobile_phone") == mobile)
    body = check_identity(server, "dist-acme", "mobile", mobile)
    assert body["mobile_remain_available_num"] == max(0, 5 - holders), body
    assert body["check_result"] == ("available" if holders < 5 else "used_by_user"), body


@pytest.mark.parametrize("search_type, search_value", [
    ("phone", "0086-13800000001"),
    ("mobile", "13800000001"),
    ("mobile", "0044-7700900000"),
    ("email", "not-an-address"),
    ("name", "op_admin"),
    ("name", "abc"),
    ("name", "x" * 65),
])
def test_check_user_identity_refuses_what_its_model_does_not_allow(server, search_type, search_value):
    client = sdk_client(server, KEYS["dist-acme"])
    request = CheckUserIdentityRequest(body=CheckSubcustomerUserReq(search_type=search_type, search_value=search_value))
    check_sdk_error(sdk_error(client.check_user_identity, request), 400, "CBC.0100")


# ---------------------------------------------------------------------------------------------
# ListSubCustomerNewTag (POST /v2/partners/sub-customers/new-customers-tags/batch-query), §6.2


def new_tags(server, caller, **fields):
    client = sdk_client(server, KEYS[caller])
    request = ListSubCustomerNewTagRequest(body=ListSubCustomerNewTagReq(**fields))
    return wire_body(client.list_sub_customer_new_tag(request), "ListSubCustomerNewTagResponse")["new_customer_tags"]


def test_new_tags_of_customers_without_real_name_are_empty(server):
    tags = new_tags(server, "dist-acme", limit=200)
    assert sorted(t["customer_id"] for t in tags) == ACME_CUSTOMERS
    assert all(t == {"customer_id": t["customer_id"]} for t in tags), tags


def test_new_tags_leave_out_ids_that_are_not_the_callers(server):
    ids = ["cust-nova-02", ACME_CUSTOMERS[0], "cust-bolt-01", "nobody"]
    assert [t["customer_id"] for t in new_tags(server, "dist-acme", customer_ids=ids)] == [ACME_CUSTOMERS[0]]
    bolt = new_tags(server, "dist-acme", customer_ids=ids, indirect_partner_id="resel-bolt")
    assert [t["customer_id"] for t in bolt] == ["cust-bolt-01"]


def test_new_tags_page_by_offset_with_a_default_of_10(server):
    everyone = [t["customer_id"] for t in new_tags(server, "dist-acme", limit=200)]
    assert [t["customer_id"] for t in new_tags(server, "dist-acme")] == everyone[:10]
    assert [t["customer_id"] for t in new_tags(server, "dist-acme", offset=1, limit=2)] == everyone[1:3]


@pytest.mark.parametrize("fields", [
    {"customer_ids": [f"id-{n}" for n in range(201)]},
    {"customer_ids": ["x" * 65]},
    {"limit": 201},
    {"limit": 0},
    {"offset": -1},
], ids=["201-ids", "long-id", "limit-201", "limit-0", "negative-offset"])
def test_new_tags_refuse_what_the_model_does_not_allow(server, fields):
    client = sdk_client(server, KEYS["dist-acme"])
    request = ListSubCustomerNewTagRequest(body=ListSubCustomerNewTagReq(**fields))
    check_sdk_error(sdk_error(client.list_sub_customer_new_tag, request), 400, "CBC.0100")


def test_new_tags_for_a_foreign_reseller_are_99000037(server):
    client = sdk_client(server, KEYS["dist-acme"])
    request = ListSubCustomerNewTagRequest(body=ListSubCustomerNewTagReq(indirect_partner_id="resel-far"))
    check_sdk_error(sdk_error(client.list_sub_customer_new_tag, request), 400, "CBC.99000037")
