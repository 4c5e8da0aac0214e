"""No input reaches a 500: NUL bytes, invalid UTF-8, huge integers, deep or malformed JSON and foreign
content types are refused at the edge in the error shape, Vietnamese by default."""

from __future__ import annotations

import io
import json
import logging

import pytest

from engine.persistence.models import Official
from tests.fixtures import tiny_procedure
from tests.integration.api.conftest import login

TASK = "6f1c1b9e-1111-4111-8111-111111111111"


def assert_refused(response, status: int, error: str, where: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    body = response.json
    assert (body["code"], body["error"]) == (status, error)
    assert body["message"] == body["message_vi"] != body["message_en"]
    if where is not None:
        assert where in body["errors"]
    return body


@pytest.fixture
def no_tracebacks(caplog):
    caplog.set_level(logging.ERROR)
    yield
    assert not [r for r in caplog.records if r.exc_info], "a refused input logged a traceback"


@pytest.mark.parametrize("url", ["/api/v1/tasks?dossier=a%00b", "/api/v1/inbox/mine?q=%00",
                                 "/api/v1/dossiers/a%00b", "/api/v1/dossiers/a%00b/history",
                                 "/api/v1/logbook.html?center=x%00", "/tra-cuu/a%00b", "/tra-cuu?ma=%00"])
def test_a_nul_byte_in_a_filter_or_path_is_a_400(client, reception, no_tracebacks, url):
    assert_refused(client.get(url, headers=reception), 400, "invalid_text")


def test_a_nul_byte_in_a_body_is_a_400_naming_the_field(client, reception, no_tracebacks):
    body = {"procedure": "enterprise_registration", "center": "hcc_test", "data": {"ten": ["ok", "a\x00b"]}}
    refused = assert_refused(client.post("/api/v1/dossiers", json=body, headers=reception), 400, "invalid_text",
                             "/data/ten/1")
    assert "NUL" in refused["message"]


def test_a_nul_byte_in_a_form_upload_is_a_400(client, reception, no_tracebacks):
    response = client.post("/api/v1/procedures", data={"key": "a\x00b"}, headers=reception,
                           content_type="multipart/form-data")
    assert_refused(response, 400, "invalid_text", "key")


def test_invalid_utf8_in_the_path_query_or_body_is_a_400(client, reception, no_tracebacks):
    # The WSGI server hands raw path bytes as latin-1 text; the test client would re-encode them.
    path = client.get("/", environ_overrides={"PATH_INFO": "/api/v1/dossiers/\xff\xfe"}, headers=reception)
    assert_refused(path, 400, "invalid_text", "path")
    assert_refused(client.get("/api/v1/tasks?dossier=%ff", headers=reception), 400, "invalid_text", "query")
    body = client.post("/api/v1/dossiers", data=b'{"procedure": "\xff"}', content_type="application/json",
                       headers=reception)
    assert_refused(body, 400, "invalid_text", "body")
    surrogate = client.post("/api/v1/dossiers", data='{"procedure": "\\ud800"}', content_type="application/json",
                            headers=reception)
    assert_refused(surrogate, 400, "invalid_text", "/procedure")


def test_ids_beyond_64_bits_are_refused(client, reception, leader, no_tracebacks):
    body = {"task_ids": [TASK], "to_official": 10**30, "reason": "chuyển"}
    assert_refused(client.post("/api/v1/tasks/reassign", json=body, headers=leader), 422, "number_out_of_range",
                   "/to_official")
    assert client.get("/api/v1/dossiers/" + "9" * 30, headers=reception).status_code == 404
    assert client.get("/api/v1/org/officials/" + "9" * 30, headers=reception).status_code in (403, 404)
    assert client.get("/api/v1/org/officials?page=" + "9" * 30, headers=reception).status_code == 422


def test_json_nested_100000_deep_is_a_400(client, reception, no_tracebacks):
    deep = "[" * 100_000 + "]" * 100_000
    assert_refused(client.post("/api/v1/dossiers", data=deep, content_type="application/json", headers=reception),
                   400, "json_too_deep")
    shallow_but_too_deep = {"procedure": "x", "center": "y", "data": json.loads("[" * 40 + "]" * 40)}
    assert_refused(client.post("/api/v1/dossiers", json=shallow_but_too_deep, headers=reception), 400,
                   "json_too_deep")


def test_nan_and_infinity_are_refused(client, reception, no_tracebacks):
    for text in ('{"data": NaN}', '{"data": Infinity}'):
        assert_refused(client.post("/api/v1/dossiers", data=text, content_type="application/json",
                                   headers=reception), 400, "invalid_json")
    assert_refused(client.post("/api/v1/dossiers", data='{"data": 1e999}', content_type="application/json",
                               headers=reception), 422, "number_out_of_range", "/data")


def test_malformed_json_is_a_400_in_vietnamese_saying_where(client, reception, no_tracebacks):
    refused = assert_refused(client.post("/api/v1/dossiers", data='{"procedure": ', content_type="application/json",
                                         headers=reception), 400, "invalid_json", "body")
    assert "không đúng cú pháp (dòng 1, cột 15)" in refused["message"]
    english = client.post("/api/v1/dossiers", data="{bad", content_type="application/json",
                          headers={**reception, "Accept-Language": "en"})
    assert english.json["message"].startswith("Malformed JSON (line 1, column 2)")


def test_a_foreign_content_type_is_a_415(client, reception, no_tracebacks):
    body = json.dumps({"procedure": "enterprise_registration", "center": "hcc_test", "data": {}})
    refused = assert_refused(client.post("/api/v1/dossiers", data=body, content_type="text/plain",
                                         headers=reception), 415, "unsupported_media_type", "Content-Type")
    assert "text/plain" in refused["message"] and "application/json" in refused["message"]
    assert client.post(f"/api/v1/tasks/{TASK}/claim", headers=reception).status_code == 404  # no body: no type needed


def test_a_json_body_over_the_size_limit_is_a_413(client, reception, no_tracebacks):
    huge = json.dumps({"data": {"text": "a" * (3 * 1024 * 1024)}})
    assert_refused(client.post("/api/v1/dossiers", data=huge, content_type="application/json", headers=reception),
                   413, "payload_too_large")


def test_an_overlong_query_string_is_a_414(client, reception, no_tracebacks):
    assert_refused(client.get("/api/v1/tasks?dossier=" + "a" * 5000, headers=reception), 414, "query_too_long")


@pytest.fixture
def analyst(client, session_factory, password_hash, ctx):
    with session_factory.begin() as session:
        session.add(Official(username="phantich", full_name="Phạm Văn Phân", password_hash=password_hash,
                             roles=["analyst"], active=True, created_at=ctx.clock.now()))
    return login(client, "phantich")


def _deploy(client, headers, diagram: bytes):
    files = tiny_procedure.files(diagram)
    data = {"key": tiny_procedure.KEY, "files": [(io.BytesIO(content), name) for name, content in files.items()]}
    return client.post("/api/v1/procedures", data=data, headers=headers, content_type="multipart/form-data")


def test_a_utf16_diagram_is_a_422_naming_the_encoding(client, analyst, no_tracebacks):
    declared = tiny_procedure.bpmn().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    refused = assert_refused(_deploy(client, analyst, declared.encode("utf-16")), 422, "deployment_invalid")
    assert "UTF-8" in refused["errors"]["problems"][0]["message"]


def test_a_doctype_after_64_kib_of_padding_is_a_422(client, analyst, no_tracebacks):
    padded = "<!--" + "x" * 70_000 + "-->\n" + '<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
    diagram = tiny_procedure.bpmn().replace('<?xml version="1.0" encoding="UTF-8"?>\n', padded)
    refused = assert_refused(_deploy(client, analyst, diagram.encode()), 422, "deployment_invalid")
    assert "DOCTYPE" in refused["errors"]["problems"][0]["message"]
