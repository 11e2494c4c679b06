"""The wire suite's helpers, by domain (conftest.py keeps the server lifecycle and signing).

- world.py: the test world of world.toml: its entities, keys and lookups.
- operator.py: our operator API, signed with the world's operator key.
- partners.py: ListIndirectPartners.
- customers.py: ListSubCustomers.
- funds.py: balances, the four money-moving operations, adjust and account change records.

Each module calls an operation through the official SDK and returns the raw body the server
sent, checked strictly against the SDK's model (conftest.wire_body).
"""
