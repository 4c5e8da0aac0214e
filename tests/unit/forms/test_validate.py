"""Form validation speaks the official's language and names the field."""

from __future__ import annotations

from forms.validate import validate_submission

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["ho_ten", "ngay_sinh"],
    "properties": {
        "ho_ten": {"type": "string", "title": "Họ và tên", "minLength": 1},
        "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
        "so_dinh_danh": {"type": "string", "pattern": "^[0-9]{12}$", "title": "Số định danh cá nhân"},
        "so_ban": {"type": "integer", "minimum": 1, "title": "Số bản"},
        "giay_to": {"type": "array", "minItems": 1, "items": {"enum": ["cccd", "ho_chieu"]}, "title": "Giấy tờ"},
    },
}


def by_field(data):
    return {e.field: e for e in validate_submission(SCHEMA, data)}


def test_valid_data_has_no_errors():
    assert validate_submission(SCHEMA, {"ho_ten": "Lê Thị Hồng", "ngay_sinh": "1990-02-03", "so_ban": 2}) == []


def test_each_problem_names_the_field_with_its_title():
    errors = by_field({"ngay_sinh": "03/02/1990", "so_dinh_danh": "123", "so_ban": 0, "giay_to": ["visa"],
                       "thua": 1})
    assert errors["ho_ten"].message == "Trường “Họ và tên” là bắt buộc"
    assert errors["ho_ten"].message_en == "Field “ho_ten” is required"
    assert errors["ngay_sinh"].message == "Ngày sinh: không đúng định dạng date"
    assert errors["so_dinh_danh"].message == "Số định danh cá nhân: không đúng định dạng"
    assert errors["so_ban"].message == "Số bản: phải lớn hơn hoặc bằng 1"
    assert errors["giay_to/0"].message.endswith("giá trị không nằm trong danh sách cho phép")
    assert errors[""].message.endswith("có trường không được phép: thua")
