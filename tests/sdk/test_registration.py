"""Registering customers through the official SDK: SendVerificationMessageCode
(POST /v2/bases/verificationcode/send) and CreateSubCustomer (POST /v2/partners/sub-customers).

No SMS leaves the server: a code lands in the outbox of the operator API
(GET /operator/v1/verification-codes), where a sandbox user reads it.
Reference: ../../../shared/reference/customers.md §5.2, §5.3, §13 items 1–10, 15–18.

The tests here register customers, so they run on a server of their own (`registry`), or on a
fresh one when they move its clock.
"""

import itertools
import uuid
from datetime import datetime, timedelta

import pytest
from huaweicloudsdkbss.v2 import (
    CreateCustomerV2Req,
    CreateSubCustomerRequest,
    SendVerificationCodeV2Req,
    SendVerificationMessageCodeRequest,
)

from conftest import check_sdk_error, header_handler, running_server, sdk_client, sdk_error, wire_body
from helpers.customers import list_sub_customers
from helpers.operator import advance_clock, outbox
from helpers.world import CUSTOMERS, KEYS, NOW, PARTNERS

ACME = "dist-acme"
PLATFORM = "acme_platform"  # dist-acme's registered xaccount_type (world.toml)
_numbers = itertools.count(1)


def fresh_mobile():
    """A mainland mobile number no other test texts."""
    return f"137{next(_numbers):08d}"


@pytest.fixture(scope="module")
def registry(backend, tmp_path_factory):
    """A server of its own: the tests here add customers, which other modules count."""
    with running_server(backend, tmp_path_factory.mktemp(f"registry-{backend}")) as srv:
        yield srv


def send_code(server, mobile, caller=ACME, **fields):
    """Sends a code to `mobile` as `caller`: the SDK's response (204, no body)."""
    client = sdk_client(server, KEYS[caller], nonce=True)
    body = SendVerificationCodeV2Req(receiver_type=1, mobile_phone=mobile, **fields)
    return client.send_verification_message_code(SendVerificationMessageCodeRequest(body=body))


def send_error(server, mobile, caller=ACME, **fields):
    fields = dict(fields)
    client = sdk_client(server, KEYS[caller], nonce=True)
    body = SendVerificationCodeV2Req(receiver_type=fields.pop("receiver_type", 1), mobile_phone=mobile, **fields)
    return sdk_error(client.send_verification_message_code, SendVerificationMessageCodeRequest(body=body))


def latest_code(server, mobile):
    return outbox(server, mobile)[0]


def create(server, caller=ACME, headers=None, **fields):
    """CreateSubCustomer as `caller`: the checked wire body."""
    fields.setdefault("xaccount_id", uuid.uuid4().hex)
    fields.setdefault("xaccount_type", PLATFORM)
    handler = None if headers is None else header_handler(headers)
    client = sdk_client(server, KEYS[caller], nonce=True, http_handler=handler)
    response = client.create_sub_customer(CreateSubCustomerRequest(body=CreateCustomerV2Req(**fields)))
    return wire_body(response, "CreateSubCustomerResponse")


def create_error(server, status, code, caller=ACME, **fields):
    fields.setdefault("xaccount_id", uuid.uuid4().hex)
    fields.setdefault("xaccount_type", PLATFORM)
    client = sdk_client(server, KEYS[caller], nonce=True)
    request = CreateSubCustomerRequest(body=CreateCustomerV2Req(**fields))
    check_sdk_error(sdk_error(client.create_sub_customer, request), status, code)


def listed(server, customer_id, caller=ACME, **filters):
    """The customer's row in `caller`'s ListSubCustomers, or None."""
    rows = list_sub_customers(server, caller, customer_id=customer_id, **filters)["customer_infos"]
    return rows[0] if rows else None


def minutes_between(start, end):
    parse = lambda text: datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    return (parse(end) - parse(start)) / timedelta(minutes=1)


# ---------------------------------------------------------------------------------------------
# SendVerificationMessageCode


def test_a_sent_code_answers_204_and_lands_in_the_outbox(registry):
    mobile = fresh_mobile()
    response = send_code(registry, mobile)
    assert response.status_code == 204 and not response.raw_content, response.raw_content
    message = latest_code(registry, mobile)
    assert message["mobile_phone"] == mobile and message["partner_id"] == ACME, message
    assert len(message["code"]) == 6 and message["code"].isdigit(), message
    assert message["code"] in message["text"], message
    assert message["scene"] == 29 and message["failed_attempts"] == 0, message
    assert minutes_between(message["sent_at"], message["expires_at"]) == 10, message


@pytest.mark.parametrize("timeout, minutes", [(30, 30), (60, 60), (61, 5), (3000, 5), (1, 1)])
def test_the_timeout_sets_the_validity_and_more_than_60_minutes_is_5(registry, timeout, minutes):
    mobile = fresh_mobile()
    send_code(registry, mobile, timeout=timeout)
    message = latest_code(registry, mobile)
    assert minutes_between(message["sent_at"], message["expires_at"]) == minutes, message


def test_an_english_message_is_in_english(registry):
    mobile = fresh_mobile()
    send_code(registry, mobile, lang="en-us")
    assert "verification code" in latest_code(registry, mobile)["text"]


@pytest.mark.parametrize("fields", [
    {"receiver_type": 2},
    {"timeout": 0},
    {"timeout": 3001},
    {"lang": "fr-fr"},
    {"scene": 1},
    {"scene": 18},  # a bank-card code names its customer
    {"mobile_phone": "0086-13800000000"},
    {"mobile_phone": "12345"},
], ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()))
def test_send_refuses_what_its_model_does_not_allow(registry, fields):
    fields = dict(fields)  # the parameters are shared by both backends' runs
    mobile = fields.pop("mobile_phone", fresh_mobile())
    check_sdk_error(send_error(registry, mobile, **fields), 400, "CBC.0100")
    assert outbox(registry, mobile) == []


def test_a_bank_card_code_is_for_the_partners_own_customers(registry):
    mobile = fresh_mobile()
    send_code(registry, mobile, scene=18, customer_id="cust-acme-01")
    assert latest_code(registry, mobile)["customer_id"] == "cust-acme-01"
    exc = send_error(registry, fresh_mobile(), scene=18, customer_id="cust-nova-02")
    check_sdk_error(exc, 400, "CBC.99000035")


def test_the_sixteenth_message_in_an_hour_is_refused(registry):
    mobile = fresh_mobile()
    for _ in range(15):
        send_code(registry, mobile)
    check_sdk_error(send_error(registry, mobile, caller="sp-nova"), 400, "CBC.99004015")
    assert len(outbox(registry, mobile)) == 15


# ---------------------------------------------------------------------------------------------
# CreateSubCustomer


def test_a_customer_without_a_name_gets_a_generated_one_and_the_reseller_model(registry):
    xaccount_id = uuid.uuid4().hex
    body = create(registry, xaccount_id=xaccount_id)
    assert len(body["domain_name"]) == 32 and body["domain_id"], body
    row = listed(registry, body["domain_id"])
    assert row["account_name"] == body["domain_name"], row
    assert row["association_type"] == "2", row
    assert (row["xaccount_id"], row["xaccount_type"]) == (xaccount_id, PLATFORM), row
    assert row["verified_status"] == "-1" and row["customer_type"] == -1, row


@pytest.mark.parametrize("cooperation_type, association_type", [("1", "1"), ("2", "2"), ("x", "2"), (None, "2")])
def test_cooperation_type_1_is_referral_and_anything_else_reseller(registry, cooperation_type, association_type):
    body = create(registry, cooperation_type=cooperation_type)
    assert listed(registry, body["domain_id"])["association_type"] == association_type


def test_a_named_customer_keeps_its_name_and_its_name_is_then_taken(registry):
    name = f"buyer-{uuid.uuid4().hex[:8]}"
    body = create(registry, domain_name=name)
    assert body["domain_name"] == name
    create_error(registry, 400, "CBC.99000038", domain_name=name.upper())


def test_a_world_customers_or_partners_name_is_taken(registry):
    create_error(registry, 400, "CBC.99000038", domain_name=CUSTOMERS["cust-acme-01"]["name"])


def test_one_platform_user_is_one_customer(registry):
    xaccount_id = uuid.uuid4().hex
    create(registry, xaccount_id=xaccount_id)
    create_error(registry, 400, "CBC.99000039", xaccount_id=xaccount_id)


def test_a_retry_with_the_same_idempotency_key_answers_like_the_first(registry):
    xaccount_id = uuid.uuid4().hex
    key = {"X-Idempotency-Key": f"create-{xaccount_id}"}
    first = create(registry, headers=key, xaccount_id=xaccount_id)
    assert create(registry, headers=key, xaccount_id=xaccount_id) == first


@pytest.mark.parametrize("name", ["abcd", "op_admin1", "shadow_x1", "123456", "1abcdef", "a" * 33, "has space"])
def test_invalid_names_are_99000031(registry, name):
    create_error(registry, 400, "CBC.99000031", domain_name=name)


@pytest.mark.parametrize("password", ["Short1", "alllowercase", "new-buyer-x", "x-reyub-wen"])
def test_weak_passwords_are_99000036(registry, password):
    create_error(registry, 400, "CBC.99000036", domain_name="new-buyer-x", password=password)


def test_a_password_holding_the_mobile_number_is_99000036(registry):
    mobile = fresh_mobile()
    send_code(registry, mobile)
    code = latest_code(registry, mobile)["code"]
    create_error(registry, 400, "CBC.99000036", mobile_phone=mobile, verification_code=code,
                 password=f"Pw{mobile}")


@pytest.mark.parametrize("fields, code", [
    ({"password": ""}, "CBC.0100"),
    ({"verification_code": ""}, "CBC.0100"),
    ({"mobile_phone": "13600000000"}, "CBC.0100"),  # a number without its code
    ({"mobile_phone": "0086-13600000000", "verification_code": "123456"}, "CBC.5017"),
    ({"is_close_market_ms": "maybe"}, "CBC.0100"),
    ({"xaccount_id": ""}, "CBC.0100"),
    ({"xaccount_id": "x" * 129}, "CBC.0100"),
    ({"xaccount_type": "another_platform"}, "CBC.0101"),
], ids=lambda v: str(v))
def test_malformed_requests_are_refused(registry, fields, code):
    create_error(registry, 400, code, **fields)


def test_an_empty_mobile_number_needs_no_code(registry):
    body = create(registry, mobile_phone="")
    assert "telephone" not in listed(registry, body["domain_id"])


def test_a_mobile_number_is_registered_with_its_code_once(registry):
    mobile = fresh_mobile()
    send_code(registry, mobile)
    code = latest_code(registry, mobile)["code"]
    body = create(registry, mobile_phone=mobile, verification_code=code)
    assert listed(registry, body["domain_id"])["telephone"] == mobile
    assert latest_code(registry, mobile)["used_at"], "the code is used"
    create_error(registry, 400, "CBC.99004010", mobile_phone=mobile, verification_code=code)


def test_a_wrong_code_counts_and_after_three_even_the_right_one_fails(registry):
    mobile = fresh_mobile()
    send_code(registry, mobile)
    code = latest_code(registry, mobile)["code"]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        create_error(registry, 400, "CBC.99004010", mobile_phone=mobile, verification_code=wrong)
    assert latest_code(registry, mobile)["failed_attempts"] == 3
    create_error(registry, 400, "CBC.99004009", mobile_phone=mobile, verification_code=code)


def test_another_partners_code_is_no_code(registry):
    mobile = fresh_mobile()
    send_code(registry, mobile, caller="sp-nova")
    code = latest_code(registry, mobile)["code"]
    create_error(registry, 400, "CBC.99004010", mobile_phone=mobile, verification_code=code)


def test_a_code_expires_with_the_business_clock(fresh_server):
    mobile = fresh_mobile()
    send_code(fresh_server, mobile, timeout=2)
    code = latest_code(fresh_server, mobile)["code"]
    advance_clock(fresh_server, 120)
    create_error(fresh_server, 400, "CBC.99004008", mobile_phone=mobile, verification_code=code)


def test_a_mobile_number_registers_five_accounts(registry):
    mobile = fresh_mobile()
    for _ in range(5):
        send_code(registry, mobile)
        create(registry, mobile_phone=mobile, verification_code=latest_code(registry, mobile)["code"])
    send_code(registry, mobile)
    create_error(registry, 400, "CBC.99000030", mobile_phone=mobile,
                 verification_code=latest_code(registry, mobile)["code"])


def test_a_distributor_registers_for_its_own_reseller_only(registry):
    body = create(registry, indirect_partner_id="resel-cove")
    assert listed(registry, body["domain_id"]) is None, "not the distributor's own customer"
    row = listed(registry, body["domain_id"], indirect_partner_id="resel-cove")
    assert row["association_type"] == "2", row
    create_error(registry, 400, "CBC.99000037", indirect_partner_id="resel-far")
    create_error(registry, 400, "CBC.99000037", indirect_partner_id="sp-nova")


def test_a_solution_providers_indirect_partner_id_is_ignored(registry):
    body = create(registry, caller="sp-nova", xaccount_type="nova_platform", indirect_partner_id="resel-bolt")
    assert listed(registry, body["domain_id"], caller="sp-nova") is not None


def test_a_customer_registered_is_funded_like_any_other(registry):
    from huaweicloudsdkbss.v2 import AdjustAccountReq, UpdateCustomerAccountAmountRequest
    body = create(registry)
    client = sdk_client(registry, KEYS[ACME], nonce=True)
    request = UpdateCustomerAccountAmountRequest(body=AdjustAccountReq(customer_id=body["domain_id"], amount=5))
    wire_body(client.update_customer_account_amount(request), "UpdateCustomerAccountAmountResponse")


def test_the_association_time_is_the_business_time(registry):
    body = create(registry)
    assert listed(registry, body["domain_id"])["associated_on"] == NOW
    assert PARTNERS[ACME]["xaccount_types"] == [PLATFORM]


# ---------------------------------------------------------------------------------------------
# The new-customer tag of a registered, verified customer (ListSubCustomerNewTag, §6.2)


def new_tag(server, customer_id):
    from huaweicloudsdkbss.v2 import ListSubCustomerNewTagReq, ListSubCustomerNewTagRequest
    client = sdk_client(server, KEYS[ACME])
    request = ListSubCustomerNewTagRequest(body=ListSubCustomerNewTagReq(customer_ids=[customer_id]))
    (tag,) = wire_body(client.list_sub_customer_new_tag(request), "ListSubCustomerNewTagResponse")["new_customer_tags"]
    return tag


def test_a_verified_customer_is_an_undetermined_new_customer_for_twelve_months(fresh_server):
    from helpers.realname import verified_individual
    unverified = create(fresh_server)["domain_id"]
    assert new_tag(fresh_server, unverified) == {"customer_id": unverified}
    customer_id = verified_individual(fresh_server)
    month = NOW[:7]  # the clock stands at world.toml's NOW: the association month (UTC+8)
    expires = f"{int(month[:4]) + 1}{month[4:]}"
    assert new_tag(fresh_server, customer_id) == {
        "customer_id": customer_id, "customer_tag_type": "SMB", "new_customer_tag": "UNDETERMINED",
        "effective_time": month, "expire_time": expires}
    advance_clock(fresh_server, 366 * 24 * 3600)
    assert new_tag(fresh_server, customer_id)["new_customer_tag"] == "N"


def test_a_customer_reads_its_own_real_name_state(registry):
    from huaweicloudsdkbss.v2 import ShowRealNameAuthStatusRequest
    from helpers.operator import create_access_key
    from helpers.realname import verified_individual

    def status(customer_id):
        client = sdk_client(registry, create_access_key(registry, "customer", customer_id))
        response = client.show_real_name_auth_status(ShowRealNameAuthStatusRequest())
        return wire_body(response, "ShowRealNameAuthStatusResponse")

    unverified = create(registry)["domain_id"]
    assert status(unverified) == {"verified_status": -1, "verified_type": None}
    assert status(verified_individual(registry)) == {"verified_status": 2, "verified_type": 0}
