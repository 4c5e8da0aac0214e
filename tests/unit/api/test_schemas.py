"""The API's schemas: an ObjectSchema dumps exactly what marshmallow's own way dumps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

from marshmallow import Schema, fields

from api.schemas import DossierSchema, HumanTaskDetailSchema, HumanTaskSchema, ObjectSchema

WHEN = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def _task(**values: object) -> SimpleNamespace:
    task = dict(id=uuid.uuid4(), dossier_id=7, dossier_code="000.00.00.H00-260302-0001", procedure_key="p",
                element_id="appraise", name="Thẩm định", lane="staff", department="phong", candidate_role="specialist",
                stage="appraise", form_name="appraise", status="claimed", assignee_id=3,
                assignee=SimpleNamespace(full_name="Trần Văn Minh"), assigned_at=WHEN, delegated_by_id=None,
                ready_at=WHEN, claimed_at=WHEN, completed_at=None, completed_by_id=None, completed_by=None, due_at=None,
                form={"type": "object"}, submitted_data=None)
    task.update(values)
    return SimpleNamespace(**task)


def _marshmallows_own(schema: Schema, obj: object, many: bool = False) -> object:
    """marshmallow's own dump (its _serialize, called per object: with many, it would come back to ours)."""
    if many:
        return [Schema._serialize(schema, item) for item in obj]  # type: ignore[attr-defined]
    return Schema._serialize(schema, obj)


def test_a_task_dumps_as_marshmallow_dumps_it_with_people_dates_and_gaps():
    tasks = [_task(), _task(assignee_id=None, assignee=None, claimed_at=None, status="ready"),
             _task(status="completed", completed_at=WHEN, completed_by_id=5,
                   completed_by=SimpleNamespace(full_name="Lan"), submitted_data={"decision": "approve"}, due_at=WHEN)]
    for schema in (HumanTaskSchema(), HumanTaskDetailSchema(), HumanTaskSchema(only=("id", "due_at"))):
        assert schema.dump(tasks, many=True) == _marshmallows_own(schema, tasks, many=True)
        assert schema.dump(tasks[0]) == _marshmallows_own(schema, tasks[0])
    assert HumanTaskSchema(many=True).dump(tasks)[1]["assignee"] is None


def test_a_missing_attribute_is_left_out_or_takes_its_default_and_a_mapping_takes_marshmallows_way():
    class Sample(ObjectSchema):
        name = fields.String()
        count = fields.Integer(dump_default=0)
        renamed = fields.String(data_key="label", attribute="title")
        nested = fields.String(attribute="inner.name")

    bare = SimpleNamespace(name="a", title="t", inner=SimpleNamespace(name="n"))
    assert Sample().dump(bare) == _marshmallows_own(Sample(), bare) == {"name": "a", "count": 0, "label": "t",
                                                                        "nested": "n"}

    class Flat(ObjectSchema):
        name = fields.String()
        count = fields.Integer(dump_default=0)
        renamed = fields.String(data_key="label", attribute="title")

    assert Flat().dump(SimpleNamespace(name="a")) == {"name": "a", "count": 0}
    mapping = {"name": "b", "title": "t"}
    assert Flat().dump(mapping) == _marshmallows_own(Flat(), mapping) == {"name": "b", "count": 0, "label": "t"}


def test_a_dossier_with_its_open_tasks_dumps_as_marshmallow_dumps_it():
    version = SimpleNamespace(version=2, procedure=SimpleNamespace(key="enterprise_registration"))
    dossier = SimpleNamespace(
        id=7, code="000.00.00.H00-260302-0001", procedure_version=version, center=SimpleNamespace(code="hcc_tinh"),
        channel="direct", status="processing", applicant_name="Trần Dân", applicant={"applicant_name": "Trần Dân"},
        received_at=WHEN, due_at=WHEN, original_due_at=WHEN, extended_due_at=None, paused_at=None, paused_seconds=0,
        supplement_requests=1, late_by_rule=False, timeliness=None, deadline_state="on_track",
        apology_required=False, completed_at=None, result_element_id=None, result_name=None,
        open_tasks=[_task(), _task(status="ready", assignee_id=None, assignee=None)])
    assert DossierSchema().dump(dossier) == _marshmallows_own(DossierSchema(), dossier)


def test_each_plain_formatter_gives_what_its_fields_serialize_gives():
    """Strings (a str, an enum of strings, bytes, a number), UUIDs, integers and date-times of each
    format dump as the field's own ``_serialize`` dumps them; an integer as a string, a date-time in
    a format of its own and a subclass keep their field's way."""
    from enum import StrEnum

    class Status(StrEnum):
        READY = "ready"

    class Sample(ObjectSchema):
        text = fields.String()
        key = fields.UUID()
        number = fields.Integer()
        number_text = fields.Integer(as_string=True)
        when = fields.DateTime()
        when_rfc = fields.DateTime(format="rfc")
        when_own = fields.DateTime(format="%d/%m/%Y %H:%M")
        aware = fields.AwareDateTime()
        email = fields.Email()

    values = [
        dict(text="Hồ sơ", key=uuid.uuid4(), number=7, number_text=7, when=WHEN, when_rfc=WHEN, when_own=WHEN,
             aware=WHEN, email="a@b.vn"),
        dict(text=Status.READY, key="6f1c0d9e-0000-4000-8000-000000000000", number="12", number_text=3.0,
             when=datetime(2026, 3, 2, 8, 30), when_rfc=None, when_own=None, aware=None, email=None),
        dict(text=b"bytes", key=None, number=True, number_text=None, when=None, when_rfc=WHEN, when_own=WHEN,
             aware=WHEN, email="x@y.vn"),
        dict(text=42, key=None, number=None, number_text=1, when=WHEN, when_rfc=None, when_own=None, aware=None,
             email=None),
        dict(text=None),
    ]
    for value in values:
        obj = SimpleNamespace(**value)
        assert Sample().dump(obj) == _marshmallows_own(Sample(), obj)
        assert [type(v) for v in Sample().dump(obj).values()] == \
            [type(v) for v in _marshmallows_own(Sample(), obj).values()]  # a str, not the enum
