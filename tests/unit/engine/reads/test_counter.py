"""The counter's reads: the receiving catalogue, a start form, who receives where, the slips that apply."""

from __future__ import annotations

import pytest

from engine.errors import PermissionDeniedError, ProcedureNotActiveError
from engine.persistence.models import DossierStatus, Official
from engine.reads.counter import printable_kinds, receiving_center, receiving_procedures, start_form
from tests.conftest import deploy


def test_the_catalogue_holds_active_procedures_found_by_words_without_accents(session_factory, ctx):
    deploy(session_factory, ctx, "enterprise_registration")
    deploy(session_factory, ctx, "certified_copy")
    with session_factory() as session:
        assert [e.key for e in receiving_procedures(session)] == ["certified_copy", "enterprise_registration"]
        assert [e.key for e in receiving_procedures(session, "DOANH nghiep dang ky")] == ["enterprise_registration"]
        assert [e.key for e in receiving_procedures(session, "chứng thực")] == ["certified_copy"]
        assert receiving_procedures(session, "khai sinh") == []


def test_a_start_form_brings_the_declared_documents(session_factory, ctx):
    deploy(session_factory, ctx, "enterprise_registration")
    with session_factory() as session:
        form = start_form(session, ctx, "enterprise_registration")
    assert form.schema["title"] == "Giấy đề nghị đăng ký doanh nghiệp" and form.time_limit["value"] == 3
    assert form.required_documents[0]["name"] == "Giấy đề nghị đăng ký doanh nghiệp"
    with pytest.raises(Exception) as raised, session_factory() as session:
        start_form(session, ctx, "khong_co")
    assert not isinstance(raised.value, ProcedureNotActiveError)


def test_only_reception_receives_at_its_own_center(session_factory, ctx, center, staff):
    reception, specialist = staff.reception, staff.of("so_tai_chinh.phong_dkkd", "specialist")
    with session_factory() as session:
        assert receiving_center(session, ctx, session.get(Official, reception.id)).code == center.code
        with pytest.raises(PermissionDeniedError, match="dossier.start"):
            receiving_center(session, ctx, session.get(Official, specialist.id))


class _Dossier:
    def __init__(self, status=DossierStatus.PROCESSING, supplement_requests=0, extended=False):
        self.status, self.supplement_requests, self.extended = status, supplement_requests, extended


def test_the_slips_that_apply_follow_the_dossier():
    assert printable_kinds(_Dossier()) == ("receipt", "control")
    assert printable_kinds(_Dossier(supplement_requests=1, extended=True)) == (
        "receipt", "supplement_request", "apology", "control")
    assert printable_kinds(_Dossier(DossierStatus.REFUSED)) == ("receipt", "refusal", "control")
