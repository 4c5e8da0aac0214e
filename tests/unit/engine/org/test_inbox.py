"""Inbox views, filters, accent-insensitive search, counts and cursor pages."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import text, update

from engine.org.inbox import (
    InboxFilters,
    NamedOfficial,
    TaskListing,
    group_by_dossier,
    inbox_counts,
    inbox_listing,
    inbox_page,
)
from engine.org.text import fold
from engine.persistence.models import HumanTask, Official
from engine.runtime.assignments import delegate_task
from engine.runtime.command import Actor
from engine.runtime.dossiers import start_dossier
from tests.fixtures import tiny_procedure
from tests.unit.engine.org.conftest import binding_metadata, deploy_tiny
from tests.unit.engine.org.test_assignment import TODAY, actor, open_task

NAMES = ["Nguyễn Văn An", "Trần Thị Hồng", "Lê Hoàng Đức", "Phạm Thu Hà", "Đỗ Minh Tuấn"]


def official(session, org, username) -> Official:
    return session.get(Official, org.id(username))


def fill(session_factory, ctx, clock, center, names=NAMES) -> list[int]:
    ids = []
    for name in names:
        clock.advance(minutes=10)  # different ready times within working hours: different due times
        with session_factory.begin() as session:
            ids.append(start_dossier(session, ctx, tiny_procedure.KEY, actor=Actor(None, "Hệ thống"),
                                     center_code=center.code, data={"applicant": {"applicant_name": name}}).id)
    return ids


def page(session, org, username, view, clock, **filters):
    return inbox_page(session, official(session, org, username), view, InboxFilters(**filters),
                      now=clock.now(), day=TODAY, limit=filters.pop("limit", 50) if "limit" in filters else 50)


def test_fold_makes_search_accent_insensitive():
    assert fold("Hồ sơ Đăng ký  DOANH nghiệp") == "ho so dang ky doanh nghiep"


def test_queue_mine_and_delegated_views(session_factory, ctx, clock, center, org):
    deploy_tiny(session_factory, clock, binding_metadata("pool"))
    ids = fill(session_factory, ctx, clock, center)
    with session_factory() as session:
        queue = page(session, org, "an", "queue", clock)
        assert [t.dossier_id for t in queue.tasks] == ids  # soonest due first
        assert page(session, org, "dung", "queue", clock).tasks == []  # not the leader's unit/role
    from engine.runtime.tasks import claim_task
    with session_factory.begin() as session:
        claim_task(session, ctx, open_task(session_factory, ids[0]).id, actor=actor(org, "an"))
    with session_factory.begin() as session:
        delegate_task(session, ctx, open_task(session_factory, ids[0]).id, actor=actor(org, "an"),
                      to_official_id=org.id("binh"), reason="Bận tiếp dân")
    with session_factory() as session:
        assert [t.dossier_id for t in page(session, org, "binh", "mine", clock).tasks] == [ids[0]]
        assert [t.dossier_id for t in page(session, org, "an", "delegated", clock).tasks] == [ids[0]]
        assert len(page(session, org, "an", "queue", clock).tasks) == 4


def test_filters_text_search_and_overdue(session_factory, ctx, clock, center, org):
    deploy_tiny(session_factory, clock, binding_metadata("pool"))
    ids = fill(session_factory, ctx, clock, center)
    with session_factory() as session:
        found = page(session, org, "an", "queue", clock, text="hoang duc")
        assert [t.dossier_id for t in found.tasks] == [ids[2]]
        code = found.tasks[0].dossier_code
        assert [t.dossier_id for t in page(session, org, "an", "queue", clock, text=code[-4:]).tasks] == [ids[2]]
        assert page(session, org, "an", "queue", clock, procedure="khac").tasks == []
        assert len(page(session, org, "an", "queue", clock, stage=None, center_id=center.id).tasks) == 5
        first_due = found.tasks[0].due_at
        assert len(page(session, org, "an", "queue", clock, due_before=first_due).tasks) == 2
    clock.advance(days=3)
    with session_factory() as session:
        me = official(session, org, "an")
        counts = inbox_counts(session, me, InboxFilters(), now=clock.now(), day=TODAY + timedelta(days=3))
        assert counts["queue"] == 5 and counts["queue_overdue"] == 5 and counts["mine"] == 0
        assert len(page(session, org, "an", "queue", clock, overdue=True).tasks) == 5


def test_cursor_pages_cover_everything_once(session_factory, ctx, clock, center, org):
    deploy_tiny(session_factory, clock, binding_metadata("pool"))
    ids = fill(session_factory, ctx, clock, center, NAMES * 3)
    seen, dues, cursor = [], [], None
    with session_factory() as session:
        me = official(session, org, "an")
        while True:
            result = inbox_page(session, me, "queue", InboxFilters(), now=clock.now(), day=TODAY, limit=4,
                                cursor=cursor)
            seen += [t.dossier_id for t in result.tasks]
            dues += [(t.due_at, t.id) for t in result.tasks]
            if result.next_cursor is None:
                break
            cursor = result.next_cursor
    # Each task exactly once, in (due time, id) order — several share a due time after hours.
    assert sorted(seen) == sorted(ids) and len(set(seen)) == len(ids)
    assert dues == sorted(dues)
    groups = group_by_dossier(result.tasks)
    assert all(len(g["tasks"]) == 1 for g in groups)


def test_a_deputy_pages_through_their_own_and_the_absent_officials_tasks_in_due_order(
        session_factory, ctx, clock, center, org):
    from engine.runtime.tasks import claim_task

    deploy_tiny(session_factory, clock, binding_metadata("pool"))
    ids = fill(session_factory, ctx, clock, center, NAMES * 2)
    for k, dossier_id in enumerate(ids):  # alternately held by An and by Chi
        holder = actor(org, "an" if k % 2 else "chi")
        with session_factory.begin() as session:
            claim_task(session, ctx, open_task(session_factory, dossier_id).id, actor=holder)
    org.leave("an", TODAY, TODAY)
    org.deputy("an", "chi", TODAY, TODAY)
    seen, cursor = [], None
    with session_factory() as session:
        chi = official(session, org, "chi")
        while True:
            result = inbox_page(session, chi, "mine", InboxFilters(), now=clock.now(), day=TODAY, limit=3,
                                cursor=cursor)
            seen += [t.dossier_id for t in result.tasks]
            if result.next_cursor is None:
                break
            cursor = result.next_cursor
        assert seen == ids  # both holders' tasks, merged soonest due first, each once
        assert [t.dossier_id for t in page(session, org, "chi", "mine", clock, text="hoang duc").tasks] \
            == [ids[2], ids[7]]
        counts = inbox_counts(session, chi, InboxFilters(), now=clock.now(), day=TODAY)
        assert counts["mine"] == len(ids) and counts["queue"] == 0


def _named(person):
    """Who a listing names: the official's id and name (a listing may name them without an Official)."""
    return None if person is None else (person.id, person.full_name)


def _pages(fetch, session, who, view, filters, limit, now):
    """Every page of a view, first to last, as (tasks, next_cursor)."""
    pages, cursor = [], None
    while True:
        result = fetch(session, who, view, filters, now=now, day=TODAY, limit=limit, cursor=cursor)
        pages.append((result.tasks, result.next_cursor))
        if result.next_cursor is None:
            return pages
        cursor = result.next_cursor


def test_a_listing_holds_what_the_page_of_task_objects_holds_in_every_view(session_factory, ctx, clock, center, org):
    """inbox_listing (plain rows, the API's) and inbox_page (HumanTask objects, the pages') give the
    same tasks in the same order, page by page, with the same cursors, each listed column equal and
    the same officials (id and name) as the task's assignee and completer."""
    from engine.runtime.tasks import claim_task

    deploy_tiny(session_factory, clock, binding_metadata("pool"))
    ids = fill(session_factory, ctx, clock, center, NAMES * 2)
    for k, dossier_id in enumerate(ids[:6]):  # held by An and by Chi; one of An's delegated to Bình
        with session_factory.begin() as session:
            holder = actor(org, "an" if k % 2 else "chi")
            claim_task(session, ctx, open_task(session_factory, dossier_id).id, actor=holder)
    with session_factory.begin() as session:
        delegate_task(session, ctx, open_task(session_factory, ids[1]).id, actor=actor(org, "an"),
                      to_official_id=org.id("binh"), reason="Bận tiếp dân")
    org.leave("an", TODAY, TODAY)
    org.deputy("an", "chi", TODAY, TODAY)  # Chi's 'mine' merges two holders' tasks
    columns = [f.name for f in dataclasses.fields(TaskListing) if f.name not in ("assignee", "completed_by")]
    cases = [("an", "queue", InboxFilters()), ("chi", "mine", InboxFilters()), ("binh", "mine", InboxFilters()),
             ("an", "delegated", InboxFilters()), ("an", "queue", InboxFilters(text="hoang duc")),
             ("chi", "mine", InboxFilters(text="ha")), ("dung", "queue", InboxFilters())]
    compared = {}
    for username, view, filters in cases:
        for limit in (3, 50):
            with session_factory() as session:
                me = official(session, org, username)
                listed = _pages(inbox_listing, session, me, view, filters, limit, clock.now())
                objects = _pages(inbox_page, session, me, view, filters, limit, clock.now())
                assert [cursor for _, cursor in listed] == [cursor for _, cursor in objects], (username, view)
                for (rows, _), (tasks, _) in zip(listed, objects, strict=True):
                    assert [row.id for row in rows] == [task.id for task in tasks], (username, view, limit)
                    for row, task in zip(rows, tasks, strict=True):
                        assert {name: getattr(row, name) for name in columns} \
                            == {name: getattr(task, name) for name in columns}
                        assert _named(row.assignee) == _named(task.assignee)
                        assert _named(row.completed_by) == _named(task.completed_by)
                compared[username, view, filters.text] = sum(len(rows) for rows, _ in listed)
                if (username, view) == ("chi", "mine"):  # An, away, is named without loading her
                    assert any(isinstance(row.assignee, NamedOfficial) for rows, _ in listed for row in rows)
    assert compared.pop(("dung", "queue", None)) == 0  # not the leader's unit and role
    assert all(compared.values()) and compared["chi", "mine", None] == 5  # both holders' tasks, merged


def _plan(session, statement) -> str:
    """The database's plan of ``statement``, as text (PostgreSQL's EXPLAIN, SQLite's EXPLAIN QUERY PLAN)."""
    bind = session.get_bind()
    sql = str(statement.compile(dialect=bind.dialect, compile_kwargs={"literal_binds": True}))
    if bind.dialect.name == "postgresql":
        # Tables of a few rows are read whole; forbid that to see which index orders the page.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        session.execute(text("SET LOCAL enable_bitmapscan = off"))
        return "\n".join(row[0] for row in session.execute(text(f"EXPLAIN {sql}")))
    return "\n".join(str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))


def test_a_queue_filtered_by_stage_is_read_in_due_order_from_its_index(session_factory, ctx, clock, center, org):
    # However few tasks the planner expects at a stage (at 10 M dossiers it expected one of thousands,
    # bench.inbox), the page comes in order from ix_human_task_queue_stage and the scan stops at its end.
    from engine.org.inbox import _page_statement

    deploy_tiny(session_factory, clock, binding_metadata("pool"))
    fill(session_factory, ctx, clock, center)
    with session_factory.begin() as session:
        session.execute(update(HumanTask).values(stage="appraisal"))  # the tiny procedure names no stage
        statement = _page_statement(session, official(session, org, "an"), "queue", InboxFilters(stage="appraisal"),
                                    now=clock.now(), day=TODAY, limit=50, cursor=None, listed=True)
        plan = _plan(session, statement)
    assert "ix_human_task_queue_stage" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


def test_counts_under_a_text_search_are_what_each_view_lists(session_factory, ctx, clock, center, org):
    # Each view's count is exactly the tasks that view lists, its overdue ones apart, searched or not.
    from engine.runtime.tasks import claim_task

    deploy_tiny(session_factory, clock, binding_metadata("pool"))
    ids = fill(session_factory, ctx, clock, center, NAMES + ["Nguyễn Thị An", "Nguyễn Văn Bình"])
    for n in (0, 5, 6):
        with session_factory.begin() as session:
            claim_task(session, ctx, open_task(session_factory, ids[n]).id, actor=actor(org, "an"))
    with session_factory.begin() as session:
        delegate_task(session, ctx, open_task(session_factory, ids[5]).id, actor=actor(org, "an"),
                      to_official_id=org.id("binh"), reason="Bận tiếp dân")
    clock.advance(days=2, minutes=-30)  # some due times passed, not all
    day = TODAY + timedelta(days=2)
    for who in ("an", "binh"):
        for search in ("nguyen", "NGUYỄN văn", "an", "không có ai", "  "):
            with session_factory() as session:
                me = official(session, org, who)
                filters = InboxFilters(text=search)
                counts = inbox_counts(session, me, filters, now=clock.now(), day=day)
                for view in ("mine", "queue", "delegated"):
                    listed = inbox_listing(session, me, view, filters, now=clock.now(), day=day, limit=100).tasks
                    overdue = [task for task in listed if task.due_at < clock.now()]
                    assert (counts[view], counts[f"{view}_overdue"]) == (len(listed), len(overdue)), (who, search, view)
