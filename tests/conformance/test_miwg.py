"""The 21 OMG BPMN MIWG reference models, exported by other modelling tools.

For each, the validator answers within 2 s with "executable" or located problems — never a crash,
a traceback or a hang — and docs/conformance.md states the same verdicts.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from engine.deployment.validate import validate_bpmn_file
from tests.conftest import ROOT, SHARED

CORPUS = SHARED / "conformance" / "bpmn-miwg"
MODELS = sorted(CORPUS.glob("*.bpmn")) if CORPUS.is_dir() else []
pytestmark = pytest.mark.skipif(
    not MODELS, reason=f"the MIWG corpus is not beside the project ({CORPUS} is missing)"
)


def documented_verdicts() -> dict[str, str]:
    table = (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| (\S+\.bpmn) \| ([^|]+)\|", table, re.M)}


@pytest.mark.parametrize("model", MODELS, ids=[m.name for m in MODELS])
def test_each_model_gets_a_verdict_with_located_problems(model: Path):
    started = time.perf_counter()
    problems = validate_bpmn_file(model.read_bytes(), model.name)
    assert time.perf_counter() - started < 2.0
    for problem in problems:
        assert problem.file == model.name
        assert problem.line or problem.element_id, problem
        assert problem.message and problem.message_en and problem.rule
    executable = not [p for p in problems if p.severity == "error"]
    verdict = "executable" if executable else "not executable"
    assert documented_verdicts()[model.name] == verdict, "docs/conformance.md is out of date"


def test_the_table_covers_the_whole_corpus():
    assert sorted(documented_verdicts()) == [m.name for m in MODELS]
