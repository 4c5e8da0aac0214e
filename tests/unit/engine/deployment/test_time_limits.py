"""Deploy checks of case-dependent time limits: conditions pass the sandbox, steps exist, ids are unique."""

from __future__ import annotations

from engine.deployment.validate import validate_package
from tests.fixtures import tiny_procedure


def variant(**fields: object) -> dict[str, object]:
    return {"id": "long", "value": 15, "unit": "working_days", "when": "total > 1", **fields}


def limit_problems(*variants: dict[str, object]) -> tuple[object, list]:
    metadata = {**tiny_procedure.METADATA, "time_limit_variants": list(variants)}
    validated, problems = validate_package(tiny_procedure.package(metadata=metadata))
    return validated, [p for p in problems if p.rule == "procedure"]


def test_variants_at_reception_and_at_a_step_of_the_diagram_deploy():
    validated, problems = limit_problems(variant(), variant(id="review_long", at="review"))
    assert validated is not None and problems == []


def test_a_condition_the_sandbox_refuses_is_located_in_procedure_json():
    validated, [problem] = limit_problems(variant(when="__import__('os').system('x')"))
    assert validated is None
    assert (problem.file, problem.line) == ("procedure.json", 1)
    assert "time_limit_variants/0/when" in problem.message and "điều kiện bị từ chối" in problem.message
    assert "the condition is refused" in problem.message_en


def test_a_step_the_diagrams_lack_and_a_repeated_id_are_refused():
    validated, problems = limit_problems(variant(), variant(at="nowhere"))
    assert validated is None
    messages = sorted(p.message_en for p in problems)
    assert messages == ["procedure.json, field time_limit_variants/1/at: the diagrams have no step 'nowhere'",
                        "procedure.json, field time_limit_variants/1/id: 'long' is repeated"]


def test_a_variant_without_its_condition_fails_the_schema():
    validated, [problem] = limit_problems({"id": "long", "value": 15, "unit": "working_days"})
    assert validated is None and "time_limit_variants/0" in problem.message and "when" in problem.message
