"""ListProvinces, ListCities, ListCounties (GET /v2/systems/configs/{provinces,cities,counties})
through the official SDK.

China's administrative divisions, under the codes the API reference's examples show
(`CN-13`, `CN-13-001`, `CN-13-001-02`: GB/T 2260's digits), for customers and for solution
providers and distributors; offset 0-1000, limit 1-1000 (default 10); `X-Language` zh_cn or
en_us (the names are Chinese in both, as the real API answers today).
Reference: ../../../shared/reference/customers.md §11.0; docs/wire.md "Administrative divisions".
"""

import re

import pytest
from huaweicloudsdkbss.v2 import ListCitiesRequest, ListCountiesRequest, ListProvincesRequest

from conftest import cases, check_sdk_error, sdk_client, sdk_error, wire_body
from helpers.world import KEYS

PROVINCE_CODE = re.compile(r"^CN-\d{2}$")
SHIJIAZHUANG = "CN-13-001"


def provinces(server, caller="dist-acme", **fields):
    response = sdk_client(server, KEYS[caller]).list_provinces(ListProvincesRequest(**fields))
    return wire_body(response, "ListProvincesResponse")


def cities(server, province_code, caller="dist-acme", **fields):
    request = ListCitiesRequest(province_code=province_code, **fields)
    return wire_body(sdk_client(server, KEYS[caller]).list_cities(request), "ListCitiesResponse")


def counties(server, city_code, caller="dist-acme", **fields):
    request = ListCountiesRequest(city_code=city_code, **fields)
    return wire_body(sdk_client(server, KEYS[caller]).list_counties(request), "ListCountiesResponse")


def pairs(rows):
    return [(row["code"], row["name"]) for row in rows]


# ---------------------------------------------------------------------------------------------
# The lists and their codes


def test_provinces_are_the_mainlands_31_in_code_order(server):
    body = provinces(server, limit=1000)
    assert body["count"] == 31, body
    assert pairs(body["provinces"])[:2] == [("CN-11", "北京市"), ("CN-12", "天津市")], body
    codes = [p["code"] for p in body["provinces"]]
    assert all(PROVINCE_CODE.match(code) for code in codes), codes
    assert codes == sorted(codes), codes


def test_a_provinces_cities(server):
    body = cities(server, "CN-13", limit=1000)
    listed = pairs(body["cities"])
    assert body["count"] == len(listed) == 11, body
    assert listed[0] == (SHIJIAZHUANG, "石家庄市"), listed
    assert ("CN-13-006", "保定市") in listed and ("CN-13-009", "沧州市") in listed, listed
    assert all(re.match(r"^CN-13-\d{3}$", code) for code, _ in listed), listed


def test_a_citys_counties(server):
    body = counties(server, SHIJIAZHUANG, limit=1000)
    listed = pairs(body["counties"])
    # The reference's example counts 22: Shijiazhuang's districts, counties and county-level cities.
    assert body["count"] == len(listed) == 22, body
    assert listed[0] == ("CN-13-001-02", "长安区"), listed
    assert all(re.match(r"^CN-13-001-\d{2}$", code) for code, _ in listed), listed


def test_every_province_has_cities_under_its_own_code(server):
    for province in provinces(server, limit=1000)["provinces"]:
        body = cities(server, province["code"], limit=1000)
        assert body["count"] == len(body["cities"]) > 0, (province, body)
        for city in body["cities"]:
            assert city["code"].startswith(province["code"] + "-"), (province, city)


def test_every_city_of_a_province_has_counties_under_its_own_code(server):
    for city in cities(server, "CN-13", limit=1000)["cities"]:
        body = counties(server, city["code"], limit=1000)
        assert body["count"] == len(body["counties"]) > 0, (city, body)
        for county in body["counties"]:
            assert county["code"].startswith(city["code"] + "-"), (city, county)


@pytest.mark.parametrize("list_of, code", [
    ("cities", "CN-99"),  # no such province
    ("cities", "130000"),  # GB/T's own code is not the API's
    ("cities", SHIJIAZHUANG),  # a city has counties, not cities
    ("cities", "cn-13"),  # codes are exact
    ("counties", "CN-13"),  # a province has cities, not counties
    ("counties", "CN-13-099"),  # no such city
    ("counties", "CN-44-019"),  # 东莞市: a city without counties
])
def test_an_unknown_parent_has_an_empty_list(server, list_of, code):
    body = cities(server, code) if list_of == "cities" else counties(server, code)
    assert body == {"count": 0, list_of: []}, body


# ---------------------------------------------------------------------------------------------
# Paging: offset 0-1000, limit 1-1000, default 10


def test_default_limit_is_10(server):
    body = provinces(server)
    assert (body["count"], len(body["provinces"])) == (31, 10), body
    body = counties(server, SHIJIAZHUANG)
    assert (body["count"], len(body["counties"])) == (22, 10), body


def test_pages_join_up(server):
    full = pairs(provinces(server, limit=1000)["provinces"])
    pages = []
    for offset in range(0, 35, 7):
        body = provinces(server, offset=offset, limit=7)
        assert body["count"] == 31, body
        pages += pairs(body["provinces"])
    assert pages == full
    body = counties(server, SHIJIAZHUANG, offset=1, limit=10)
    assert pairs(body["counties"]) == pairs(counties(server, SHIJIAZHUANG, limit=1000)["counties"])[1:11]


def test_offset_past_the_end_is_empty(server):
    assert provinces(server, offset=31) == {"count": 31, "provinces": []}
    assert provinces(server, offset=1000, limit=1000) == {"count": 31, "provinces": []}


@pytest.mark.parametrize("fields", cases(
    ({"offset": -1},),
    ({"offset": 1001},),
    ({"limit": 0},),
    ({"limit": 1001},),
))
def test_paging_out_of_bounds_is_cbc_0100(server, fields):
    sdk = sdk_client(server, KEYS["dist-acme"])
    check_sdk_error(sdk_error(sdk.list_provinces, ListProvincesRequest(**fields)), 400, "CBC.0100")
    request = ListCitiesRequest(province_code="CN-13", **fields)
    check_sdk_error(sdk_error(sdk.list_cities, request), 400, "CBC.0100")
    request = ListCountiesRequest(city_code=SHIJIAZHUANG, **fields)
    check_sdk_error(sdk_error(sdk.list_counties, request), 400, "CBC.0100")


# ---------------------------------------------------------------------------------------------
# Parent codes: required and bounded


@pytest.mark.parametrize("province_code", [None, "", "C" * 41])
def test_province_code_is_required_and_at_most_40_characters(server, province_code):
    sdk = sdk_client(server, KEYS["dist-acme"])
    request = ListCitiesRequest(province_code=province_code)
    check_sdk_error(sdk_error(sdk.list_cities, request), 400, "CBC.0100")


def test_a_province_code_of_40_characters_is_read(server):
    assert cities(server, "C" * 40) == {"count": 0, "cities": []}


@pytest.mark.parametrize("city_code", [None, "", "C" * 21])
def test_city_code_is_required_and_at_most_20_characters(server, city_code):
    sdk = sdk_client(server, KEYS["dist-acme"])
    request = ListCountiesRequest(city_code=city_code)
    check_sdk_error(sdk_error(sdk.list_counties, request), 400, "CBC.0100")


# ---------------------------------------------------------------------------------------------
# X-Language


@pytest.mark.parametrize("language", ["zh_cn", "en_us", "ZH_CN", "en_US", ""])
def test_every_language_answers_the_chinese_names(server, language):
    # The data has no English names; the real API answers Chinese only too ("目前仅支持中文").
    assert provinces(server, x_language=language, limit=1000) == provinces(server, limit=1000)
    assert cities(server, "CN-13", x_language=language) == cities(server, "CN-13")
    assert counties(server, SHIJIAZHUANG, x_language=language) == counties(server, SHIJIAZHUANG)


@pytest.mark.parametrize("language", ["fr_fr", "zh-CN", "x" * 17])
def test_another_language_is_cbc_0100(server, language):
    sdk = sdk_client(server, KEYS["dist-acme"])
    check_sdk_error(sdk_error(sdk.list_provinces, ListProvincesRequest(x_language=language)), 400, "CBC.0100")
    request = ListCitiesRequest(province_code="CN-13", x_language=language)
    check_sdk_error(sdk_error(sdk.list_cities, request), 400, "CBC.0100")
    request = ListCountiesRequest(city_code=SHIJIAZHUANG, x_language=language)
    check_sdk_error(sdk_error(sdk.list_counties, request), 400, "CBC.0100")


# ---------------------------------------------------------------------------------------------
# Who may call


@pytest.mark.parametrize("caller", ["dist-acme", "sp-nova", "cust-acme-01", "cust-bolt-01"])
def test_customers_solution_providers_and_distributors_read_the_same_lists(server, caller):
    assert provinces(server, caller, limit=1000) == provinces(server, limit=1000)
    assert cities(server, "CN-13", caller) == cities(server, "CN-13")
    assert counties(server, SHIJIAZHUANG, caller) == counties(server, SHIJIAZHUANG)


@pytest.mark.parametrize("caller", ["resel-bolt", "resel-far"])
def test_resellers_may_not_call(server, caller):
    sdk = sdk_client(server, KEYS[caller])
    check_sdk_error(sdk_error(sdk.list_provinces, ListProvincesRequest()), 403, "CBC.0151")
    check_sdk_error(sdk_error(sdk.list_cities, ListCitiesRequest(province_code="CN-13")), 403, "CBC.0151")
    check_sdk_error(sdk_error(sdk.list_counties, ListCountiesRequest(city_code=SHIJIAZHUANG)), 403, "CBC.0151")
