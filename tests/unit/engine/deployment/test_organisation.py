"""Lane bindings against the organisation: refused at deploy, warned about by the offline validator."""

from __future__ import annotations

import json

import pytest

from engine.deployment.deploy import deploy_procedure
from engine.deployment.organisation import Organisation
from engine.deployment.package import ProcedurePackage
from engine.deployment.validate import validate_package
from engine.errors import DeploymentError
from engine.persistence.models import Official, Unit
from engine.runtime.command import Actor
from tests.fixtures import tiny_procedure

OFFICE = tiny_procedure.METADATA["lanes"]["staff"]["department"]
ORGANISATION = Organisation.of([OFFICE, "van_phong"],
                               [("an", OFFICE, ["specialist"], True),
                                ("binh", "van_phong", ["unit_leader"], False)])


def package_bound_to(**binding: str) -> ProcedurePackage:
    metadata = {**tiny_procedure.METADATA, "lanes": {"staff": {**tiny_procedure.METADATA["lanes"]["staff"],
                                                                **binding}}}
    files = tiny_procedure.files(metadata=metadata)
    files["procedure.json"] = json.dumps(metadata, indent=2).encode()
    return ProcedurePackage(key=tiny_procedure.KEY, files=files)


def binding_problems(package: ProcedurePackage, severity: str = "warning") -> list:
    _, problems = validate_package(package, ORGANISATION, binding_severity=severity)
    return [p for p in problems if p.rule == "organisation"]


def line_of_text(package: ProcedurePackage, text: str) -> int:
    return next(i for i, line in enumerate(package.files["procedure.json"].decode().splitlines(), 1) if text in line)


def test_a_binding_the_organisation_has_passes():
    assert binding_problems(package_bound_to()) == []


@pytest.mark.parametrize("binding, named", [
    ({"department": "phong_khong_co"}, "phong_khong_co"),
    ({"role": "unit_leader"}, "unit_leader"),
    ({"department": "van_phong", "role": "unit_leader"}, "unit_leader"),  # only an inactive official has it
    ({"policy": "fixed", "official": "khong_ai"}, "khong_ai"),
])
def test_a_unit_role_or_official_absent_from_the_organisation_is_located(binding, named):
    package = package_bound_to(**binding)
    (problem,) = binding_problems(package)
    assert problem.severity == "warning" and problem.file == "procedure.json" and problem.element_id == "staff"
    assert problem.line == line_of_text(package, f'"{named}"')
    assert named in problem.message and named in problem.message_en


def test_offline_warnings_do_not_stop_validation_but_deploy_severity_does():
    package = package_bound_to(department="phong_khong_co")
    assert validate_package(package, ORGANISATION, binding_severity="warning")[0] is not None
    assert validate_package(package, ORGANISATION, binding_severity="error")[0] is None


def test_an_empty_organisation_is_not_checked():
    assert validate_package(package_bound_to(department="x"), Organisation.of([], []))[0] is not None


def test_deploy_refuses_a_lane_bound_to_a_unit_the_organisation_lacks(session_factory, clock):
    with session_factory.begin() as session:
        unit = Unit(code="van_phong", name="Văn phòng", kind="department")
        session.add(unit)
        session.flush()
        session.add(Official(username="an", full_name="An", password_hash="-", roles=["specialist"],
                             unit_id=unit.id, active=True, created_at=clock.now()))
    with session_factory() as session:
        with pytest.raises(DeploymentError) as raised:
            deploy_procedure(session, package_bound_to(), clock=clock, actor=Actor(None, "test"))
    (problem,) = [p for p in raised.value.problems if p.rule == "organisation"]
    assert problem.severity == "error" and OFFICE in problem.message
    with session_factory.begin() as session:
        deploy_procedure(session, package_bound_to(department="van_phong"), clock=clock, actor=Actor(None, "test"))


# A lane routed by locality: every locality (unit of kind commune) must have the unit and role.
WARDS = ["ubnd_phuong_ha_long", "ubnd_phuong_hong_gai"]
LOCATED = Organisation.of(
    [*WARDS, "ubnd_phuong_ha_long.tu_phap_ho_tich", "ubnd_phuong_hong_gai.tu_phap_ho_tich"],
    [("an", "ubnd_phuong_ha_long.tu_phap_ho_tich", ["specialist"], True),
     ("binh", "ubnd_phuong_hong_gai.tu_phap_ho_tich", ["specialist"], True)],
    WARDS)


def located_problems(organisation: Organisation) -> list:
    package = package_bound_to(department="{locality}.tu_phap_ho_tich")
    _, problems = validate_package(package, organisation, binding_severity="error")
    found = [p for p in problems if p.rule == "organisation"]
    for problem in found:
        assert problem.file == "procedure.json" and problem.element_id == "staff"
        assert problem.line == line_of_text(package, '"{locality}.tu_phap_ho_tich"')
    return found


def test_a_located_lane_every_locality_can_do_passes():
    assert located_problems(LOCATED) == []


def test_a_locality_lacking_the_unit_a_located_lane_needs_is_a_located_error():
    organisation = Organisation.of([*LOCATED.units, "ubnd_xa_quang_la"],
                                   [("an", "ubnd_phuong_ha_long.tu_phap_ho_tich", ["specialist"], True),
                                    ("binh", "ubnd_phuong_hong_gai.tu_phap_ho_tich", ["specialist"], True)],
                                   [*WARDS, "ubnd_xa_quang_la"])
    (problem,) = located_problems(organisation)
    assert problem.severity == "error"
    assert "ubnd_xa_quang_la.tu_phap_ho_tich" in problem.message and "ubnd_xa_quang_la" in problem.message_en


def test_a_locality_whose_unit_nobody_active_staffs_is_a_located_error():
    organisation = Organisation.of(LOCATED.units, [("an", "ubnd_phuong_ha_long.tu_phap_ho_tich", ["specialist"], True),
                                                   ("binh", "ubnd_phuong_hong_gai.tu_phap_ho_tich", ["specialist"],
                                                    False)], WARDS)
    (problem,) = located_problems(organisation)
    assert "ubnd_phuong_hong_gai" in problem.message and "specialist" in problem.message_en


def test_a_located_lane_in_an_organisation_without_localities_is_an_error():
    (problem,) = located_problems(ORGANISATION)
    assert "commune" in problem.message_en
