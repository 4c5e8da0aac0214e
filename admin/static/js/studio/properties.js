// The studio's group in bpmn-js-properties-panel: our declared properties, offering only the values
// the server's vocabulary allows (stages, clock effects, outcomes, the draft's forms, the
// organisation's units and roles, assignment policies).
//
// Step properties live in the diagram (spiffworkflow:properties, edited through bpmn-js's modeling);
// a lane's binding and the legal time limit live in procedure.json, so the diagram stays portable.
// Those edits go through a command of our own on bpmn-js's command stack, so undo/redo and the
// page's "unsaved" mark treat both kinds alike.
import {
  SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited
} from "../../vendor/bpmn-js/studio-modeler.js";
import { readProperty, writeProperty } from "./moddle.js";

const HUMAN_STEPS = ["bpmn:UserTask", "bpmn:ManualTask", "bpmn:Task"];
const DURATION = /^P(\d+D|T\d+H|T\d+M)$/;

function readPath(object, path) {
  return path.reduce((value, key) => (value && typeof value === "object" ? value[key] : undefined), object);
}

function writePath(object, path, value) {
  let holder = object;
  path.slice(0, -1).forEach((key) => {
    if (!holder[key] || typeof holder[key] !== "object") holder[key] = {};
    holder = holder[key];
  });
  const last = path[path.length - 1];
  if (value === "" || value === undefined || value === null) delete holder[last];
  else holder[last] = value;
}

// One change of procedure.json, undoable: { element, path, value }.
class ProcedureChangeHandler {
  constructor(store) { this.store = store; }
  execute(context) {
    context.oldValue = readPath(this.store.procedure, context.path);
    writePath(this.store.procedure, context.path, context.value);
    return [context.element];
  }
  revert(context) {
    writePath(this.store.procedure, context.path, context.oldValue);
    return [context.element];
  }
}

function options(list, texts) {
  return () => [{ value: "", label: texts.none }, ...(list || []).map((o) => (
    typeof o === "string" ? { value: o, label: o } : { value: o.value, label: o.label || o.value }))];
}

export function motcuaPropertiesModule(store, vocabulary, texts) {
  const routing = {}; // a lane's "route by locality" choice while its unit is still empty
  function Provider(propertiesPanel, injector) {
    this.injector = injector;
    injector.get("commandStack").register("motcua.procedure.update", new ProcedureChangeHandler(store));
    propertiesPanel.registerProvider(400, this);
  }
  Provider.$inject = ["propertiesPanel", "injector"];

  Provider.prototype.getGroups = function (element) {
    return (groups) => {
      const entries = this.entries(element);
      if (entries.length) groups.splice(1, 0, { id: "motcua", label: texts.groupLabel, entries });
      return groups;
    };
  };

  Provider.prototype.entries = function (element) {
    const injector = this.injector;
    const modeling = injector.get("modeling");
    const moddle = injector.get("moddle");
    const commandStack = injector.get("commandStack");
    const debounce = injector.get("debounceInput");
    const type = element.type;

    const property = (name, label, entry) => Object.assign({
      id: `motcua-${name}`, label, element, debounce,
      getValue: () => readProperty(element.businessObject, name),
      setValue: (value) => writeProperty(element, name, (value || "").trim(), modeling, moddle)
    }, entry);
    const select = (name, label, list) => property(name, label, {
      component: SelectEntry, isEdited: isSelectEntryEdited, getOptions: options(list, texts) });
    const text = (name, label, validate) => property(name, label, {
      component: TextFieldEntry, isEdited: isTextFieldEntryEdited, validate });
    const procedureEntry = (id, path, label, list, parse = (v) => v) => ({
      id: `motcua-${id}`, label, element, debounce,
      component: list ? SelectEntry : TextFieldEntry,
      isEdited: list ? isSelectEntryEdited : isTextFieldEntryEdited,
      getOptions: list ? options(list, texts) : undefined,
      getValue: () => {
        const value = readPath(store.procedure, path);
        return value === undefined || value === null ? "" : String(value);
      },
      setValue: (value) => commandStack.execute("motcua.procedure.update", { element, path, value: parse(value) })
    });

    if (HUMAN_STEPS.includes(type)) {
      return [
        select("formJsonSchemaFilename", texts.form, vocabulary.forms),
        select("stage", texts.stage, vocabulary.stages),
        text("allottedTime", texts.allottedTime, (v) => (v && !DURATION.test(v) ? texts.durationHint : null)),
        select("clock", texts.clock, vocabulary.clocks),
        text("decisionField", texts.decisionField),
        text("statusText", texts.statusText)
      ];
    }
    if (type === "bpmn:StartEvent" && element.businessObject.$parent.$type === "bpmn:Process") {
      return [select("formJsonSchemaFilename", texts.form, vocabulary.forms)];
    }
    if (type === "bpmn:EndEvent") return [select("outcome", texts.outcome, vocabulary.outcomes)];
    if (type === "bpmn:Lane") {
      const lane = ["lanes", element.businessObject.id];
      const department = String(readPath(store.procedure, [...lane, "department"]) || "");
      const laneId = element.businessObject.id;
      const byLocality = routing[laneId] ? routing[laneId] === "locality" : department.includes("{locality}");
      return [
        {
          id: "motcua-lane-routing", label: texts.routing, element, component: SelectEntry,
          isEdited: isSelectEntryEdited,
          getOptions: () => [{ value: "fixed", label: texts.routingFixed }, { value: "locality", label: texts.routingLocality }],
          getValue: () => (byLocality ? "locality" : "fixed"),
          // Switching clears the unit: a fixed unit and a "{locality}" template are different lists.
          setValue: (value) => {
            if ((value === "locality") === byLocality) return;
            routing[laneId] = value;
            commandStack.execute("motcua.procedure.update", { element, path: [...lane, "department"], value: "" });
          }
        },
        procedureEntry("lane-unit", [...lane, "department"], texts.unit,
          byLocality ? vocabulary.locality_units : vocabulary.units),
        procedureEntry("lane-role", [...lane, "role"], texts.role, vocabulary.roles),
        procedureEntry("lane-policy", [...lane, "policy"], texts.policy, vocabulary.policies)
      ];
    }
    if (type === "bpmn:Process" || type === "bpmn:Collaboration" || type === "bpmn:Participant") {
      return [
        procedureEntry("time-limit-value", ["time_limit", "value"], texts.timeLimitValue, null,
          (v) => (/^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v.trim())),
        procedureEntry("time-limit-unit", ["time_limit", "unit"], texts.timeLimitUnit, vocabulary.time_units),
        procedureEntry("locality", ["locality"], texts.locality, vocabulary.localities)
      ];
    }
    return [];
  };

  return { __init__: ["motcuaPropertiesProvider"], motcuaPropertiesProvider: ["type", Provider] };
}
