"""Sign a PDF (PAdES baseline B-B) and validate a signed one, with pyHanko.

Validation trusts only the configured authorities (never the machine's store), checks that the
signed bytes are intact, that the signature covers the whole file, and that the signer's
certificate chains to a trusted authority. A file pyHanko cannot even read is as invalid as a
tampered one: whoever changed a byte gets "invalid", never an error page.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from engine.signing.credentials import Credentials

SIGNATURE_FIELD = "ChuKySoTrungTam"


def sign_pdf(data: bytes, credentials: Credentials, *, reason: str, location: str) -> bytes:
    """``data`` with the center's signature added as an incremental update (PAdES B-B).

    pyHanko stamps the signing time from the system clock; ``validate_pdf`` reads it back.
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    metadata = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, reason=reason, location=location or None,
                                            subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256")
    output = signers.PdfSigner(metadata, signer=credentials.signer).sign_pdf(writer)
    return bytes(output.getvalue())


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on a PDF's signature, and who signed it when it could be read."""

    valid: bool
    intact: bool
    trusted: bool
    signer: str | None
    serial: str | None
    fingerprint: str | None
    signed_at: datetime | None
    message: str
    message_en: str


def _invalid(vi: str, en: str) -> SignatureCheck:
    return SignatureCheck(False, False, False, None, None, None, None, vi, en)


def validate_pdf(data: bytes, roots: list[asn1_x509.Certificate]) -> SignatureCheck:
    """Validate the last signature of ``data`` against the trusted authorities ``roots``."""
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # noqa: BLE001 — pyHanko raises many kinds on a damaged file; all mean "not valid"
        return _invalid("Tệp không phải PDF hợp lệ hoặc đã bị sửa đổi", "The file is not a valid PDF or was altered")
    if not signatures and b"/ByteRange" in data:  # it was signed, but its signature can no longer be read
        return _invalid("Tệp đã bị sửa đổi: không đọc được chữ ký số",
                        "The file was altered: its signature is unreadable")
    if not signatures:
        return _invalid("Tệp PDF không có chữ ký số", "The PDF carries no digital signature")
    signature = signatures[-1]
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
    except Exception:  # noqa: BLE001 — as above: a signature pyHanko cannot evaluate is not valid
        return _invalid("Không kiểm tra được chữ ký số: tệp đã bị sửa đổi hoặc chữ ký hỏng",
                        "The signature cannot be checked: the file was altered or the signature is damaged")
    cert = status.signing_cert
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    valid = bool(status.bottom_line and status.intact and status.valid and status.trusted and whole)
    if valid:
        vi, en = "Chữ ký số hợp lệ", "The digital signature is valid"
    elif not (status.intact and status.valid):
        vi, en = "Chữ ký số không hợp lệ: nội dung tệp đã bị thay đổi sau khi ký", \
            "The signature is not valid: the file changed after it was signed"
    elif not status.trusted:
        vi, en = "Chữ ký số không do tổ chức chứng thực được tin cậy cấp", \
            "The signature does not chain to a trusted certificate authority"
    else:
        vi, en = "Chữ ký số không bao trùm toàn bộ tệp", "The signature does not cover the whole file"
    return SignatureCheck(
        valid=valid, intact=bool(status.intact), trusted=bool(status.trusted), signer=cert.subject.human_friendly,
        serial=format(cert.serial_number, "x"), fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        signed_at=status.signer_reported_dt, message=vi, message_en=en)
