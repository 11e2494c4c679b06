"""Real-name authentication through the official SDK: the three submissions, the review's
result, and the customers they are made for.

A submission changes its customer for good (in review, verified, rejected), so every test
submits for a customer of its own, registered for it with CreateSubCustomer.
"""

import itertools
import uuid

from huaweicloudsdkbss.v2 import (
    ApplyEnterpriseRealnameAuthsReq,
    ApplyIndividualRealnameAuthsReq,
    BankCardInfoV2,
    ChangeEnterpriseRealnameAuthenticationRequest,
    ChangeEnterpriseRealnameAuthsReq,
    CreateCustomerV2Req,
    CreateEnterpriseRealnameAuthenticationRequest,
    CreatePersonalRealnameAuthRequest,
    CreateSubCustomerRequest,
    EnterprisePersonNew,
    SendVerificationCodeV2Req,
    SendVerificationMessageCodeRequest,
    ShowRealnameAuthenticationReviewResultRequest,
)

from conftest import sdk_client, wire_body
from helpers.operator import outbox, realname_reviews
from helpers.world import KEYS, PARTNERS

ACME = "dist-acme"
_mobiles = itertools.count(1)


def fresh_mobile():
    """A mainland mobile number no other real-name test texts."""
    return f"136{next(_mobiles):08d}"


def platform(caller):
    """The `xaccount_type` `caller` registered (world.toml), or any for a partner that has none."""
    return PARTNERS[caller].get("xaccount_types", ["any_platform"])[0]


def client(server, caller):
    return sdk_client(server, KEYS[caller], nonce=True)


def new_customer(server, caller=ACME, **fields):
    """A customer registered for `caller` now (or its reseller, `indirect_partner_id`): its id."""
    body = CreateCustomerV2Req(xaccount_id=uuid.uuid4().hex, xaccount_type=platform(caller), **fields)
    response = client(server, caller).create_sub_customer(CreateSubCustomerRequest(body=body))
    return wire_body(response, "CreateSubCustomerResponse")["domain_id"]


def certificate(customer_id, caller=ACME, **fields):
    """The fields of a personal certificate submission: a passport's three images."""
    return {"customer_id": customer_id, "identify_type": 0, "verified_type": 3,
            "verified_file_url": ["id/data-page.jpg", "id/entry-stamp.JPG", "id/hand-held.png"],
            "name": "LiLei", "verified_number": "E12345678", "xaccount_type": platform(caller), **fields}


def bank_card(customer_id, mobile, code, caller=ACME, **fields):
    """The fields of a bank-card submission: one face photo and the card with its code."""
    card = {"bank_account": "6222-0000-1234-5678", "areacode": "0086", "mobile": mobile, "verification_code": code}
    return certificate(customer_id, caller, identify_type=4, verified_type=None, verified_file_url=["face.jpg"],
                       bank_card_info=card, **fields)


def enterprise(customer_id, caller=ACME, **fields):
    """The fields of an organisation's submission: a business licence."""
    return {"customer_id": customer_id, "identify_type": 1, "certificate_type": 0,
            "verified_file_url": ["licence/scan.pdf"], "corp_name": "Lighthouse Games Ltd.",
            "verified_number": "91110000000000000X", "reg_country": "CN", "xaccount_type": platform(caller),
            **fields}


def _individual(fields):
    fields = {k: v for k, v in fields.items() if v is not None}
    if isinstance(fields.get("bank_card_info"), dict):
        fields["bank_card_info"] = BankCardInfoV2(**fields["bank_card_info"])
    return CreatePersonalRealnameAuthRequest(body=ApplyIndividualRealnameAuthsReq(**fields))


def _organisation(fields):
    fields = {k: v for k, v in fields.items() if v is not None}
    if isinstance(fields.get("enterprise_person"), dict):
        fields["enterprise_person"] = EnterprisePersonNew(**fields["enterprise_person"])
    return fields


def submit_individual(server, fields, caller=ACME):
    """CreatePersonalRealnameAuth: the checked wire body."""
    response = client(server, caller).create_personal_realname_auth(_individual(fields))
    return wire_body(response, "CreatePersonalRealnameAuthResponse")


def individual_call(server, fields, caller=ACME):
    return client(server, caller).create_personal_realname_auth, _individual(fields)


def submit_enterprise(server, fields, caller=ACME):
    """CreateEnterpriseRealnameAuthentication: the checked wire body."""
    fn, request = enterprise_call(server, fields, caller)
    return wire_body(fn(request), "CreateEnterpriseRealnameAuthenticationResponse")


def enterprise_call(server, fields, caller=ACME):
    request = CreateEnterpriseRealnameAuthenticationRequest(
        body=ApplyEnterpriseRealnameAuthsReq(**_organisation(fields)))
    return client(server, caller).create_enterprise_realname_authentication, request


def submit_change(server, fields, caller=ACME):
    """ChangeEnterpriseRealnameAuthentication: the checked wire body."""
    fn, request = change_call(server, fields, caller)
    return wire_body(fn(request), "ChangeEnterpriseRealnameAuthenticationResponse")


def change_call(server, fields, caller=ACME):
    request = ChangeEnterpriseRealnameAuthenticationRequest(
        body=ChangeEnterpriseRealnameAuthsReq(**_organisation(fields)))
    return client(server, caller).change_enterprise_realname_authentication, request


def review_result(server, customer_id, caller=ACME):
    """ShowRealnameAuthenticationReviewResult: the checked wire body."""
    fn, request = review_result_call(server, customer_id, caller)
    return wire_body(fn(request), "ShowRealnameAuthenticationReviewResultResponse")


def review_result_call(server, customer_id, caller=ACME):
    request = ShowRealnameAuthenticationReviewResultRequest(customer_id=customer_id)
    return client(server, caller).show_realname_authentication_review_result, request


def send_bank_card_code(server, customer_id, mobile, caller=ACME):
    """Has a bank-card code (scene 18) sent for `customer_id` to `mobile`: the code, from the outbox."""
    body = SendVerificationCodeV2Req(receiver_type=1, mobile_phone=mobile, scene=18, customer_id=customer_id)
    client(server, caller).send_verification_message_code(SendVerificationMessageCodeRequest(body=body))
    return outbox(server, mobile)[0]["code"]


def verified_individual(server, caller=ACME):
    """A new customer of `caller`, verified as an individual by bank card: its id."""
    customer_id = new_customer(server, caller)
    mobile = fresh_mobile()
    code = send_bank_card_code(server, customer_id, mobile, caller)
    assert submit_individual(server, bank_card(customer_id, mobile, code, caller), caller) == {"is_review": 0}
    return customer_id


def pending_review(server, caller=ACME):
    """The id of a new customer's personal certificate waiting in the review queue."""
    customer_id = new_customer(server, caller)
    submit_individual(server, certificate(customer_id, caller), caller)
    (review,) = realname_reviews(server, customer_id=customer_id)
    return review["id"]
