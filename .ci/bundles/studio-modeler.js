// The analysts' studio's libraries in one ES module, bundled by esbuild when .ci/vendor-frontend runs
// (never at run time). The studio's own code (admin/static/js/studio/) imports what it needs from the
// built file, so the pages load only files of this repository (CSP script-src 'self', no eval).
//
// The properties panel's components share this bundle's single preact, so the studio's provider
// builds its entries with the `h` exported here.

export { default as Modeler } from 'bpmn-js/lib/Modeler';
export { default as NavigatedViewer } from 'bpmn-js/lib/NavigatedViewer';
export { default as minimapModule } from 'diagram-js-minimap';
export { default as tokenSimulationModule } from 'bpmn-js-token-simulation';
export { default as lintModule } from 'bpmn-js-bpmnlint';
export { diff } from 'bpmn-js-differ';
export {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  useService
} from 'bpmn-js-properties-panel';
export {
  SelectEntry,
  TextFieldEntry,
  TextAreaEntry,
  isSelectEntryEdited,
  isTextFieldEntryEdited,
  isTextAreaEntryEdited
} from '@bpmn-io/properties-panel';
export { h } from '@bpmn-io/properties-panel/preact';

import StaticResolver from 'bpmnlint/lib/resolver/static-resolver';

import adHocSubProcess from 'bpmnlint/rules/ad-hoc-sub-process';
import conditionalFlows from 'bpmnlint/rules/conditional-flows';
import endEventRequired from 'bpmnlint/rules/end-event-required';
import eventBasedGateway from 'bpmnlint/rules/event-based-gateway';
import eventSubProcessTypedStartEvent from 'bpmnlint/rules/event-sub-process-typed-start-event';
import fakeJoin from 'bpmnlint/rules/fake-join';
import labelRequired from 'bpmnlint/rules/label-required';
import linkEvent from 'bpmnlint/rules/link-event';
import noBpmndi from 'bpmnlint/rules/no-bpmndi';
import noDisconnected from 'bpmnlint/rules/no-disconnected';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows';
import noGatewayJoinFork from 'bpmnlint/rules/no-gateway-join-fork';
import noImplicitEnd from 'bpmnlint/rules/no-implicit-end';
import noImplicitStart from 'bpmnlint/rules/no-implicit-start';
import noOverlappingElements from 'bpmnlint/rules/no-overlapping-elements';
import singleEventDefinition from 'bpmnlint/rules/single-event-definition';
import startEventRequired from 'bpmnlint/rules/start-event-required';
import subProcessBlankStartEvent from 'bpmnlint/rules/sub-process-blank-start-event';
import superfluousGateway from 'bpmnlint/rules/superfluous-gateway';
import superfluousLabel from 'bpmnlint/rules/superfluous-label';
import superfluousTermination from 'bpmnlint/rules/superfluous-termination';

// bpmnlint's recommended rules, set to agree with the server's validator
// (engine/deployment/rules.py), which has the last word at save and publish:
// - "error" where the server refuses the same thing (a deciding gateway's flow without a
//   condition, an element nothing reaches, a step with no way out, no diagram interchange);
// - "warn" for modelling style the server accepts (labels, joins and forks on one gateway,
//   overlapping shapes, superfluous gateways);
// - left out where the server runs the diagram as drawn: implicit splits (SpiffWorkflow takes every
//   outgoing flow of a task), inclusive and complex gateways, several blank start events of the
//   same process and global definitions: warning there would contradict a diagram that deploys.
const RULES = {
  'ad-hoc-sub-process': ['error', adHocSubProcess],
  'conditional-flows': ['error', conditionalFlows],
  'end-event-required': ['error', endEventRequired],
  'event-based-gateway': ['error', eventBasedGateway],
  'event-sub-process-typed-start-event': ['error', eventSubProcessTypedStartEvent],
  'fake-join': ['warn', fakeJoin],
  'label-required': ['warn', labelRequired],
  'link-event': ['error', linkEvent],
  'no-bpmndi': ['error', noBpmndi],
  'no-disconnected': ['error', noDisconnected],
  'no-duplicate-sequence-flows': ['warn', noDuplicateSequenceFlows],
  'no-gateway-join-fork': ['warn', noGatewayJoinFork],
  'no-implicit-end': ['error', noImplicitEnd],
  'no-implicit-start': ['error', noImplicitStart],
  'no-overlapping-elements': ['warn', noOverlappingElements],
  'single-event-definition': ['error', singleEventDefinition],
  'start-event-required': ['error', startEventRequired],
  'sub-process-blank-start-event': ['error', subProcessBlankStartEvent],
  'superfluous-gateway': ['warn', superfluousGateway],
  'superfluous-label': ['warn', superfluousLabel],
  'superfluous-termination': ['warn', superfluousTermination]
};

const cache = {};
const rules = {};
for (const [name, [level, factory]] of Object.entries(RULES)) {
  cache[`rule:bpmnlint/${name}`] = factory;
  rules[name] = level;
}

// The shape bpmnlint-pack-config produces: the config and a resolver over the bundled rules.
export const bpmnlintConfig = { config: { rules }, resolver: new StaticResolver(cache) };
