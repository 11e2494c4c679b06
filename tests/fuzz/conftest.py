"""The fuzz suite's server and signer: one `partner-center serve` on SQLite, keys from the SDK world.

The server is started as the wire suite starts its own (tests/sdk/conftest.py): on 127.0.0.1:0,
a fresh SQLite file, tests/sdk/world.toml applied, `--rate-limits off` (the fuzzer sends
many requests a second on purpose); its `listening on http://HOST:PORT` line gives the URL.
It starts in pytest_configure, before collection, and not in a fixture, because schemathesis
makes one test per operation from the document when test_fuzz.py is imported.

Requests are signed SDK-HMAC-SHA256 by the SDK core's own `Signer` over an `SdkRequest`, as
tests/sdk/conftest.py's `sign()` does, so what the fuzzer sends is what the official SDK sends.

Environment:
  PARTNER_CENTER_BIN  the binary (default: <repo>/target/release/partner-center)
"""

import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

FUZZ_DIR = Path(__file__).resolve().parent
REPO = FUZZ_DIR.parents[1]
WORLD_FILE = REPO / "tests" / "sdk" / "world.toml"

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

LISTENING = re.compile(r"listening on (http://\S+?)/?")
STARTUP_TIMEOUT_S = 60
STOP_TIMEOUT_S = 10
# world.toml's key for the wire suite's lockout test: it is there to be locked, not to sign with.
NOT_FOR_SIGNING = {"sp-lockout"}


@dataclass(frozen=True)
class Key:
    """An access key of one kind (`partner`, `customer`, `operator`: the OpenAPI security names)."""

    kind: str
    name: str
    ak: str
    sk: str
    owner_id: str | None  # sent as X-Domain-Id, as GlobalCredentials does; None for an operator


def load_world():
    """tests/sdk/world.toml, the world the server applies."""
    with WORLD_FILE.open("rb") as world_file:
        return tomllib.load(world_file)


def world_keys(world):
    """{kind: [Key]} of every key in the world."""
    keys = {"operator": [Key("operator", op["name"], op["ak"], op["sk"], None) for op in world["operators"]]}
    for kind, entities in (("partner", world["partners"]), ("customer", world["customers"])):
        keys[kind] = [Key(kind, e["id"], e["ak"], e["sk"], e["id"])
                      for e in entities if "ak" in e and e["id"] not in NOT_FOR_SIGNING]
    return keys


def is_json(content_type):
    return content_type is not None and content_type.startswith(("application/json", "application/bson"))


class DeclaringSigner(Signer):
    """The SDK's signer, but declaring a non-JSON body's true SHA-256 in `X-Sdk-Content-Sha256`.

    For a body that is not JSON the SDK declares `UNSIGNED-PAYLOAD`, which the server refuses
    (401: it would leave the body out of the signature). Declaring the body's own hash, signed,
    is the documented alternative the server accepts, so such a request reaches the handler and
    its refusal of the media type is fuzzed too."""

    def _process_content_header(self, request):
        if not is_json(request.header_params.get("Content-Type")) and request.body:
            request.header_params[self._HEADER_CONTENT] = hashlib.sha256(request.body).hexdigest()


class SdkSigner(requests.auth.AuthBase):
    """Signs a prepared request as the official SDK signs it, with the SDK core's own Signer.

    It runs last (requests applies `auth` after the body and headers are prepared), so the
    signature covers the exact method, path, query and body bytes that go on the wire. The
    headers signed are the SDK's: Content-Type (when there is one), Host, User-Agent,
    X-Domain-Id (a partner's or customer's own id) and X-Sdk-Date. Any other header the fuzzer
    generates (X-Idempotency-Key, say) stays unsigned, as an SDK `HttpHandler` would add it.
    The URL is rewritten to the SDK's own encoding of the query (`SdkRequest.uri`).

    `declare_body_hash`: sign a non-JSON body with `DeclaringSigner` instead."""

    SIGNED = ("Content-Type", "User-Agent")

    def __init__(self, key, *, declare_body_hash=False):
        self.key = key
        self.signer = (DeclaringSigner if declare_body_hash else Signer)(SimpleNamespace(ak=key.ak, sk=key.sk))

    def __call__(self, prepared):
        url = urlsplit(prepared.url)
        header_params = {name: prepared.headers[name] for name in self.SIGNED if name in prepared.headers}
        if self.key.owner_id:
            header_params["X-Domain-Id"] = self.key.owner_id
        body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
        request = SdkRequest(method=prepared.method, schema=url.scheme, host=url.netloc,
                             resource_path=url.path or "/",
                             query_params=parse_qsl(url.query, keep_blank_values=True),
                             header_params=header_params, body=body)
        self.signer.sign(request)
        for name, value in request.header_params.items():
            prepared.headers[name] = value
        prepared.url = f"{url.scheme}://{url.netloc}{request.uri}"
        return prepared


class Server:
    """A running `partner-center serve` on a fresh SQLite file in `directory`; `.url` is `http://127.0.0.1:PORT`.

    Raises pytest.UsageError when it does not come up (it is started in pytest_configure)."""

    def __init__(self, binary, directory, database_url=None):
        self.directory = directory
        self.log_path = directory / "server.log"
        database_url = database_url or f"sqlite://{directory}/pc.db"
        self.args = [binary, "serve", "--listen", "127.0.0.1:0", "--database", database_url,
                     "--world", str(WORLD_FILE), "--rate-limits", "off"]
        self.stdout_lines = []
        self.url = None
        self._listening = threading.Event()
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log)
        threading.Thread(target=self._read_stdout, daemon=True).start()
        if not self._listening.wait(STARTUP_TIMEOUT_S) or self.url is None:
            code = self.stop()
            raise pytest.UsageError(
                f"the server did not print 'listening on http://HOST:PORT' (exit {code}).\n"
                f"command: {' '.join(self.args)}\nstdout:\n" + "\n".join(self.stdout_lines)
                + f"\nstderr:\n{self.stderr()[-3000:]}")

    def _read_stdout(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self.stdout_lines.append(line)
            match = LISTENING.fullmatch(line.strip())
            if match and self.url is None:
                self.url = match.group(1)
                self._listening.set()
        self._listening.set()

    def stderr(self):
        """Its log so far (the server logs to stderr)."""
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        """SIGTERM, wait (SIGKILL after STOP_TIMEOUT_S); the exit status."""
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


def partner_center_bin():
    path = Path(os.environ.get("PARTNER_CENTER_BIN", REPO / "target/release/partner-center"))
    if not path.is_absolute():
        path = REPO / path
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise pytest.UsageError(f"partner-center binary not found at {path} (set PARTNER_CENTER_BIN)")
    return str(path)


SERVER = None
"""The fuzzed server. It starts before collection: test_fuzz.py reads its /openapi.json at import."""
ANSWERS = {}
"""{operation label: Counter of answers ("400 CBC.0100")}: test_fuzz.py counts, the summary prints."""


# PARTNER_FUZZ_BACKEND=postgres fuzzes a server on a fresh PostgreSQL database (on the server
# PARTNER_TEST_POSTGRES_URL names): what one database stores and the other refuses (a NUL
# character, for one) must be refused alike.
POSTGRES_DB = None


def psql(sql):
    admin = os.environ.get("PARTNER_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    subprocess.run(["psql", admin, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True,
                   capture_output=True, timeout=60)
    return admin


def pytest_configure(config):
    global SERVER, POSTGRES_DB
    directory = Path(tempfile.mkdtemp(prefix="partner-center-fuzz-"))
    database_url = None
    if os.environ.get("PARTNER_FUZZ_BACKEND") == "postgres":
        POSTGRES_DB = f"pc_fuzz_{os.getpid()}"
        admin = psql(f"CREATE DATABASE {POSTGRES_DB}")
        database_url = admin.rsplit("/", 1)[0] + "/" + POSTGRES_DB
    try:
        SERVER = Server(partner_center_bin(), directory, database_url)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def pytest_terminal_summary(terminalreporter):
    if not ANSWERS:
        return
    terminalreporter.section("requests fuzzed, by operation and answer")
    for label, answers in ANSWERS.items():
        counts = ", ".join(f"{answer}: {n}" for answer, n in sorted(answers.items()))
        terminalreporter.write_line(f"{sum(answers.values()):6d}  {label}  ({counts})")
    terminalreporter.write_line(f"{sum(sum(answers.values()) for answers in ANSWERS.values()):6d}  in all")


def pytest_unconfigure(config):
    if SERVER is not None:
        SERVER.stop()
        shutil.rmtree(SERVER.directory, ignore_errors=True)
    if POSTGRES_DB is not None:
        psql(f"DROP DATABASE IF EXISTS {POSTGRES_DB} WITH (FORCE)")
