// Saving the draft on the server with its version tag. The server refuses a save based on an older
// tag (someone else saved in between): the page then shows both versions, the analyst's own in the
// modeler and the one on the server in a viewer beside the list of files that differ, and lets the
// analyst open the server's version or save theirs over it knowingly.
import { NavigatedViewer } from "../../vendor/bpmn-js/studio-modeler.js";

export function draftSaving({ modeler, store, data, texts, say, problems, open }) {
  const root = document.getElementById("studio");
  const conflict = document.getElementById("conflict");
  let tag = data.draft.tag;
  let server = null; // the server's draft after a refused save
  let viewer = null;
  root.dataset.tag = tag || "";

  async function files() {
    const { xml } = await modeler.saveXML({ format: true });
    const result = { ...store.others, [store.bpmnName]: xml, "procedure.json": `${JSON.stringify(store.procedure, null, 2)}\n` };
    Object.entries(store.forms).forEach(([name, schema]) => {
      result[`forms/${name}`] = `${JSON.stringify(schema, null, 2)}\n`;
    });
    return result;
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf },
      body: JSON.stringify(body)
    });
    let answer = {};
    try { answer = await response.json(); } catch (error) { answer = { message: texts.serverError }; }
    return { status: response.status, body: answer };
  }

  async function save(baseTag) {
    say(texts.saving);
    const { status, body } = await post(data.urls.save, { base_tag: baseTag, files: await files() });
    if (status === 200) {
      tag = body.tag;
      root.dataset.tag = tag;
      root.dataset.dirty = "false";
      conflict.hidden = true;
      problems.show(body.problems || []);
      say(texts.saved.replace("%(revision)s", String(body.revision)), "ok");
    } else if (status === 409) {
      showConflict(body);
    } else {
      say(body.message || texts.serverError, "error");
      if (body.problems) problems.show(body.problems);
    }
    return status;
  }

  async function check() {
    const { status, body } = await post(data.urls.check, { files: await files() });
    if (status === 200) {
      problems.show(body.problems || []);
      say(body.valid ? texts.checkedValid : texts.checkedInvalid, body.valid ? "ok" : "error");
    } else {
      say(body.message || texts.serverError, "error");
    }
  }

  // An ISO time as the page's language writes it, in the browser's time zone.
  function when(iso) {
    if (!iso) return "—";
    const time = new Date(iso);
    return Number.isNaN(time.getTime()) ? iso : time.toLocaleString(texts.lang === "en" ? "en-GB" : "vi-VN");
  }

  async function showConflict(body) {
    server = body.current;
    say(body.message, "error");
    conflict.hidden = false;
    const yours = await files();
    const names = [...new Set([...Object.keys(yours), ...Object.keys(server.files || {})])].sort();
    const differing = names.filter((name) => (yours[name] || "") !== ((server.files || {})[name] || ""));
    document.getElementById("conflict-yours").textContent =
      texts.conflictYours.replace("%(tag)s", (body.yours && body.yours.tag) || "—");
    document.getElementById("conflict-theirs").textContent = texts.conflictTheirs
      .replace("%(who)s", server.updated_by || "—").replace("%(when)s", when(server.updated_at))
      .replace("%(tag)s", server.tag || "—");
    document.getElementById("conflict-files").replaceChildren(...differing.map((name) => {
      const item = document.createElement("li");
      item.textContent = name;
      return item;
    }));
    const theirs = (server.files || {})[store.bpmnName];
    if (theirs) {
      if (!viewer) viewer = new NavigatedViewer({ container: "#conflict-diagram" });
      await viewer.importXML(theirs);
      viewer.get("canvas").zoom("fit-viewport", "auto");
    }
    conflict.focus();
  }

  // Take the server's draft: the analyst's unsaved changes are dropped on purpose.
  async function takeTheirs() {
    if (!server) return;
    Object.keys(store.forms).forEach((name) => delete store.forms[name]);
    Object.entries(server.files).forEach(([name, text]) => {
      if (name === "procedure.json") store.procedure = JSON.parse(text);
      else if (/^forms\/[^/]+\.schema\.json$/.test(name)) store.forms[name.slice("forms/".length)] = JSON.parse(text);
    });
    tag = server.tag;
    root.dataset.tag = tag;
    await open(server.files[store.bpmnName]);
    conflict.hidden = true;
    root.dataset.dirty = "false";
    say(texts.tookTheirs, "ok");
  }

  // Publish the saved draft: unsaved changes are saved first, so what is published is what is drawn.
  async function publish() {
    const result = document.getElementById("publish-result");
    const activate = document.getElementById("publish-activate").checked;
    const reason = document.getElementById("publish-reason").value.trim();
    if (activate && !reason) {
      result.textContent = texts.reasonNeeded;
      result.className = "field-error";
      document.getElementById("publish-reason").focus();
      return;
    }
    if (root.dataset.dirty === "true" && (await save(tag)) !== 200) return;
    const { status, body } = await post(data.urls.publish, { tag, activate_reason: activate ? reason : null });
    result.className = status === 200 ? "ok" : "field-error";
    result.textContent = body.message || texts.serverError;
    if (status === 200) {
      const link = document.createElement("a");
      link.href = data.urls.list;
      link.textContent = ` ${texts.toList}`;
      result.append(link);
      root.dataset.published = String(body.version);
    } else if (status === 409) {
      showConflict(body);
    } else if (body.problems) {
      problems.show(body.problems);
    }
  }

  // A test dossier of the saved draft: the table of steps, and on the diagram who each step reaches.
  async function tryDossier() {
    const box = document.getElementById("sandbox-result");
    if (root.dataset.dirty === "true" && (await save(tag)) !== 200) return;
    box.textContent = texts.running;
    const { status, body } = await post(data.urls.sandbox, {});
    const overlays = modeler.get("overlays");
    overlays.remove({ type: "motcua-reached" });
    if (status !== 200) {
      box.textContent = body.message || texts.serverError;
      if (body.problems) problems.show(body.problems);
      return;
    }
    // The server escapes every value: the fragment is its own template's output.
    box.innerHTML = body.html;
    const registry = modeler.get("elementRegistry");
    Object.entries(body.reached || {}).forEach(([id, who]) => {
      if (!registry.get(id)) return;
      const badge = document.createElement("div");
      badge.className = "reached-badge";
      badge.textContent = who;
      overlays.add(id, "motcua-reached", { position: { bottom: -6, left: 0 }, html: badge });
    });
    box.dataset.ready = String(Date.now());
  }

  if (data.urls.publish) {
    document.getElementById("publish-draft").addEventListener("click", publish);
    document.getElementById("run-sandbox").addEventListener("click", tryDossier);
  }
  // A .bpmn drawn in another tool replaces the draft's diagram in the modeler (saved like any edit);
  // bpmn-js reads what it can and says what it could not.
  document.getElementById("import-bpmn").addEventListener("change", async (event) => {
    const [file] = event.target.files;
    if (!file) return;
    try {
      const warnings = await open(await file.text());
      root.dataset.dirty = "true";
      const opened = texts.imported.replace("%(file)s", file.name);
      say(warnings.length ? `${opened} ${warnings.map((w) => w.message).slice(0, 3).join("; ")}` : opened,
        warnings.length ? "error" : "ok");
    } catch (error) {
      say(`${file.name}: ${error.message}`, "error");
    }
    event.target.value = "";
  });

  document.getElementById("save-draft").addEventListener("click", () => save(tag));
  document.getElementById("check-draft").addEventListener("click", check);
  document.getElementById("conflict-take-theirs").addEventListener("click", takeTheirs);
  document.getElementById("conflict-keep-mine").addEventListener("click", () => server && save(server.tag));

  return { save: () => save(tag), check, files, get tag() { return tag; } };
}
