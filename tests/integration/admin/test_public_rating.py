"""The citizen rates a returned dossier once from the lookup page (with the receipt's secret), or on
the counter's tablet; a second rating is refused, and so is one before the result is returned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from engine.persistence.models import DossierRating, Official, SatisfactionLevel
from engine.satisfaction import satisfaction_figures
from tests.integration.admin.pages import drive, other_center_official, receive, text_of
from tests.integration.admin.posting import page_csrf, post_form
from tests.integration.admin.test_public_lookup import secret_of
from tests.integration.admin.test_sign_in import sign_in
from tests.procedures.test_enterprise_registration import APPRAISE_OK, RETURN, SIGN

ISSUE = [("chuyenvien", APPRAISE_OK), ("lanhdao", SIGN), ("tiepnhan", RETURN)]


def returned(client, reception, session_factory) -> tuple[str, str]:
    code = receive(client, reception)
    drive(client, code, ISSUE)
    return code, secret_of(session_factory, code)


def lookup_url(code: str, secret: str) -> str:
    return f"/tra-cuu/{code}?mbm={secret}"


def rate(client, code: str, secret: str, **fields: str):
    """Post the lookup page's rating form, as the citizen's browser does."""
    token = page_csrf(client.get("/tra-cuu").get_data(as_text=True))
    return client.post(f"/tra-cuu/{code}/danh-gia", data={"mbm": secret, **fields, "csrf_token": token})


def test_a_returned_dossier_is_rated_once_from_the_lookup_page(client, reception, session_factory):
    code, secret = returned(client, reception, session_factory)
    page = client.get(lookup_url(code, secret)).get_data(as_text=True)
    assert "Đánh giá mức độ hài lòng" in page and 'name="level" value="very_satisfied"' in page
    rated = rate(client, code, secret, level="satisfied", official_level="very_satisfied",
                 comment="Cán bộ  hướng dẫn tận tình")
    assert rated.status_code == 302 and rated.headers["Location"].endswith(lookup_url(code, secret))
    after = text_of(client.get(lookup_url(code, secret)).get_data(as_text=True))
    assert "Cảm ơn ông/bà đã đánh giá" in after and "Ông/bà đã đánh giá hồ sơ này: Hài lòng" in after
    with session_factory() as session:
        rating = session.scalars(select(DossierRating)).one()
        returning = session.scalar(select(Official).where(Official.username == "tiepnhan"))
        assert rating.level == SatisfactionLevel.SATISFIED and rating.channel == "lookup"
        assert rating.official_id == returning.id and rating.official_level == SatisfactionLevel.VERY_SATISFIED
        assert rating.comment == "Cán bộ hướng dẫn tận tình" and rating.procedure_key == "enterprise_registration"

    assert 'name="level"' not in client.get(lookup_url(code, secret)).get_data(as_text=True)
    # The form is gone; a second rating posted by hand is refused all the same.
    forged = rate(client, code, secret, level="dissatisfied")
    assert forged.status_code == 409
    assert "mỗi hồ sơ chỉ được đánh giá một lần" in forged.get_data(as_text=True)
    with session_factory() as session:
        assert session.scalars(select(DossierRating)).one().level == SatisfactionLevel.SATISFIED


def test_a_dossier_still_in_progress_cannot_be_rated(client, reception, session_factory):
    code = receive(client, reception)
    secret = secret_of(session_factory, code)
    assert "Đánh giá mức độ hài lòng" not in client.get(lookup_url(code, secret)).get_data(as_text=True)
    early = rate(client, code, secret, level="satisfied")
    assert early.status_code == 409 and "sau khi đã nhận kết quả" in early.get_data(as_text=True)


def test_a_rating_needs_the_secret_and_a_level(client, reception, session_factory):
    code, secret = returned(client, reception, session_factory)
    wrong = rate(client, code, "SAIMABAO", level="satisfied")
    assert wrong.status_code == 404 and "Không tìm thấy hồ sơ" in wrong.get_data(as_text=True)
    no_level = rate(client, code, secret)
    assert no_level.status_code == 422 and "Vui lòng chọn một mức độ hài lòng" in no_level.get_data(as_text=True)
    without_csrf = client.post(f"/tra-cuu/{code}/danh-gia", data={"mbm": secret, "level": "satisfied"})
    assert without_csrf.status_code in (400, 403)
    with session_factory() as session:
        assert session.scalars(select(DossierRating)).all() == []


def test_the_counter_tablet_takes_the_one_rating(client, reception, session_factory, ctx, password_hash):
    code, secret = returned(client, reception, session_factory)
    assert client.get(f"/danh-gia-tai-quay/{code}").status_code == 302  # signed out: to the sign-in page
    sign_in(client, "tiepnhan")
    assert "Ông/bà có hài lòng" in client.get(f"/danh-gia-tai-quay/{code}").get_data(as_text=True)
    rated = post_form(client, f"/danh-gia-tai-quay/{code}", {"level": "very_satisfied"})
    assert rated.status_code == 302
    again = rate(client, code, secret, level="dissatisfied")
    assert again.status_code == 409
    with session_factory() as session:
        rating = session.scalars(select(DossierRating)).one()
        assert rating.channel == "counter" and rating.taken_by_id is not None and rating.official_id is None
    # Another center's reception cannot reach the dossier: not found, as if it did not exist.
    other = other_center_official(client, session_factory, ctx, password_hash)
    client.post("/dang-xuat", data={"csrf_token": page_csrf(client.get("/tra-cuu").get_data(as_text=True))})
    sign_in(client, other)
    assert client.get(f"/danh-gia-tai-quay/{code}").status_code == 404


def test_ratings_feed_the_satisfaction_figures_within_the_readers_scope(client, reception, session_factory, ctx):
    code, secret = returned(client, reception, session_factory)
    assert rate(client, code, secret, level="dissatisfied", official_level="satisfied").status_code == 302
    now = datetime.now(UTC)
    with session_factory() as session:
        leader = session.scalar(select(Official).where(Official.username == "lanhdao"))
        figures = satisfaction_figures(session, leader, since=now - timedelta(days=30), until=now + timedelta(days=1),
                                       today=ctx.today())
        assert figures.total.rated == 1 and figures.total.dissatisfied == 1
        assert figures.total.satisfied_rate == 0.0
        assert figures.by_center["hcc_test"].rated == 1 and figures.by_procedure["enterprise_registration"].rated == 1
        (official_count,) = figures.by_official.values()
        assert official_count.satisfied == 1
        assert len(figures.dissatisfied_dossier_ids) == 1
