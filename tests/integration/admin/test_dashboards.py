"""The dashboards' pages over the test client: a unit leader sees their unit's figures, lists and
diagram; a specialist is refused; a scope beyond the reader's is refused; an unknown figure is not
found; the exports download; the supervisor's pages read the appraisal record and the watchlist."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.integration.admin.pages import receive, text_of
from tests.integration.admin.test_sign_in import sign_in
from tests.integration.api.conftest import add_official

PERIOD = "first=2026-11-01&last=2026-11-30"


@pytest.fixture
def dossiers(client: FlaskClient, reception: dict[str, str]) -> list[str]:
    from engine.statistics.units import forget_units

    forget_units()
    return [receive(client, reception, "Nguyễn Văn An"), receive(client, reception, "Trần Thị Bình")]


def test_a_unit_leader_reads_the_figures_of_their_unit(client, dossiers):
    sign_in(client, "lanhdao")
    page = client.get(f"/thong-ke?{PERIOD}")
    assert page.status_code == 200
    text = text_of(page.get_data(as_text=True))
    assert "Sở Tài chính" in text and "Tỷ lệ đúng hạn (QĐ 766)" in text
    assert "2.1 Tỷ lệ hồ sơ giải quyết đúng hạn" in text
    assert 'data-testid="figure-received"' in page.get_data(as_text=True)
    listed = client.get(f"/thong-ke/ho-so?figure=received&{PERIOD}").get_data(as_text=True)
    assert all(code in listed for code in dossiers)
    assert "Thẩm định hồ sơ" in text_of(client.get(f"/thong-ke/ho-so?figure=in_progress&{PERIOD}")
                                        .get_data(as_text=True))


def test_the_bottleneck_page_serves_the_procedure_diagram(client, dossiers):
    sign_in(client, "lanhdao")
    page = client.get(f"/thong-ke/diem-nghen?procedure=enterprise_registration&{PERIOD}")
    assert page.status_code == 200 and 'id="heatmap"' in page.get_data(as_text=True)
    diagram = client.get("/thong-ke/diem-nghen/so-do.bpmn?procedure=enterprise_registration")
    assert diagram.status_code == 200 and b"appraise_dossier" in diagram.get_data()
    assert client.get("/thong-ke/diem-nghen/so-do.bpmn?procedure=khong_co").status_code == 404


def test_exports_download_as_csv_and_xlsx(client, dossiers):
    sign_in(client, "lanhdao")
    csv = client.get(f"/thong-ke/xuat.csv?{PERIOD}")
    assert csv.status_code == 200 and "received,2" in csv.get_data().decode("utf-8-sig").replace("\r", "")
    xlsx = client.get(f"/thong-ke/xuat.xlsx?{PERIOD}")
    assert "figures" in load_workbook(io.BytesIO(xlsx.get_data())).sheetnames


def test_refusals_and_errors(client, dossiers):
    sign_in(client, "chuyenvien")
    refused = client.get("/thong-ke")
    assert refused.status_code == 403 and "statistics.read" in refused.get_data(as_text=True)
    sign_in(client, "lanhdao")
    assert client.get("/thong-ke?unit=trung_tam_hcc").status_code == 403
    assert client.get("/thong-ke?center=hcc_khong_co").status_code == 404
    assert client.get("/thong-ke/ho-so?figure=khong_co").status_code == 404
    wrong = client.get("/thong-ke?first=2026-12-02&last=2026-12-01")
    assert wrong.status_code == 200 and "Ngày kết thúc không được trước ngày bắt đầu" in wrong.get_data(as_text=True)
    assert client.get("/giam-sat/tham-dinh/KHONG-CO").status_code == 404


def test_the_supervisor_reads_the_watchlist_and_an_appraisal_record(client, app, session_factory, ctx, password_hash,
                                                                     dossiers):
    add_official(session_factory, ctx, password_hash, "giamsat", ["supervisor"], None, "hcc_test")
    sign_in(client, "giamsat")
    assert client.get(f"/giam-sat?{PERIOD}").status_code == 200
    record = client.get(f"/giam-sat/tham-dinh/{dossiers[0]}")
    assert record.status_code == 200 and "Thẩm định hồ sơ" in text_of(record.get_data(as_text=True))
    home = client.get("/").get_data(as_text=True)
    assert 'href="/thong-ke"' in home and 'href="/giam-sat"' in home
