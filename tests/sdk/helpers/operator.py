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
