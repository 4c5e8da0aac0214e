// The server validator's problems on the diagram: a marker and an overlay on each offending
// element, and a list below the canvas; a click on a problem selects its element and scrolls to it.
// Problems without an element (procedure.json, a form file) stay in the list with their file.
const OVERLAY = "motcua-problem";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) node.setAttribute(k, v);
  });
  children.forEach((c) => c && node.append(c));
  return node;
}

export function problemsView({ modeler, list, summary, texts }) {
  const canvas = modeler.get("canvas");
  const overlays = modeler.get("overlays");
  const registry = modeler.get("elementRegistry");
  const selection = modeler.get("selection");
  let marked = [];

  function clear() {
    overlays.remove({ type: OVERLAY });
    marked.forEach((id) => { if (registry.get(id)) canvas.removeMarker(id, "has-problem"); });
    marked = [];
  }

  function focus(id) {
    const element = registry.get(id);
    if (!element) return;
    selection.select(element);
    canvas.scrollToElement(element);
  }

  function show(problems) {
    clear();
    const english = texts.lang === "en";
    const byElement = new Map();
    problems.forEach((p) => {
      if (p.element_id && registry.get(p.element_id)) {
        byElement.set(p.element_id, [...(byElement.get(p.element_id) || []), p]);
      }
    });
    byElement.forEach((found, id) => {
      canvas.addMarker(id, "has-problem");
      marked.push(id);
      const badge = el("button", {
        type: "button", class: `problem-badge ${found.some((p) => p.severity === "error") ? "error" : "warning"}`,
        title: found.map((p) => (english ? p.message_en : p.message)).join("\n"),
        "aria-label": `${texts.problemAt} ${id}: ${found.length}`,
        onclick: () => focus(id)
      });
      badge.textContent = String(found.length);
      overlays.add(id, OVERLAY, { position: { top: -10, right: 10 }, html: badge });
    });

    const errors = problems.filter((p) => p.severity === "error").length;
    summary.textContent = problems.length
      ? texts.problemCount.replace("%(errors)s", String(errors)).replace("%(warnings)s", String(problems.length - errors))
      : texts.noProblems;
    summary.dataset.kind = errors ? "error" : "ok";
    list.replaceChildren(...problems.map((p) => {
      const where = [p.file, p.line ? `${texts.line} ${p.line}` : null, p.element_id].filter(Boolean).join(" · ");
      const text = english ? p.message_en : p.message;
      const onDiagram = p.element_id && registry.get(p.element_id);
      const item = el("li", { class: `problem problem-${p.severity}`, "data-element-id": p.element_id || "" });
      item.append(onDiagram
        ? el("button", { type: "button", class: "link-button", onclick: () => focus(p.element_id) }, text)
        : el("span", { text }));
      item.append(el("span", { class: "muted problem-where", text: ` (${where})` }));
      return item;
    }));
  }

  return { show, clear, focus };
}
