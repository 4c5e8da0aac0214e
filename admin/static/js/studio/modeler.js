// The studio's modeler page: bpmn-js's Modeler with the minimap, element search (Ctrl+F) and
// keyboard shortcuts bpmn-js brings, bpmnlint's style checks, token simulation, and the properties
// panel with our declared properties. The page's JSON (#studio-data) gives the URLs, the vocabulary
// of valid values and the texts in the page's language.
import {
  Modeler, minimapModule, tokenSimulationModule, lintModule, bpmnlintConfig,
  BpmnPropertiesPanelModule, BpmnPropertiesProviderModule
} from "../../vendor/bpmn-js/studio-modeler.js";
import { spiffworkflowDescriptor } from "./moddle.js";
import { motcuaPropertiesModule } from "./properties.js";
import { keepUndrawnDiModule } from "./keep-di.js";

const root = document.getElementById("studio");
const data = JSON.parse(document.getElementById("studio-data").textContent);
const texts = data.texts;
const status = document.getElementById("studio-status");

// What the page edits beside the diagram: procedure.json (lane bindings, time limits) and the forms.
const store = { procedure: (data.draft && data.draft.procedure) || {}, forms: (data.draft && data.draft.forms) || {} };

export function say(text, kind) {
  status.textContent = text;
  status.dataset.kind = kind || "info";
}

const modeler = new Modeler({
  container: "#canvas",
  propertiesPanel: { parent: "#properties" },
  linting: { bpmnlint: bpmnlintConfig, active: true },
  additionalModules: [
    minimapModule, tokenSimulationModule, lintModule, keepUndrawnDiModule,
    BpmnPropertiesPanelModule, BpmnPropertiesProviderModule,
    motcuaPropertiesModule(store, data.vocabulary || {}, texts)
  ],
  moddleExtensions: { spiffworkflow: spiffworkflowDescriptor }
});

// The browser tests and the page's other scripts reach the modeler here.
window.motcuaStudio = { modeler, store, data, say };

async function open(xml) {
  const { warnings } = await modeler.importXML(xml);
  modeler.get("canvas").zoom("fit-viewport", "auto");
  modeler.get("minimap").open();
  return warnings;
}

async function load() {
  try {
    const response = await fetch(data.diagramUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    await open(await response.text());
    root.dataset.ready = "true";
    document.dispatchEvent(new CustomEvent("studio:ready"));
  } catch (error) {
    say(texts.failed, "error");
    root.dataset.ready = "failed";
  }
}

const simulation = document.getElementById("toggle-simulation");
simulation.addEventListener("click", () => modeler.get("toggleMode").toggleMode());
modeler.on("tokenSimulation.toggleMode", (event) => {
  simulation.setAttribute("aria-pressed", String(Boolean(event.active)));
});

modeler.on("commandStack.changed", () => {
  root.dataset.dirty = "true";
  document.dispatchEvent(new CustomEvent("studio:changed"));
});

window.motcuaStudio.open = open;
load();
