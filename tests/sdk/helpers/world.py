"""The test world (tests/sdk/world.toml): its entities, their access keys, and lookups.

Every server the suite starts applies world.toml, so tests read their expected values from
here: a change to the file changes the expectations with it.
"""

import tomllib

from conftest import WORLD_FILE, Key

with WORLD_FILE.open("rb") as world_file:
    WORLD = tomllib.load(world_file)

NOW = WORLD["clock"]["now"]
PARTNERS = {p["id"]: p for p in WORLD["partners"]}
CUSTOMERS = {c["id"]: c for c in WORLD["customers"]}


def _world_keys():
    keys = {op["name"]: Key(op["ak"], op["sk"], None) for op in WORLD["operators"]}
    for entity in WORLD["partners"] + WORLD["customers"]:
        if "ak" in entity:
            keys[entity["id"]] = Key(entity["ak"], entity["sk"], entity["id"])
    for partner in WORLD["partners"]:
        for member in partner.get("members", []):
            if "ak" in member:
                # A member's key signs for its partner's account (X-Domain-Id is the partner's).
                keys[f"{partner['id']}/{member['name']}"] = Key(member["ak"], member["sk"], partner["id"])
    return keys


KEYS = _world_keys()
"""{world id: Key} of every entity with a key; operators by name (`ops`); a partner's members as
`partner/member` (`dist-acme/idle`)."""
OPERATOR = KEYS["ops"]


def customers_of(partner_id):
    """World customer ids associated with `partner_id`, sorted."""
    return sorted(c["id"] for c in WORLD["customers"] if c.get("partner") == partner_id)


def resellers_of(distributor_id):
    return sorted(p["id"] for p in WORLD["partners"] if p.get("parent") == distributor_id)


def association_type(customer):
    """The wire value of a world customer's association: "1" referral, "2" reseller."""
    return "1" if customer.get("association", "reseller") == "referral" else "2"


def name_of(entity_id):
    """The world account name of a customer or partner."""
    return (CUSTOMERS.get(entity_id) or PARTNERS[entity_id])["name"]
