// The studio's modeler page: bpmn-js's Modeler with the minimap, element search (Ctrl+F) and
// keyboard shortcuts bpmn-js brings, bpmnlint's style checks, token simulation, and the properties
// panel with our declared properties. On a draft it also saves to the server with the draft's
// version tag, shows the server validator's problems on the diagram, and edits the steps' forms.
// The page's JSON (#studio-data) gives the URLs, the draft's files, the vocabulary of valid values
// and the texts in the page's language.
import {
  Modeler, minimapModule, tokenSimulationModule, lintModule, bpmnlintConfig,
  BpmnPropertiesPanelModule, BpmnPropertiesProviderModule
} from "../../vendor/bpmn-js/studio-modeler.js";
import { spiffworkflowDescriptor, readProperty, writeProperty } from "./moddle.js";
import { motcuaPropertiesModule } from "./properties.js";
import { keepUndrawnDiModule } from "./keep-di.js";
import { problemsView } from "./problems.js";
import { formEditor } from "./forms.js";
import { draftSaving } from "./drafts.js";

const root = document.getElementById("studio");
const data = JSON.parse(document.getElementById("studio-data").textContent);
const texts = data.texts;
const status = document.getElementById("studio-status");

function say(text, kind) {
  status.textContent = text;
  status.dataset.kind = kind || "info";
}

// What the page edits beside the diagram: procedure.json (lane bindings, time limits), the forms,
// and any other file of the draft, kept as it came.
const store = { procedure: {}, forms: {}, others: {}, bpmnName: null };
if (data.draft) {
  Object.entries(data.draft.files).forEach(([name, text]) => {
    if (name === "procedure.json") store.procedure = JSON.parse(text);
    else if (/^forms\/[^/]+\.schema\.json$/.test(name)) store.forms[name.slice("forms/".length)] = JSON.parse(text);
    else if (name.endsWith(".bpmn") && !store.bpmnName) store.bpmnName = name;
    else store.others[name] = text;
  });
}

const vocabulary = data.vocabulary || {};
vocabulary.forms = Object.keys(store.forms).sort();

const modeler = new Modeler({
  container: "#canvas",
  propertiesPanel: { parent: "#properties" },
  linting: { bpmnlint: bpmnlintConfig, active: true },
  additionalModules: [
    minimapModule, tokenSimulationModule, lintModule, keepUndrawnDiModule,
    BpmnPropertiesPanelModule, BpmnPropertiesProviderModule,
    motcuaPropertiesModule(store, vocabulary, texts)
  ],
  moddleExtensions: { spiffworkflow: spiffworkflowDescriptor }
});

async function open(xml) {
  const { warnings } = await modeler.importXML(xml);
  const canvas = modeler.get("canvas");
  canvas.resized();
  canvas.zoom("fit-viewport", "auto");
  return warnings;
}

// The browser tests and the page's other scripts reach the modeler here.
window.motcuaStudio = { modeler, store, data, say, open };

const simulation = document.getElementById("toggle-simulation");
simulation.addEventListener("click", () => modeler.get("toggleMode").toggleMode());
modeler.on("tokenSimulation.toggleMode", (event) => {
  simulation.setAttribute("aria-pressed", String(Boolean(event.active)));
});

modeler.on("commandStack.changed", () => {
  vocabulary.forms = Object.keys(store.forms).sort();
  root.dataset.dirty = "true";
});

async function diagramText() {
  if (data.draft) return data.draft.files[store.bpmnName];
  const response = await fetch(data.diagramUrl, { credentials: "same-origin" });
  if (!response.ok) throw new Error(String(response.status));
  return response.text();
}

async function start() {
  try {
    await open(await diagramText());
    modeler.get("minimap").open();
  } catch (error) {
    say(texts.failed, "error");
    root.dataset.ready = "failed";
    return;
  }
  if (data.draft) {
    const problems = problemsView({
      modeler, texts, list: document.getElementById("problem-list"), summary: document.getElementById("problem-summary")
    });
    formEditor({
      root: document.getElementById("form-editor"), modeler, store, texts, vocabulary,
      previewUrl: data.urls.preview, csrf: data.csrf, writeProperty, readProperty
    });
    const saving = draftSaving({ modeler, store, data, texts, say, problems, open });
    window.motcuaStudio.saving = saving;
    problems.show(data.problems || []);
  }
  root.dataset.ready = "true";
}

start();
