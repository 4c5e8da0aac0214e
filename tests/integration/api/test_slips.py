"""The slips over HTTP: every kind as HTML and PDF, the logbook, 401 without a token, 404 where a
slip does not apply, with the project's error shape."""

from __future__ import annotations

import io
import re
from datetime import date

import pypdf
import pytest

from api import slips
from tests.conftest import TEST_CENTER
from tests.integration.api.conftest import login
from tests.procedures.test_enterprise_registration import APPRAISE_SUPPLEMENT
from tests.unit.engine.slips.conftest import SPECIALIST, Driver, local, refused

KINDS = ("receipt", "supplement_request", "refusal", "apology", "control")


@pytest.fixture(autouse=True)
def slips_registered(app):
    """The blueprints as api/app.py registers them (done here until it does)."""
    if "slips" not in app.blueprints:
        api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
        api.register_blueprint(slips.blp)
        api.register_blueprint(slips.logbook_blp)
    app.config.update(PUBLIC_BASE_URL="https://dichvucong.quangninh.gov.vn", SLIP_PLACE="Hạ Long")
    return app


@pytest.fixture
def dossiers(session_factory, ctx, clock, center):
    """A dossier waiting for its first supplement and extended; another one refused."""
    waiting = (Driver(session_factory, ctx, clock, center).start(local(27, 11, 9))
               .step(local(30, 11, 9), "appraise_dossier", APPRAISE_SUPPLEMENT, SPECIALIST)
               .extend(local(30, 11, 10), local(7, 12, 17)))
    return waiting.code, refused(Driver(session_factory, ctx, clock, center)).code


@pytest.fixture
def reception(client, dossiers):
    """Signed in after the dossiers were driven (the clock moved days on; tokens last hours)."""
    return login(client, "tiepnhan")


def test_every_slip_as_html_and_pdf(client, reception, dossiers):
    waiting, refused_code = dossiers
    for kind in KINDS:
        code = refused_code if kind == "refusal" else waiting
        html = client.get(f"/api/v1/dossiers/{code}/slips/{kind}.html", headers=reception)
        assert html.status_code == 200, (kind, html.json)
        assert html.content_type == "text/html; charset=utf-8"
        assert f"Mã hồ sơ: <b>{code}</b>" in html.text
        assert html.headers["Cache-Control"] == "no-store"
        pdf = client.get(f"/api/v1/dossiers/{code}/slips/{kind}.pdf", headers=reception)
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
        assert pdf.headers["Content-Disposition"].startswith("inline; filename=")
        assert pdf.headers["Content-Disposition"].endswith(f'-{code}.pdf"')
    receipt = client.get(f"/api/v1/dossiers/{waiting}/slips/receipt.html", headers=reception).text
    secret = re.search(r"mã bảo mật tra cứu <b>(\w{8})</b>", receipt).group(1)
    assert f"https://dichvucong.quangninh.gov.vn/tra-cuu/{waiting}?mbm={secret}" in receipt
    assert "Hạ Long, ngày 27 tháng 11 năm 2026" in receipt
    apology = pypdf.PdfReader(io.BytesIO(client.get(f"/api/v1/dossiers/{waiting}/slips/apology.pdf",
                                                    headers=reception).data))
    assert "17 giờ 00 phút, ngày 07 tháng 12 năm 2026" in " ".join(apology.pages[0].extract_text().split())


def test_slip_options_in_the_query(client, reception, dossiers):
    waiting, _ = dossiers
    first = client.get(f"/api/v1/dossiers/{waiting}/slips/supplement_request.html?number=1", headers=reception)
    assert first.status_code == 200 and "lần thứ: <b>01</b>" in first.text
    missing = client.get(f"/api/v1/dossiers/{waiting}/slips/supplement_request.html?number=2", headers=reception)
    assert missing.status_code == 404
    a5 = client.get(f"/api/v1/dossiers/{waiting}/slips/receipt.pdf?paper=A5", headers=reception)
    box = pypdf.PdfReader(io.BytesIO(a5.data)).pages[0].mediabox
    assert round(float(box.width) * 25.4 / 72) == 148
    assert client.get(f"/api/v1/dossiers/{waiting}/slips/receipt.pdf?paper=A3", headers=reception).status_code == 422


def test_a_slip_that_does_not_apply_is_404(client, reception, dossiers):
    _, refused_code = dossiers
    for kind in ("apology", "supplement_request"):
        response = client.get(f"/api/v1/dossiers/{refused_code}/slips/{kind}.pdf", headers=reception)
        assert response.status_code == 404
        body = response.json
        assert body["error"] == "not_found" and refused_code in body["message_vi"] and body["message_en"]
    english = client.get(f"/api/v1/dossiers/{refused_code}/slips/apology.html",
                         headers={**reception, "Accept-Language": "en"}).json
    assert english["message"] == f"Dossier {refused_code} was never extended, so it has no apology letter"
    assert client.get("/api/v1/dossiers/KHONG-CO/slips/receipt.html", headers=reception).status_code == 404
    unknown = client.get(f"/api/v1/dossiers/{refused_code}/slips/unknown.html", headers=reception)
    assert unknown.status_code == 404 and unknown.json["code"] == 404


def test_a_token_is_required(client, dossiers):
    waiting, _ = dossiers
    for path in (f"/api/v1/dossiers/{waiting}/slips/receipt.html", f"/api/v1/dossiers/{waiting}/slips/control.pdf",
                 "/api/v1/logbook.html", "/api/v1/logbook.pdf"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json["error"] == "not_authenticated"


def test_the_logbook(client, dossiers, reception):
    headers = reception
    waiting, refused_code = dossiers
    html = client.get(f"/api/v1/logbook.html?center={TEST_CENTER[0]}&from=2026-11-27&to=2026-11-27", headers=headers)
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert "SỔ THEO DÕI HỒ SƠ" in html.text and "Từ ngày 27/11/2026 đến ngày 27/11/2026" in html.text
    assert waiting in html.text and refused_code in html.text and "Tổng số: <b>2 hồ sơ</b>" in html.text
    none = client.get("/api/v1/logbook.html?from=2026-12-01", headers=headers)
    assert "Tổng số: <b>0 hồ sơ</b>" in none.text
    pdf = client.get(f"/api/v1/logbook.pdf?center={TEST_CENTER[0]}", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # Without dates, the 31 days up to today.
    named = re.fullmatch(rf'inline; filename="so-theo-doi-ho-so-{TEST_CENTER[0]}-(.{{10}})-(.{{10}}).pdf"',
                         pdf.headers["Content-Disposition"])
    assert named and (date.fromisoformat(named[2]) - date.fromisoformat(named[1])).days == 30
    page = pypdf.PdfReader(io.BytesIO(pdf.data)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 landscape
    assert client.get("/api/v1/logbook.pdf?center=khong_co", headers=headers).status_code == 404
    assert client.get("/api/v1/logbook.pdf?from=2026-13-01", headers=headers).status_code == 422
    assert client.get("/api/v1/logbook.pdf?from=2026-12-02&to=2026-12-01", headers=headers).status_code == 422
