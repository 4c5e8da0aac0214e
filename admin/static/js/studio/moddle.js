// The moddle descriptor of the SpiffWorkflow extension elements our diagrams carry:
//   <spiffworkflow:properties><spiffworkflow:property name="stage" value="appraise"/></spiffworkflow:properties>
// With it bpmn-js reads them as typed objects the properties panel can edit (without it they would
// survive a round trip as unknown XML but could not be changed).
export const spiffworkflowDescriptor = {
  name: "SpiffWorkflow",
  uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
  prefix: "spiffworkflow",
  xml: { tagAlias: "lowerCase" },
  associations: [],
  types: [
    {
      name: "Properties",
      superClass: ["Element"],
      meta: { allowedIn: ["*"] },
      properties: [{ name: "properties", type: "Property", isMany: true }]
    },
    {
      name: "Property",
      superClass: ["Element"],
      properties: [
        { name: "name", isAttr: true, type: "String" },
        { name: "value", isAttr: true, type: "String" }
      ]
    }
  ]
};

// The value of extension property `name` on a business object, or "".
export function readProperty(businessObject, name) {
  const holder = propertiesOf(businessObject);
  const found = holder && (holder.get("properties") || []).find((p) => p.name === name);
  return (found && found.value) || "";
}

export function propertiesOf(businessObject) {
  const extensions = businessObject.get("extensionElements");
  if (!extensions) return null;
  return (extensions.get("values") || []).find((v) => v.$instanceOf("spiffworkflow:Properties")) || null;
}

// Set (or, for "", remove) extension property `name` of `element` through bpmn-js's modeling, so the
// change is on the command stack: undo, redo and the page's "unsaved" mark follow it.
export function writeProperty(element, name, value, modeling, moddle) {
  const bo = element.businessObject;
  let extensions = bo.get("extensionElements");
  if (!extensions) {
    if (!value) return;
    extensions = moddle.create("bpmn:ExtensionElements", { values: [] });
    extensions.$parent = bo;
    modeling.updateProperties(element, { extensionElements: extensions });
  }
  let holder = propertiesOf(bo);
  if (!holder) {
    if (!value) return;
    holder = moddle.create("spiffworkflow:Properties", { properties: [] });
    holder.$parent = extensions;
    modeling.updateModdleProperties(element, extensions, { values: [...extensions.get("values"), holder] });
  }
  const list = holder.get("properties");
  const current = list.find((p) => p.name === name);
  if (!value) {
    if (current) modeling.updateModdleProperties(element, holder, { properties: list.filter((p) => p !== current) });
  } else if (current) {
    modeling.updateModdleProperties(element, current, { value });
  } else {
    const created = moddle.create("spiffworkflow:Property", { name, value });
    created.$parent = holder;
    modeling.updateModdleProperties(element, holder, { properties: [...list, created] });
  }
}
