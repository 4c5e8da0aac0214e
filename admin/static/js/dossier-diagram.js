// The dossier's diagram in bpmn-js's NavigatedViewer (window.BpmnJS), marked with the path taken:
// "path-done" on every element the history completed and on each sequence flow between two of them
// (or from a done element to a current step), "path-current" on the steps waiting now, with an
// overlay naming who holds each. The page gives the element ids; the diagram comes from its own URL.
(function () {
  "use strict";

  function readJson(element, name) {
    try {
      return JSON.parse(element.dataset[name] || "[]");
    } catch (error) {
      return [];
    }
  }

  function holderBadge(text) {
    const badge = document.createElement("div");
    badge.className = "path-holder";
    badge.textContent = text;
    return badge;
  }

  function mark(viewer, done, current) {
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    const overlays = viewer.get("overlays");
    const doneIds = new Set(done);
    const currentIds = new Set(current.map((step) => step.id));
    doneIds.forEach((id) => { if (registry.get(id)) canvas.addMarker(id, "path-done"); });
    current.forEach((step) => {
      if (!registry.get(step.id)) return;
      canvas.addMarker(step.id, "path-current");
      overlays.add(step.id, "path-holder", { position: { bottom: -4, left: 0 }, html: holderBadge(step.label) });
    });
    // A flow was taken when its source was done and its target was reached after it.
    registry.filter((element) => element.type === "bpmn:SequenceFlow").forEach((flow) => {
      const source = flow.source && flow.source.id;
      const target = flow.target && flow.target.id;
      if (doneIds.has(source) && (doneIds.has(target) || currentIds.has(target))) {
        canvas.addMarker(flow.id, "path-done");
      }
    });
  }

  async function show(container) {
    const viewer = new window.BpmnJS({ container: container });
    try {
      const response = await fetch(container.dataset.diagramUrl, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      await viewer.importXML(await response.text());
      viewer.get("canvas").zoom("fit-viewport");
      mark(viewer, readJson(container, "done"), readJson(container, "current"));
      container.dataset.ready = "true";
    } catch (error) {
      container.textContent = container.dataset.failedText;
      container.dataset.ready = "failed";
    }
  }

  const container = document.getElementById("diagram");
  if (container && window.BpmnJS) show(container);
})();
