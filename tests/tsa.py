"""A local RFC 3161 time-stamp authority made with the openssl command line: no network.

`Authority.make` creates a root CA and a TSA certificate it issues (critical timeStamping
extended key usage) and a config for `openssl ts -reply`; `reply` answers a request file.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

EXTENSIONS = """\
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[tsa_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""

CONFIG = """\
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/tsa.pem
{certs}
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def openssl(*args: str | Path, cwd: Path | None = None) -> bytes:
    done = subprocess.run(
        ["openssl", *map(str, args)], capture_output=True, cwd=cwd, check=False, timeout=60
    )
    if done.returncode != 0:
        raise RuntimeError(f"openssl {args[:2]}: {done.stderr.decode(errors='replace')}")
    return done.stdout


def need_openssl() -> None:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command line is not installed")


@dataclass(frozen=True)
class Authority:
    folder: Path
    name: str

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def cert(self) -> Path:
        return self.folder / "tsa.pem"

    @classmethod
    def make(cls, folder: Path, name: str, key: str = "rsa", embed_root: bool = False) -> Authority:
        """A root CA "<name> Root" and its TSA "<name> TSA"; `embed_root`: replies carry it."""
        folder.mkdir(parents=True)
        ext = folder / "ext.cnf"
        ext.write_text(EXTENSIONS)
        keyopt = ["rsa:2048"] if key == "rsa" else ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        base = Path("/etc/ssl/openssl.cnf")
        req_config = folder / "req.cnf"
        req_config.write_text((base.read_text() if base.is_file() else "") + "\n" + EXTENSIONS)
        openssl(
            *("req", "-x509", "-newkey", *keyopt, "-nodes", "-keyout", "ca.key", "-out", "ca.pem"),
            *("-days", "3650", "-subj", f"/CN={name} Root", "-extensions", "ca_ext"),
            *("-config", req_config),
            cwd=folder,
        )
        openssl(
            *("req", "-newkey", *keyopt, "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr"),
            *("-subj", f"/O={name}/CN={name} TSA", "-config", req_config),
            cwd=folder,
        )
        openssl(
            *("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key"),
            *("-CAcreateserial", "-out", "tsa.pem", "-days", "365"),
            *("-extfile", ext, "-extensions", "tsa_ext"),
            cwd=folder,
        )
        (folder / "serial").write_text("01\n")
        certs = f"certs = {folder}/ca.pem" if embed_root else ""
        (folder / "tsa.cnf").write_text(CONFIG.format(dir=folder, certs=certs))
        return cls(folder, name)

    def reply(self, request: Path, out: Path) -> Path:
        openssl(
            *("ts", "-reply", "-config", self.folder / "tsa.cnf", "-queryfile", request),
            *("-out", out),
        )
        return out

    def stamp_digest(self, digest: str, out: Path) -> Path:
        """A reply to a request made with openssl itself (its own nonce) for a SHA-256 value."""
        request = out.with_suffix(".tsq")
        openssl("ts", "-query", "-digest", digest, "-sha256", "-cert", "-out", request)
        return self.reply(request, out)
