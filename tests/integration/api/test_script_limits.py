"""A script that exceeds its limits is a located 422 naming the step and line, never a 500."""

from __future__ import annotations

from sqlalchemy import select

from engine.persistence.models import Dossier
from tests.conftest import TEST_CENTER, deploy
from tests.fixtures import tiny_procedure


def _deploy_bomb(session_factory, ctx, tmp_path):
    folder = tmp_path / tiny_procedure.KEY
    for name, content in tiny_procedure.files(script="fee = 1\nlabel = 'a' * 10**9").items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    deploy(session_factory, ctx, tiny_procedure.KEY, folder)


def test_a_memory_bomb_answers_422_naming_the_step_and_line(client, reception, session_factory, ctx, tmp_path):
    _deploy_bomb(session_factory, ctx, tmp_path)
    body = {"procedure": tiny_procedure.KEY, "center": TEST_CENTER[0],
            "data": {"applicant": {"applicant_name": "Phạm Văn Bình"}}}
    response = client.post("/api/v1/dossiers", json=body, headers=reception)
    assert response.status_code == 422, response.json
    assert response.json["error"] == "script_limit_exceeded"
    errors = response.json["errors"]
    incident = errors.pop("incident")  # the received dossier, kept for an administrator
    assert errors == {"element_id": "compute", "detail": "memory limit of 32 MiB exceeded at line 2",
                      "limit": "memory", "limit_value": "32 MiB", "line": 2}
    assert "bộ nhớ" in response.json["message"] and "dòng 2" in response.json["message"]
    english = client.post("/api/v1/dossiers", json=body, headers={**reception, "Accept-Language": "en"})
    assert english.status_code == 422 and "memory limit" in english.json["message"]
    with session_factory() as session:
        assert set(session.scalars(select(Dossier.status))) == {"failed"}
        assert incident["dossier"] in session.scalars(select(Dossier.code)).all()
