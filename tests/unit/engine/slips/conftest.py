"""Dossiers driven to the states the slips print: received, supplemented twice and extended,
refused, and a plain path with one late step. Times are Hạ Long local times in late 2026."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine.persistence.models import Dossier
from engine.runtime.actions import extend_deadline
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import complete_task
from tests.conftest import deploy, enterprise_start_data, open_tasks
from tests.procedures.test_enterprise_registration import (
    APPRAISE_OK,
    APPRAISE_REFUSE,
    APPRAISE_SUPPLEMENT,
    NOTIFY_REFUSAL,
    RETURN,
    SIGN,
    SIGN_REFUSAL,
    SUPPLEMENT,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
BASE_URL = "https://dichvucong.quangninh.gov.vn"
RECEPTION = Actor(None, "Nguyễn Thị Lan")
SPECIALIST = Actor(None, "Trần Văn Minh")
LEADER = Actor(None, "Lê Quang Huy")
EXTENSION_REASON = "Cần xác minh thêm thông tin ngành nghề kinh doanh"


def local(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=HANOI)


class Driver:
    """Starts one enterprise-registration dossier and completes its steps at given local times."""

    def __init__(self, session_factory: sessionmaker[Session], ctx: EngineContext, clock: Any, center: Any) -> None:
        self.session_factory, self.ctx, self.clock, self.center = session_factory, ctx, clock, center
        self.dossier_id = 0

    def start(self, moment: datetime, **data: Any) -> Driver:
        self.clock.set(moment)
        with self.session_factory.begin() as session:
            dossier = start_dossier(session, self.ctx, "enterprise_registration", actor=RECEPTION,
                                    center_code=self.center.code, data=enterprise_start_data(**data))
            self.dossier_id = dossier.id
        return self

    def step(self, moment: datetime, element: str, data: dict[str, Any], actor: Actor) -> Driver:
        self.clock.set(moment)
        (task,) = open_tasks(self.session_factory, self.dossier_id)
        assert task.element_id == element
        with self.session_factory.begin() as session:
            complete_task(session, self.ctx, task.id, actor=actor, data=data)
        return self

    def extend(self, moment: datetime, new_due_at: datetime, reason: str = EXTENSION_REASON) -> Driver:
        self.clock.set(moment)
        with self.session_factory.begin() as session:
            extend_deadline(session, self.ctx, self.dossier_id, actor=LEADER, new_due_at=new_due_at, reason=reason)
        return self

    @property
    def code(self) -> str:
        with self.session_factory() as session:
            dossier = session.get(Dossier, self.dossier_id)
            assert dossier is not None
            return dossier.code


@pytest.fixture
def driver(session_factory: sessionmaker[Session], ctx: EngineContext, clock: Any, center: Any) -> Driver:
    deploy(session_factory, ctx, "enterprise_registration")
    return Driver(session_factory, ctx, clock, center)


def received(driver: Driver) -> Driver:
    """Received on Friday 27/11/2026 at 09:00; due Wednesday 02/12 at 17:00 (3 working days)."""
    return driver.start(local(27, 11, 9))


def supplemented_twice_and_extended(driver: Driver) -> Driver:
    """The legal-clock scenario: two supplementation requests, one extension, finished late by rule."""
    return (
        driver.start(local(27, 11, 9))
        .step(local(30, 11, 9), "appraise_dossier", APPRAISE_SUPPLEMENT, SPECIALIST)
        .step(local(1, 12, 9), "receive_supplement", SUPPLEMENT, RECEPTION)
        .step(local(1, 12, 10), "appraise_dossier", APPRAISE_SUPPLEMENT, SPECIALIST)
        .step(local(1, 12, 14), "receive_supplement", SUPPLEMENT, RECEPTION)
        .extend(local(2, 12, 9), local(7, 12, 17))
        .step(local(3, 12, 9), "appraise_dossier", APPRAISE_OK, SPECIALIST)
        .step(local(3, 12, 10), "approve_dossier", SIGN, LEADER)
        .step(local(3, 12, 11), "return_result", RETURN, RECEPTION)
    )


def refused(driver: Driver) -> Driver:
    return (
        driver.start(local(27, 11, 9))
        .step(local(27, 11, 10), "appraise_dossier", APPRAISE_REFUSE, SPECIALIST)
        .step(local(27, 11, 14), "approve_dossier", SIGN_REFUSAL, LEADER)
        .step(local(30, 11, 8), "notify_refusal", NOTIFY_REFUSAL, RECEPTION)
    )


def one_late_step(driver: Driver) -> Driver:
    """Appraised early, approved a working day late, returned on time; the dossier is early."""
    return (
        driver.start(local(27, 11, 9))
        .step(local(27, 11, 10), "appraise_dossier", APPRAISE_OK, SPECIALIST)
        .step(local(30, 11, 9), "approve_dossier", SIGN, LEADER)
        .step(local(30, 11, 10), "return_result", RETURN, RECEPTION)
    )
