"""The intake data the demo hands in is valid against every deployed procedure's start form."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest

from demo.intake import INTAKES, start_data
from demo.paths import PATHS
from demo.people import Names
from demo.province import LOCALITIES
from forms.validate import validate_submission
from tests.conftest import LIBRARY


def test_every_procedure_with_paths_has_an_intake() -> None:
    assert set(PATHS) == set(INTAKES)


@pytest.mark.parametrize("key", sorted(INTAKES))
def test_intake_data_passes_the_start_form(key: str) -> None:
    schema = json.loads((LIBRARY / key / "forms" / "start.schema.json").read_text(encoding="utf-8"))
    names = Names(f"intake:{key}")
    for index, (_slug, place, _center) in enumerate(LOCALITIES):
        rng = random.Random(f"{key}:{index}")
        person = names.applicant(place)
        data, values = start_data(key, rng, names, person, place, date(2026, 11, 27))
        assert validate_submission(schema, data) == [], (key, place)
        assert values["applicant"] == person["name"] == data["applicant"]["applicant_name"]


def test_an_unknown_procedure_is_a_key_error() -> None:
    names = Names("unknown")
    with pytest.raises(KeyError):
        start_data("no_such_procedure", random.Random(1), names, names.applicant("xã Quảng La"), "xã Quảng La",
                   date(2026, 11, 27))
