// The form editor: each step's JSON Schema as a list of fields (name, Vietnamese label, kind,
// required, choices or a document checklist, the field's meaning to the engine), with a preview
// the server draws with the officials' own form renderer (admin/schema_form.py), so what the
// analyst sees is what the official will see; no second renderer lives in the browser.
//
// Every change is a command on bpmn-js's command stack ("motcua.form.update"), so undo/redo and
// the page's "unsaved" mark cover forms as they cover the diagram.

// kind -> how it is written in JSON Schema; "kept" is any shape this editor does not write
// (sections, lists of records): shown, its label and "required" editable, its shape kept.
const KINDS = {
  text: () => ({ type: "string", minLength: 1, maxLength: 300 }),
  long_text: () => ({ type: "string", minLength: 1, maxLength: 4000 }),
  number: () => ({ type: "number" }),
  integer: () => ({ type: "integer" }),
  date: () => ({ type: "string", format: "date" }),
  email: () => ({ type: "string", format: "email" }),
  yes_no: () => ({ type: "boolean" }),
  choice: (choices) => ({ type: "string", oneOf: choices }),
  documents: (choices) => ({ type: "array", uniqueItems: true, items: { type: "string", oneOf: choices } }),
  lines: () => ({ type: "array", items: { type: "string", minLength: 1 } })
};
const WITH_CHOICES = new Set(["choice", "documents"]);
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export function kindOf(schema) {
  if (!schema || typeof schema !== "object") return "kept";
  if (schema.type === "array") {
    const items = schema.items || {};
    if (items.type === "string" && Array.isArray(items.oneOf)) return "documents";
    if (items.type === "string" && !items.oneOf && !items.enum) return "lines";
    return "kept";
  }
  if (schema.type === "string" && Array.isArray(schema.oneOf)) return "choice";
  if (schema.type === "string" && (schema.format === "date" || schema.format === "email")) return schema.format;
  if (schema.type === "string" && !schema.enum) return (schema.maxLength || 0) > 300 ? "long_text" : "text";
  if (schema.type === "number" || schema.type === "integer") return schema.type;
  if (schema.type === "boolean") return "yes_no";
  return "kept";
}

function choicesOf(schema) {
  const list = schema.type === "array" ? (schema.items || {}).oneOf : schema.oneOf;
  return (list || []).map((c) => `${c.const}: ${c.title || c.const}`).join("\n");
}

function parseChoices(text) {
  return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const at = line.indexOf(":");
    const value = (at > 0 ? line.slice(0, at) : line).trim();
    const title = (at > 0 ? line.slice(at + 1) : line).trim();
    return { const: value, title: title || value };
  });
}

// The schema of field `name` after the editor changed `kind`, keeping what it does not own
// (description, the engine role, limits of the same kind).
export function reshape(old, kind, choices) {
  if (kind === "kept") return old;
  const fresh = KINDS[kind](choices);
  const keep = {};
  ["title", "description", "x-motcua-role"].forEach((k) => { if (old && old[k] !== undefined) keep[k] = old[k]; });
  return { ...keep, ...fresh };
}

export function emptyForm(title) {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title, type: "object", additionalProperties: false, required: [], properties: {}
  };
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v === undefined || v === null || v === false) return;
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  });
  children.flat().forEach((c) => c && node.append(c));
  return node;
}

class FormChangeHandler {
  constructor(store) { this.store = store; }
  execute(context) {
    context.old = this.store.forms[context.name];
    if (context.schema === undefined) delete this.store.forms[context.name];
    else this.store.forms[context.name] = context.schema;
    return [];
  }
  revert(context) {
    if (context.old === undefined) delete this.store.forms[context.name];
    else this.store.forms[context.name] = context.old;
    return [];
  }
}

export function formEditor({ root, modeler, store, texts, vocabulary, previewUrl, csrf, writeProperty, readProperty }) {
  const commandStack = modeler.get("commandStack");
  commandStack.register("motcua.form.update", new FormChangeHandler(store));
  let current = Object.keys(store.forms).sort()[0] || null;
  let previewTimer = null;

  const chooser = root.querySelector("#form-choice");
  const fieldsBox = root.querySelector("#form-fields");
  const preview = root.querySelector("#form-preview");
  const createButton = root.querySelector("#form-create");

  function update(name, schema) {
    commandStack.execute("motcua.form.update", { name, schema: JSON.parse(JSON.stringify(schema)) });
  }

  function edit(change) {
    const schema = JSON.parse(JSON.stringify(store.forms[current]));
    change(schema);
    update(current, schema);
  }

  function renderChooser() {
    chooser.replaceChildren(...Object.keys(store.forms).sort().map((name) =>
      el("option", { value: name, selected: name === current, text: name })));
    chooser.disabled = !current;
  }

  function fieldRow(name, schema, required) {
    const id = `form-field-${name}`;
    const kind = kindOf(schema);
    const row = el("fieldset", { class: "form-field-editor", "data-field": name });
    row.append(el("legend", { text: schema.title || name }));
    const kindSelect = el("select", { id: `${id}-kind`, onchange: (e) => edit((s) => {
      const choices = parseChoices(choicesText.value || "");
      s.properties[name] = reshape(s.properties[name], e.target.value, choices.length ? choices : [{ const: "co", title: texts.choiceExample }]);
    }) }, ...Object.keys(KINDS).map((k) => el("option", { value: k, selected: k === kind, text: texts.kinds[k] })),
    kind === "kept" ? el("option", { value: "kept", selected: true, text: texts.kinds.kept }) : null);
    const title = el("input", { id: `${id}-title`, value: schema.title || "", onchange: (e) => edit((s) => {
      s.properties[name].title = e.target.value.trim() || name;
    }) });
    const requiredBox = el("input", { id: `${id}-required`, type: "checkbox", checked: required, onchange: (e) => edit((s) => {
      const list = new Set(s.required || []);
      if (e.target.checked) list.add(name); else list.delete(name);
      s.required = [...Object.keys(s.properties)].filter((n) => list.has(n));
    }) });
    const choicesText = el("textarea", { id: `${id}-choices`, rows: 3, onchange: (e) => edit((s) => {
      s.properties[name] = reshape(s.properties[name], kindOf(s.properties[name]), parseChoices(e.target.value));
    }) });
    choicesText.value = WITH_CHOICES.has(kind) ? choicesOf(schema) : "";
    const roleSelect = el("select", { id: `${id}-role`, onchange: (e) => edit((s) => {
      if (e.target.value) s.properties[name]["x-motcua-role"] = e.target.value;
      else delete s.properties[name]["x-motcua-role"];
    }) }, el("option", { value: "", text: texts.noRole }),
    ...(vocabulary.form_field_roles || []).map((r) => el("option", {
      value: r.role, selected: schema["x-motcua-role"] === r.role, text: `${r.role} — ${texts.lang === "en" ? r.meaning_en : r.meaning_vi}` })));
    const remove = el("button", { type: "button", class: "secondary", onclick: () => edit((s) => {
      delete s.properties[name];
      s.required = (s.required || []).filter((n) => n !== name);
    }) }, texts.removeField);

    row.append(...[
      el("div", { class: "form-field-line" },
        el("div", {}, el("label", { for: `${id}-title`, text: texts.fieldLabel }), title),
        el("div", {}, el("label", { for: `${id}-kind`, text: texts.fieldKind }), kindSelect),
        el("div", { class: "check" }, requiredBox, el("label", { for: `${id}-required`, text: texts.required }))),
      WITH_CHOICES.has(kind) ? el("div", {}, el("label", { for: `${id}-choices`, text: kind === "documents" ? texts.documents : texts.choices }), choicesText) : null,
      el("div", { class: "form-field-line" },
        el("div", {}, el("label", { for: `${id}-role`, text: texts.fieldRole }), roleSelect),
        el("p", { class: "muted", text: `${texts.fieldName}: ${name}` }), remove)].filter(Boolean));
    return row;
  }

  function renderFields() {
    fieldsBox.replaceChildren();
    if (!current || !store.forms[current]) {
      fieldsBox.append(el("p", { class: "muted", text: texts.noForm }));
      preview.replaceChildren();
      return;
    }
    const schema = store.forms[current];
    const required = new Set(schema.required || []);
    const formTitle = el("input", { id: "form-title", value: schema.title || "", onchange: (e) => edit((s) => { s.title = e.target.value.trim(); }) });
    const formHint = el("input", { id: "form-description", value: schema.description || "", onchange: (e) => edit((s) => {
      if (e.target.value.trim()) s.description = e.target.value.trim(); else delete s.description;
    }) });
    fieldsBox.append(
      el("div", { class: "form-field-line" },
        el("div", {}, el("label", { for: "form-title", text: texts.formTitle }), formTitle),
        el("div", {}, el("label", { for: "form-description", text: texts.formDescription }), formHint)),
      ...Object.entries(schema.properties || {}).map(([name, sub]) => fieldRow(name, sub || {}, required.has(name))),
      newFieldLine());
    schedulePreview();
  }

  function newFieldLine() {
    const nameInput = el("input", { id: "form-new-name", pattern: FIELD_NAME.source, "aria-describedby": "form-new-hint" });
    const hint = el("p", { id: "form-new-hint", class: "muted", text: texts.fieldNameHint });
    const add = el("button", { type: "button", class: "secondary", onclick: () => {
      const name = nameInput.value.trim();
      if (!FIELD_NAME.test(name) || (store.forms[current].properties || {})[name]) {
        hint.textContent = texts.fieldNameHint;
        hint.className = "field-error";
        nameInput.setAttribute("aria-invalid", "true");
        return;
      }
      edit((s) => {
        s.properties = s.properties || {};
        s.properties[name] = { title: name, ...KINDS.text() };
      });
    } }, texts.addField);
    return el("div", { class: "form-field-line form-new" },
      el("div", {}, el("label", { for: "form-new-name", text: texts.newFieldName }), nameInput, hint), add);
  }

  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(showPreview, 250);
  }

  async function showPreview() {
    if (!current || !store.forms[current]) return;
    const response = await fetch(previewUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ schema: store.forms[current], decision_field: decisionFieldOf(current) })
    });
    const body = await response.json();
    // The server escapes every text of the schema: the fragment is its own template's output.
    preview.innerHTML = body.html || "";
    if (body.message) preview.prepend(el("p", { class: "field-error", text: body.message }));
    preview.dataset.ready = String(Date.now());
  }

  function decisionFieldOf(formName) {
    const registry = modeler.get("elementRegistry");
    const step = registry.find((e) => e.businessObject && readProperty(e.businessObject, "formJsonSchemaFilename") === formName);
    return step ? readProperty(step.businessObject, "decisionField") : "";
  }

  function selectedStep() {
    const selected = modeler.get("selection").get();
    return selected.length === 1 && /^bpmn:(UserTask|ManualTask|Task|StartEvent)$/.test(selected[0].type) ? selected[0] : null;
  }

  // A form for the selected step, named after it, bound to it through its formJsonSchemaFilename.
  createButton.addEventListener("click", () => {
    const step = selectedStep();
    if (!step) { createButton.nextElementSibling.textContent = texts.selectStepFirst; return; }
    const name = `${step.id}.schema.json`;
    commandStack.execute("motcua.form.update", { name, schema: store.forms[name] || emptyForm(step.businessObject.name || step.id) });
    writeProperty(step, "formJsonSchemaFilename", name, modeler.get("modeling"), modeler.get("moddle"));
    current = name;
    createButton.nextElementSibling.textContent = "";
    render();
  });

  chooser.addEventListener("change", () => { current = chooser.value; renderFields(); });

  // Selecting a step opens its form, if it has one.
  modeler.on("selection.changed", ({ newSelection }) => {
    const step = newSelection.length === 1 ? newSelection[0] : null;
    const name = step && step.businessObject && readProperty(step.businessObject, "formJsonSchemaFilename");
    if (name && store.forms[name] && name !== current) { current = name; render(); }
  });

  function render() {
    if (current && !store.forms[current]) current = Object.keys(store.forms).sort()[0] || null;
    renderChooser();
    renderFields();
  }

  // After a change, draw again once the browser has moved focus (Tab after editing a field), and
  // give focus back to the control of the same id, so keyboard users keep their place.
  let pending = null;
  modeler.on("commandStack.changed", () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      const focused = document.activeElement && root.contains(document.activeElement) ? document.activeElement.id : null;
      render();
      const again = focused && document.getElementById(focused);
      if (again) again.focus();
    }, 0);
  });
  render();
  return { render, showPreview, select: (name) => { current = name; render(); } };
}
