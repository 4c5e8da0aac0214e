// Keeps the diagram interchange of elements bpmn-js does not draw.
//
// On save, bpmn-js's BpmnDiOrdering rebuilds each plane's shapes and edges from what is on the
// canvas, so the BPMNShape/BPMNEdge of an element it did not draw (e.g. a process that no pool of
// the collaboration shows, as in MIWG B.1.0 exported by other tools) would be dropped. This module
// remembers those at import and puts them back after the ordering, so importing and saving a
// diagram from another tool loses none of its layout.
const AFTER_ORDERING = 1500; // BpmnDiOrdering listens at 2000; higher runs first

function KeepUndrawnDi(eventBus, canvas, elementRegistry) {
  let undrawn = [];

  eventBus.on("import.done", () => {
    undrawn = canvas.getRootElements().map((root) => {
      const plane = root.di;
      const missing = plane && plane.planeElement
        ? plane.planeElement.filter((di) => !di.bpmnElement || !elementRegistry.get(di.bpmnElement.id))
        : [];
      return { plane, missing };
    }).filter((entry) => entry.missing.length);
  });

  eventBus.on("saveXML.start", AFTER_ORDERING, () => {
    undrawn.forEach(({ plane, missing }) => {
      const present = new Set(plane.get("planeElement"));
      const back = missing.filter((di) => !present.has(di));
      if (back.length) plane.set("planeElement", [...plane.get("planeElement"), ...back]);
    });
  });
}

KeepUndrawnDi.$inject = ["eventBus", "canvas", "elementRegistry"];

export const keepUndrawnDiModule = { __init__: ["keepUndrawnDi"], keepUndrawnDi: ["type", KeepUndrawnDi] };
