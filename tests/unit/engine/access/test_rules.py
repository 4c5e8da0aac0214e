"""The rules table itself: complete, well-formed, documented, and true to the few things the law fixes."""

from __future__ import annotations

import re

from engine.access.rules import ANYONE, READERS, RULES, Action, Scope
from engine.persistence.models import Role
from tests.conftest import ROOT

CHANGES = [a for a in Action if not a.value.endswith((".read",)) and a is not Action.ORG_EXPORT]
DOSSIER_WORK = [a for a in Action if a.value.startswith(("dossier.", "task.", "logbook."))]


def test_every_action_has_one_rule_with_grants_in_both_languages():
    assert set(RULES) == set(Action)
    for action, rule in RULES.items():
        assert rule.action is action and rule.grants and rule.rule and rule.rule_en
        for grant in rule.grants:
            assert grant.role == ANYONE or grant.role in {r.value for r in Role}, grant
            assert isinstance(grant.scope, Scope)


def test_auditors_and_supervisors_change_nothing():
    for action in CHANGES:
        assert not {g.role for g in RULES[action].grants} & set(READERS), action
        assert ANYONE not in {g.role for g in RULES[action].grants if g.scope is Scope.ANY}, action


def test_admins_never_act_on_dossiers_or_tasks():
    for action in DOSSIER_WORK:
        assert Role.ADMIN.value not in {g.role for g in RULES[action].grants}, action


def test_only_analysts_change_procedure_versions():
    for action in (Action.PROCEDURE_DEPLOY, Action.PROCEDURE_ACTIVATE, Action.PROCEDURE_ROLLBACK,
                   Action.PROCEDURE_RETIRE):
        assert {g.role for g in RULES[action].grants} == {Role.ANALYST.value}


def test_withdraw_stop_and_extend_belong_to_the_center_leader_or_the_unit_leader_holding_the_dossier():
    for action in (Action.DOSSIER_WITHDRAW, Action.DOSSIER_STOP, Action.DOSSIER_EXTEND):
        assert {(g.role, g.scope) for g in RULES[action].grants} == {
            (Role.CENTER_LEADER.value, Scope.CENTER), (Role.UNIT_LEADER.value, Scope.HOLDING)}


def test_reception_receives_only_at_its_own_center():
    assert {(g.role, g.scope) for g in RULES[Action.DOSSIER_START].grants} == {(Role.RECEPTION.value,
                                                                                Scope.OWN_CENTER)}


def test_the_readme_documents_every_rule_in_one_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z_]+\.[a-z_.]+)` \|", readme, flags=re.MULTILINE)
    assert sorted(documented) == sorted(a.value for a in Action)
    assert "supervisor" in readme
