"""Fuzzes the wire with schemathesis over the served /openapi.json: every operation, signed.

conftest.py starts one server (SQLite, tests/sdk/world.toml, rate limits off) before
collection, because schemathesis parametrizes `test_fuzz` from the document at import: one
test per operation. (Its lazy loader, `schemathesis.pytest.from_fixture`, would let a fixture
start the server, but it fails on pytest 9: it renames the test through `node._nodeid`.)

Each request is signed by the `before_call` hook with the SDK core's own signer
(conftest.SdkSigner), with a key the operation's `security` admits, so the fuzzer gets past the
gateway and exercises the handlers; one request in ten, picked from the case's content (so a
failing case keeps its key while it is shrunk and replayed), goes with a key of a kind the
operation does not admit, and one in twenty with no signature of ours (only the fuzzer's own
`Authorization`, if any). The `flatmap_*` hooks mix realistic values into what the fuzzer
draws (world ids, two-decimal amounts, valid idempotency keys, times up to the last instant
the wire can write), or the money operations would hardly get past "unknown customer".

Checks, on every response (a request that gets no answer at all, as when a handler panics,
fails the test by itself):
- `not_a_server_error` (schemathesis): no status >= 500.
- `error_envelope`: every 4xx is a JSON object with non-empty string `error_code` and
  `error_msg`, every response carries `X-Request-Id`, and a gateway error's `request_id` is
  that id (docs/wire.md "Envelope").
- `answer_formats`: a success answer is JSON, its times are `YYYY-MM-DDThh:mm:ssZ` and its
  money-movement ids AD/RE + `yyyyMMddHHmmss` + 12 characters (docs/wire.md).
- `gateway_verdict`: what the gateway must decide from the method and the signature alone: a
  method the path does not serve is 404 `APIGW.0101`; no signature of a known key is 401
  `APIG.0301`, and so is a body declared `UNSIGNED-PAYLOAD` (the SDK's declaration for a body
  that is not JSON, refused on purpose: it would leave the body unsigned); a key of a kind the
  operation does not admit is 403 `CBC.0151`; a key it admits is never refused 401 (that would
  be the server and the SDK's signer disagreeing on a canonical form).
schemathesis's other built-in checks judge responses by what the document declares, and this
document declares only each operation's success answer (200, 201 or 204) and no refusal:
`status_code_conformance` would fail on every documented CBC refusal, `negative_data_rejection`
on the inputs we accept beyond the schema's types (numeric strings as amounts, for one),
`positive_data_acceptance` on every business rule (an unknown customer is a 400, not a 2xx),
`unsupported_method` on the 404 we answer instead of 405 (docs/wire.md), and `ignored_auth`
takes the signature our hook puts in place of the fuzzer's random `Authorization` for that
random value, and expects it refused (`gateway_verdict` checks the unsigned requests instead).
The wire suite (tests/sdk) checks answers exactly.

After the fuzzing: every operation must have been answered past the gateway at least once,
and the server must still run with no `panicked` in its log.

Environment:
  PARTNER_FUZZ_EXAMPLES  examples per operation in the fuzzing phase (default 30: CI's budget)
  PARTNER_FUZZ_RANDOM    1: new cases every run (default: the same cases every run, so a red
                         CI run is always the change under test, not luck)
  PARTNER_FUZZ_SECONDS   the whole run's time bound (default 3 s per example, at least 300):
                         past it every request left fails at once. Each request has 10 s, and
                         Hypothesis shrinks a failure at most 500 times.
"""

import collections
import copy
import datetime
import hashlib
import json
import os
import re
import time

import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

import conftest
from conftest import SdkSigner, load_world, world_keys

EXAMPLES = int(os.environ.get("PARTNER_FUZZ_EXAMPLES", "30"))
RANDOM = os.environ.get("PARTNER_FUZZ_RANDOM", "") not in ("", "0")
SECONDS = int(os.environ.get("PARTNER_FUZZ_SECONDS", max(300, 3 * EXAMPLES)))
DEADLINE = time.monotonic() + SECONDS
REQUEST_TIMEOUT_S = 10

WORLD = load_world()
KEYS = world_keys(WORLD)
KEY_BY_AK = {key.ak: key for keys in KEYS.values() for key in keys}
PARTNER_KEYS = {key.name: key for key in KEYS["partner"]}
PARENT = {p["id"]: p.get("parent") for p in WORLD["partners"]}
ACTORS = {c["id"]: [c["partner"], PARENT[c["partner"]]] for c in WORLD["customers"] if c.get("partner")}
ACTORS |= {p: [p, parent] for p, parent in PARENT.items() if parent}
"""{world customer or reseller id: the partners who act on it (its partner, that one's distributor)}"""
ID_FIELDS = {
    "customer_id": sorted(c["id"] for c in WORLD["customers"]),
    "indirect_partner_id": sorted(p for p, parent in PARENT.items() if parent),
}
ACCESS = re.compile(r"^SDK-HMAC-SHA256 Access=([^,\s]+),")

# Of every 20 cases (by fingerprint): 2 signed with a key of a kind the operation does not
# admit, 1 with no signature of ours, the rest with a key it admits.
WRONG_KIND, UNSIGNED, SLOTS = 2, 3, 20

REACHED = {}
"""{operation label: statuses answered to a key it admits, past the gateway (not 401)}"""
ANSWERS = conftest.ANSWERS


# ---------------------------------------------------------------------------------------------
# The document


def template_names(path):
    return set(re.findall(r"{([^}]+)}", path))


def misplaced_parameters(doc):
    """[(operationId, method, path, name)] of the parameters declared `in: path` that the path lacks."""
    return [(op["operationId"], method.upper(), path, param["name"])
            for path, methods in doc["paths"].items() for method, op in methods.items()
            for param in op.get("parameters", [])
            if param["in"] == "path" and param["name"] not in template_names(path)]


def as_served(doc):
    """The document with its misplaced path parameters moved to the query, where they are read.

    Without this, schemathesis would generate them as path parameters of a path that has no
    place for them: the query filters of the list operations would never be fuzzed."""
    doc = copy.deepcopy(doc)
    for path, methods in doc["paths"].items():
        for op in methods.values():
            for param in op.get("parameters", []):
                if param["in"] == "path" and param["name"] not in template_names(path):
                    param["in"], param["required"] = "query", False
    return doc


DOC = requests.get(conftest.SERVER.url + "/openapi.json", timeout=30).json()
schema = schemathesis.openapi.from_dict(as_served(DOC))
schema.config.update(base_url=conftest.SERVER.url, request_timeout=REQUEST_TIMEOUT_S)
schema.config.generation.update(max_examples=EXAMPLES, deterministic=not RANDOM, database="none")


def admitted_kinds(operation):
    return {kind for requirement in operation.definition.raw.get("security", []) for kind in requirement}


# ---------------------------------------------------------------------------------------------
# Signing


def fingerprint(case):
    """A number from the case's content alone (the same in every run, unlike `hash`)."""
    def plain(value):  # bytes bodies, and schemathesis's NOT_SET (whose repr has an address)
        return value.hex() if isinstance(value, bytes) else type(value).__name__
    text = json.dumps([case.operation.label, case.method, case.path_parameters, case.query, case.headers,
                       case.body], sort_keys=True, default=plain)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def world_ids_in(case):
    """The world customer and reseller ids the case names, in its body or its query."""
    found = []

    def walk(value):
        if isinstance(value, dict):
            for name, item in value.items():
                if name in ID_FIELDS and isinstance(item, str) and item in ACTORS:
                    found.append(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(case.body)
    walk(case.query)
    return found


def signer_for(case):
    """The SdkSigner of `case` (None: leave it unsigned), picked from its fingerprint.

    A partner operation naming a world customer or reseller is signed, three times in four, by
    a partner who acts on it (its own partner or that one's distributor): a stranger's key
    only ever meets the ownership checks, the owner's goes on to the money."""
    admitted = sorted(admitted_kinds(case.operation))
    wrong = sorted(set(KEYS) - set(admitted))
    h = fingerprint(case)
    slot, pick, declare = h % SLOTS, (h // SLOTS) >> 1, bool((h // SLOTS) & 1)
    if slot < WRONG_KIND and wrong:
        keys = [key for kind in wrong for key in KEYS[kind]]
    elif slot < UNSIGNED:
        return None
    else:
        keys = [key for kind in admitted for key in KEYS[kind]]
        actors = [PARTNER_KEYS[name] for entity in world_ids_in(case) for name in ACTORS[entity]
                  if name in PARTNER_KEYS]
        if "partner" in admitted and actors and pick % 4:
            keys = actors
    return SdkSigner(keys[pick % len(keys)], declare_body_hash=declare)


# ---------------------------------------------------------------------------------------------
# Generation: realistic values too, so that requests get past "unknown customer" to the money


AMOUNTS = st.integers(1, 200_000).map(lambda cents: cents / 100)
"""Amounts the money operations take (more than 0, at most two decimals), as JSON numbers or
numeric strings: what the fuzzer draws from `type: number` almost never is."""
FIRST, LAST = datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31, 23, 59, 59)
INSTANTS = st.sampled_from([FIRST, datetime.datetime.fromisoformat(WORLD["clock"]["now"][:-1]), LAST]) | (
    st.datetimes(min_value=FIRST, max_value=LAST).map(lambda instant: instant.replace(microsecond=0)))
"""The world's clock, the first and last instants the wire's format can write, and any between."""
TIMESTAMPS = INSTANTS.map(lambda instant: instant.isoformat() + "Z")
DATES = INSTANTS.map(lambda instant: instant.date().isoformat())
REALISTIC = {
    "customer_id": st.sampled_from(ID_FIELDS["customer_id"]),
    "indirect_partner_id": st.sampled_from(ID_FIELDS["indirect_partner_id"]),
    "amount": AMOUNTS | AMOUNTS.map(str),
    # Times as the wire writes them (docs/wire.md "Times"); the change records take dates.
    **dict.fromkeys(["now", "associated_on_begin", "associated_on_end", "operation_time_begin",
                     "operation_time_end"], TIMESTAMPS),
    **dict.fromkeys(["trade_time_begin", "trade_time_end"], DATES),
    "seconds": st.integers(0, 2**40),  # AdvanceClock: up to some 35,000 years
}
IDEMPOTENCY_KEYS = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=128)


def realistic(value):
    """A strategy of `value` as drawn, or with some of its fields replaced by realistic values."""
    if isinstance(value, dict):
        return st.fixed_dictionaries({
            name: st.just(item) | REALISTIC[name] if name in REALISTIC else realistic(item)
            for name, item in value.items()})
    if isinstance(value, list):
        return st.tuples(*map(realistic, value)).map(list)
    return st.just(value)


@schemathesis.hook
def flatmap_body(context, body):
    return realistic(body)


@schemathesis.hook
def flatmap_query(context, query):
    return realistic(query)


@schemathesis.hook
def flatmap_headers(context, headers):
    """The generated X-Idempotency-Key, none, or a valid one (else most bodies go unread)."""
    if not isinstance(headers, dict) or "X-Idempotency-Key" not in headers:
        return st.just(headers)
    others = {name: value for name, value in headers.items() if name != "X-Idempotency-Key"}
    valid = IDEMPOTENCY_KEYS.map(lambda key: {**others, "X-Idempotency-Key": key})
    return st.just(headers) | st.just(others) | valid


@schemathesis.hook
def filter_path_parameters(context, path_parameters):
    """Never revoke a key the fuzzer signs with (the rest of the run would be 401s)."""
    return not (isinstance(path_parameters, dict) and path_parameters.get("ak") in KEY_BY_AK)


@schemathesis.hook
def before_call(context, case, kwargs):
    if time.monotonic() > DEADLINE:  # pytest's failure passes through Hypothesis: no shrinking
        pytest.fail(f"the fuzzing ran out of its {SECONDS} s (PARTNER_FUZZ_SECONDS)", pytrace=False)
    signer = signer_for(case)
    if signer is not None:
        kwargs["auth"] = signer


# ---------------------------------------------------------------------------------------------
# Checks


def short(response):
    return response.content[:500].decode("utf-8", "replace")


def error_envelope(ctx, response, case):
    assert response.headers.get("x-request-id"), f"{response.status_code} answer without X-Request-Id"
    if not 400 <= response.status_code < 500 or response.request.method == "HEAD":
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"{response.status_code} answer is not JSON: {short(response)!r}") from None
    assert isinstance(body, dict), f"{response.status_code} answer is not a JSON object: {short(response)!r}"
    for field in ("error_code", "error_msg"):
        assert isinstance(body.get(field), str) and body[field], (
            f"{response.status_code} answer has no string {field}: {short(response)!r}")
    if "request_id" in body:
        assert body["request_id"] == response.headers["x-request-id"][0], (
            f"request_id {body['request_id']!r} is not the X-Request-Id {response.headers['x-request-id']}")
    return None


TIME_FIELDS = {"now", "created_at", "revoked_at", "trade_time", "operation_time", "associated_on"}
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
MOVEMENT_ID = re.compile(r"(AD|RE)\d{14}[0-9A-Za-z]{12}")


def answer_formats(ctx, response, case):
    """A success answer is JSON whose times are `YYYY-MM-DDThh:mm:ssZ` (docs/wire.md "Times") and
    whose money-movement ids are AD/RE, the business time `yyyyMMddHHmmss`, 12 characters
    (docs/wire.md "Moving money"). The document types these fields as bare strings."""
    if not 200 <= response.status_code < 300 or not response.content:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"{response.status_code} answer is not JSON: {short(response)!r}") from None
    bad = []

    def walk(value, where):
        if isinstance(value, dict):
            for name, item in value.items():
                if name in TIME_FIELDS and item is not None and not (
                        isinstance(item, str) and TIMESTAMP.fullmatch(item)):
                    bad.append(f"{where}.{name} = {item!r} is not YYYY-MM-DDThh:mm:ssZ")
                if name in ("transfer_id", "trans_id") and not (
                        isinstance(item, str) and MOVEMENT_ID.fullmatch(item)):
                    bad.append(f"{where}.{name} = {item!r} is not AD/RE + yyyyMMddHHmmss + 12 characters")
                walk(item, f"{where}.{name}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]")

    walk(body, "answer")
    assert not bad, f"{response.status_code} answer: " + "; ".join(bad[:5])
    return None


def error_code(response):
    try:
        return json.loads(response.content).get("error_code")
    except (ValueError, AttributeError):
        return None


def gateway_verdict(ctx, response, case):
    """The gateway's documented verdict on the method and the signature (see the docstring above)."""
    request, status, code = response.request, response.status_code, error_code(response)
    ANSWERS.setdefault(case.operation.label, collections.Counter())[f"{status} {code or ''}".strip()] += 1
    match = ACCESS.match(request.headers.get("Authorization", ""))
    key = KEY_BY_AK.get(match.group(1)) if match else None
    if request.method != case.operation.method.upper():
        served = case.operation.method.upper()
        expected, why = (404, "APIGW.0101"), f"{request.method} on a path served for {served} only"
    elif key is None:
        expected, why = (401, "APIG.0301"), "no signature of a known key"
    elif request.headers.get("X-Sdk-Content-Sha256") == "UNSIGNED-PAYLOAD" and request.body:
        expected, why = (401, "APIG.0301"), "a body declared UNSIGNED-PAYLOAD"
    elif key.kind not in admitted_kinds(case.operation):
        expected, why = (403, "CBC.0151"), f"{key.name}'s {key.kind} key, of a kind the operation does not admit"
    else:
        assert status != 401, (f"signed by the SDK's signer with {key.name}'s {key.kind} key, which the "
                               f"operation admits, and refused: {short(response)}")
        REACHED.setdefault(case.operation.label, set()).add(status)
        return None
    assert (status, code) == expected, (
        f"{why}: expected {expected[0]} {expected[1]}, got {status} {short(response)}")
    return None


# ---------------------------------------------------------------------------------------------
# Tests


def test_document_declares_parameters_where_they_are_read():
    """A parameter declared `in: path` must name a template expression of its path (OpenAPI 3.1,
    Parameter Object): a client generated from the document would put these filters nowhere."""
    misplaced = misplaced_parameters(DOC)
    assert not misplaced, "query parameters declared `in: path` by /openapi.json:\n" + "\n".join(
        f"  {operation_id} ({method} {path}): {name}" for operation_id, method, path, name in misplaced)


@schema.parametrize()
def test_fuzz(case):
    case.call_and_validate(checks=[not_a_server_error, error_envelope, gateway_verdict, answer_formats])


def test_every_operation_reached_its_handler():
    """The fuzzing above means something only if the gateway let it through to every handler."""
    missing = [label for label in ANSWERS if label not in REACHED]
    assert ANSWERS, "no operation was fuzzed"
    assert not missing, f"never answered past the gateway: {missing}"


def test_server_survived():
    server = conftest.SERVER
    assert server.proc.poll() is None, (
        f"the server exited ({server.proc.returncode}); its log:\n{server.stderr()[-5000:]}")
    lines = server.stderr().splitlines()
    panics = ["\n".join(lines[i:i + 2]) for i, line in enumerate(lines) if "panicked" in line]
    assert not panics, f"the server panicked {len(panics)} times:\n" + "\n".join(panics[:10])
