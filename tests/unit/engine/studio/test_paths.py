"""The sandbox's default path: distances to an end that issues the result, from the diagram's flows."""

from __future__ import annotations

from engine.deployment.package import load_package
from engine.deployment.validate import read_diagrams
from engine.studio.paths import distances_to_result
from tests.conftest import LIBRARY


def test_the_approval_branch_is_nearer_to_the_issued_result_than_the_refusal():
    diagrams, problems = read_diagrams(load_package(LIBRARY / "enterprise_registration"))
    assert problems == []
    distance = distances_to_result(diagrams)
    assert distance["result_returned"] == 0
    assert distance["return_result"] < distance["approve_dossier"] < distance["appraise_dossier"]
    assert "notify_refusal" not in distance and "dossier_refused" not in distance  # only a refusal lies ahead
    assert distance["receive_supplement"] > distance["appraise_dossier"]
