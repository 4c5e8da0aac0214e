"""Submitted data under its form's titles: choices by title, nested objects, lists, unknown fields."""

from __future__ import annotations

from forms.display import Entry, describe

SCHEMA = {
    "type": "object",
    "properties": {
        "applicant": {"title": "Người nộp hồ sơ", "type": "object",
                      "properties": {"applicant_name": {"title": "Họ và tên", "type": "string"}}},
        "owner_type": {"title": "Chủ sở hữu", "oneOf": [{"const": "individual", "title": "Cá nhân"}]},
        "capital": {"title": "Vốn điều lệ (đồng)", "type": "integer"},
        "documents": {"title": "Thành phần hồ sơ", "type": "array",
                      "items": {"oneOf": [{"const": "charter", "title": "Điều lệ"},
                                          {"const": "application", "title": "Giấy đề nghị"}]}},
        "members": {"title": "Thành viên", "type": "array",
                    "items": {"title": "Thành viên", "properties": {"name": {"title": "Tên"}}}},
        "agreed": {"title": "Cam kết", "type": "boolean"},
    },
}


def test_values_are_labelled_by_the_schemas_titles_in_its_order():
    entries = describe(SCHEMA, {"agreed": True, "capital": 2_000_000_000, "owner_type": "individual",
                                "applicant": {"applicant_name": "Nguyễn Văn An"}})
    assert [e.label for e in entries] == ["Người nộp hồ sơ", "Chủ sở hữu", "Vốn điều lệ (đồng)", "Cam kết"]
    assert entries[0].children == [Entry("applicant_name", "Họ và tên", "Nguyễn Văn An")]
    assert [e.text for e in entries[1:]] == ["Cá nhân", "2.000.000.000", "Có"]


def test_lists_of_choices_read_as_one_line_and_lists_of_objects_as_numbered_entries():
    documents, members = describe(SCHEMA, {"documents": ["application", "charter"],
                                           "members": [{"name": "An"}, {"name": "Bình"}]})
    assert documents.text == "Giấy đề nghị; Điều lệ"
    assert [(m.label, m.children[0].text) for m in members.children] == \
        [("Thành viên 1", "An"), ("Thành viên 2", "Bình")]


def test_fields_the_schema_does_not_name_keep_their_name_and_empty_ones_are_left_out():
    entries = describe(SCHEMA, {"note": "ghi chú", "capital": None, "documents": []})
    assert entries == [Entry("note", "note", "ghi chú")]
    assert describe(None, {"a": 1}) == [Entry("a", "a", "1")] and describe(SCHEMA, "not an object") == []
