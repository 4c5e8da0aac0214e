"""The declared vocabulary and its one reference page (bpmn/README.md) say the same."""

from __future__ import annotations

import re

import pytest

from engine.deployment.procedure_files import procedure_keys
from engine.deployment.vocabulary import PROPERTIES
from tests.conftest import LIBRARY

PAGE = (LIBRARY / "README.md").read_text(encoding="utf-8")


def table_rows(first_cell: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(rf"^\| `({first_cell})` \|.*$", PAGE, re.M)}


@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_every_declared_property_is_listed_with_its_allowed_values(name):
    row = table_rows(r"[A-Za-z]+").get(name)
    assert row is not None, f"bpmn/README.md does not list the property {name}"
    for value in PROPERTIES[name].values:
        assert f"`{value}`" in row, f"bpmn/README.md does not list {name}={value}"


def test_every_procedure_json_key_is_listed():
    listed = set(table_rows(r"[a-z_]+"))
    assert procedure_keys() <= listed, sorted(procedure_keys() - listed)


def test_a_property_value_is_accepted_exactly_as_declared():
    assert PROPERTIES["clock"].allows("supplement") and not PROPERTIES["clock"].allows("pause")
    assert PROPERTIES["allottedTime"].allows("PT4H30M") and not PROPERTIES["allottedTime"].allows("4 ngày")
    assert not PROPERTIES["formJsonSchemaFilename"].allows("review.json")


def test_every_form_field_role_is_listed():
    from forms.roles import ROLES

    assert set(ROLES) <= set(table_rows(r"[a-z_]+")), sorted(set(ROLES) - set(table_rows(r"[a-z_]+")))
