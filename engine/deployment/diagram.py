"""What the engine needs to know about a diagram, read with lxml: elements, lanes, properties, code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
BPMN = "{" + NS["bpmn"] + "}"

FLOW_NODE_TAGS = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
}
HUMAN_TAGS = {"userTask", "manualTask", "task"}  # SpiffWorkflow waits for a person at a plain task


@dataclass
class CodeFragment:
    """A script or expression found in the diagram, with where it is."""

    kind: str  # script | condition | timer
    text: str
    element_id: str
    line: int | None


@dataclass
class DiagramElement:
    id: str
    tag: str
    name: str | None
    line: int | None
    process_id: str
    lane: str | None = None
    lane_name: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    event: str | None = None  # timer, message, signal, error, ... for events
    node: etree._Element | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.tag,
            "name": self.name,
            "lane": self.lane,
            "lane_name": self.lane_name,
            "properties": self.properties,
            "event": self.event,
            "process": self.process_id,
        }


@dataclass
class Diagram:
    filename: str
    tree: etree._ElementTree
    elements: dict[str, DiagramElement]
    lanes: dict[str, str | None]  # lane id -> lane name
    processes: dict[str, bool]  # process id -> isExecutable
    code: list[CodeFragment]
    flows: list[etree._Element]


def read_diagram(tree: etree._ElementTree, filename: str) -> Diagram:
    root = tree.getroot()
    lanes: dict[str, str | None] = {}
    lane_of: dict[str, str] = {}
    for lane in root.iterfind(".//bpmn:lane", NS):
        lane_id = lane.get("id", "")
        lanes[lane_id] = lane.get("name")
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            if ref.text:
                lane_of[ref.text.strip()] = lane_id
    processes = {p.get("id", ""): p.get("isExecutable") == "true" for p in root.iterfind(".//bpmn:process", NS)}
    elements: dict[str, DiagramElement] = {}
    for process in root.iterfind(".//bpmn:process", NS):
        for node in process.iter():
            if not isinstance(node.tag, str) or not node.tag.startswith(BPMN):
                continue
            tag = node.tag[len(BPMN):]
            if tag in FLOW_NODE_TAGS and node.get("id"):
                lane_id = lane_of.get(node.get("id", ""))
                elements[node.get("id", "")] = DiagramElement(
                    id=node.get("id", ""),
                    tag=tag,
                    name=node.get("name"),
                    line=node.sourceline,
                    process_id=process.get("id", ""),
                    lane=lane_id,
                    lane_name=lanes.get(lane_id) if lane_id else None,
                    properties=_properties(node),
                    event=_event_kind(node),
                    node=node,
                )
    return Diagram(
        filename=filename,
        tree=tree,
        elements=elements,
        lanes=lanes,
        processes=processes,
        code=list(_code_fragments(root)),
        flows=list(root.iterfind(".//bpmn:sequenceFlow", NS)),
    )


def _event_kind(node: etree._Element) -> str | None:
    for child in node:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag.startswith(BPMN) and tag.endswith("EventDefinition"):
            return tag[len(BPMN):-len("EventDefinition")]
    return None


def _properties(node: etree._Element) -> dict[str, str]:
    props: dict[str, str] = {}
    for prop in node.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        if prop.get("name"):
            props[prop.get("name", "")] = prop.get("value", "")
    return props


def _owner_id(node: etree._Element) -> str:
    current: etree._Element | None = node
    while current is not None:
        if current.get("id") and current.tag[len(BPMN):] in FLOW_NODE_TAGS | {"sequenceFlow"}:
            return current.get("id", "")
        current = current.getparent()
    return ""


def _code_fragments(root: etree._Element) -> Any:
    for script in root.iterfind(".//bpmn:scriptTask/bpmn:script", NS):
        yield CodeFragment("script", script.text or "", _owner_id(script), script.sourceline)
    for tag in ("preScript", "postScript"):
        for script in root.iterfind(f".//spiffworkflow:{tag}", NS):
            if (script.text or "").strip():
                yield CodeFragment("script", script.text or "", _owner_id(script), script.sourceline)
    for condition in root.iterfind(".//bpmn:conditionExpression", NS):
        if (condition.text or "").strip():
            yield CodeFragment("condition", condition.text or "", _owner_id(condition), condition.sourceline)
    for kind in ("timeDuration", "timeDate", "timeCycle"):
        for timer in root.iterfind(f".//bpmn:{kind}", NS):
            yield CodeFragment("timer", timer.text or "", _owner_id(timer), timer.sourceline)
