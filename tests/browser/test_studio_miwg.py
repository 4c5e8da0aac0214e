"""Each of the 21 OMG BPMN MIWG reference models, drawn by other tools, opens in the studio's
modeler and saves back without losing an element or its diagram interchange: the same element ids,
and a BPMNShape or BPMNEdge for the same elements; the saved file opens again.

One page runs every model in turn (importXML, saveXML, importXML of what was saved), so the
21 models cost one page load."""

from __future__ import annotations

import pytest
from lxml import etree
from playwright.sync_api import expect

from tests.browser.support import screenshot, script_problems, sign_in
from tests.conftest import SHARED

CORPUS = SHARED / "conformance" / "bpmn-miwg"  # as tests/conformance/test_miwg.py finds it
MODELS = sorted(CORPUS.glob("*.bpmn")) if CORPUS.is_dir() else []
SEMANTIC = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI = "http://www.omg.org/spec/BPMN/20100524/DI"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not MODELS, reason=f"the MIWG corpus is not beside the project ({CORPUS} is missing)"),
]

ROUND_TRIP = """async (models) => {
  const studio = window.motcuaStudio;
  const results = [];
  for (const model of models) {
    const result = { name: model.name };
    try {
      result.warnings = (await studio.open(model.xml)).length;
      result.saved = (await studio.modeler.saveXML({ format: true })).xml;
      await studio.open(result.saved);
      result.again = (await studio.modeler.saveXML({ format: true })).xml;
    } catch (error) {
      result.error = String(error);
    }
    results.push(result);
  }
  return results;
}"""


def element_ids(xml: bytes) -> set[str]:
    """The ids of the model's elements (BPMN semantic namespace)."""
    tree = etree.fromstring(xml)
    return {e.get("id") for e in tree.iter(f"{{{SEMANTIC}}}*") if e.get("id")}


def diagram_elements(xml: bytes) -> set[tuple[str, str]]:
    """(BPMNShape or BPMNEdge, the element it draws) for every shape and edge of the diagram."""
    tree = etree.fromstring(xml)
    return {(etree.QName(e).localname, e.get("bpmnElement"))
            for kind in ("BPMNShape", "BPMNEdge") for e in tree.iter(f"{{{DI}}}{kind}")}


def test_every_reference_model_opens_and_saves_back_unchanged(page, live_site):
    problems = script_problems(page)
    sign_in(page, live_site.officials["analyst"])
    page.goto("/thiet-ke/certified_copy/phien-ban/1")
    expect(page.locator("#studio")).to_have_attribute("data-ready", "true")

    models = [{"name": m.name, "xml": m.read_text(encoding="utf-8")} for m in MODELS]
    results = {r["name"]: r for r in page.evaluate(ROUND_TRIP, models)}

    assert sorted(results) == [m.name for m in MODELS]
    for model in MODELS:
        result = results[model.name]
        assert "error" not in result, f"{model.name}: {result.get('error')}"
        original, saved = model.read_bytes(), result["saved"].encode()
        assert element_ids(saved) == element_ids(original), model.name
        assert diagram_elements(saved) == diagram_elements(original), model.name
        assert result["again"] == result["saved"], f"{model.name}: a second round trip changed the file"
    screenshot(page, "studio-miwg-last-model")
    assert problems == []
