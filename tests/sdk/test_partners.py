"""ListIndirectPartners (POST /v2/partners/indirect-partners/query) through the official SDK.

A tier-1 distributor lists its own tier-2 resellers; nobody else may call it.
Reference: ../../../shared/reference/customers.md §6.3, §13 items 12 and 29.
"""

import pytest
from huaweicloudsdkbss.v2 import ListIndirectPartnersRequest, QueryIndirectPartnersReq

from conftest import cases, check_sdk_error, sdk_client, sdk_error
from helpers.partners import list_indirect_partners
from helpers.world import KEYS, NOW, PARTNERS, resellers_of

ONE_SECOND_AFTER = "2026-01-15T00:00:01Z"
ONE_SECOND_BEFORE = "2026-01-14T23:59:59Z"


def check_indirect_partners(server, caller, expected_ids, count=None, **filters):
    """The listed ids, in order, are `expected_ids`; `count` (default: their number) is the total."""
    body = list_indirect_partners(server, caller, **filters)
    got = [p["indirect_partner_id"] for p in body["indirect_partners"]]
    assert got == expected_ids, f"{filters}: got {got}"
    assert body["count"] == (len(expected_ids) if count is None else count), body
    return body


def check_list_error(server, caller, status, code, **filters):
    client = sdk_client(server, KEYS[caller])
    request = ListIndirectPartnersRequest(body=QueryIndirectPartnersReq(**filters))
    check_sdk_error(sdk_error(client.list_indirect_partners, request), status, code)


def test_distributor_lists_its_own_resellers(server):
    check_indirect_partners(server, "dist-acme", ["resel-bolt", "resel-cove"])
    check_indirect_partners(server, "dist-other", ["resel-far"])


def test_reseller_fields_come_from_the_world(server):
    body = list_indirect_partners(server, "dist-acme")
    for info in body["indirect_partners"]:
        world = PARTNERS[info["indirect_partner_id"]]
        assert info["account_name"] == world["name"], info
        assert info["name"] == world["name"], info
        assert info["email"] == world["email"], info
        assert info["mobile_phone"] == world["mobile_phone"], info
        assert info["associated_on"] == NOW, info


@pytest.mark.parametrize("filters, expected_ids", cases(
    ({"account_name": "Bolt"}, ["resel-bolt"]),
    ({"account_name": "Reseller"}, ["resel-bolt", "resel-cove"]),
    ({"account_name": "Cloud"}, ["resel-bolt"]),
    ({"account_name": "Far"}, []),
    ({"account_name": ""}, ["resel-bolt", "resel-cove"]),
    ({"indirect_partner_id": "resel-cove"}, ["resel-cove"]),
    ({"indirect_partner_id": "resel-co"}, []),
    ({"indirect_partner_id": "resel-far"}, []),
    ({"associated_on_begin": NOW, "associated_on_end": NOW}, ["resel-bolt", "resel-cove"]),
    ({"associated_on_begin": ONE_SECOND_AFTER}, []),
    ({"associated_on_end": ONE_SECOND_BEFORE}, []),
    ({"account_name": "Cove", "associated_on_begin": NOW}, ["resel-cove"]),
))
def test_filters(server, filters, expected_ids):
    check_indirect_partners(server, "dist-acme", expected_ids, **filters)


def test_paging_by_row_offset_in_association_then_id_order(server):
    all_ids = resellers_of("dist-acme")
    check_indirect_partners(server, "dist-acme", all_ids[:1], count=2, limit=1)
    check_indirect_partners(server, "dist-acme", all_ids[1:2], count=2, offset=1, limit=1)
    check_indirect_partners(server, "dist-acme", [], count=2, offset=2)
    check_indirect_partners(server, "dist-acme", [], count=2, offset=1000)
    check_indirect_partners(server, "dist-acme", all_ids, limit=100)


@pytest.mark.parametrize("filters", cases(
    ({"limit": 0},),
    ({"limit": 101},),
    ({"offset": -1},),
    ({"associated_on_begin": "2026-01-15"},),
))
def test_bad_parameters_are_cbc_0100(server, filters):
    check_list_error(server, "dist-acme", 400, "CBC.0100", **filters)


@pytest.mark.parametrize("caller", ["resel-bolt", "sp-nova", "cust-acme-01"])
def test_only_distributors_may_call(server, caller):
    check_list_error(server, caller, 403, "CBC.0151")
