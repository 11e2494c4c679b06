"""Our operator API (/operator/v1/...), signed like the partner API with the world's operator key."""

from conftest import Key, call, check_ok

from helpers.world import OPERATOR

ACCESS_KEYS = "/operator/v1/access-keys"


def operator_call(server, method, path, body=None, key=OPERATOR):
    return call(server, method, path, key, body=body)


def set_clock(server, now):
    """Sets the manual business clock of `server` to `now` (it only moves forward)."""
    check_ok(operator_call(server, "PUT", "/operator/v1/clock", {"now": now}))


def create_access_key(server, owner_type, owner_id):
    """A new key pair for an existing world entity: the Key (its secret is shown only once)."""
    created = check_ok(operator_call(server, "POST", ACCESS_KEYS, {"owner_type": owner_type, "owner_id": owner_id}),
                       201)
    return Key(created["ak"], created["sk"], owner_id)


def outbox(server, mobile=None):
    """The messages of the verification-code outbox, newest first (to `mobile`, or all)."""
    path = "/operator/v1/verification-codes"
    query = () if mobile is None else (("mobile", mobile),)
    return check_ok(call(server, "GET", path, OPERATOR, query=query))["messages"]


def advance_clock(server, seconds):
    """Moves the manual business clock of `server` forward."""
    check_ok(operator_call(server, "POST", "/operator/v1/clock/advance", {"seconds": seconds}))


REALNAME_REVIEWS = "/operator/v1/realname-reviews"


def realname_reviews(server, **query):
    """The real-name review queue, newest first: `status` (default pending), `customer_id`."""
    return check_ok(call(server, "GET", REALNAME_REVIEWS, OPERATOR, query=tuple(query.items())))["reviews"]


def approve_review(server, review_id):
    """Approves a pending real-name submission: the review as decided."""
    return check_ok(operator_call(server, "POST", f"{REALNAME_REVIEWS}/{review_id}/approve"))


def reject_review(server, review_id, opinion):
    """Rejects a pending real-name submission with `opinion`: the review as decided."""
    return check_ok(operator_call(server, "POST", f"{REALNAME_REVIEWS}/{review_id}/reject", {"opinion": opinion}))
