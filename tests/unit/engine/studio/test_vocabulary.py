"""The properties panel's values come from the validator's declarations."""

from __future__ import annotations

from engine.deployment.procedure_files import procedure_schema
from engine.deployment.vocabulary import PROPERTIES
from engine.studio.vocabulary import _located_departments, _property


def test_located_departments_are_those_every_locality_has():
    codes = ["xa_a", "xa_a.mot_cua", "xa_a.tu_phap", "xa_b", "xa_b.mot_cua", "so_tu_phap"]
    assert _located_departments(["xa_a", "xa_b"], codes) == ["{locality}", "{locality}.mot_cua"]
    assert _located_departments([], codes) == []


def test_each_property_offers_the_declared_values_or_the_declared_format():
    assert _property("clock")["values"] == list(PROPERTIES["clock"].values)
    allotted = _property("allottedTime")
    assert allotted["values"] == [] and allotted["format_vi"] == PROPERTIES["allottedTime"].format_vi
    assert _property("outcome")["on"] == ["endEvent"]


def test_the_roles_and_policies_offered_are_the_procedure_schemas():
    binding = procedure_schema().schema["properties"]["lanes"]["additionalProperties"]["properties"]
    assert "unit_leader" in binding["role"]["enum"] and "round_robin" in binding["policy"]["enum"]
