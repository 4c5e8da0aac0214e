"""What the policy offers each official on a dossier and a list of tasks, on the small province of
the policy's tests: the offers match what the commands then allow."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine.access.offers import appointment_on, bulk_reassign_offer, dossier_offer, task_offer
from engine.errors import FormInvalidError, NotFoundError
from engine.persistence.models import Official
from engine.runtime.actions import extend_deadline
from engine.runtime.tasks import claim_task
from tests.unit.engine.access.test_policy import as_actor, people, receive, task_of  # noqa: F401 (fixture)


def offer_to(session_factory, ctx, people, username: str, code: str):  # noqa: F811
    with session_factory() as session:
        official = session.get(Official, people[username].id)
        return dossier_offer(session, official, code, now=ctx.clock.now(), today=ctx.today())


def test_leaders_are_offered_the_dossier_actions_and_specialists_only_their_own_task(session_factory, ctx,
                                                                                       people):  # noqa: F811
    dossier = receive(session_factory, ctx, people, "hcc_a", "tn_a")
    task = task_of(session_factory, dossier)
    with session_factory.begin() as session:
        claim_task(session, ctx, task.id, actor=as_actor(people, "cv_a"))

    for leader in ("gd_a", "ld_a"):
        offer = offer_to(session_factory, ctx, people, leader, dossier.code)
        assert (offer.extend, offer.stop, offer.withdraw) == (True, True, True)
        (moves,) = offer.tasks
        assert moves.reassign and not moves.delegate
        assert [c.full_name for c in moves.colleagues] == ["cv_a2", "cv_tinh"]  # not the holder, nor hcc_b's

    holder = offer_to(session_factory, ctx, people, "cv_a", dossier.code)
    assert (holder.extend, holder.stop, holder.withdraw) == (False, False, False)
    assert holder.tasks[0].delegate and not holder.tasks[0].reassign and holder.anything
    assert not offer_to(session_factory, ctx, people, "cv_a2", dossier.code).anything
    assert not offer_to(session_factory, ctx, people, "tn_a", dossier.code).anything
    with pytest.raises(NotFoundError):
        offer_to(session_factory, ctx, people, "gd_b", dossier.code)  # the other local center
    with session_factory() as session, pytest.raises(NotFoundError):
        task_offer(session, session.get(Official, people["gd_b"].id), task.id, today=ctx.today())


def test_an_extended_dossier_is_offered_no_second_extension(session_factory, ctx, people):  # noqa: F811
    dossier = receive(session_factory, ctx, people, "hcc_a", "tn_a")
    with session_factory.begin() as session:
        extend_deadline(session, ctx, dossier.code, actor=as_actor(people, "gd_a"), reason="Cần xác minh",
                        new_due_at=dossier.due_at + timedelta(days=7))
    offer = offer_to(session_factory, ctx, people, "gd_a", dossier.code)
    assert not offer.extend and offer.stop and offer.withdraw


def test_the_bulk_offer_keeps_the_tasks_the_leader_may_reassign(session_factory, ctx, people):  # noqa: F811
    here = [task_of(session_factory, receive(session_factory, ctx, people, "hcc_a", "tn_a")) for _ in range(2)]
    there = task_of(session_factory, receive(session_factory, ctx, people, "hcc_b", "tn_b"))
    ids = [t.id for t in [*here, there]]
    with session_factory() as session:
        offer = bulk_reassign_offer(session, session.get(Official, people["gd_a"].id), ids, today=ctx.today())
        assert sorted(t.id for t in offer.tasks) == sorted(t.id for t in here)
        assert sorted(c.full_name for c in offer.colleagues) == ["cv_a", "cv_a2", "cv_tinh"]
        nothing = bulk_reassign_offer(session, session.get(Official, people["cv_a"].id), ids, today=ctx.today())
        assert nothing.tasks == () and nothing.colleagues == ()


def test_a_new_appointment_falls_at_the_end_of_a_working_day(ctx):
    monday = date(2026, 11, 30)
    assert appointment_on(ctx.calendar, monday) == ctx.calendar.end_of_working_day(monday)
    with pytest.raises(FormInvalidError) as refused:
        appointment_on(ctx.calendar, monday - timedelta(days=1))
    assert refused.value.problems[0].field == "new_due_on"
