"""Slips as HTML: the words of the forms, the times in full, the control slip's verdicts."""

from __future__ import annotations

import dataclasses

import lxml.html

from engine.slips import data as slips
from engine.slips.layout import SlipOptions
from engine.slips.render import slip_html
from tests.unit.engine.slips.conftest import BASE_URL, one_late_step, received, refused

OPTIONS = SlipOptions(place="Hạ Long", parent="UBND tỉnh Quảng Ninh")


def text_of(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).text_content().split())


def table_rows(html: str) -> list[list[str]]:
    tree = lxml.html.fromstring(html)
    return [[" ".join(" ".join(td.itertext()).split()) for td in tr.findall("td")]  # <br> as a space
            for tr in tree.xpath("//table[contains(@class, 'grid')]/tbody/tr")]


def test_receipt_slip(session_factory, ctx, driver):
    code = received(driver).code
    with session_factory() as session:
        data = slips.receipt_data(session, code, calendar=ctx.calendar, base_url=BASE_URL)
    html = slip_html(data, OPTIONS)
    text = text_of(html)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="vi">' in html
    assert "@page" in html and "size: A4" in html and "Times New Roman" in html
    for expected in [
        "UBND TỈNH QUẢNG NINH", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG (KIỂM THỬ)",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hạ Long, ngày 27 tháng 11 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {code}",
        "tiếp nhận hồ sơ của: Nguyễn Văn An",
        "Nội dung yêu cầu giải quyết: Đăng ký thành lập doanh nghiệp (công ty trách nhiệm hữu hạn một thành viên)",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 3 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 27 tháng 11 năm 2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 02 tháng 12 năm 2026",
        "6. Đăng ký nhận kết quả tại: Nhận trực tiếp tại Bộ phận Một cửa",
        "Lệ phí đăng ký doanh nghiệp: 50.000 đồng (miễn khi nộp trực tuyến)",
        f"với mã bảo mật tra cứu {data.dossier.lookup_secret} tại:",
        f"{BASE_URL}/tra-cuu/{code}?mbm={data.dossier.lookup_secret}", "Số thứ tự: 0001",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Nguyễn Thị Lan",
    ]:
        assert expected in text, expected
    assert table_rows(html)[1] == ["2", "Điều lệ công ty", "Bản chính", "01"]
    qr = lxml.html.fromstring(html).xpath("//figure[@class='qr']//*[local-name()='svg']")
    assert len(qr) == 1
    url = f"{BASE_URL}/tra-cuu/{code}?mbm={data.dossier.lookup_secret}"
    assert qr[0].xpath("string(*[local-name()='title'])") == url  # the QR code opens the lookup with the secret


def test_text_from_the_dossier_is_escaped(session_factory, ctx, driver):
    code = received(driver).code
    with session_factory() as session:
        data = slips.receipt_data(session, code, calendar=ctx.calendar, base_url=BASE_URL)
    applicant = dataclasses.replace(data.dossier.applicant, name="<script>alert(1)</script>")
    html = slip_html(dataclasses.replace(data, dossier=dataclasses.replace(data.dossier, applicant=applicant)))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_control_slip_rows(session_factory, ctx, driver):
    code = one_late_step(driver).code
    with session_factory() as session:
        html = slip_html(slips.control_data(session, code, calendar=ctx.calendar), OPTIONS)
    rows = table_rows(html)
    assert [row[2] for row in rows] == ["Trước hạn", "Quá hạn", "Đúng hạn", "Trước hạn"]
    assert rows[1][0] == "1. Giao: Phòng Đăng ký kinh doanh – Trần Văn Minh 2. Nhận: Lãnh đạo Sở – Lê Quang Huy"
    assert rows[1][1] == "10 giờ 00 phút, ngày 27 tháng 11 năm 2026"
    assert "Hạn xử lý: 15:30 ngày 27/11/2026" in rows[1][3] and "Hoàn thành: 09:00 ngày 30/11/2026" in rows[1][3]
    assert rows[3][0].startswith("Giao kết quả cho tổ chức, cá nhân 1. Giao: Bộ phận Một cửa – Nguyễn Thị Lan")
    text = text_of(html)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "(Kèm theo hồ sơ của: Nguyễn Văn An)" in text
    assert "Cơ quan (bộ phận) giải quyết hồ sơ: Phòng Đăng ký kinh doanh, Sở Tài chính" in text
    assert "Kết quả giải quyết hồ sơ: Đã trả kết quả – Trước hạn" in text


def test_refusal_slip(session_factory, ctx, driver):
    code = refused(driver).code
    with session_factory() as session:
        text = text_of(slip_html(slips.refusal_data(session, code, calendar=ctx.calendar), OPTIONS))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in text
    assert ("Qua xem xét, Phòng Đăng ký kinh doanh, Sở Tài chính từ chối tiếp nhận, giải quyết hồ sơ này với lý "
            "do cụ thể như sau: Tên doanh nghiệp trùng với doanh nghiệp đã đăng ký (Điều 41 Luật Doanh nghiệp 2020)"
            in text)
    assert "Hạ Long, ngày 27 tháng 11 năm 2026" in text and "NGƯỜI TỪ CHỐI" in text


def test_logbook(session_factory, ctx, driver):
    code = one_late_step(driver).code
    with session_factory() as session:
        html = slip_html(slips.logbook_data(session, calendar=ctx.calendar))
    assert "size: A4 landscape" in html
    head = lxml.html.fromstring(html).xpath("//table[contains(@class, 'grid')]/thead/tr[1]/th")
    assert [" ".join(th.text_content().split()) for th in head] == [
        "TT", "Mã hồ sơ", "Tên thủ tục hành chính", "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại",
        "Cơ quan chủ trì giải quyết", "Ngày, tháng, năm", "Phương thức nhận kết quả", "Ký nhận", "Ghi chú"]
    (row,) = table_rows(html)
    assert row[:2] == ["1", code]
    assert row[6:9] == ["27/11/2026 09:00", "02/12/2026 17:00", "30/11/2026 10:00"]
    assert row[11] == "Đã trả kết quả, trước hạn"
    assert "Tổng số: 1 hồ sơ" in text_of(html)
