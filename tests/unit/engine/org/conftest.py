"""A small organisation: one business-registration office, its leader's unit, and their people."""

from __future__ import annotations

from datetime import date

import pytest

from engine.persistence.models import Deputy, LeavePeriod, Official, Unit
from tests.conftest import deploy_package
from tests.fixtures import tiny_procedure

OFFICE, LEADERSHIP = "so_tai_chinh.phong_dkkd", "so_tai_chinh"
PEOPLE = {  # username: (name, unit, roles)
    "an": ("Nguyễn Văn An", OFFICE, ["specialist"]),
    "binh": ("Trần Thị Bình", OFFICE, ["specialist"]),
    "chi": ("Lê Minh Chi", OFFICE, ["specialist"]),
    "dung": ("Phạm Quốc Dũng", LEADERSHIP, ["unit_leader"]),
    "giang": ("Hoàng Giang", OFFICE, ["specialist", "unit_leader"]),
}


class Org:
    def __init__(self, session_factory):
        self.session_factory = session_factory
        self.ids: dict[str, int] = {}

    def id(self, username: str) -> int:
        return self.ids[username]

    def leave(self, username: str, starts: date, ends: date) -> None:
        with self.session_factory.begin() as session:
            session.add(LeavePeriod(official_id=self.id(username), starts_on=starts, ends_on=ends, reason="Nghỉ phép"))

    def deputy(self, username: str, deputy: str, starts: date, ends: date) -> None:
        with self.session_factory.begin() as session:
            session.add(Deputy(official_id=self.id(username), deputy_id=self.id(deputy), valid_from=starts,
                               valid_to=ends))

    def deactivate(self, username: str) -> None:
        with self.session_factory.begin() as session:
            session.get(Official, self.id(username)).active = False


@pytest.fixture
def org(session_factory, clock, center) -> Org:
    result = Org(session_factory)
    with session_factory.begin() as session:
        leadership = Unit(code=LEADERSHIP, name="Sở Tài chính", kind="department")
        session.add(leadership)
        session.flush()
        office = Unit(code=OFFICE, name="Phòng Đăng ký kinh doanh", kind="division", parent_id=leadership.id)
        session.add(office)
        session.flush()
        units = {OFFICE: office.id, LEADERSHIP: leadership.id}
        for username, (name, unit, roles) in PEOPLE.items():
            official = Official(username=username, full_name=name, password_hash="-", roles=roles,
                                unit_id=units[unit], center_id=center.id, active=True, created_at=clock.now())
            session.add(official)
            session.flush()
            result.ids[username] = official.id
    return result


def binding_metadata(policy: str, official: str | None = None, four_eyes: bool = False) -> dict:
    """tiny_procedure's metadata with its one lane bound to the office under ``policy``."""
    lane = {"department": OFFICE, "role": "specialist", "policy": policy}
    if official:
        lane["official"] = official
    metadata = {**tiny_procedure.METADATA, "lanes": {"staff": lane}}
    if four_eyes:
        metadata["four_eyes"] = [["review", "second_review"]]
    return metadata


def deploy_tiny(session_factory, clock, metadata: dict, diagram: str | None = None) -> None:
    deploy_package(session_factory, clock, tiny_procedure.package(diagram, metadata))
