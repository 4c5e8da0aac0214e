"""A diagram that fails while an official works from the pages leaves a visible incident, as it
does over the API: the counter keeps the received dossier, the task page records the failed step."""

from __future__ import annotations

import json
import re

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.persistence.models import Dossier, HistoryEvent
from tests.conftest import deploy_package
from tests.fixtures import tiny_procedure
from tests.integration.admin.posting import open_task_id, page_csrf, post_form
from tests.integration.admin.test_sign_in import password_hash, sign_in  # noqa: F401 (cheap hashes)
from tests.integration.api.conftest import login
from tests.integration.engine.test_incident_migration import BROKEN
from tests.integration.engine.test_localities import START, START_WITH_FORM

LANES = {"staff": {"department": "so_tai_chinh.phong_dkkd", "role": "specialist"}}
INTAKE = {"type": "object", "properties": {"applicant": {
    "type": "object", "title": "Người nộp hồ sơ",
    "properties": {"applicant_name": {"type": "string", "title": "Họ và tên"}}}}}


def statuses(session_factory) -> list[str]:
    with session_factory() as session:
        return [str(s) for s in session.scalars(select(Dossier.status).order_by(Dossier.id))]


def test_the_counter_keeps_a_dossier_whose_diagram_fails_at_reception(client, app, session_factory, ctx):
    files = tiny_procedure.files(diagram=tiny_procedure.bpmn(script="total = 1 / 0").replace(START, START_WITH_FORM),
                                 metadata={**tiny_procedure.METADATA, "lanes": LANES})
    files["forms/intake.schema.json"] = json.dumps(INTAKE).encode()
    deploy_package(session_factory, ctx.clock, tiny_procedure.ProcedurePackage(key=tiny_procedure.KEY, files=files))
    sign_in(client, "tiepnhan")
    url = f"/tiep-nhan/{tiny_procedure.KEY}"
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    data = MultiDict([("applicant/applicant_name", "Phạm Văn Bình"), ("csrf_token", page_csrf(page)),
                      ("idempotency_key", key)])
    refused = client.post(url, data=data)
    assert refused.status_code == 422
    assert statuses(session_factory) == ["failed"]
    with session_factory() as session:
        code = session.scalar(select(Dossier.code))
    assert code in refused.get_data(as_text=True)  # the message names the dossier kept for an administrator
    again = client.post(url, data=data)  # the same form sent again opens that dossier: no second one
    assert again.status_code == 302 and again.headers["Location"].endswith(code)
    assert statuses(session_factory) == ["failed"]


def test_a_step_failing_from_its_page_leaves_an_incident(client, app, session_factory, ctx):
    deploy_package(session_factory, ctx.clock, tiny_procedure.package(
        diagram=BROKEN.files[f"{tiny_procedure.KEY}.bpmn"].decode(), metadata={**tiny_procedure.METADATA,
                                                                              "lanes": LANES}))
    response = client.post("/api/v1/dossiers", headers=login(client, "tiepnhan"), json={
        "procedure": tiny_procedure.KEY, "center": "hcc_test", "data": {"applicant": {"applicant_name": "An"}}})
    code = response.json["code"]
    url = f"/cong-viec/{open_task_id(client, code, 'chuyenvien')}"
    sign_in(client, "chuyenvien")
    assert post_form(client, url, {"action": "claim"}).status_code == 302
    failed = post_form(client, url, {"decision": "approve"})
    assert failed.status_code == 302
    assert statuses(session_factory) == ["failed"]
    with session_factory() as session:
        last = session.scalars(select(HistoryEvent.event_type).order_by(HistoryEvent.id.desc())).first()
    assert last == "dossier_failed"
