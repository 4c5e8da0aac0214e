"""How far each element of a diagram is from a result issued: the sandbox's default path.

The test dossier's default walk takes, at each decision, the choice that brings the dossier
nearest to an end event that issues the result (an end event whose ``outcome`` is not
``refused``): the approval branch, found from the diagram's flows, never from field names.
"""

from __future__ import annotations

from collections import deque

from engine.deployment.diagram import Diagram
from engine.deployment.vocabulary import OUTCOMES

ISSUED, REFUSED = OUTCOMES


def distances_to_result(diagrams: list[Diagram]) -> dict[str, int]:
    """Element id -> the fewest flows from it to an end event issuing the result (unreachable: absent)."""
    incoming: dict[str, list[str]] = {}
    for diagram in diagrams:
        for flow in diagram.flows:
            incoming.setdefault(flow.get("targetRef", ""), []).append(flow.get("sourceRef", ""))
        for element in diagram.elements.values():
            attached = element.node.get("attachedToRef") if element.node is not None else None
            if element.tag == "boundaryEvent" and attached:
                incoming.setdefault(element.id, []).append(attached)
    ends = [element.id for diagram in diagrams for element in diagram.elements.values()
            if element.tag == "endEvent" and diagram.processes.get(element.process_id)
            and element.properties.get("outcome", ISSUED) != REFUSED]
    distance = dict.fromkeys(ends, 0)
    queue = deque(ends)
    while queue:
        current = queue.popleft()
        for source in incoming.get(current, []):
            if source not in distance:
                distance[source] = distance[current] + 1
                queue.append(source)
    return distance
