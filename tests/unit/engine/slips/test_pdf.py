"""Slips as PDF: the embedded font gives back exactly the Vietnamese text, and the page shows."""

from __future__ import annotations

import io
import unicodedata

import pypdf
import pypdfium2
import pytest

from engine.slips import data as slips
from engine.slips.layout import SlipOptions, compose
from engine.slips.pdf import document_pdf
from tests.unit.engine.slips.conftest import BASE_URL, received, supplemented_twice_and_extended

OPTIONS = SlipOptions(place="Hạ Long", parent="UBND tỉnh Quảng Ninh")
MM = 72 / 25.4


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def receipt(session_factory, ctx, driver):
    code = received(driver).code
    with session_factory() as session:
        return compose(slips.receipt_data(session, code, calendar=ctx.calendar, base_url=BASE_URL), OPTIONS)


def test_pdf_text_is_the_vietnamese_of_the_slip(receipt):
    pdf = document_pdf(receipt)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)) == (210, 297)
    text = page.extract_text()
    assert unicodedata.is_normalized("NFC", text)
    extracted = words(text)
    strings = [s for s in receipt.strings() if s.strip()]
    assert len(strings) > 30
    for source in strings:  # every string of the slip, exactly (lines may wrap only at spaces)
        assert words(source) in extracted, source
    assert "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 27 tháng 11 năm 2026" in extracted
    fonts = {font["/BaseFont"] for font in (f.get_object() for f in page["/Resources"]["/Font"].values())}
    assert len(fonts) == 4 and all("+LiberationSerif" in name for name in fonts)  # subsets of the embedded font
    assert all("/FontFile2" in str(f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object())
               for f in page["/Resources"]["/Font"].values())


def test_the_first_page_rasterises_to_a_printed_page(receipt):
    document = pypdfium2.PdfDocument(document_pdf(receipt))
    image = document[0].render(scale=1).to_pil().convert("L")
    width, height = image.size
    assert abs(width - 595) <= 1 and abs(height - 842) <= 1  # A4 at 72 dpi
    histogram = image.histogram()
    dark = sum(histogram[:128]) / (image.size[0] * image.size[1])
    assert 0.01 < dark < 0.3, dark  # text and QR code, on a white page
    assert image.crop((0, 0, width, 120)).getextrema()[0] < 100  # the letterhead, at the top


def test_a5_paper_and_the_whole_alphabet(session_factory, ctx, driver):
    code = supplemented_twice_and_extended(driver).code
    with session_factory() as session:
        data = slips.apology_data(session, code, calendar=ctx.calendar)
    alphabet = ("ạ ả ấ ầ ẩ ẫ ậ ắ ằ ẳ ẵ ặ ẹ ẻ ẽ ế ề ể ễ ệ ỉ ị ọ ỏ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ụ ủ ứ ừ ử ữ ự ỳ ỵ ỷ ỹ đ "
                "ơ ư ă â ê ô")
    data = data.__class__(**{**data.__dict__, "reason": f"{alphabet} {alphabet.upper()}"})
    document = compose(data, SlipOptions(paper="A5"))
    reader = pypdf.PdfReader(io.BytesIO(document_pdf(document)))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)) == (148, 210)
    text = words(" ".join(p.extract_text() for p in reader.pages))
    assert f"{alphabet} {alphabet.upper()}" in text
    assert "Đ" in alphabet.upper()
