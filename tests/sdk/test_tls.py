"""HTTPS: `serve --tls-cert FILE --tls-key FILE` (docs/specs/command-line.md), through the
official SDK verifying the server's certificate.

The certificate is made here, self-signed for 127.0.0.1, with Debian's openssl.
"""

import subprocess

import pytest
from huaweicloudsdkbss.v2 import BssClient, ListPartnerBalancesRequest
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.region.region import Region

from conftest import check_ok, running_server, run_cli, wire_body
from helpers.world import KEYS


@pytest.fixture
def certificate(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60)
    return cert, key


def test_the_sdk_calls_over_https(backend, tmp_path, certificate):
    cert, key = certificate
    with running_server(backend, tmp_path, extra_args=["--tls-cert", str(cert), "--tls-key", str(key)]) as server:
        assert server.url.startswith("https://127.0.0.1:"), server.url
        server.http.verify = str(cert)
        check_ok(server.get("/health"))
        config = HttpConfig.get_default_config()
        config.ssl_ca_cert = str(cert)
        distributor = KEYS["dist-acme"]
        client = (BssClient.new_builder()
                  .with_credentials(GlobalCredentials(distributor.ak, distributor.sk, distributor.owner_id))
                  .with_http_config(config)
                  .with_region(Region("local", server.url))
                  .build())
        body = wire_body(client.list_partner_balances(ListPartnerBalancesRequest()), "ListPartnerBalancesResponse")
        assert body["account_balances"], body


def test_a_key_without_its_certificate_is_refused(tmp_path, certificate):
    _, key = certificate
    result = run_cli("serve", "--listen", "127.0.0.1:0", "--database", f"sqlite://{tmp_path}/pc.db",
                     "--tls-key", str(key))
    assert result.returncode != 0
    assert "--tls-cert" in result.stderr, result.stderr


def test_an_unreadable_certificate_fails_before_serving(tmp_path, certificate):
    _, key = certificate
    result = run_cli("serve", "--listen", "127.0.0.1:0", "--database", f"sqlite://{tmp_path}/pc.db",
                     "--tls-cert", str(tmp_path / "missing.pem"), "--tls-key", str(key))
    assert result.returncode != 0
    assert "cannot read the certificate" in result.stderr, result.stderr
    assert "listening" not in result.stdout
