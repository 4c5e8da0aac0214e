"""The studio's pages: the procedure list with each version's life and dossiers, the modeler on a
deployed version and its diagram; who may open them, and a 404 for what does not exist."""

from __future__ import annotations

import io
import json
import re
import zipfile

from tests.integration.admin.pages import receive, text_of
from tests.integration.admin.test_sign_in import sign_in


def _studio_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="studio-data">(.*?)</script>', page, re.S)
    assert found, "the modeler page carries its data"
    return json.loads(found.group(1))


def test_an_analyst_sees_each_version_with_who_deployed_it_and_its_dossiers(client, analyst, reception):
    receive(client, reception)
    sign_in(client, "phantich")
    response = client.get("/thiet-ke")
    assert response.status_code == 200
    page = text_of(response.get_data(as_text=True))
    assert "Thiết kế quy trình" in page
    row = re.search(r'data-testid="version-enterprise_registration-1">(.*?)</tr>',
                    response.get_data(as_text=True), re.S)
    assert row, "version 1 of the procedure is listed"
    assert "Đang áp dụng" in row.group(1) and "1 / 1" in text_of(row.group(1))
    assert 'href="/thiet-ke/enterprise_registration/phien-ban/1"' in row.group(1)


def test_the_modeler_opens_a_version_and_serves_its_diagram(client, analyst):
    sign_in(client, "phantich")
    page = client.get("/thiet-ke/enterprise_registration/phien-ban/1")
    assert page.status_code == 200
    data = _studio_data(page.get_data(as_text=True))
    assert data["diagramUrl"] == "/thiet-ke/enterprise_registration/phien-ban/1/so-do.bpmn"
    assert [o["value"] for o in data["vocabulary"]["stages"]] == [
        "receive", "appraise", "consult", "approve", "pay", "return"]
    diagram = client.get(data["diagramUrl"])
    assert diagram.status_code == 200 and diagram.mimetype == "application/xml"
    assert b"<bpmn:definitions" in diagram.data or b"definitions" in diagram.data[:500]


def test_a_version_downloads_as_its_procedure_folder(client, analyst):
    sign_in(client, "phantich")
    response = client.get("/thiet-ke/enterprise_registration/phien-ban/1/thu-muc.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert 'filename="enterprise_registration-v1.zip"' in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        procedure = json.loads(archive.read("enterprise_registration/procedure.json"))
    assert "enterprise_registration/enterprise_registration.bpmn" in names
    assert "enterprise_registration/forms/appraise_dossier.schema.json" in names
    assert procedure["key"] == "enterprise_registration"


def test_an_official_without_the_version_rule_is_refused(client, reception):
    sign_in(client, "tiepnhan")
    assert client.get("/thiet-ke").status_code == 403
    assert client.get("/thiet-ke/enterprise_registration/phien-ban/1").status_code == 403
    assert client.get("/thiet-ke/enterprise_registration/phien-ban/1/so-do.bpmn").status_code == 403
    assert client.get("/thiet-ke/enterprise_registration/phien-ban/1/thu-muc.zip").status_code == 403


def test_a_missing_procedure_or_version_is_a_404_naming_it(client, analyst):
    sign_in(client, "phantich")
    page = client.get("/thiet-ke/enterprise_registration/phien-ban/9")
    assert page.status_code == 404
    assert "không có phiên bản 9" in page.get_data(as_text=True)
    assert client.get("/thiet-ke/khong_co/phien-ban/1/so-do.bpmn").status_code == 404


def test_signing_in_is_required(client):
    response = client.get("/thiet-ke")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
