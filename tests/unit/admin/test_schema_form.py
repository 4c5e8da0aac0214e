"""Forms drawn from a JSON Schema and read back: each kind of field, errors placed at their fields."""

from __future__ import annotations

import json

from werkzeug.datastructures import MultiDict

from admin.schema_form import data_from, drawn_names, fields_of, place_errors, posted_values, row_fields, values_from
from tests.conftest import LIBRARY

START = json.loads((LIBRARY / "enterprise_registration/forms/start.schema.json").read_text())
CERTIFIED = json.loads((LIBRARY / "certified_copy/forms/start.schema.json").read_text())


def _widgets(fields):
    return {f.name: f.widget for f in fields}


def test_each_kind_of_field_gets_its_widget():
    fields = fields_of(START)
    assert _widgets(fields) == {"applicant": "section", "enterprise_name": "text", "enterprise_name_en": "text",
                                "head_office_address": "textarea", "charter_capital_vnd": "integer",
                                "business_lines": "lines", "owner_type": "select", "documents": "checkboxes",
                                "result_delivery": "select"}
    assert _widgets(fields[0].children)["applicant/email"] == "email"
    assert fields[0].children[0].required and not fields[0].children[3].required
    assert [o.title for o in fields[6].options] == ["Cá nhân", "Tổ chức"]
    assert fields_of(START, skip=frozenset({"owner_type"}))[6].name == "documents"


def test_posted_fields_become_the_data_the_engine_checks():
    fields = fields_of(START)
    form = MultiDict([("applicant/applicant_name", " An "), ("applicant/phone", ""),
                      ("charter_capital_vnd", "2.000.000"),
                      ("business_lines", "Bán lẻ\n\n Ăn uống \n"), ("documents", "company_charter"),
                      ("documents", "registration_application"), ("owner_type", "individual"),
                      ("enterprise_name", "hai")])
    data = data_from(fields, posted_values(fields, form))
    assert data == {"applicant": {"applicant_name": "An"}, "enterprise_name": "hai", "charter_capital_vnd": 2_000_000,
                    "business_lines": ["Bán lẻ", "Ăn uống"], "owner_type": "individual",
                    "documents": ["registration_application", "company_charter"]}
    # Not a number: kept as typed, so the engine reports the type at the field.
    assert data_from(fields, {"charter_capital_vnd": "hai tỷ"})["charter_capital_vnd"] == "hai tỷ"
    assert values_from(fields, data)["business_lines"] == "Bán lẻ\nĂn uống"


def test_lists_of_records_are_drawn_as_rows_and_read_back():
    fields = fields_of(CERTIFIED)
    rows = next(f for f in fields if f.widget == "rows")
    values = {f"{rows.name}/0/document_name": "Bằng tốt nghiệp", f"{rows.name}/0/copy_count": "2",
              f"{rows.name}/1/document_name": ""}
    assert len(row_fields(rows, values)) == 2 and len(row_fields(rows, values, extra=1)) == 3  # the empty one too
    data = data_from(fields, values)
    assert data[rows.leaf] == [{"document_name": "Bằng tốt nghiệp", "copy_count": 2}]  # empty rows are left out
    assert values_from(fields, data)[f"{rows.name}/0/copy_count"] == "2"


def test_errors_go_to_the_nearest_drawn_field():
    fields = fields_of(START)
    placed = place_errors([("applicant/phone", "sai"), ("business_lines/2", "trùng"), ("", "cả biểu mẫu"),
                           ("khong_co/x", "lạ")], drawn_names(fields, {}))
    assert placed.at_field == {"applicant/phone": ["sai"], "business_lines": ["trùng"]}
    assert placed.elsewhere == ["cả biểu mẫu", "lạ"]
