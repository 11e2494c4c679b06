"""Real-name authentication through the official SDK: CreatePersonalRealnameAuth,
CreateEnterpriseRealnameAuthentication, ChangeEnterpriseRealnameAuthentication and
ShowRealnameAuthenticationReviewResult, and the operator's review queue
(/operator/v1/realname-reviews) that decides what they submit.

Reference: ../../../shared/reference/customers.md §7, §13 items 32–37; the choices where it is
open: docs/wire.md "Real-name authentication".

The tests here change customers' verification, so they run on a server of their own (`realm`),
each on customers registered for it.
"""

import uuid

import pytest

from conftest import call, check_error, check_sdk_error, running_server, sdk_error
from helpers.customers import list_sub_customers
from helpers.operator import (
    REALNAME_REVIEWS,
    advance_clock,
    approve_review,
    operator_call,
    outbox,
    realname_reviews,
    reject_review,
)
from helpers.realname import (
    ACME,
    bank_card,
    certificate,
    change_call,
    enterprise,
    enterprise_call,
    fresh_mobile,
    individual_call,
    new_customer,
    review_result,
    review_result_call,
    send_bank_card_code,
    submit_change,
    submit_enterprise,
    submit_individual,
    verified_individual,
)
from helpers.world import KEYS

NOVA = "sp-nova"


@pytest.fixture(scope="module")
def realm(backend, tmp_path_factory):
    """A server of its own: the tests here verify customers, which other modules count."""
    with running_server(backend, tmp_path_factory.mktemp(f"realm-{backend}")) as srv:
        yield srv


def refused(status, code, fn, request):
    check_sdk_error(sdk_error(fn, request), status, code)


def row(server, customer_id, caller=ACME, **filters):
    """The customer's row in `caller`'s ListSubCustomers."""
    (found,) = list_sub_customers(server, caller, customer_id=customer_id, **filters)["customer_infos"]
    return found


def state(server, customer_id, caller=ACME, **filters):
    """(verified_status, customer_type, real name) as ListSubCustomers shows them."""
    found = row(server, customer_id, caller, **filters)
    return found["verified_status"], found["customer_type"], found.get("customer")


def pending_id(server, customer_id):
    (review,) = realname_reviews(server, customer_id=customer_id)
    assert review["status"] == "pending", review
    return review["id"]


def unique_name():
    return f"Lei{uuid.uuid4().hex[:8]}"


# ---------------------------------------------------------------------------------------------
# Submissions and their review


def test_a_certificate_waits_in_review_until_an_operator_approves_it(realm):
    customer_id = new_customer(realm)
    assert review_result(realm, customer_id) == {}, "never submitted: no review_result"
    name = unique_name()
    assert submit_individual(realm, certificate(customer_id, name=name)) == {"is_review": 1}
    assert state(realm, customer_id) == ("0", -1, None)
    assert review_result(realm, customer_id) == {"review_result": 0}

    (review,) = realname_reviews(realm, customer_id=customer_id)
    assert (review["status"], review["purpose"], review["method"]) == ("pending", "authentication",
                                                                        "personal_certificate"), review
    assert (review["identify_type"], review["verified_type"], review["partner_id"]) == (0, 3, ACME), review
    assert review["verified_file_url"] == certificate(customer_id)["verified_file_url"], review
    assert (review["name"], review["review_result"]) == (name, 0), review

    decided = approve_review(realm, review["id"])
    assert (decided["status"], decided["decided_by"]) == ("approved", "ops"), decided
    assert state(realm, customer_id) == ("2", 0, name)
    assert review_result(realm, customer_id) == {"review_result": 2}
    # The real name is what the `customer` filter of ListSubCustomers finds, in any case.
    assert row(realm, customer_id, customer=name.lower())["customer_id"] == customer_id


def test_a_rejection_has_its_opinion_and_the_customer_may_submit_again(realm):
    customer_id = new_customer(realm)
    assert submit_enterprise(realm, enterprise(customer_id)) == {"is_review": 1}
    reject_review(realm, pending_id(realm, customer_id), "the licence is unreadable")
    assert review_result(realm, customer_id) == {"review_result": 1, "opinion": "the licence is unreadable"}
    assert state(realm, customer_id)[0] == "1"

    person = {"legel_name": "Han Meimei", "legel_id_number": "110101199001011234", "certifier_role": "legalPerson"}
    fields = enterprise(customer_id, enterprise_person=person, certificate_type=99,
                        verified_file_url=["licence/scan.pdf", "legal/front.png", "legal/back.png"])
    assert submit_enterprise(realm, fields) == {"is_review": 1}
    assert review_result(realm, customer_id) == {"review_result": 0}, "the newest submission counts"
    (review,) = realname_reviews(realm, customer_id=customer_id)
    assert review["legal_person"] == {"name": "Han Meimei", "id_number": "110101199001011234",
                                      "certifier_role": "legalPerson"}, review
    assert (review["method"], review["certificate_type"], review["reg_country"]) == ("organisation", 99, "CN")
    approve_review(realm, review["id"])
    assert state(realm, customer_id) == ("2", 1, "Lighthouse Games Ltd.")


def test_a_bank_card_with_its_code_is_verified_at_once(realm):
    customer_id = new_customer(realm)
    mobile = fresh_mobile()
    code = send_bank_card_code(realm, customer_id, mobile)
    assert submit_individual(realm, bank_card(customer_id, mobile, code, name="ZhangWei")) == {"is_review": 0}
    assert state(realm, customer_id) == ("2", 0, "ZhangWei")
    assert review_result(realm, customer_id) == {"review_result": 2}
    assert outbox(realm, mobile)[0]["used_at"], "the code is used up"
    (review,) = realname_reviews(realm, status="approved", customer_id=customer_id)
    assert (review["method"], review["bank_account"]) == ("bank_card", "****5678"), review
    assert "decided_by" not in review, review


def test_a_verified_or_reviewed_customer_may_not_submit_again(realm):
    in_review = new_customer(realm)
    submit_individual(realm, certificate(in_review))
    verified = verified_individual(realm)
    for customer_id in (in_review, verified):
        refused(400, "CBC.99007188", *individual_call(realm, certificate(customer_id)))
        refused(400, "CBC.99007188", *enterprise_call(realm, enterprise(customer_id)))


def test_a_customer_submits_five_times_at_most(realm):
    customer_id = new_customer(realm)
    for _ in range(5):
        submit_enterprise(realm, enterprise(customer_id))
        reject_review(realm, pending_id(realm, customer_id), "unreadable")
    refused(400, "CBC.99007191", *enterprise_call(realm, enterprise(customer_id)))


# ---------------------------------------------------------------------------------------------
# Bank-card codes


def test_a_wrong_code_counts_and_after_three_even_the_right_one_fails(realm):
    customer_id = new_customer(realm)
    mobile = fresh_mobile()
    code = send_bank_card_code(realm, customer_id, mobile)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        refused(400, "CBC.99004010", *individual_call(realm, bank_card(customer_id, mobile, wrong)))
    assert outbox(realm, mobile)[0]["failed_attempts"] == 3
    refused(400, "CBC.99004009", *individual_call(realm, bank_card(customer_id, mobile, code)))
    assert state(realm, customer_id)[0] == "-1"


def test_a_code_for_another_customer_or_from_another_partner_is_no_code(realm):
    customer_id, other = new_customer(realm), new_customer(realm)
    mobile = fresh_mobile()
    code = send_bank_card_code(realm, other, mobile)
    refused(400, "CBC.99004010", *individual_call(realm, bank_card(customer_id, mobile, code)))
    refused(400, "CBC.99004010", *individual_call(realm, bank_card(customer_id, fresh_mobile(), code)))
    nova_code = send_bank_card_code(realm, "cust-nova-02", mobile, caller=NOVA)
    refused(400, "CBC.99004010", *individual_call(realm, bank_card(customer_id, mobile, nova_code)))


def test_an_expired_code_is_99000027(realm):
    customer_id = new_customer(realm)
    mobile = fresh_mobile()
    code = send_bank_card_code(realm, customer_id, mobile)
    advance_clock(realm, 11 * 60)  # codes live 10 minutes by default
    refused(400, "CBC.99000027", *individual_call(realm, bank_card(customer_id, mobile, code)))


# ---------------------------------------------------------------------------------------------
# Change to an enterprise


def test_a_verified_individual_changes_to_an_enterprise_through_review(realm):
    customer_id = verified_individual(realm)
    refused(400, "CBC.0100", *change_call(realm, enterprise(customer_id)))  # no change_type
    refused(400, "CBC.0100", *change_call(realm, enterprise(customer_id, change_type=2)))
    assert submit_change(realm, enterprise(customer_id, change_type=1)) == {"is_review": 1}
    assert state(realm, customer_id) == ("0", 0, "LiLei"), "an individual until approved"
    refused(400, "CBC.99007004", *change_call(realm, enterprise(customer_id, change_type=1)))
    reject_review(realm, pending_id(realm, customer_id), "the licence has expired")
    assert state(realm, customer_id) == ("2", 0, "LiLei"), "a rejected change leaves the individual"
    assert review_result(realm, customer_id) == {"review_result": 1, "opinion": "the licence has expired"}

    # Absent reg_country and reg_address are unset; "" sets them empty.
    assert submit_change(realm, enterprise(customer_id, change_type=1, reg_country="", reg_address="")) == {
        "is_review": 1}
    (review,) = realname_reviews(realm, customer_id=customer_id)
    assert (review["purpose"], review["reg_country"], review["reg_address"]) == ("change_to_enterprise", "", "")
    approve_review(realm, review["id"])
    assert state(realm, customer_id) == ("2", 1, "Lighthouse Games Ltd.")
    refused(400, "CBC.99007004", *change_call(realm, enterprise(customer_id, change_type=1)))


def test_only_a_verified_individual_changes(realm):
    unverified, in_review = new_customer(realm), new_customer(realm)
    submit_individual(realm, certificate(in_review))
    for customer_id in (unverified, in_review, "cust-acme-05"):
        refused(400, "CBC.99007004", *change_call(realm, enterprise(customer_id, change_type=1)))


# ---------------------------------------------------------------------------------------------
# Who submits for whom


def test_attachment_upload_must_be_enabled(realm):
    closed = "sp-closed"
    for call_of in (individual_call, enterprise_call):
        fields = (certificate if call_of is individual_call else enterprise)("cust-closed-01", closed)
        refused(400, "CBC.99005030", *call_of(realm, fields, closed))
    refused(400, "CBC.99005030", *change_call(realm, enterprise("cust-closed-01", closed, change_type=1), closed))
    assert review_result(realm, "cust-closed-01", closed) == {}, "reading the result needs no bucket"


@pytest.mark.parametrize("caller, customer_id", [
    (ACME, "cust-nova-02"),  # another partner's
    (ACME, "cust-solo"),  # nobody's
    (ACME, "no-such-customer"),
    (NOVA, "cust-bolt-01"),  # a reseller's, for a solution provider
])
def test_a_partner_submits_for_its_own_customers_only(realm, caller, customer_id):
    refused(400, "CBC.99000035", *individual_call(realm, certificate(customer_id, caller), caller))
    refused(400, "CBC.99000035", *enterprise_call(realm, enterprise(customer_id, caller), caller))
    refused(400, "CBC.99000035", *review_result_call(realm, customer_id, caller))


def test_a_distributor_submits_for_its_resellers_customers(realm):
    customer_id = new_customer(realm, indirect_partner_id="resel-cove")
    assert submit_individual(realm, certificate(customer_id)) == {"is_review": 1}
    assert review_result(realm, customer_id) == {"review_result": 0}


def test_a_reseller_may_not_call_them(realm):
    refused(403, "CBC.0151", *individual_call(realm, certificate("cust-bolt-01"), "resel-bolt"))
    refused(403, "CBC.0151", *review_result_call(realm, "cust-bolt-01", "resel-bolt"))


# ---------------------------------------------------------------------------------------------
# The forms

FOUR_FILES = ["a.jpg", "b.jpg", "c.jpg", "d.jpg"]


@pytest.mark.parametrize("fields, code", [
    ({"identify_type": 1}, "CBC.0100"),
    ({"verified_type": None}, "CBC.0100"),
    ({"verified_type": 4}, "CBC.0100"),
    ({"change_type": 1}, "CBC.0100"),
    ({"name": ""}, "CBC.0100"),
    ({"name": "x" * 256}, "CBC.0100"),
    ({"verified_number": "1" * 33}, "CBC.0100"),
    ({"xaccount_type": "another_platform"}, "CBC.0100"),  # dist-acme registered acme_platform
    ({"verified_file_url": []}, "CBC.0100"),
    ({"verified_file_url": FOUR_FILES + ["e.jpg"]}, "CBC.0100"),
    ({"verified_file_url": FOUR_FILES}, "CBC.0100"),  # a passport is three images
    ({"verified_file_url": ["id/a.jpg", "id/b.jpg"]}, "CBC.0100"),
    ({"verified_file_url": ["id/a.jpg", "id/b.jpg", "id/c.tiff"]}, "CBC.99000100"),
    ({"verified_file_url": ["/id/a.jpg", "id/b.jpg", "id/c.jpg"]}, "CBC.0100"),
    ({"verified_file_url": ["../a.jpg", "id/b.jpg", "id/c.jpg"]}, "CBC.0100"),
    ({"verified_file_url": ["https://bucket.obs.example/download/a.jpg", "b.jpg", "c.jpg"]}, "CBC.0100"),
    ({"identify_type": 4, "verified_file_url": ["face.jpg"]}, "CBC.0100"),  # no bank_card_info
], ids=lambda v: str(v))
def test_the_individual_form(realm, fields, code):
    refused(400, code, *individual_call(realm, certificate("cust-acme-05", **fields)))


@pytest.mark.parametrize("card, code", [
    ({"bank_account": "6222 0000"}, "CBC.0100"),
    ({"bank_account": None}, "CBC.0100"),
    ({"areacode": "0044"}, "CBC.0100"),
    ({"mobile": "0086-13600000000"}, "CBC.0100"),
    ({"verification_code": ""}, "CBC.0100"),
], ids=lambda v: str(v))
def test_the_bank_card_form(realm, card, code):
    fields = bank_card("cust-acme-05", "13600000000", "123456")
    fields["bank_card_info"] = {k: v for k, v in {**fields["bank_card_info"], **card}.items() if v is not None}
    refused(400, code, *individual_call(realm, fields))


@pytest.mark.parametrize("fields, code", [
    ({"identify_type": 0}, "CBC.0100"),
    ({"certificate_type": 7}, "CBC.0100"),
    ({"corp_name": "123 456"}, "CBC.0100"),
    ({"corp_name": "*** ---"}, "CBC.0100"),
    ({"corp_name": "x" * 256}, "CBC.0100"),
    ({"verified_number": ""}, "CBC.0100"),
    ({"reg_country": "China"}, "CBC.0100"),
    ({"enterprise_person": {"legel_name": "Han Meimei", "legel_id_number": "1101"}}, "CBC.0100"),  # no ID images
    ({"enterprise_person": {"legel_name": "", "legel_id_number": "1101"},
      "verified_file_url": ["l.pdf", "f.png", "b.png"]}, "CBC.0100"),
    ({"enterprise_person": {"legel_name": "Han", "legel_id_number": "1101", "certifier_role": "agent"},
      "verified_file_url": ["l.pdf", "f.png", "b.png"]}, "CBC.0100"),
    ({"verified_file_url": ["licence.docx"]}, "CBC.99000100"),
], ids=lambda v: str(v))
def test_the_enterprise_form(realm, fields, code):
    refused(400, code, *enterprise_call(realm, enterprise("cust-acme-05", **fields)))
    refused(400, code, *change_call(realm, enterprise("cust-acme-05", change_type=1, **fields)))


def test_the_review_result_needs_its_customer(realm):
    refused(400, "CBC.0100", *review_result_call(realm, None))


# ---------------------------------------------------------------------------------------------
# The operator's review queue


def test_the_queue_lists_newest_first_by_status(realm):
    first, second = new_customer(realm), new_customer(realm)
    submit_individual(realm, certificate(first))
    submit_individual(realm, certificate(second))
    pending = [r["customer_id"] for r in realname_reviews(realm)]
    assert pending.index(second) < pending.index(first), pending
    assert pending == [r["customer_id"] for r in realname_reviews(realm, status="pending")]
    reject_review(realm, pending_id(realm, first), "blurred")
    assert first not in [r["customer_id"] for r in realname_reviews(realm)]
    (rejected,) = realname_reviews(realm, status="rejected", customer_id=first)
    assert (rejected["opinion"], rejected["review_result"], rejected["decided_by"]) == ("blurred", 1, "ops")
    assert rejected["decided_at"] and rejected["submitted_at"], rejected
    resp = call(realm, "GET", REALNAME_REVIEWS, KEYS["ops"], query=(("status", "decided"),))
    check_error(resp, 400, "CBC.0100")


def test_a_submission_is_decided_once(realm):
    customer_id = new_customer(realm)
    submit_individual(realm, certificate(customer_id))
    review_id = pending_id(realm, customer_id)
    approve_review(realm, review_id)
    for path, body in (("approve", None), ("reject", {"opinion": "too late"})):
        resp = operator_call(realm, "POST", f"{REALNAME_REVIEWS}/{review_id}/{path}", body)
        check_error(resp, 409, "PC.RealnameReviewNotPending")
    assert state(realm, customer_id)[0] == "2"


def test_a_rejection_needs_an_opinion_and_an_existing_submission(realm):
    customer_id = new_customer(realm)
    submit_individual(realm, certificate(customer_id))
    review_id = pending_id(realm, customer_id)
    reject = f"{REALNAME_REVIEWS}/{review_id}/reject"
    check_error(operator_call(realm, "POST", reject, {"opinion": " "}), 400, "PC.OpinionInvalid")
    check_error(operator_call(realm, "POST", reject, {"opinion": "x" * 257}), 400, "PC.OpinionInvalid")
    check_error(operator_call(realm, "POST", reject, {}), 400, "CBC.0100")
    check_error(operator_call(realm, "POST", f"{REALNAME_REVIEWS}/nothing/approve"), 404, "PC.UnknownRealnameReview")
    assert state(realm, customer_id)[0] == "0", "still in review"


def test_partners_may_not_decide(realm):
    resp = call(realm, "POST", f"{REALNAME_REVIEWS}/anything/approve", KEYS[ACME])
    check_error(resp, 403, "CBC.0151")
    check_error(call(realm, "GET", REALNAME_REVIEWS, KEYS[ACME]), 403, "CBC.0151")
