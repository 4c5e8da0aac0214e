"""What the page tests share: dossiers received through the API, officials of another center."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from engine.persistence.models import Center
from tests.conftest import enterprise_start_data
from tests.integration.api.conftest import add_official, login


def receive(client: FlaskClient, headers: dict[str, str], name: str = "Nguyễn Văn An") -> str:
    """Receive an enterprise registration for ``name`` at the test center; its code."""
    data = enterprise_start_data()
    data["applicant"] = {**data["applicant"], "applicant_name": name}
    response = client.post("/api/v1/dossiers", headers=headers, json={
        "procedure": "enterprise_registration", "center": "hcc_test", "channel": "direct", "data": data})
    assert response.status_code == 201, response.json
    code: str = response.json["code"]
    return code


def other_center_official(client: FlaskClient, session_factory: Any, ctx: Any, password_hash: str) -> str:
    """A reception official of another center, which never sees the test center's dossiers."""
    with session_factory.begin() as session:
        session.add(Center(code="hcc_khac", name="Trung tâm khác", agency_identifier="000.00.99.H00"))
    add_official(session_factory, ctx, password_hash, "tiepnhan_khac", ["reception"], "trung_tam_hcc", "hcc_khac")
    login(client, "tiepnhan_khac")  # the account works: what it cannot see is the policy's doing
    return "tiepnhan_khac"


def text_of(html: str) -> str:
    """The page's words without tags or runs of blanks, for asserting what an official reads."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def drive(client: FlaskClient, code: str, steps: list[tuple[str, dict[str, Any]]]) -> None:
    """Claim and complete the dossier's open task as each (username, data) in turn."""
    for username, data in steps:
        headers = login(client, username)
        task = client.get("/api/v1/tasks", query_string={"dossier": code, "status": "open"}, headers=headers).json[0]
        assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=headers).status_code == 200
        done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=headers)
        assert done.status_code == 200, done.json
