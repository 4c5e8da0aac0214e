// Two versions of a procedure side by side, with bpmn-js-differ's verdict marked on the diagrams:
// added elements on the newer one, removed ones on the older one, changed and moved ones on both;
// and the same changes listed by element name (a click centres both diagrams on it).
import { NavigatedViewer, diff } from "../../vendor/bpmn-js/studio-modeler.js";

const page = document.getElementById("studio-diff");
const list = document.getElementById("diff-elements");
const KINDS = [["_added", "added", ["new"]], ["_removed", "removed", ["old"]],
  ["_changed", "changed", ["old", "new"]], ["_layoutChanged", "layout", ["old", "new"]]];

async function open(container) {
  const viewer = new NavigatedViewer({ container });
  const response = await fetch(container.dataset.url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(String(response.status));
  await viewer.importXML(await response.text());
  viewer.get("canvas").zoom("fit-viewport", "auto");
  return viewer;
}

function centre(viewer, id) {
  const element = viewer.get("elementRegistry").get(id);
  if (element) viewer.get("canvas").scrollToElement(element);
}

async function show() {
  let viewers;
  try {
    viewers = { old: await open(document.getElementById("diff-old")), new: await open(document.getElementById("diff-new")) };
  } catch (error) {
    list.textContent = page.dataset.failedText;
    page.dataset.ready = "failed";
    return;
  }
  const changes = diff(viewers.old.getDefinitions(), viewers.new.getDefinitions());
  const items = [];
  KINDS.forEach(([key, kind, sides]) => {
    Object.entries(changes[key] || {}).forEach(([id, change]) => {
      const model = change.model || change;
      sides.forEach((side) => {
        if (viewers[side].get("elementRegistry").get(id)) viewers[side].get("canvas").addMarker(id, `diff-${kind}`);
      });
      const item = document.createElement("li");
      item.dataset.kind = kind;
      item.dataset.elementId = id;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = `${list.dataset[kind]}: ${model.name || id} (${(model.$type || "").replace("bpmn:", "")})`;
      button.addEventListener("click", () => { centre(viewers.old, id); centre(viewers.new, id); });
      item.append(button);
      if (change.attrs) {
        const attrs = document.createElement("span");
        attrs.className = "muted";
        attrs.textContent = ` — ${Object.keys(change.attrs).join(", ")}`;
        item.append(attrs);
      }
      items.push(item);
    });
  });
  if (!items.length) {
    const none = document.createElement("li");
    none.textContent = list.dataset.none;
    items.push(none);
  }
  list.replaceChildren(...items);
  page.dataset.ready = "true";
}

show();
