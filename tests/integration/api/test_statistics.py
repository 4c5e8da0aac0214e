"""Over HTTP: the statistics a unit leader may read, their exports, and the errors of a bad request."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import complete_task
from engine.statistics.units import forget_units
from tests.conftest import enterprise_start_data, open_tasks
from tests.integration.api.conftest import login
from tests.procedures.test_enterprise_registration import APPRAISE_OK
from tests.staff import Staff

PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}


def _two_dossiers(session_factory, ctx, center, clock):
    """Two dossiers received at the test center, one appraised by the specialist."""
    forget_units()
    staff = Staff(session_factory, center.code)
    with session_factory.begin() as session:
        first = start_dossier(session, ctx, "enterprise_registration", actor=staff.reception,
                              center_code=center.code, data=enterprise_start_data())
        start_dossier(session, ctx, "enterprise_registration", actor=staff.reception, center_code=center.code,
                      data=enterprise_start_data())
    (task,) = open_tasks(session_factory, first.id)
    with session_factory.begin() as session:
        complete_task(session, ctx, task.id, actor=staff.for_task(task.id), data=APPRAISE_OK)
    return first.code


def test_a_unit_leader_reads_figures_steps_and_lists_of_their_unit(client, session_factory, ctx, center, clock):
    code = _two_dossiers(session_factory, ctx, center, clock)
    headers = login(client, "lanhdao")
    figures = client.get("/api/v1/statistics/figures", query_string=PERIOD, headers=headers)
    assert figures.status_code == 200, figures.json
    assert (figures.json["received"], figures.json["finished"], figures.json["in_progress"]) == (2, 0, 2)
    assert figures.json["on_time_rate"] == 1.0 and figures.json["scope"] == "Sở Tài chính"
    (step,) = client.get("/api/v1/statistics/steps", query_string=PERIOD, headers=headers).json
    assert (step["element_id"], step["completed"], step["allotted_hours"]) == ("appraise_dossier", 1, 16.0)
    received = client.get("/api/v1/statistics/dossiers", query_string={**PERIOD, "figure": "received"},
                          headers=headers).json
    assert len(received) == 2 and code in {line["code"] for line in received}
    assert client.get("/api/v1/statistics/trend", query_string=PERIOD, headers=headers).json[26]["received"] == 2
    indicators = {i["code"]: i for i in client.get("/api/v1/statistics/indicators", query_string=PERIOD,
                                                    headers=headers).json}
    assert indicators["2.1"]["value"] == 1.0 and indicators["1.4"]["missing"]
    units = client.get("/api/v1/statistics/units", query_string=PERIOD, headers=headers).json
    held = {row["key"]: (row["completed"], row["held"]) for row in units}
    assert held == {"so_tai_chinh.phong_dkkd": (1, 1), "so_tai_chinh": (0, 1)}  # one appraised; approval waits


def test_exports_as_csv_and_xlsx(client, session_factory, ctx, center, clock):
    _two_dossiers(session_factory, ctx, center, clock)
    headers = login(client, "lanhdao")
    csv = client.get("/api/v1/statistics/export", query_string={**PERIOD, "format": "csv"}, headers=headers)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data().decode("utf-8-sig")
    assert "received,2" in text.replace("\r", "") and "appraise_dossier" in text
    xlsx = client.get("/api/v1/statistics/export", query_string={**PERIOD, "format": "xlsx"}, headers=headers)
    book = load_workbook(io.BytesIO(xlsx.get_data()))
    assert book.sheetnames[:3] == ["figures", "indicators", "trend"]
    assert ["received", 2] in [[c.value for c in row] for row in book["figures"].iter_rows()]


def test_who_may_not_read_and_what_is_not_found(client):
    specialist = login(client, "chuyenvien")
    refused = client.get("/api/v1/statistics/figures", headers=specialist)
    assert refused.status_code == 403 and "statistics.read" in refused.json["message"]
    leader = login(client, "lanhdao")
    assert client.get("/api/v1/statistics/figures", query_string={"unit": "trung_tam_hcc"},
                      headers=leader).status_code == 403
    assert client.get("/api/v1/statistics/figures", query_string={"center": "hcc_nowhere"},
                      headers=leader).status_code == 404
    bad = client.get("/api/v1/statistics/figures", query_string={"from": "2026-12-02", "to": "2026-12-01"},
                     headers=leader)
    assert bad.status_code == 422 and "to" in bad.json["errors"]["data"]
    assert client.get("/api/v1/statistics/figures").status_code == 401
    assert client.get("/api/v1/statistics/appraisals/KHONG-CO", headers=leader).status_code == 404
