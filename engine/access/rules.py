"""The access rules, as data: for each action, which roles may do it and on which objects.

A rule grants an action to a role within a scope; an action is allowed when any of its grants
holds. The scopes are defined once in ``engine.access.scopes`` (as SQL clauses for dossiers and
tasks, so the same rule both filters lists and checks one object). README.md lists this table.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from engine.persistence.models import Role


class Action(enum.StrEnum):
    DOSSIER_START = "dossier.start"
    DOSSIER_READ = "dossier.read"
    DOSSIER_WITHDRAW = "dossier.withdraw"
    DOSSIER_STOP = "dossier.stop"
    DOSSIER_EXTEND = "dossier.extend"
    LOGBOOK_READ = "logbook.read"
    TASK_READ = "task.read"
    TASK_CLAIM = "task.claim"
    TASK_COMPLETE = "task.complete"
    TASK_RELEASE = "task.release"
    TASK_DELEGATE = "task.delegate"
    TASK_REASSIGN = "task.reassign"
    PROCEDURE_DEPLOY = "procedure.deploy"
    PROCEDURE_ACTIVATE = "procedure.activate"
    PROCEDURE_ROLLBACK = "procedure.rollback"
    PROCEDURE_RETIRE = "procedure.retire"
    PROCEDURE_VERSION_READ = "procedure.version.read"
    PROCEDURE_DRAFT_READ = "procedure.draft.read"
    PROCEDURE_DRAFT_EDIT = "procedure.draft.edit"
    ORG_READ = "org.read"
    OFFICIAL_READ = "org.official.read"
    OFFICIAL_MANAGE = "org.official.manage"
    LEAVE_MANAGE = "org.leave"
    DEPUTY_MANAGE = "org.deputy"
    ORG_IMPORT = "org.import"
    ORG_EXPORT = "org.export"
    CALENDAR_READ = "calendar.read"
    CALENDAR_CHANGE = "calendar.change"
    INCIDENT_MANAGE = "incident.manage"
    HOTLINE_READ = "hotline.read"
    STATISTICS_READ = "statistics.read"
    AUDIT_READ = "audit.read"
    AUDIT_ADMIN_READ = "audit.admin.read"
    AUDIT_ANCHOR = "audit.anchor"


class Scope(enum.StrEnum):
    """Which objects a grant reaches; each is defined in ``engine.access.scopes``."""

    ANY = "any"                    # every object
    OWN_CENTER = "own_center"      # the official's own center, and only it
    CENTER = "center"              # the official's center and the centers below it
    UNIT = "unit"                  # work of the official's unit at those centers
    UNIT_TREE = "unit_tree"        # work of the official's unit and the units below it, at those centers
    UNIT_TASK = "unit_task"        # an unclaimed task of the official's unit and role, at those centers
    HOLDING = "holding"            # a dossier with an open task of the official's unit or those below
    HOLDER = "holder"              # a task the official holds, or holds for an absent official they deputise for
    ASSIGNEE = "assignee"          # a task the official holds themselves
    DELEGATED = "delegated"        # a task the official handed to someone else
    TOOK_PART = "took_part"        # a dossier the official worked on
    SELF = "self"                  # the official's own record
    LEADS = "leads"                # an official of a unit the official leads (or of one below it)


ANYONE = "*"  # any active official, whatever their roles

RECEPTION, SPECIALIST = Role.RECEPTION.value, Role.SPECIALIST.value
UNIT_LEADER, CENTER_LEADER = Role.UNIT_LEADER.value, Role.CENTER_LEADER.value
ANALYST, AUDITOR, SUPERVISOR, ADMIN = Role.ANALYST.value, Role.AUDITOR.value, Role.SUPERVISOR.value, Role.ADMIN.value
WORKERS = (RECEPTION, SPECIALIST, UNIT_LEADER, CENTER_LEADER)  # who works dossiers
READERS = (AUDITOR, SUPERVISOR)  # who reads everything in their scope and changes nothing


@dataclass(frozen=True)
class Grant:
    role: str
    scope: Scope


@dataclass(frozen=True)
class Rule:
    """An action, who may do it (the grants), and the rule in words for the 403 and the README."""

    action: Action
    grants: tuple[Grant, ...]
    rule: str
    rule_en: str


def _grants(*pairs: tuple[str | tuple[str, ...], Scope]) -> tuple[Grant, ...]:
    result: list[Grant] = []
    for roles, scope in pairs:
        result += [Grant(role, scope) for role in ((roles,) if isinstance(roles, str) else roles)]
    return tuple(result)


_READ_DOSSIERS = _grants((SPECIALIST, Scope.UNIT), (RECEPTION, Scope.OWN_CENTER), (UNIT_LEADER, Scope.UNIT_TREE),
                         ((CENTER_LEADER, *READERS), Scope.CENTER), (WORKERS, Scope.TOOK_PART))
_CLOSE = _grants((CENTER_LEADER, Scope.CENTER), (UNIT_LEADER, Scope.HOLDING))
_CLOSE_VI = "lãnh đạo trung tâm, hoặc lãnh đạo đơn vị đang giữ hồ sơ, có nêu lý do"
_CLOSE_EN = "the center leader, or the leader of the unit holding the dossier, giving a reason"
_ANALYSTS = _grants((ANALYST, Scope.ANY))
_ANALYSTS_VI, _ANALYSTS_EN = "chỉ chuyên viên quy trình (analyst)", "analysts only"

RULES: dict[Action, Rule] = {rule.action: rule for rule in [
    Rule(Action.DOSSIER_START, _grants((RECEPTION, Scope.OWN_CENTER)),
         "bộ phận tiếp nhận chỉ tiếp nhận hồ sơ tại trung tâm của mình",
         "reception receives dossiers only at its own center"),
    Rule(Action.DOSSIER_READ, _READ_DOSSIERS,
         "cán bộ xem hồ sơ của trung tâm mình mà đơn vị mình tham gia; lãnh đạo đơn vị: đơn vị mình và cấp dưới; "
         "lãnh đạo trung tâm, kiểm tra viên, giám sát viên: cả trung tâm; tiếp nhận: hồ sơ nhận tại trung tâm mình",
         "officials see their center's dossiers their unit took part in; unit leaders: their unit and those below; "
         "center leaders, auditors, supervisors: their center; reception: dossiers received at its center"),
    Rule(Action.DOSSIER_WITHDRAW, _CLOSE, _CLOSE_VI, _CLOSE_EN),
    Rule(Action.DOSSIER_STOP, _CLOSE, _CLOSE_VI, _CLOSE_EN),
    Rule(Action.DOSSIER_EXTEND, _CLOSE, _CLOSE_VI, _CLOSE_EN),
    Rule(Action.LOGBOOK_READ, _grants((RECEPTION, Scope.OWN_CENTER), ((CENTER_LEADER, *READERS), Scope.CENTER)),
         "sổ theo dõi hồ sơ: tiếp nhận, lãnh đạo trung tâm, kiểm tra viên, giám sát viên của trung tâm",
         "the logbook: reception, center leaders, auditors and supervisors of the center"),
    Rule(Action.TASK_READ, _grants(((SPECIALIST, RECEPTION), Scope.UNIT), (UNIT_LEADER, Scope.UNIT_TREE),
                                   ((CENTER_LEADER, *READERS), Scope.CENTER), (ANYONE, Scope.HOLDER),
                                   (ANYONE, Scope.DELEGATED)),
         "cán bộ xem công việc của đơn vị mình tại trung tâm mình, công việc mình giữ hoặc đã ủy quyền",
         "officials see their unit's tasks at their center, and the tasks they hold or delegated"),
    Rule(Action.TASK_CLAIM, _grants((WORKERS, Scope.UNIT_TASK), (WORKERS, Scope.HOLDER)),
         "cán bộ xử lý công việc của đơn vị và vai trò của mình tại trung tâm mình, hoặc của người mình thay thế",
         "officials act on their unit's tasks for their role at their center, or for those they deputise for"),
    Rule(Action.TASK_COMPLETE, _grants((WORKERS, Scope.UNIT_TASK), (WORKERS, Scope.HOLDER)),
         "cán bộ xử lý công việc của đơn vị và vai trò của mình tại trung tâm mình, hoặc của người mình thay thế",
         "officials act on their unit's tasks for their role at their center, or for those they deputise for"),
    Rule(Action.TASK_RELEASE, _grants((WORKERS, Scope.ASSIGNEE)),
         "chỉ người đang giữ công việc mới trả lại được", "only the official holding the task may release it"),
    Rule(Action.TASK_DELEGATE, _grants((WORKERS, Scope.ASSIGNEE)),
         "chỉ người đang giữ công việc mới ủy quyền được", "only the official holding the task may delegate it"),
    Rule(Action.TASK_REASSIGN, _grants((UNIT_LEADER, Scope.UNIT_TREE), (CENTER_LEADER, Scope.CENTER)),
         "lãnh đạo đơn vị (đơn vị mình và cấp dưới) hoặc lãnh đạo trung tâm, tại trung tâm của mình",
         "a unit leader (their unit and those below) or a center leader, at their own center"),
    Rule(Action.PROCEDURE_DEPLOY, _ANALYSTS, _ANALYSTS_VI, _ANALYSTS_EN),
    Rule(Action.PROCEDURE_ACTIVATE, _ANALYSTS, _ANALYSTS_VI, _ANALYSTS_EN),
    Rule(Action.PROCEDURE_ROLLBACK, _ANALYSTS, _ANALYSTS_VI, _ANALYSTS_EN),
    Rule(Action.PROCEDURE_RETIRE, _ANALYSTS, _ANALYSTS_VI, _ANALYSTS_EN),
    # Versions name the officials who deployed and activated them: those who manage or watch the catalogue.
    Rule(Action.PROCEDURE_VERSION_READ, _grants(((ANALYST, ADMIN, *READERS), Scope.ANY)),
         "chuyên viên quy trình, quản trị viên, kiểm tra viên, giám sát viên",
         "analysts, admins, auditors, supervisors"),
    # Drafts name who saved them and hold what is not published yet: read as versions are, edited by analysts.
    Rule(Action.PROCEDURE_DRAFT_READ, _grants(((ANALYST, ADMIN, *READERS), Scope.ANY)),
         "chuyên viên quy trình, quản trị viên, kiểm tra viên, giám sát viên",
         "analysts, admins, auditors, supervisors"),
    Rule(Action.PROCEDURE_DRAFT_EDIT, _ANALYSTS, _ANALYSTS_VI, _ANALYSTS_EN),
    Rule(Action.ORG_READ, _grants((ANYONE, Scope.ANY)),
         "mọi cán bộ đã đăng nhập", "any signed-in official"),
    Rule(Action.OFFICIAL_READ, _grants((ANYONE, Scope.SELF), (UNIT_LEADER, Scope.LEADS),
                                       ((ADMIN, *READERS), Scope.ANY)),
         "chính cán bộ, lãnh đạo đơn vị của họ, quản trị viên, kiểm tra viên, giám sát viên",
         "the official themselves, their unit's leaders, admins, auditors, supervisors"),
    Rule(Action.OFFICIAL_MANAGE, _grants((ADMIN, Scope.ANY)), "chỉ quản trị viên", "admins only"),
    Rule(Action.LEAVE_MANAGE, _grants((ADMIN, Scope.ANY), (UNIT_LEADER, Scope.LEADS)),
         "quản trị viên, hoặc lãnh đạo đơn vị của cán bộ hoặc đơn vị cấp trên",
         "an admin, or a leader of the official's unit or of a unit above it"),
    Rule(Action.DEPUTY_MANAGE, _grants((ADMIN, Scope.ANY), (ANYONE, Scope.SELF)),
         "quản trị viên hoặc chính cán bộ", "an admin or the official themselves"),
    Rule(Action.ORG_IMPORT, _grants((ADMIN, Scope.ANY)), "chỉ quản trị viên", "admins only"),
    Rule(Action.ORG_EXPORT, _grants(((ADMIN, *READERS), Scope.ANY)),
         "quản trị viên, kiểm tra viên, giám sát viên", "admins, auditors, supervisors"),
    Rule(Action.CALENDAR_READ, _grants((ANYONE, Scope.ANY)), "mọi cán bộ đã đăng nhập", "any signed-in official"),
    Rule(Action.CALENDAR_CHANGE, _grants((ADMIN, Scope.ANY)), "chỉ quản trị viên", "admins only"),
    # The hotline desk tells a caller what the public lookup would, finding the dossier by the
    # caller's phone or name instead of the receipt's secret: reception answers for its own center.
    Rule(Action.HOTLINE_READ, _grants((RECEPTION, Scope.OWN_CENTER), ((CENTER_LEADER, SUPERVISOR), Scope.CENTER)),
         "đường dây nóng: bộ phận tiếp nhận của trung tâm, lãnh đạo trung tâm, giám sát viên",
         "the hotline: the center's reception, center leaders, supervisors"),
    # The figures a center is judged by (engine.statistics): leaders and supervisors, over what they
    # may read; a unit leader over the work of their unit and those below it.
    Rule(Action.STATISTICS_READ, _grants((UNIT_LEADER, Scope.UNIT_TREE), ((CENTER_LEADER, *READERS), Scope.CENTER),
                                         (ADMIN, Scope.ANY)),
         "số liệu thống kê: lãnh đạo đơn vị (đơn vị mình và cấp dưới), lãnh đạo trung tâm, kiểm tra viên, "
         "giám sát viên (trung tâm mình và cấp dưới), quản trị viên",
         "statistics: unit leaders (their unit and those below), center leaders, auditors, supervisors "
         "(their center and those below), admins"),
    Rule(Action.INCIDENT_MANAGE, _grants((ADMIN, Scope.ANY)), "chỉ quản trị viên xử lý sự cố hồ sơ",
         "admins only handle dossier incidents"),
    # Verification, replay, time travel and evidence packs read a dossier's whole record.
    Rule(Action.AUDIT_READ, _grants((READERS, Scope.CENTER)),
         "kiểm tra viên, giám sát viên: hồ sơ của trung tâm mình và các trung tâm cấp dưới",
         "auditors and supervisors: dossiers of their center and the centers below it"),
    # The administrative chain and the anchors cover the whole deployment, every center at once.
    Rule(Action.AUDIT_ADMIN_READ, _grants(((ADMIN, *READERS), Scope.ANY)),
         "quản trị viên, kiểm tra viên, giám sát viên", "admins, auditors, supervisors"),
    Rule(Action.AUDIT_ANCHOR, _grants((ADMIN, Scope.ANY)),
         "chỉ quản trị viên ghi mốc neo theo yêu cầu (bộ lập lịch ghi định kỳ)",
         "admins only write an anchor on demand (the scheduler writes them periodically)"),
]}
