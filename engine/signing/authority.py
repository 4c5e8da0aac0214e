"""A demo certificate authority and a center certificate it issues, made with ``cryptography``.

For ``motcua demo`` and the tests only: a real center signs with a certificate from a licensed
authority (Ban Cơ yếu Chính phủ for official use, Decree 68/2024/NĐ-CP). The files are written
under the demo's data folder, never into the repository; the authority's private key is not
kept at all, so nothing else can ever be issued under it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, Encoding, pkcs12
from cryptography.x509.oid import NameOID

CA_FILE = "demo-ca.pem"
CENTER_FILE = "center.p12"
CENTER_VALIDITY = timedelta(days=825)
CA_VALIDITY = timedelta(days=3650)


@dataclass(frozen=True)
class DemoAuthority:
    ca_path: Path  # the authority's certificate: what validators trust
    pkcs12_path: Path  # the center's key and certificate (with the authority's certificate)
    created: bool  # False: the files were there and still valid


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=signer, content_commitment=signer, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=not signer,
                         crl_sign=not signer, encipher_only=False, decipher_only=False)


def issue(center_name: str, password: str, now: datetime) -> tuple[x509.Certificate, bytes]:
    """A fresh authority's certificate and the center's PKCS#12 (key, certificate, chain)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Motcua Demo CA (không dùng thật)", "Motcua demo")
    start = now.astimezone(UTC) - timedelta(days=1)
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(start + CA_VALIDITY)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(_key_usage(signer=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder().subject_name(_name(center_name, "Motcua demo")).issuer_name(ca_name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + CENTER_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # pyHanko's validator asks for non-repudiation (content_commitment) on a signer's certificate.
        .add_extension(_key_usage(signer=True), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256()))
    bundle = pkcs12.serialize_key_and_certificates(center_name.encode(), key, certificate, [ca],
                                                   BestAvailableEncryption(password.encode()))
    return ca, bundle


def _still_valid(pkcs12_path: Path, password: str, now: datetime) -> bool:
    try:
        _, certificate, _ = pkcs12.load_key_and_certificates(pkcs12_path.read_bytes(), password.encode())
    except (OSError, ValueError):
        return False
    return certificate is not None and now.astimezone(UTC) + timedelta(days=30) < certificate.not_valid_after_utc


def ensure_demo_authority(folder: Path, center_name: str, password: str, now: datetime) -> DemoAuthority:
    """The demo authority's files in ``folder``, made when missing, unreadable or about to expire."""
    ca_path, pkcs12_path = folder / CA_FILE, folder / CENTER_FILE
    if ca_path.exists() and _still_valid(pkcs12_path, password, now):
        return DemoAuthority(ca_path, pkcs12_path, created=False)
    folder.mkdir(parents=True, exist_ok=True)
    ca, bundle = issue(center_name, password, now)
    ca_path.write_bytes(ca.public_bytes(Encoding.PEM))
    # The key file is readable by its owner only.
    descriptor = os.open(pkcs12_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(bundle)
    return DemoAuthority(ca_path, pkcs12_path, created=True)
