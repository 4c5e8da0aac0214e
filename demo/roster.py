"""The organisation as read back from the database, for choosing who does each step of a dossier:
who is present on a day, who stands in for whom, who leads a unit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.persistence.models import Center, Deputy, LeavePeriod, Official, Unit
from engine.runtime.command import Actor


@dataclass
class Person:
    id: int
    username: str
    full_name: str
    unit: str | None
    center_id: int | None
    roles: frozenset[str]
    active: bool

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.full_name)


@dataclass
class Roster:
    people: dict[int, Person]
    by_unit_role: dict[tuple[str | None, str], list[Person]]
    leave: dict[int, list[tuple[date, date]]]
    deputies: dict[int, list[tuple[int, date, date]]]
    centers: dict[str, int]
    unit_parent: dict[str, str | None]
    center_parent: dict[int, int | None]

    @classmethod
    def load(cls, session: Session) -> Roster:
        units = {u.id: u for u in session.scalars(select(Unit))}
        people: dict[int, Person] = {}
        by_unit_role: dict[tuple[str | None, str], list[Person]] = defaultdict(list)
        for official in session.scalars(select(Official).order_by(Official.id)):
            unit = units.get(official.unit_id) if official.unit_id else None
            person = Person(official.id, official.username, official.full_name, unit.code if unit else None,
                            official.center_id, frozenset(official.roles), official.active)
            people[person.id] = person
            if person.active:
                for role in person.roles:
                    by_unit_role[(person.unit, role)].append(person)
        leave: dict[int, list[tuple[date, date]]] = defaultdict(list)
        for period in session.scalars(select(LeavePeriod)):
            leave[period.official_id].append((period.starts_on, period.ends_on))
        deputies: dict[int, list[tuple[int, date, date]]] = defaultdict(list)
        for deputy in session.scalars(select(Deputy).order_by(Deputy.id)):
            deputies[deputy.official_id].append((deputy.deputy_id, deputy.valid_from, deputy.valid_to))
        centers = {code: center_id for code, center_id in session.execute(select(Center.code, Center.id))}
        parents = {u.code: units[u.parent_id].code if u.parent_id in units else None for u in units.values()}
        center_parent = {row.id: row.parent_id for row in session.execute(select(Center.id, Center.parent_id))}
        return cls(people, by_unit_role, leave, deputies, centers, parents, center_parent)

    def serves(self, person: Person, center_id: int | None) -> bool:
        """Whether the person's center is ``center_id`` or one above it: the access policy lets
        only them work a dossier received there."""
        current = center_id
        while current is not None:
            if person.center_id == current:
                return True
            current = self.center_parent.get(current)
        return center_id is None

    def on_leave(self, person: Person, day: date) -> bool:
        return any(start <= day <= end for start, end in self.leave.get(person.id, []))

    def available(self, person: Person, day: date) -> bool:
        return person.active and not self.on_leave(person, day)

    def candidates(self, unit: str | None, role: str | None, day: date, center_id: int | None = None,
                   exclude: set[int] | None = None) -> list[Person]:
        """Who of ``unit`` with ``role`` is at work on ``day`` and serves ``center_id``; those of the
        center itself first if any."""
        people = [p for p in self.by_unit_role.get((unit, role or ""), [])
                  if self.available(p, day) and p.id not in (exclude or set())]
        local = [p for p in people if center_id is not None and p.center_id == center_id]
        return local or [p for p in people if self.serves(p, center_id)]

    def anywhere(self, role: str, day: date, center_id: int | None) -> list[Person]:
        """Who with ``role`` works at ``center_id`` and is at work on ``day``, whatever their unit."""
        return [p for (_unit, r), members in self.by_unit_role.items() if r == role for p in members
                if p.center_id == center_id and self.available(p, day)]

    def acting_for(self, person: Person, day: date) -> Person | None:
        """Who acts on ``person``'s claimed task on ``day``: themselves, or their deputy."""
        if self.available(person, day):
            return person
        for deputy_id, start, end in self.deputies.get(person.id, []):
            deputy = self.people.get(deputy_id)
            if start <= day <= end and deputy is not None and self.available(deputy, day):
                return deputy
        return None

    def leader_for(self, unit: str | None, day: date, center_id: int | None) -> Person | None:
        """A leader who may reassign the unit's tasks at ``center_id``: of the unit or one above, else
        a center leader."""
        code = unit
        while code:
            leaders = self.candidates(code, "unit_leader", day, center_id)
            if leaders:
                return leaders[0]
            code = self.unit_parent.get(code)
        leaders = [p for (_unit, role), members in self.by_unit_role.items() if role == "center_leader"
                   for p in members if self.available(p, day) and self.serves(p, center_id)]
        return leaders[0] if leaders else None
