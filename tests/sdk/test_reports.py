"""Customer reports (报备) through our channel API (/channel/v1/reports) and the operator's review
(/operator/v1/report-reviews): customers.md §4, §13 item 42. The SDK has no operation for them.

Reports claim prospects other tests may name, so they run on a server of their own (`desk`), or
on a fresh one when they move its clock.
"""

import uuid

import pytest

from conftest import call, check_error, check_ok, running_server
from helpers.operator import advance_clock
from helpers.world import CUSTOMERS, KEYS

REPORTS = "/channel/v1/reports"
REVIEWS = "/operator/v1/report-reviews"
DAY = 24 * 3600


@pytest.fixture(scope="module")
def desk(backend, tmp_path_factory):
    with running_server(backend, tmp_path_factory.mktemp(f"desk-{backend}")) as srv:
        yield srv


def prospect(**fields):
    return {"customer_name": "Prospect Ltd", "email": f"{uuid.uuid4().hex[:12]}@prospect.example",
            "association_type": "2", **fields}


def report(server, caller, body, status=201):
    return check_ok(call(server, "POST", REPORTS, KEYS[caller], body=body), status)


def test_a_new_prospect_is_reported_at_once_for_15_days(desk):
    body = prospect()
    made = report(desk, "dist-acme", body)
    assert made["state"] == "reported" and made["association_type"] == "2", made
    assert made["valid_until"] > made["reported_at"], made
    listed = check_ok(call(desk, "GET", REPORTS, KEYS["dist-acme"]))
    assert made["id"] in [r["id"] for r in listed["reports"]]
    # While it holds, nobody else reports the same prospect, and the partner not twice.
    check_error(call(desk, "POST", REPORTS, KEYS["sp-nova"], body=body), 409, "PC.ReportedByAnotherPartner")
    check_error(call(desk, "POST", REPORTS, KEYS["dist-acme"], body=body), 409, "PC.AlreadyReported")
    assert made["id"] not in [r["id"] for r in check_ok(call(desk, "GET", REPORTS, KEYS["sp-nova"]))["reports"]]


def test_a_deleted_report_frees_its_prospect(desk):
    body = prospect()
    made = report(desk, "dist-acme", body)
    check_error(call(desk, "DELETE", f"{REPORTS}/{made['id']}", KEYS["sp-nova"]), 404, "PC.UnknownReport")
    assert call(desk, "DELETE", f"{REPORTS}/{made['id']}", KEYS["dist-acme"]).status_code == 204
    report(desk, "sp-nova", body)


@pytest.mark.parametrize("body, status, code", [
    ({"customer_name": "", "email": "a@b.example", "association_type": "2"}, 400, None),
    ({"customer_name": "X", "association_type": "2"}, 400, None),
    ({"customer_name": "X", "email": "a@b.example", "association_type": "3"}, 400, "CBC.0100"),
    ({"customer_name": "X", "email": "a@b.example", "association_type": "2", "account_name": "nobody-here"}, 400, None),
], ids=["no-name", "no-contact", "bad-type", "unknown-account"])
def test_malformed_reports_are_refused(desk, body, status, code):
    resp = call(desk, "POST", REPORTS, KEYS["dist-acme"], body=body)
    assert resp.status_code == status, resp.text
    if code:
        check_error(resp, status, code)


def test_a_partner_without_contact_details_cannot_report(desk):
    check_error(call(desk, "POST", REPORTS, KEYS["dist-other"], body=prospect()), 409, "PC.ProfileWithoutContact")


def test_an_old_account_waits_for_review_and_a_report_expires_with_the_clock(fresh_server):
    advance_clock(fresh_server, 8 * DAY)  # the world's customers registered 8 days ago now
    solo = CUSTOMERS["cust-solo"]
    waiting = report(fresh_server, "dist-acme", prospect(account_name=solo["name"]))
    assert waiting["state"] == "pending_review", waiting
    check_error(call(fresh_server, "DELETE", f"{REPORTS}/{waiting['id']}", KEYS["dist-acme"]), 409,
                "PC.PendingReportCannotBeDeleted")
    queue = check_ok(call(fresh_server, "GET", REVIEWS, KEYS["ops"]))["reports"]
    assert waiting["id"] in [r["id"] for r in queue]
    approved = check_ok(call(fresh_server, "POST", f"{REVIEWS}/{waiting['id']}/approve", KEYS["ops"]))
    assert approved["state"] == "reported", approved
    advance_clock(fresh_server, 15 * DAY)
    listed = check_ok(call(fresh_server, "GET", REPORTS, KEYS["dist-acme"]))["reports"]
    assert [r["state"] for r in listed if r["id"] == waiting["id"]] == ["expired"]
    # Expired: another partner may claim the prospect.
    again = report(fresh_server, "sp-nova", prospect(account_name=solo["name"]))
    assert again["state"] == "pending_review"
    rejected = check_ok(call(fresh_server, "POST", f"{REVIEWS}/{again['id']}/reject", KEYS["ops"],
                             body={"reason": "the customer is served directly"}))
    assert (rejected["state"], rejected["reason"]) == ("rejected", "the customer is served directly")
