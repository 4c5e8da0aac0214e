"""Routing by the applicant's locality: a procedure whose `locality` is `applicant` gives each step
of a located lane to the unit of the commune or ward its start-form field names."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from engine.errors import FormInvalidError
from engine.persistence.models import Dossier, Unit
from engine.runtime.dossiers import start_dossier
from tests.conftest import deploy_package, open_tasks
from tests.fixtures import tiny_procedure

INTAKE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "applicant": {"type": "object"},
        "residence_locality": {"type": "string", "title": "Xã, phường nơi cư trú", "x-motcua-role": "locality"},
    },
}
START = '<bpmn:startEvent id="start" name="Tiếp nhận">'
START_WITH_FORM = START + ('<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property '
                           'name="formJsonSchemaFilename" value="intake.schema.json" />'
                           '</spiffworkflow:properties></bpmn:extensionElements>')
METADATA = {**tiny_procedure.METADATA, "locality": "applicant",
            "lanes": {"staff": {"department": "{locality}.tu_phap_ho_tich", "role": "specialist"}}}


def package():
    files = tiny_procedure.files(diagram=tiny_procedure.bpmn().replace(START, START_WITH_FORM), metadata=METADATA)
    files["forms/intake.schema.json"] = json.dumps(INTAKE).encode()
    return tiny_procedure.ProcedurePackage(key=tiny_procedure.KEY, files=files)


@pytest.fixture
def deployed(session_factory, ctx):
    """Deployed before the organisation is loaded (so not checked against it), then two wards."""
    version_id = deploy_package(session_factory, ctx.clock, package())
    with session_factory.begin() as session:
        session.add_all([Unit(code=code, name=code, kind="commune")
                         for code in ("ubnd_phuong_ha_long", "ubnd_phuong_hong_gai")])
    return version_id


def receive(session_factory, ctx, center, staff, locality):
    with session_factory.begin() as session:
        return start_dossier(session, ctx, tiny_procedure.KEY, actor=staff.reception, center_code=center.code,
                             data={"applicant": {"applicant_name": "Lê Văn Tâm"},
                                   "residence_locality": locality}).id


def test_each_step_goes_to_the_applicants_commune(session_factory, ctx, center, staff, deployed):
    dossier_id = receive(session_factory, ctx, center, staff, "ubnd_phuong_hong_gai")
    [task] = open_tasks(session_factory, dossier_id)
    assert (task.element_id, task.department) == ("review", "ubnd_phuong_hong_gai.tu_phap_ho_tich")
    with session_factory() as session:
        assert session.get(Dossier, dossier_id).locality == "ubnd_phuong_hong_gai"


@pytest.mark.parametrize("locality", ["ubnd_phuong_khong_co", None])
def test_an_unknown_locality_refuses_the_dossier_naming_the_field(session_factory, ctx, center, staff, deployed,
                                                                  locality):
    with pytest.raises(FormInvalidError) as refused:
        receive(session_factory, ctx, center, staff, locality)
    assert [p.field for p in refused.value.problems] == ["residence_locality"]
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Dossier)) == 0
