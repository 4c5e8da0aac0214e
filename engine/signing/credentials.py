"""The center's signing certificate and key, from the PKCS#12 file the settings name.

Anything wrong with it (not configured, missing file, wrong password, not a PKCS#12 file, expired
or not yet valid) is a SigningUnavailableError saying so in Vietnamese and English: signing then
waits, visibly, and no dossier is held up by it (``engine.signing.results``).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_certs_from_pemder
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from engine.errors import EngineError
from engine.signing.settings import SigningSettings


class SigningUnavailableError(EngineError):
    """The center's certificate cannot sign now; the message says why and what to fix."""

    code = "signing_unavailable"


@dataclass(frozen=True)
class CertificateFacts:
    """What the history records of the certificate that signed."""

    subject: str
    issuer: str
    serial: str  # hexadecimal
    fingerprint: str  # SHA-256 of the DER certificate, hexadecimal
    not_after: datetime

    def as_dict(self) -> dict[str, str]:
        return {"subject": self.subject, "issuer": self.issuer, "serial": self.serial,
                "fingerprint_sha256": self.fingerprint, "not_after": self.not_after.isoformat()}


@dataclass(frozen=True)
class Credentials:
    signer: SimpleSigner
    certificate: CertificateFacts


def facts_of(certificate: x509.Certificate) -> CertificateFacts:
    return CertificateFacts(
        subject=certificate.subject.rfc4514_string(), issuer=certificate.issuer.rfc4514_string(),
        serial=format(certificate.serial_number, "x"),
        fingerprint=hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest(),
        not_after=certificate.not_valid_after_utc)


def common_name(subject: str) -> str:
    """The CN of an RFC 4514 subject (the whole subject when it has none)."""
    try:
        names = x509.Name.from_rfc4514_string(subject).get_attributes_for_oid(NameOID.COMMON_NAME)
    except ValueError:
        return subject
    return str(names[0].value) if names else subject


def _unavailable(vi: str, en: str) -> SigningUnavailableError:
    return SigningUnavailableError(f"Chưa ký số được: {vi}", message_en=f"Cannot sign: {en}")


def _read(settings: SigningSettings) -> tuple[bytes, bytes | None]:
    if settings.pkcs12_path is None:
        raise _unavailable("chưa cấu hình chứng thư số của trung tâm (MOTCUA_SIGNING_PKCS12_PATH)",
                           "the center's certificate is not configured (MOTCUA_SIGNING_PKCS12_PATH)")
    try:
        data = settings.pkcs12_path.read_bytes()
    except OSError as error:
        raise _unavailable(f"không đọc được tệp chứng thư số {settings.pkcs12_path} ({error.strerror})",
                           f"cannot read the certificate file {settings.pkcs12_path} ({error.strerror})") from error
    password = settings.pkcs12_password.encode() if settings.pkcs12_password else None
    return data, password


def load_credentials(settings: SigningSettings, now: datetime) -> Credentials:
    """The center's signer, checked to be usable at ``now``."""
    data, password = _read(settings)
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(data, password)
    except ValueError as error:
        raise _unavailable("tệp chứng thư số không phải PKCS#12 hoặc sai mật khẩu (MOTCUA_SIGNING_PKCS12_PASSWORD)",
                           "the certificate file is not PKCS#12 or the password is wrong "
                           "(MOTCUA_SIGNING_PKCS12_PASSWORD)") from error
    if key is None or certificate is None:
        raise _unavailable("tệp PKCS#12 không có khóa bí mật và chứng thư số",
                           "the PKCS#12 file holds no private key and certificate")
    facts = facts_of(certificate)
    if not certificate.not_valid_before_utc <= now.astimezone(UTC) <= certificate.not_valid_after_utc:
        raise _unavailable(f"chứng thư số {facts.subject} hết hiệu lực hoặc chưa có hiệu lực "
                           f"(hiệu lực đến {facts.not_after:%d/%m/%Y})",
                           f"the certificate {facts.subject} is expired or not yet valid "
                           f"(valid until {facts.not_after:%d/%m/%Y})")
    chain = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in extra]
    signer = SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER)),
        signing_key=_asn1_key(key), cert_registry=SimpleCertificateStore.from_certs(chain))
    return Credentials(signer, facts)


def _asn1_key(key: Any) -> Any:
    """The key as pyHanko's signer holds it (asn1crypto's PrivateKeyInfo)."""
    from asn1crypto import keys
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    return keys.PrivateKeyInfo.load(key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()))


_trust_cache: dict[tuple[Path, float], list[asn1_x509.Certificate]] = {}
_trust_lock = threading.Lock()


def trust_roots(settings: SigningSettings) -> list[asn1_x509.Certificate]:
    """The authorities a signature must chain to (read once per change of the file)."""
    path = settings.trust_roots_path
    if path is None:
        raise SigningUnavailableError(
            "Chưa cấu hình tổ chức cung cấp dịch vụ chứng thực tin cậy (MOTCUA_SIGNING_TRUST_ROOTS)",
            message_en="No trusted certificate authority is configured (MOTCUA_SIGNING_TRUST_ROOTS)")
    try:
        key = (path, path.stat().st_mtime)
    except OSError as error:
        raise SigningUnavailableError(f"Không đọc được tệp chứng thư gốc {path}",
                                      message_en=f"Cannot read the trusted certificates {path}") from error
    with _trust_lock:
        if key not in _trust_cache:
            _trust_cache.clear()
            _trust_cache[key] = list(load_certs_from_pemder([str(path)]))
        return _trust_cache[key]
