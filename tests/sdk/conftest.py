"""The wire suite's server lifecycle: running servers, signing, the SDK, generic checks.

Every test talks to a real `partner-center serve` on 127.0.0.1, through the official SDK
(huaweicloudsdkbss 3.1.219) or through raw HTTP signed with the SDK core's own signer. Server
tests run on both storage backends: the `backend` fixture is parametrised over
["sqlite", "postgres"], and the session-scoped `server` gives one server per backend, started
with `--rate-limits off` on a fresh database with tests/sdk/world.toml applied.

This file knows no business domain. The test world (its keys and lookups) and the helpers of
each domain are modules of `helpers/`: world.py, operator.py, partners.py, customers.py,
funds.py. The strict wire check is `wire_check.py`, a copy of ../shared/tools/wire_check.py
kept in step with it (test_docs.py compares them when ../shared exists).

Environment:
  PARTNER_CENTER_BIN         the binary (default: <repo>/target/release/partner-center)
  PARTNER_TEST_POSTGRES_URL  an admin database; each server gets its own `pc_test_<random>`
                             database there, dropped afterwards
                             (default: postgres://postgres@127.0.0.1:5432/postgres)
A missing binary or an unreachable Postgres fails the tests; nothing is skipped.
"""

import contextlib
import decimal
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse, urlunparse

import pytest
import requests
from huaweicloudsdkbss.v2 import BssClient
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.http.http_handler import HttpHandler
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from wire_check import assert_wire

SDK_DIR = Path(__file__).resolve().parent
REPO = SDK_DIR.parents[1]
WORLD_FILE = SDK_DIR / "world.toml"

# The SDK's own requests session honours proxy variables; the server is always local.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

BACKENDS = ["sqlite", "postgres"]
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
LISTENING = re.compile(r"listening on (https?://\S+?)/?")
STARTUP_TIMEOUT_S = 60
STOP_TIMEOUT_S = 10

AUTH_PREFIX = "Incorrect IAM authentication information: "


@dataclass(frozen=True)
class Key:
    """An access key pair and the id of its owner (None for an operator: no X-Domain-Id)."""

    ak: str
    sk: str
    owner_id: str | None


def cases(*rows):
    """pytest params named after their first element, e.g. `account_name=harbor,limit=2`."""
    def name(value):
        if isinstance(value, dict):
            return ",".join(f"{k}={v}" for k, v in value.items()) or "no-filter"
        return str(value)
    return [pytest.param(*row, id=name(row[0])) for row in rows]


# ---------------------------------------------------------------------------------------------
# Databases and server processes


def partner_center_bin():
    path = Path(os.environ.get("PARTNER_CENTER_BIN", REPO / "target/release/partner-center"))
    if not path.is_absolute():
        path = REPO / path
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"partner-center binary not found at {path} (set PARTNER_CENTER_BIN)", pytrace=False)
    return str(path)


def postgres_admin_url():
    return os.environ.get("PARTNER_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def psql(sql):
    if shutil.which("psql") is None:
        pytest.fail("psql is not installed (scripts/test installs it)", pytrace=False)
    res = subprocess.run(
        ["psql", postgres_admin_url(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True, text=True, timeout=60,
    )
    if res.returncode != 0:
        pytest.fail(f"psql failed on {sql!r}: {res.stderr.strip()}", pytrace=False)


@contextlib.contextmanager
def fresh_database(backend, directory):
    """A database URL of its own for one server: a file under `directory`, or a new Postgres db."""
    if backend == "sqlite":
        yield f"sqlite://{Path(directory).resolve()}/pc.db"
        return
    name = "pc_test_" + secrets.token_hex(6)
    psql(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(urlparse(postgres_admin_url())._replace(path="/" + name))
    finally:
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Server:
    """A running `partner-center serve`: `.url` (= `.base`) is `http://127.0.0.1:PORT`."""

    def __init__(self, args, log_path):
        self.args = args
        self.log_path = Path(log_path)
        self.stdout_lines = []
        self.url = None
        self._listening = threading.Event()
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log)
        threading.Thread(target=self._read_stdout, daemon=True).start()
        if not self._listening.wait(STARTUP_TIMEOUT_S) or self.url is None:
            code = self.stop()
            pytest.fail(
                f"server did not print 'listening on http://HOST:PORT' (exit {code}).\n"
                f"command: {' '.join(args)}\nstdout:\n" + "\n".join(self.stdout_lines)
                + f"\nstderr (tail):\n{self.stderr_tail()}",
                pytrace=False,
            )
        self.base = self.url
        # One connection pool per server: a pooled connection never outlives its server.
        self.http = requests.Session()
        self.http.trust_env = False

    def _read_stdout(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self.stdout_lines.append(line)
            match = LISTENING.fullmatch(line.strip())
            if match and self.url is None:
                self.url = match.group(1)
                self._listening.set()
        self._listening.set()

    def get(self, path, **kwargs):
        """An unsigned request."""
        return self.http.get(self.url + path, timeout=30, **kwargs)

    def kill(self):
        """SIGKILL (`kill -9`: no chance to clean up), wait; the exit status. `stop` still closes the log."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        return self.proc.returncode

    def stop(self):
        """SIGTERM, wait; the exit status (killed after STOP_TIMEOUT_S: then not 0)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self._log.closed:
            self._log.close()
        return self.proc.returncode

    def stderr_tail(self, n_lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n_lines:])
        except OSError:
            return ""


def start_server(database_url, log_dir, *, world=WORLD_FILE, rate_limits="off", extra_args=()):
    args = [partner_center_bin(), "serve", "--listen", "127.0.0.1:0", "--database", database_url]
    if world is not None:
        args += ["--world", str(world)]
    if rate_limits is not None:
        args += ["--rate-limits", rate_limits]
    args += list(extra_args)
    return Server(args, Path(log_dir) / f"server-{secrets.token_hex(3)}.log")


@contextlib.contextmanager
def running_server(backend, directory, **kwargs):
    """A server on a fresh database of `backend`, stopped (and its database dropped) afterwards."""
    with fresh_database(backend, directory) as database_url:
        server = start_server(database_url, directory, **kwargs)
        server.backend = backend
        server.database_url = database_url
        try:
            yield server
        finally:
            server.stop()


def run_cli(*args, timeout=120):
    """Runs the binary to completion: a CompletedProcess with text stdout/stderr."""
    return subprocess.run([partner_center_bin(), *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def server(backend, tmp_path_factory):
    """The shared server of one backend: world.toml applied, rate limits off."""
    with running_server(backend, tmp_path_factory.mktemp(f"server-{backend}")) as srv:
        yield srv


@pytest.fixture
def fresh_server(backend, tmp_path):
    """A server of its own (world.toml, rate limits off), for tests that move its clock."""
    with running_server(backend, tmp_path) as srv:
        yield srv


@pytest.fixture
def throttled_server(backend, tmp_path):
    """A server of its own with flow control on (the default)."""
    with running_server(backend, tmp_path, rate_limits=None) as srv:
        yield srv


# ---------------------------------------------------------------------------------------------
# Raw signed HTTP (SDK-HMAC-SHA256, signed by the SDK core's own Signer)

OWNER = object()  # "the key owner's id", the default X-Domain-Id, as GlobalCredentials sends it


@dataclass
class Prepared:
    """A signed request, still editable (to tamper with it) before `send`."""

    method: str
    url: str
    headers: dict
    body: bytes | None


def _encode_body(body):
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


def sign(method, base, path, key, *, body=None, query=(), domain_id=OWNER, sdk_date=None, headers=None):
    """Signs like the SDK: Content-Type, Host, User-Agent, X-Domain-Id and X-Sdk-Date are signed."""
    parsed = urlparse(base)
    header_params = {"Content-Type": "application/json", "User-Agent": "partner-center-wire-tests/1"}
    if domain_id is OWNER:
        domain_id = key.owner_id
    if domain_id:
        header_params["X-Domain-Id"] = domain_id
    if sdk_date:
        header_params["X-Sdk-Date"] = sdk_date
    header_params.update(headers or {})
    request = SdkRequest(method=method, schema=parsed.scheme, host=parsed.netloc, resource_path=path,
                         query_params=list(query), header_params=header_params, body=_encode_body(body))
    Signer(SimpleNamespace(ak=key.ak, sk=key.sk)).sign(request)
    return Prepared(method, base + request.uri, dict(request.header_params), request.body)


def send(server, prepared):
    return server.http.request(prepared.method, prepared.url, headers=prepared.headers,
                               data=prepared.body, timeout=30)


def call(server, method, path, key, **kwargs):
    """Signs and sends one request; the `requests.Response`."""
    return send(server, sign(method, server.url, path, key, **kwargs))


# ---------------------------------------------------------------------------------------------
# Response checks


def check_request_id(resp):
    assert resp.headers.get("X-Request-Id"), f"no X-Request-Id on {resp.request.method} {resp.url}"


def check_ok(resp, status=200):
    """Asserts the status; the JSON body (numbers as Decimal) or None when there is none."""
    assert resp.status_code == status, f"expected {status}, got {resp.status_code}: {resp.text[:500]}"
    check_request_id(resp)
    return json.loads(resp.text, parse_float=decimal.Decimal) if resp.content else None


def check_error(resp, status, code, *, msg_starts=None, msg_contains=None, gateway=False):
    """Asserts an error answer `{"error_code","error_msg"}` (+ `request_id` from the gateway)."""
    assert resp.status_code == status, (
        f"expected {status} {code}, got {resp.status_code}: {resp.text[:500]}")
    check_request_id(resp)
    try:
        body = resp.json()
    except ValueError:
        raise AssertionError(f"error body is not JSON: {resp.text[:300]!r}") from None
    assert body.get("error_code") == code, f"expected error_code {code}, got {body}"
    msg = body.get("error_msg")
    assert isinstance(msg, str) and msg, f"error_msg missing: {body}"
    if msg_starts is not None:
        assert msg.startswith(msg_starts), f"error_msg {msg!r} does not start with {msg_starts!r}"
    if msg_contains is not None:
        assert msg_contains in msg, f"error_msg {msg!r} does not contain {msg_contains!r}"
    if gateway:
        assert body.get("request_id") == resp.headers["X-Request-Id"], (
            f"gateway error body request_id {body.get('request_id')!r} "
            f"!= X-Request-Id {resp.headers['X-Request-Id']!r}")
    return body


def check_auth_error(resp, variant=None):
    """401 APIG.0301 with the gateway's message prefix (and `variant` after it, when given)."""
    return check_error(resp, 401, "APIG.0301", msg_starts=AUTH_PREFIX,
                       msg_contains=None if variant is None else AUTH_PREFIX + variant, gateway=True)


# ---------------------------------------------------------------------------------------------
# The official SDK


def sign_apart(credentials):
    """Makes `credentials` sign a random `X-Client-Nonce` header into every request.

    The server answers the same signed request seen again like the first time (replay
    protection), and the SDK's signature changes only with its date, once a second. Tests that
    send the same movement many times within a second, on purpose, sign each one apart. (The
    SDK accepts GlobalCredentials only, not a subclass, so the instance's method is wrapped.)"""
    process = credentials.process_auth_request

    def process_auth_request(request, http_client):
        request.header_params["X-Client-Nonce"] = secrets.token_hex(8)
        return process(request, http_client)

    credentials.process_auth_request = process_auth_request
    return credentials


def sdk_client(server, key, *, domain_id=OWNER, iam_endpoint=None, endpoints_only=False, http_handler=None,
               nonce=False):
    """A BssClient for `key`, by default exactly as the README tells users to build it.

    `http_handler`: an SDK HttpHandler, e.g. `header_handler(...)` to send extra headers.
    `nonce`: sign every request apart (`sign_apart`), so that identical calls within one
    second are distinct movements rather than replays."""
    if domain_id is OWNER:
        domain_id = key.owner_id
    credentials = GlobalCredentials(key.ak, key.sk, domain_id)
    if nonce:
        credentials = sign_apart(credentials)
    if iam_endpoint is not None:
        credentials = credentials.with_iam_endpoint(iam_endpoint)
    config = HttpConfig.get_default_config()
    config.timeout = (10, 30)
    builder = BssClient.new_builder().with_credentials(credentials).with_http_config(config)
    if http_handler is not None:
        builder = builder.with_http_handler(http_handler)
    if endpoints_only:
        builder = builder.with_endpoints([server.url])
    else:
        builder = builder.with_region(Region("local", server.url))
    return builder.build()


def header_handler(headers):
    """An SDK HttpHandler adding `headers` to every request of a client.

    The SDK runs request handlers on the signed request just before sending it, so these headers
    are not in SignedHeaders (the server verifies only the signed ones)."""
    def add_headers(request, logger, **_):
        request.header_params.update(headers)
    return HttpHandler().add_request_handler(add_headers)


def wire_body(response, model):
    """The raw JSON body the SDK received, checked strictly against SDK model `model`."""
    assert response.raw_content, f"{model}: empty body"
    body = json.loads(response.raw_content, parse_float=decimal.Decimal)
    assert_wire(body, model)
    return body


def sdk_error(fn, *args, **kwargs):
    """Calls an SDK method that must fail with a 4xx; the ClientRequestException."""
    with pytest.raises(ClientRequestException) as info:
        fn(*args, **kwargs)
    return info.value


def check_sdk_error(exc, status, code):
    assert (exc.status_code, exc.error_code) == (status, code), (
        f"expected {status} {code}, got {exc.status_code} {exc.error_code}: {exc.error_msg}")
    assert exc.error_msg, "error_msg missing"
    assert exc.request_id, "X-Request-Id missing"
