"""Sample data for the test dossier: every form of the library accepts what is made for it."""

from __future__ import annotations

import json

import pytest

from engine.studio.sample_data import choices, sample
from forms.validate import validate_submission
from tests.conftest import LIBRARY

FORMS = sorted(LIBRARY.glob("*/forms/*.schema.json"))


@pytest.mark.parametrize("path", FORMS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_library_form_accepts_its_sample_for_each_decision(path):
    form = json.loads(path.read_text(encoding="utf-8"))
    variants = [{}] + [{name: value} for name, field in (form.get("properties") or {}).items()
                       for value in choices(field)]
    for chosen in variants:
        data = sample(form, chosen)
        assert validate_submission(form, data) == [], (chosen, data)
        assert all(data[name] == value for name, value in chosen.items())


def test_conditional_requirements_are_filled_and_patterns_matched():
    form = {"type": "object", "required": ["decision", "phone"],
            "properties": {"decision": {"enum": ["approve", "refuse"]}, "phone": {"type": "string",
                                                                                  "pattern": "^0[0-9]{9}$"},
                           "grounds": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 3}},
                           "day": {"type": "string", "format": "date"}},
            "if": {"properties": {"decision": {"const": "refuse"}}},
            "then": {"required": ["grounds", "day"]}}
    assert sample(form)["decision"] == "approve" and "grounds" not in sample(form)
    refused = sample(form, {"decision": "refuse"})
    assert validate_submission(form, refused) == []
    assert sample(form)["phone"] == sample(form)["phone"]  # the same draft gives the same dossier


def test_choices_come_from_enum_or_one_of_constants():
    assert choices({"enum": ["a", "b"]}) == ["a", "b"]
    assert choices({"oneOf": [{"const": 1, "title": "Một"}, {"const": 2}]}) == [1, 2]
    assert choices({"type": "string"}) == [] and choices(None) == []
