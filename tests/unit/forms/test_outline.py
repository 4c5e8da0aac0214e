"""A start form's fields as the public catalogue lists them: titles, required, lists, choices, nesting."""

from __future__ import annotations

import json

from forms.outline import outline
from tests.conftest import ROOT


def test_the_certified_copy_form_in_outline():
    schema = json.loads((ROOT / "bpmn/certified_copy/forms/start.schema.json").read_text(encoding="utf-8"))
    fields = {field.name: field for field in outline(schema)}
    assert list(fields) == ["applicant", "documents_to_certify", "documents", "result_delivery"]
    applicant = fields["applicant"]
    assert applicant.title == "Người yêu cầu chứng thực" and applicant.required and not applicant.repeated
    children = {child.name: child for child in applicant.children}
    assert children["applicant_name"].title == "Họ và tên" and children["applicant_name"].required
    assert not children["email"].required and "không bắt buộc" in children["email"].description
    copies = fields["documents_to_certify"]
    assert copies.repeated and [c.name for c in copies.children][:2] == ["document_name", "issuing_authority"]
    assert fields["result_delivery"].choices == ("Nhận trực tiếp tại Bộ phận Một cửa",
                                                 "Nhận qua dịch vụ bưu chính công ích")
    assert fields["documents"].repeated and len(fields["documents"].choices) == 2


def test_anything_but_an_object_schema_has_no_fields():
    assert outline(None) == [] and outline({"type": "string"}) == []
    assert outline({"properties": {"x": {"enum": ["a", "b"]}}})[0].choices == ("a", "b")
    assert outline({"properties": {"x": {}}})[0].title == "x"  # no title: the field's name
