// A procedure's diagram in bpmn-js's NavigatedViewer (window.BpmnJS) with each step coloured by its
// p90 working time over its allotted time ("heat-1" under 75 %, "heat-2" to 100 %, "heat-3" to
// 150 %, "heat-4" beyond; "heat-0" no figures) and an overlay giving the numbers.
(function () {
  "use strict";

  function heat(ratio) {
    if (ratio === null || ratio === undefined) return "heat-0";
    if (ratio < 0.75) return "heat-1";
    if (ratio <= 1) return "heat-2";
    if (ratio <= 1.5) return "heat-3";
    return "heat-4";
  }

  function badge(step, hours) {
    const element = document.createElement("div");
    element.className = "heat-badge";
    const p90 = step.p90 === null ? "—" : step.p90.toFixed(1);
    const allotted = step.allotted === null ? "—" : step.allotted.toFixed(1);
    element.textContent = "P90 " + p90 + " / " + allotted + " " + hours + " (" + step.completed + ")";
    return element;
  }

  async function show(container) {
    const viewer = new window.BpmnJS({ container: container });
    let steps = [];
    try {
      steps = JSON.parse(container.dataset.steps || "[]");
      const response = await fetch(container.dataset.diagramUrl, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      await viewer.importXML(await response.text());
      viewer.get("canvas").zoom("fit-viewport");
    } catch (error) {
      container.textContent = container.dataset.failedText;
      container.dataset.ready = "failed";
      return;
    }
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    const overlays = viewer.get("overlays");
    const byId = new Map(steps.map((step) => [step.id, step]));
    registry.filter((element) => element.type === "bpmn:UserTask" || element.type === "bpmn:ManualTask")
      .forEach((element) => {
        const step = byId.get(element.id);
        canvas.addMarker(element.id, heat(step ? step.ratio : null));
        if (step) {
          overlays.add(element.id, "heat", { position: { bottom: -4, left: 0 }, html: badge(step, container.dataset.hours) });
        }
      });
    container.dataset.ready = "true";
  }

  const container = document.getElementById("heatmap");
  if (container && window.BpmnJS) show(container);
})();
