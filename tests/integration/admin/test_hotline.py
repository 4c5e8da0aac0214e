"""The hotline desk: a signed-in reception official finds a caller's dossier by code, phone or name
within their own center and reads out its public progress; other roles and other centers get nothing."""

from __future__ import annotations

from tests.conftest import enterprise_start_data
from tests.integration.admin.pages import other_center_official, receive, text_of
from tests.integration.admin.posting import page_csrf
from tests.integration.admin.test_sign_in import sign_in
from tests.integration.api.conftest import add_official


def test_reception_finds_a_dossier_by_name_without_accents_phone_or_code(client, reception):
    code = receive(client, reception, name="Phạm Thị Hương")
    receive(client, reception, name="Nguyễn Văn An")
    phone = enterprise_start_data()["applicant"]["phone"]
    sign_in(client, "tiepnhan")
    by_name = text_of(client.get("/duong-day-nong", query_string={"q": "pham thi huong"}).get_data(as_text=True))
    assert code in by_name and "Phạm Thị Hương" in by_name and "Nguyễn Văn An" not in by_name
    by_phone = text_of(client.get("/duong-day-nong", query_string={"q": phone}).get_data(as_text=True))
    assert code in by_phone and "2 hồ sơ" in by_phone
    by_code = client.get("/duong-day-nong", query_string={"q": code}).get_data(as_text=True)
    assert f'href="/duong-day-nong/{code}"' in by_code and "1 hồ sơ" in text_of(by_code)
    answer = client.get(f"/duong-day-nong/{code}")
    assert answer.status_code == 200
    html = text_of(answer.get_data(as_text=True))
    assert "Quá trình xử lý" in html and "Hẹn trả kết quả" in html and "Đang xử lý" in html
    assert enterprise_start_data()["applicant"]["id_number"] not in html  # the data stays unread


def test_a_too_short_name_asks_for_more(client, reception):
    sign_in(client, "tiepnhan")
    page = client.get("/duong-day-nong", query_string={"q": "an"})
    assert page.status_code == 200 and "Họ tên cần ít nhất 3 ký tự" in page.get_data(as_text=True)


def test_another_centers_reception_finds_nothing(client, reception, session_factory, ctx, password_hash):
    code = receive(client, reception, name="Phạm Thị Hương")
    other = other_center_official(client, session_factory, ctx, password_hash)
    sign_in(client, other)
    listed = text_of(client.get("/duong-day-nong", query_string={"q": "Phạm Thị Hương"}).get_data(as_text=True))
    assert code not in listed and "Không tìm thấy hồ sơ nào" in listed
    assert client.get(f"/duong-day-nong/{code}").status_code == 404


def test_a_specialist_may_not_answer_the_hotline(client, session_factory, ctx, password_hash):
    sign_in(client, "chuyenvien")
    refused = client.get("/duong-day-nong")
    assert refused.status_code == 403 and "hotline.read" in refused.get_data(as_text=True)
    assert "Đường dây nóng" not in client.get("/").get_data(as_text=True)  # nor is it offered in the menu


def test_the_menu_offers_the_hotline_to_reception_and_center_leaders(client, session_factory, ctx, password_hash):
    sign_in(client, "tiepnhan")
    assert 'href="/duong-day-nong"' in client.get("/").get_data(as_text=True)
    add_official(session_factory, ctx, password_hash, "giamdoc2", ["center_leader"], "trung_tam_hcc")
    client.post("/dang-xuat", data={"csrf_token": _csrf(client)})
    sign_in(client, "giamdoc2")
    assert client.get("/duong-day-nong").status_code == 200


def test_signed_out_the_hotline_asks_to_sign_in(client):
    assert client.get("/duong-day-nong").status_code == 302


def _csrf(client) -> str:
    return page_csrf(client.get("/").get_data(as_text=True))


def test_a_phone_number_is_found_however_it_is_written(client, reception):
    code = receive(client, reception)
    phone = enterprise_start_data()["applicant"]["phone"]  # 0912345678 as the form sent it
    sign_in(client, "tiepnhan")
    for asked in (f"{phone[:4]} {phone[4:7]} {phone[7:]}", f"{phone[:4]}.{phone[4:7]}.{phone[7:]}", "+84" + phone[1:]):
        html = text_of(client.get("/duong-day-nong", query_string={"q": asked}).get_data(as_text=True))
        assert code in html, asked


def test_the_migration_gives_older_dossiers_their_phone(client, reception, session_factory):
    """Dossiers received before the applicant_phone column get it from their JSON (f3b7d1c9a5e2)."""
    from sqlalchemy import select, update

    from engine.persistence.models import Dossier
    from tests.migrations import migration

    receive(client, reception)
    with session_factory.begin() as session:
        session.execute(update(Dossier).values(applicant_phone=None))
        migration("f3b7d1c9a5e2_applicant_phone")._fill_phones(session.connection())
        phones = session.scalars(select(Dossier.applicant_phone)).all()
    assert phones == [enterprise_start_data()["applicant"]["phone"]]
