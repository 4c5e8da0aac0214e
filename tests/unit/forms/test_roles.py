"""Form fields declare what they mean to the engine; nothing is read from a field's name."""

from __future__ import annotations

from forms.roles import fields_with_role, roles_of

APPRAISE = {"properties": {"thieu": {"x-motcua-role": "missing_documents"}, "y_kien": {"x-motcua-role": "opinion"},
                           "missing_documents": {"type": "array"}}}
APPROVE = {"properties": {"nhan_xet": {"x-motcua-role": "opinion"}}}


def test_fields_are_found_by_their_declared_role_not_their_name():
    assert fields_with_role([APPRAISE], "missing_documents") == ["thieu"]
    assert fields_with_role([APPRAISE, APPROVE], "opinion") == ["y_kien", "nhan_xet"]
    assert roles_of({"type": "object"}) == {}
