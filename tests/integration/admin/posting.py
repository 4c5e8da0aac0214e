"""Helpers of the form pages' tests: a dossier received over the API, its open task, and posting a
page's form with the CSRF token the page carries."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from tests.conftest import enterprise_start_data
from tests.integration.api.conftest import login


def receive_dossier(client: FlaskClient, center: str = "hcc_test", **overrides: Any) -> str:
    """A dossier of enterprise_registration received by the test center's reception; its code."""
    response = client.post("/api/v1/dossiers", headers=login(client, "tiepnhan"), json={
        "procedure": "enterprise_registration", "center": center, "data": enterprise_start_data(**overrides)})
    assert response.status_code == 201, response.json
    return str(response.json["code"])


def open_task_id(client: FlaskClient, code: str, username: str) -> str:
    response = client.get("/api/v1/tasks", query_string={"dossier": code, "status": "open"},
                          headers=login(client, username))
    assert response.status_code == 200 and response.json, response.json
    return str(response.json[0]["id"])


def page_csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, Any] | list[tuple[str, str]]) -> Any:
    """Post to a page's form with the CSRF token the page itself carries."""
    token = page_csrf(client.get(url).get_data(as_text=True))
    pairs = list(data.items()) if isinstance(data, dict) else list(data)
    return client.post(url, data=MultiDict([*pairs, ("csrf_token", token)]))
