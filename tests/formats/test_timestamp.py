"""formats/timestamp.py: RFC 3161 requests, replies and their checks, without the ledger."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from asn1crypto import core, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from offline_tracker.clock import system_now
from offline_tracker.formats import timestamp
from tests.tsa import Authority

HEAD = bytes.fromhex("6d7b29c10096b66000485d4aa94317cae6b9c9beef6c19d0fdd161c9abf32791")


def test_a_request_is_sha256_of_the_value_itself_with_nonce_and_cert_req() -> None:
    nonce = timestamp.new_nonce()
    req = tsp.TimeStampReq.load(timestamp.request(HEAD, nonce), strict=True)
    assert req["version"].native == "v1"
    imprint = req["message_imprint"]
    assert imprint["hash_algorithm"]["algorithm"].native == "sha256"
    assert imprint["hashed_message"].native == HEAD
    assert req["nonce"].native == nonce and req["cert_req"].native is True


def test_nonces_are_64_bits_and_differ() -> None:
    nonces = {timestamp.new_nonce() for _ in range(50)}
    assert len(nonces) == 50 and all(n.bit_length() == 64 for n in nonces)


def _reply(tsa: Authority, tmp_path: Path, digest: bytes = HEAD) -> bytes:
    request = tmp_path / "q.tsq"
    request.write_bytes(timestamp.request(digest, 12345678901234567890))
    return tsa.reply(request, tmp_path / "r.tsr").read_bytes()


def test_a_good_reply_reads_and_checks(tsa: Authority, tmp_path: Path) -> None:
    raw = _reply(tsa, tmp_path)
    checked = timestamp.check(raw, timestamp.load_certificates(tsa.ca.read_bytes()))
    token = checked.token
    assert token.imprint == HEAD and token.imprint_algorithm == "sha256"
    assert token.nonce == 12345678901234567890 and token.accuracy == timedelta(seconds=1)
    assert token.policy == "1.2.3.4.1" and checked.trusted
    assert abs(token.gen_time - system_now()) < timedelta(minutes=5)
    assert token.latest() == token.gen_time + timedelta(seconds=1)
    assert not timestamp.check(raw).trusted  # the signature alone: no trust root


def test_the_authority_certificate_itself_may_be_the_root(tsa: Authority, tmp_path: Path) -> None:
    raw = _reply(tsa, tmp_path)
    assert timestamp.check(raw, timestamp.load_certificates(tsa.cert.read_bytes())).trusted


def test_embedded_roots_are_never_trusted(
    tsa: Authority, other_tsa: Authority, tmp_path: Path
) -> None:
    raw = _reply(other_tsa, tmp_path)  # its certificate set carries its own root
    with pytest.raises(timestamp.TokenError) as caught:
        timestamp.check(raw, timestamp.load_certificates(tsa.ca.read_bytes()))
    assert caught.value.code == "untrusted"
    assert timestamp.check(raw, timestamp.load_certificates(other_tsa.ca.read_bytes())).trusted


def test_certificates_load_from_pem_bundles_and_der(tsa: Authority, other_tsa: Authority) -> None:
    bundle = tsa.ca.read_bytes() + other_tsa.ca.read_bytes()
    assert len(timestamp.load_certificates(bundle)) == 2
    der = timestamp.load_certificates(tsa.ca.read_bytes())[0].public_bytes(
        serialization.Encoding.DER
    )
    assert timestamp.load_certificates(der)[0].subject.rfc4514_string() == "CN=Good Root"
    assert b"BEGIN CERTIFICATE" in timestamp.pem(timestamp.load_certificates(der))
    with pytest.raises(ValueError):
        timestamp.load_certificates(b"junk")


def test_a_rejection_is_not_granted() -> None:
    status = tsp.PKIStatusInfo({"status": "rejection", "status_string": ["bad request"]})
    rejected = core.Sequence(contents=status.dump()).dump()  # no token, as RFC 3161 2.4.2 says
    with pytest.raises(timestamp.TokenError) as caught:
        timestamp.read_reply(rejected)
    assert caught.value.code == "not_granted" and "bad request" in caught.value.detail


def _cert(eku: bool | None, days: tuple[int, int] = (-1, 1)) -> x509.Certificate:
    """A self-signed certificate; `eku`: critical (True), not critical (False), absent (None)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Made TSA")])
    now = system_now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now + timedelta(days=days[0]))
        .not_valid_after(now + timedelta(days=days[1]))
    )
    if eku is not None:
        usage = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING])
        builder = builder.add_extension(usage, critical=eku)
    return builder.sign(key, hashes.SHA256())


@pytest.mark.parametrize(
    ("eku", "days", "code"),
    [(None, (-1, 1), "eku"), (False, (-1, 1), "eku"), (True, (1, 2), "expired")],
)
def test_the_signer_must_be_a_time_stamping_certificate_valid_then(
    eku: bool | None, days: tuple[int, int], code: str
) -> None:
    with pytest.raises(timestamp.TokenError) as caught:
        timestamp._check_signer(_cert(eku, days), system_now())
    assert caught.value.code == code
    timestamp._check_signer(_cert(True), system_now())  # the one that passes
