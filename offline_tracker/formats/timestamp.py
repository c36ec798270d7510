"""RFC 3161 time-stamp requests made and replies checked offline, bytes in, values out (RULES E5).

asn1crypto reads the structures (it accepts the unsorted certificate sets that OpenSSL and
many authorities write) and cryptography checks the signatures; docs/ledger-format.md,
"Trusted timestamps", says what is checked. Imported only by `ot anchor` and `ot verify`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

# Digests a signature may be made with; SHA-1 only names a certificate (ESSCertID, RFC 2634).
_DIGESTS = ("sha224", "sha256", "sha384", "sha512")
_GRANTED = ("granted", "granted_with_mods")


class TokenError(Exception):
    """A reply that fails a check; `code` names it (locales: tsp.<code>), `detail` is technical."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail = code, detail


def new_nonce() -> int:
    """64 random bits with the top one set: always 8 bytes, never 0."""
    return secrets.randbits(64) | (1 << 63)


def request(digest: bytes, nonce: int) -> bytes:
    """A TimeStampReq (DER) for a SHA-256 value, with a nonce and certReq set (RFC 3161 2.4.1)."""
    algorithm = algos.DigestAlgorithm({"algorithm": "sha256", "parameters": core.Null()})
    imprint = tsp.MessageImprint({"hash_algorithm": algorithm, "hashed_message": digest})
    req = tsp.TimeStampReq(
        {"version": "v1", "message_imprint": imprint, "nonce": nonce, "cert_req": True}
    )
    return bytes(req.dump())


@dataclass(frozen=True)
class Token:
    """What a granted reply says (not yet checked: see `check`)."""

    imprint_algorithm: str
    imprint: bytes
    gen_time: datetime
    accuracy: timedelta
    serial: int
    nonce: int | None
    policy: str
    signed: Any  # the asn1crypto SignedData, for the signature check

    def latest(self) -> datetime:
        """The latest instant the authority's clock allows for genTime (RFC 3161 2.4.2)."""
        return self.gen_time + self.accuracy


class _Reply(core.Sequence):  # type: ignore[misc]
    """TimeStampResp (RFC 3161 2.4.2): asn1crypto's own wants a token even in a rejection."""

    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


def read_reply(data: bytes) -> Token:
    """A TimeStampResp as an authority sends it (curl -o reply.tsr); TokenError if it is not."""
    try:
        reply = _Reply.load(data, strict=True)
        status = reply["status"]["status"].native
        if status not in _GRANTED:
            text = reply["status"]["status_string"].native or ()
            raise TokenError("not_granted", f"{status} {' '.join(text)}".strip())
        signed = reply["time_stamp_token"]["content"]
        content = signed["encap_content_info"]
        if content["content_type"].native != "tst_info":
            raise TokenError("unreadable", "the token does not hold a TSTInfo")
        info = content["content"].parsed
        imprint = info["message_imprint"]
        return Token(
            imprint["hash_algorithm"]["algorithm"].native,
            bytes(imprint["hashed_message"].native),
            info["gen_time"].native.astimezone(UTC),
            _accuracy(info["accuracy"].native),
            int(info["serial_number"].native),
            None if info["nonce"].native is None else int(info["nonce"].native),
            str(info["policy"].native),
            signed,
        )
    except TokenError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise TokenError("unreadable", str(exc)) from exc


def _accuracy(value: Any) -> timedelta:
    if not value:
        return timedelta(0)
    parts = {k: int(v or 0) for k, v in value.items()}
    return timedelta(
        seconds=parts.get("seconds", 0),
        milliseconds=parts.get("millis", 0),
        microseconds=parts.get("micros", 0),
    )


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """The certificates of a PEM file (one or more) or one DER certificate; ValueError if none."""
    if b"-----BEGIN" in data:
        return list(x509.load_pem_x509_certificates(data))
    return [x509.load_der_x509_certificate(data)]


def pem(certificates: Sequence[x509.Certificate]) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


@dataclass(frozen=True)
class Checked:
    token: Token
    signer: x509.Certificate
    trusted: bool  # chained to one of the given roots; False when none was given


def check(data: bytes, roots: Sequence[x509.Certificate] = ()) -> Checked:
    """Read a reply and check its signature, its signer, and (with `roots`) its chain.

    The signer is the certificate the SignerInfo names, embedded in the token or among `roots`
    (an authority's certificate may be given as the root itself); it must be valid at genTime
    and carry the critical timeStamping extended key usage (RFC 3161 2.3).
    """
    token = read_reply(data)
    embedded = _embedded(token.signed)
    signer_info = _one_signer(token.signed)
    signer = _find_signer(signer_info, [*embedded, *roots])
    _check_signed_attributes(token.signed, signer_info, signer)
    _check_signature(signer_info, signer)
    _check_signer(signer, token.gen_time)
    if roots:
        _check_chain(signer, embedded, roots, token.gen_time)
    return Checked(token, signer, bool(roots))


def _embedded(signed: Any) -> list[x509.Certificate]:
    found = []
    for choice in signed["certificates"] or ():
        if choice.name == "certificate":
            found.append(x509.load_der_x509_certificate(choice.chosen.dump()))
    return found


def _one_signer(signed: Any) -> Any:
    infos = list(signed["signer_infos"])
    if len(infos) != 1:
        raise TokenError("signature", f"{len(infos)} signers, expected one")
    return infos[0]


def _find_signer(signer_info: Any, candidates: Sequence[x509.Certificate]) -> x509.Certificate:
    sid = signer_info["sid"]
    for cert in candidates:
        parsed = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if parsed.serial_number == wanted["serial_number"].native and (
                parsed.issuer == wanted["issuer"]
            ):
                return cert
        elif parsed.key_identifier == sid.chosen.native:
            return cert
    raise TokenError("no_signer", "the signing certificate is neither in the token nor given")


def _attribute(signer_info: Any, name: str) -> Any:
    for attribute in signer_info["signed_attrs"] or ():
        if attribute["type"].native == name:
            return attribute["values"][0]
    return None


def _digest_name(signer_info: Any) -> str:
    name = str(signer_info["digest_algorithm"]["algorithm"].native)
    if name not in _DIGESTS:
        raise TokenError("signature", f"digest {name} is not accepted")
    return name


def _check_signed_attributes(signed: Any, signer_info: Any, signer: x509.Certificate) -> None:
    """The signed attributes bind the TSTInfo (messageDigest) and the signer (RFC 2634, 5035)."""
    content_type = _attribute(signer_info, "content_type")
    if content_type is None or content_type.native != "tst_info":
        raise TokenError("signature", "the signed content type is not TSTInfo")
    content = signed["encap_content_info"]["content"].contents
    digest = hashlib.new(_digest_name(signer_info), content).digest()
    message_digest = _attribute(signer_info, "message_digest")
    if message_digest is None or message_digest.native != digest:
        raise TokenError("signature", "the TSTInfo does not match its signed digest")
    der = signer.public_bytes(serialization.Encoding.DER)
    v2 = _attribute(signer_info, "signing_certificate_v2")
    if v2 is not None:
        first = v2["certs"][0]
        name = first["hash_algorithm"]["algorithm"].native
        if name not in _DIGESTS or hashlib.new(name, der).digest() != first["cert_hash"].native:
            raise TokenError("signature", "the signing certificate is not the one signed for")
        return
    v1 = _attribute(signer_info, "signing_certificate")
    if v1 is None or hashlib.sha1(der).digest() != v1["certs"][0]["cert_hash"].native:
        raise TokenError("signature", "the signing certificate is not the one signed for")


def _check_signature(signer_info: Any, signer: x509.Certificate) -> None:
    attributes = signer_info["signed_attrs"].dump()
    signed_bytes = b"\x31" + attributes[1:]  # signed as a SET OF, not as the [0] it is stored as
    signature = signer_info["signature"].native
    algorithm = signer_info["signature_algorithm"]
    key = signer.public_key()
    try:
        if isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            key.verify(signature, signed_bytes)
            return
        chosen = _hash(_digest_name(signer_info))
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed_bytes, ec.ECDSA(chosen))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed_bytes, _rsa_padding(algorithm), chosen)
        else:
            raise TokenError("signature", f"{type(key).__name__} keys are not supported")
    except InvalidSignature as exc:
        raise TokenError("signature", "the signature does not match") from exc


def _hash(name: str) -> hashes.HashAlgorithm:
    return {
        "sha224": hashes.SHA224(),
        "sha256": hashes.SHA256(),
        "sha384": hashes.SHA384(),
        "sha512": hashes.SHA512(),
    }[name]


def _rsa_padding(algorithm: Any) -> padding.AsymmetricPadding:
    if algorithm.signature_algo != "rsassa_pss":
        return padding.PKCS1v15()
    params = algorithm["parameters"]
    mgf_hash = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
    if mgf_hash not in _DIGESTS:
        raise TokenError("signature", f"digest {mgf_hash} is not accepted")
    return padding.PSS(padding.MGF1(_hash(mgf_hash)), params["salt_length"].native)


def _check_signer(signer: x509.Certificate, when: datetime) -> None:
    if not signer.not_valid_before_utc <= when <= signer.not_valid_after_utc:
        raise TokenError("expired", f"{signer.subject.rfc4514_string()} at {when.isoformat()}")
    try:
        usage = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not usage.critical or x509.OID_TIME_STAMPING not in usage.value:
        raise TokenError("eku", signer.subject.rfc4514_string())


def _check_chain(
    signer: x509.Certificate,
    embedded: Sequence[x509.Certificate],
    roots: Sequence[x509.Certificate],
    when: datetime,
) -> None:
    """A path from the signer to one of `roots`, each link signed by the next and valid at genTime.

    Certificates embedded in the token may be links, never the end: whoever made the token
    chose them.
    """
    current = signer
    for _ in range(8):  # deeper paths are not what authorities issue
        if current in roots:
            return
        issuer = _issuer(current, [*roots, *embedded], when)
        if issuer is None:
            break
        current = issuer
    raise TokenError("untrusted", signer.issuer.rfc4514_string())


def _issuer(
    cert: x509.Certificate, pool: Sequence[x509.Certificate], when: datetime
) -> x509.Certificate | None:
    for candidate in pool:
        if candidate == cert or not _is_ca(candidate):
            continue
        if not candidate.not_valid_before_utc <= when <= candidate.not_valid_after_utc:
            continue
        try:
            cert.verify_directly_issued_by(candidate)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return candidate
    return None


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return cert.issuer == cert.subject  # an old self-signed root without the extension
