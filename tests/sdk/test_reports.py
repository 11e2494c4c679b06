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


# ---------------------------------------------------------------------------------------------
# Invitations (POST /channel/v1/invitations, POST /channel/v1/invitations/{code}/accept)

INVITATIONS = "/channel/v1/invitations"


def loose_customer(server, email=None):
    """A customer associated with nobody, added by a world, and its key."""
    from conftest import Key
    n = uuid.uuid4().hex[:8]
    ak, sk = f"LOOSE{n.upper()}0000000"[:20], f"loosesecret{n}".ljust(40, "0")
    entry = {"id": f"loose-{n}", "name": f"loose-{n}", "ak": ak, "sk": sk}
    if email:
        entry["email"] = email
    check_ok(call(server, "POST", "/operator/v1/world", KEYS["ops"], body={"customers": [entry]}))
    return entry["id"], Key(ak, sk, entry["id"])


def invite(server, caller, body):
    return check_ok(call(server, "POST", INVITATIONS, KEYS[caller], body=body), 201)


def accept(server, key, code):
    return call(server, "POST", f"{INVITATIONS}/{code}/accept", key)


def test_an_offline_invitation_associates_and_labels_whoever_accepts_it(desk):
    from helpers.customers import list_sub_customers
    code = invite(desk, "dist-acme", {"association_type": "1", "label": "spring-fair"})
    assert "expires_at" not in code, code
    for _ in range(2):
        customer_id, key = loose_customer(desk)
        associated = check_ok(accept(desk, key, code["code"]))
        assert (associated["partner_id"], associated["association_type"]) == ("dist-acme", "1")
        (row,) = list_sub_customers(desk, "dist-acme", customer_id=customer_id)["customer_infos"]
        assert row["label"] == "spring-fair" and row["association_type"] == "1", row
        # One partner per customer.
        check_error(accept(desk, key, code["code"]), 409, "PC.AlreadyAssociated")
    check_error(accept(desk, KEYS["cust-acme-01"], "no-such-code"), 404, "PC.InvitationNotFound")


def test_an_online_invitation_works_once_for_7_days(fresh_server):
    email = f"{uuid.uuid4().hex[:10]}@prospect.example"
    customer_id, key = loose_customer(fresh_server, email)
    made = report(fresh_server, "dist-acme", prospect(email=email))
    assert made["customer_id"] == customer_id, made
    code = invite(fresh_server, "dist-acme", {"report_id": made["id"]})
    assert code["expires_at"] and code["association_type"] == "2", code
    check_ok(accept(fresh_server, key, code["code"]))
    listed = check_ok(call(fresh_server, "GET", REPORTS, KEYS["dist-acme"]))["reports"]
    assert [r["state"] for r in listed if r["id"] == made["id"]] == ["associated"]
    other_id, other_key = loose_customer(fresh_server)
    check_error(accept(fresh_server, other_key, code["code"]), 409, "PC.InvitationUsed")
    # Another report's code, 7 days on, has expired.
    late = report(fresh_server, "sp-nova", prospect())
    late_code = invite(fresh_server, "sp-nova", {"report_id": late["id"]})
    advance_clock(fresh_server, 7 * DAY)
    check_error(accept(fresh_server, other_key, late_code["code"]), 409, "PC.InvitationExpired")


def test_an_account_older_than_7_days_needs_the_partners_report(fresh_server):
    email = f"{uuid.uuid4().hex[:10]}@prospect.example"
    customer_id, key = loose_customer(fresh_server, email)
    advance_clock(fresh_server, 8 * DAY)
    offline = invite(fresh_server, "dist-acme", {})
    check_error(accept(fresh_server, key, offline["code"]), 409, "PC.RegistrationTimeOverLimit")
    made = report(fresh_server, "dist-acme", prospect(email=email))
    assert made["state"] == "pending_review", made
    check_ok(call(fresh_server, "POST", f"{REVIEWS}/{made['id']}/approve", KEYS["ops"]))
    # With its report approved, the partner's offline code works too.
    check_ok(accept(fresh_server, key, offline["code"]))
