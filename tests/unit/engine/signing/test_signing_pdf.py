"""PAdES signing with the demo authority's center certificate, validated by pyHanko against the
demo authority alone: a signed PDF is valid, and changing any one signed byte makes it invalid."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fpdf import FPDF

from engine.signing.authority import ensure_demo_authority
from engine.signing.credentials import SigningUnavailableError, load_credentials, trust_roots
from engine.signing.pdf import sign_pdf, validate_pdf
from engine.signing.settings import SigningSettings

CENTER = "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh"
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> SigningSettings:
    authority = ensure_demo_authority(tmp_path_factory.mktemp("ca"), CENTER, "mat-khau", datetime.now(UTC))
    return SigningSettings(authority.pkcs12_path, "mat-khau", authority.ca_path)


def unsigned_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Thong bao ket qua giai quyet ho so")
    return bytes(pdf.output())


@pytest.fixture(scope="module")
def signed(settings: SigningSettings) -> bytes:
    return sign_pdf(unsigned_pdf(), load_credentials(settings, datetime.now(UTC)), reason="Kết quả", location="Hạ Long")


def byte_range(data: bytes) -> list[int]:
    return [int(n) for n in re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", data).groups()]


def test_a_signed_pdf_validates_against_the_demo_authority(settings, signed):
    check = validate_pdf(signed, trust_roots(settings))
    credentials = load_credentials(settings, datetime.now(UTC))
    assert (check.valid, check.intact, check.trusted) == (True, True, True)
    assert CENTER in check.signer and check.message == "Chữ ký số hợp lệ"
    assert (check.serial, check.fingerprint) == (credentials.certificate.serial, credentials.certificate.fingerprint)
    assert abs(check.signed_at - datetime.now(UTC)) < timedelta(minutes=5)
    start, first, second, length = byte_range(signed)
    assert start == 0 and second + length == len(signed)  # the signature covers the whole file


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9, "after"])
def test_changing_one_signed_byte_makes_it_invalid(settings, signed, where):
    _, first, second, length = byte_range(signed)
    position = second + length // 2 if where == "after" else int(first * where)
    tampered = bytearray(signed)
    tampered[position] ^= 0x01
    check = validate_pdf(bytes(tampered), trust_roots(settings))
    assert not check.valid
    assert "sửa đổi" in check.message or "thay đổi" in check.message


def test_every_signed_byte_is_covered(settings, signed):
    """Every 97th byte of the signed ranges, changed alone, breaks the signature."""
    _, first, second, length = byte_range(signed)
    for position in [*range(0, first, 97), *range(second, second + length, 97)]:
        tampered = bytearray(signed)
        tampered[position] ^= 0x01
        assert not validate_pdf(bytes(tampered), trust_roots(settings)).valid, position


def test_another_authoritys_signature_is_not_trusted(settings, signed, tmp_path):
    other = ensure_demo_authority(tmp_path, CENTER, "khac", datetime.now(UTC))
    check = validate_pdf(signed, trust_roots(SigningSettings(other.pkcs12_path, "khac", other.ca_path)))
    assert (check.valid, check.intact, check.trusted) == (False, True, False)
    assert check.message == "Chữ ký số không do tổ chức chứng thực được tin cậy cấp"


def test_an_unsigned_or_broken_file_is_invalid_not_an_error(settings):
    assert validate_pdf(unsigned_pdf(), trust_roots(settings)).message == "Tệp PDF không có chữ ký số"
    assert not validate_pdf(b"%PDF-1.7 nothing", trust_roots(settings)).valid


@pytest.mark.parametrize(("change", "words"), [
    ({"pkcs12_path": None}, "chưa cấu hình chứng thư số"),
    ({"pkcs12_path": Path("/khong/co/center.p12")}, "không đọc được tệp chứng thư số"),
    ({"pkcs12_password": "sai"}, "sai mật khẩu"),
])
def test_a_certificate_that_cannot_sign_says_why(settings, change, words):
    broken = SigningSettings(**{**settings.__dict__, **change})
    with pytest.raises(SigningUnavailableError) as refused:
        load_credentials(broken, NOW)
    assert words in refused.value.message and refused.value.message_en.startswith("Cannot sign")


def test_an_expired_certificate_cannot_sign(settings):
    with pytest.raises(SigningUnavailableError) as refused:
        load_credentials(settings, datetime.now(UTC) + timedelta(days=900))
    assert "hết hiệu lực" in refused.value.message


def test_the_demo_authority_is_made_once(tmp_path):
    first = ensure_demo_authority(tmp_path, CENTER, "pw", datetime.now(UTC))
    again = ensure_demo_authority(tmp_path, CENTER, "pw", datetime.now(UTC))
    assert (first.created, again.created) == (True, False)
    assert oct(first.pkcs12_path.stat().st_mode & 0o777) == "0o600"
    later = ensure_demo_authority(tmp_path, CENTER, "pw", datetime.now(UTC) + timedelta(days=800))
    assert later.created  # about to expire: a new pair
