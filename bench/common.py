"""Shared parts of the bench/ scripts: SDK-HMAC-SHA256 signing, building, the
server process, curl and wrk.  Python 3 standard library only.
"""

import hashlib
import hmac
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import quote

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
LISTENING_RE = re.compile(r"listening on http://([0-9.]+):([0-9]+)")


class BenchError(Exception):
    pass


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Signing: a transcription of huaweicloudsdkcore.signer.Signer (SDK-HMAC-SHA256).
# --------------------------------------------------------------------------
def canonical_query(query):
    """The SDK's canonical query string: keys sorted, key and value quoted with safe='~'."""
    if not query:
        return ""
    return "&".join("%s=%s" % (quote(str(k), safe="~"), quote(str(v), safe="~"))
                    for k, v in sorted(query.items()))


def sdk_sign(method, path, headers, ak, sk, body=b"", query=None):
    """Returns the Authorization value.  `headers` is the dict of headers that
    are signed (all of them, like the SDK does for names without '_');
    `body` the exact body bytes; `query` a dict of query parameters."""
    canon = {k.lower(): str(v).strip() for k, v in headers.items()}
    signed = sorted(k for k in canon if "_" not in k)
    uri = path if path.endswith("/") else path + "/"
    canonical_request = "%s\n%s\n%s\n%s\n%s\n%s" % (
        method.upper(),
        uri,
        canonical_query(query),
        "".join(f"{k}:{canon[k]}\n" for k in signed),
        ";".join(signed),
        hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256,
    )
    string_to_sign = "SDK-HMAC-SHA256\n%s\n%s" % (
        canon["x-sdk-date"],
        hashlib.sha256(canonical_request.encode()).hexdigest(),
    )
    signature = hmac.new(sk.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    return "SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s" % (
        ak, ";".join(signed), signature)


# --------------------------------------------------------------------------
# Host, build and tools
# --------------------------------------------------------------------------
def _cpu_times():
    with open("/proc/stat") as f:
        vals = [int(x) for x in f.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)  # idle + iowait
    return sum(vals), idle


def host_cpu_busy(seconds):
    """Fraction (0..1) of all CPUs busy over `seconds`, or None."""
    try:
        t0, i0 = _cpu_times()
        time.sleep(seconds)
        t1, i1 = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    return 1.0 - (i1 - i0) / (t1 - t0) if t1 > t0 else None


def cargo_build(*cmds):
    """Runs each cargo command in the repository; BenchError when one fails."""
    for cmd in cmds:
        log("building: " + " ".join(cmd) + "  (may wait on the cargo build lock)")
        t0 = time.monotonic()
        r = subprocess.run(cmd, cwd=REPO)
        if r.returncode != 0:
            raise BenchError(f"cargo build failed (exit {r.returncode})")
        log(f"build done in {time.monotonic() - t0:.1f}s")


def ensure_wrk():
    if shutil.which("wrk"):
        return shutil.which("wrk")
    log("wrk not on PATH; installing the Debian package")
    apt = ["apt-get", "install", "-y", "wrk"]
    if os.geteuid() != 0:
        apt = ["sudo", "-n"] + apt
    if subprocess.run(apt).returncode != 0:
        upd = (["sudo", "-n"] if os.geteuid() != 0 else []) + ["apt-get", "update"]
        subprocess.run(upd)
        if subprocess.run(apt).returncode != 0:
            raise BenchError("could not install wrk (apt-get install -y wrk)")
    path = shutil.which("wrk")
    if not path:
        raise BenchError("wrk installed but not on PATH")
    return path


# --------------------------------------------------------------------------
# The server process
# --------------------------------------------------------------------------
class Server:
    """`binary serve SERVE_ARGS...` in `tmpdir`, stderr to tmpdir/server.stderr."""

    def __init__(self, binary, tmpdir, rust_log, start_timeout, serve_args):
        self.binary, self.tmpdir = os.path.abspath(binary), tmpdir
        self.rust_log, self.start_timeout = rust_log, start_timeout
        self.serve_args = list(serve_args)
        self.proc = None
        self.port = None
        self.start_ms = None
        self.stdout_lines = []
        self.stderr_path = os.path.join(tmpdir, "server.stderr")

    def start(self):
        cmd = [self.binary, "serve"] + self.serve_args
        env = dict(os.environ)
        if self.rust_log:
            env["RUST_LOG"] = self.rust_log
        log("starting: " + " ".join(cmd) + (f"  (RUST_LOG={self.rust_log})" if self.rust_log else ""))
        self._stderr = open(self.stderr_path, "wb")
        found = threading.Event()

        t0 = time.monotonic()
        try:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._stderr,
                                         stdin=subprocess.DEVNULL, env=env, cwd=self.tmpdir)
        except OSError as e:
            raise BenchError(f"cannot start {self.binary}: {e}")

        def reader():
            # Keeps draining stdout for the life of the server (no pipe stall).
            for raw in self.proc.stdout:
                line = raw.decode(errors="replace").rstrip("\n")
                self.stdout_lines.append(line)
                if self.port is None:
                    m = LISTENING_RE.search(line)
                    if m:
                        self.start_ms = (time.monotonic() - t0) * 1000.0
                        self.port = int(m.group(2))
                        found.set()
            found.set()  # EOF: unblock the waiter

        threading.Thread(target=reader, daemon=True).start()
        if not found.wait(self.start_timeout) or self.port is None:
            rc = self.proc.poll()
            raise BenchError(
                f"server did not print 'listening on http://...' within {self.start_timeout}s"
                f" (exit code {rc}).\nstdout:\n" + "\n".join(self.stdout_lines)
                + "\nstderr tail:\n" + self.stderr_tail())
        return self.port

    def stderr_tail(self, n=4000):
        try:
            with open(self.stderr_path, "rb") as f:
                data = f.read()
            return data[-n:].decode(errors="replace")
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=10):
        if self.proc is None:
            self._stderr.close() if hasattr(self, "_stderr") else None
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                log(f"server ignored SIGTERM for {timeout}s; sending SIGKILL")
                self.proc.kill()
                self.proc.wait()
        self._stderr.close()
        return self.proc.returncode


# --------------------------------------------------------------------------
# curl and wrk
# --------------------------------------------------------------------------
def curl(url, headers, method=None, data=None):
    """(status, body text).  `data`: exact body bytes, sent as given."""
    cmd = ["curl", "-sS", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}"]
    if method:
        cmd += ["-X", method]
    if data is not None:
        cmd += ["--data-binary", "@-"]
    cmd.append(url)
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    r = subprocess.run(cmd, capture_output=True, input=data)
    if r.returncode != 0:
        raise BenchError(f"curl {url} failed: {r.stderr.decode(errors='replace').strip()}")
    body, _, code = r.stdout.decode(errors="replace").rpartition("\n")
    return int(code), body


_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * _UNIT[m.group(2)] if m else None


def parse_wrk(out):
    res = {"rps": None, "requests": None, "non2xx": 0, "socket_errors": None,
           "lat_avg_ms": None, "lat_p50_ms": None, "lat_p99_ms": None}
    m = re.search(r"Requests/sec:\s*([0-9.]+)", out)
    if m:
        res["rps"] = float(m.group(1))
    m = re.search(r"([0-9]+) requests in", out)
    if m:
        res["requests"] = int(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s*([0-9]+)", out)
    if m:
        res["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors:\s*(.*)", out)
    if m:
        res["socket_errors"] = m.group(1).strip()
    m = re.search(r"^\s*Latency\s+(\S+)", out, re.M)
    if m:
        res["lat_avg_ms"] = _ms(m.group(1))
    for pct, key in (("50", "lat_p50_ms"), ("99", "lat_p99_ms")):
        m = re.search(rf"^\s*{pct}%\s+(\S+)", out, re.M)
        if m:
            res[key] = _ms(m.group(1))
    return res


def run_wrk(wrk, args, name, url, headers, duration, verbose, script=None, allow_non2xx=False):
    """wrk -tT -cC -dD --latency; `script` is a Lua file for -s.  Non-2xx/3xx
    responses raise BenchError unless `allow_non2xx` (then the caller judges)."""
    cmd = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s",
           f"--timeout", "5s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    log(f"wrk {name}: -t{args.threads} -c{args.connections} -d{duration}s {url}"
        + (f" -s {os.path.basename(script)}" if script else ""))
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30)
    except subprocess.TimeoutExpired:
        raise BenchError(f"wrk ({name}) did not finish within {duration + 30}s")
    if verbose:
        sys.stderr.write(r.stdout)
    if r.returncode != 0:
        raise BenchError(f"wrk ({name}) failed (exit {r.returncode}): {r.stderr.strip()}\n{r.stdout}")
    res = parse_wrk(r.stdout)
    if res["rps"] is None or not res["requests"]:
        raise BenchError(f"wrk ({name}) output not understood:\n{r.stdout}")
    if res["non2xx"] and not allow_non2xx:
        raise BenchError(f"wrk ({name}): {res['non2xx']} of {res['requests']} responses were "
                         f"non-2xx/3xx -- the figures are meaningless.\n{r.stdout}")
    if res["socket_errors"]:
        log(f"WARNING wrk ({name}) socket errors: {res['socket_errors']}")
    res["raw"] = r.stdout
    return res
