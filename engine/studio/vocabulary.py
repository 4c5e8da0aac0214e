"""What the studio's properties panel may offer: every value is read from the declaration the
server's validator checks against, never copied, so the panel and deployment cannot disagree.

- extension properties: engine.deployment.vocabulary.PROPERTIES (names, elements, values, formats);
- lane bindings, roles, assignment policies, locality sources, time-limit units, procedure.json
  keys: the JSON Schema of procedure.json (engine/deployment/procedure.schema.json);
- units, the roles active officials hold in each, localities: the organisation, as deployment
  loads it (engine.deployment.organisation);
- form field roles: forms.roles.ROLES; forms a step may name: the draft's forms/ folder.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy.orm import Session

from engine.access.policy import Someone, authorize
from engine.access.rules import Action
from engine.calendar.clock import Clock
from engine.deployment.diagram import NS
from engine.deployment.organisation import load_organisation
from engine.deployment.procedure_files import procedure_schema
from engine.deployment.vocabulary import CLOCKS, OUTCOMES, PROPERTIES, STAGES
from engine.errors import NotFoundError
from engine.org.localities import LOCALITY_KIND, PLACEHOLDER
from engine.org.people import list_units
from engine.studio.drafts import current_draft
from engine.studio.files import form_names, readable_metadata
from forms.roles import ROLE_KEY, ROLES


def studio_vocabulary(session: Session, who: Someone, *, clock: Clock, key: str | None = None) -> dict[str, Any]:
    """The values the properties panel offers; with ``key``, also the forms and lanes of that
    procedure's draft (or latest version)."""
    authorize(session, who, Action.ORG_READ, today=clock.now().astimezone(UTC).date())
    schema = procedure_schema().schema
    binding = schema["properties"]["lanes"]["additionalProperties"]
    vocabulary: dict[str, Any] = {
        "namespace": {"prefix": "spiffworkflow", "uri": NS["spiffworkflow"],
                      "container": "spiffworkflow:properties", "property": "spiffworkflow:property"},
        "properties": [_property(name) for name in PROPERTIES],
        "stages": list(STAGES),
        "clock_effects": list(CLOCKS),
        "outcomes": list(OUTCOMES),
        "roles": list(binding["properties"]["role"]["enum"]),
        "assignment_policies": list(binding["properties"]["policy"]["enum"]),
        "lane_binding_keys": sorted(binding["properties"]),
        "lane_binding_required": list(binding["required"]),
        "time_limit_units": list(schema["properties"]["time_limit"]["properties"]["unit"]["enum"]),
        "procedure_keys": sorted(schema["properties"]),
        "procedure_required": list(schema["required"]),
        "form_field_roles": [{"role": role, "meaning_vi": vi, "meaning_en": en, "key": ROLE_KEY}
                             for role, (vi, en) in ROLES.items()],
        **_organisation(session),
    }
    if key is not None:
        vocabulary.update(_procedure_values(session, key))
    return vocabulary


def _property(name: str) -> dict[str, Any]:
    spec = PROPERTIES[name]
    return {"name": spec.name, "on": sorted(spec.on), "values": list(spec.values),
            "meaning_vi": spec.meaning_vi, "meaning_en": spec.meaning_en,
            "format_vi": spec.expected("vi"), "format_en": spec.expected("en")}


def _organisation(session: Session) -> dict[str, Any]:
    """Units with the roles held there, and locality routing: the sources a procedure may name,
    the communes and wards, and the located departments every one of them has."""
    organisation = load_organisation(session)
    units = [{"code": u["code"], "name": u["name"], "kind": u["kind"], "parent": u["parent"],
              "center": u["center"], "roles": sorted(organisation.roles.get(u["code"], frozenset()))}
             for u in list_units(session)]
    localities = [u for u in units if u["kind"] == LOCALITY_KIND]
    schema = procedure_schema().schema
    return {
        "units": units,
        "locality_routing": {
            "placeholder": PLACEHOLDER,
            "sources": list(schema["properties"]["locality"]["enum"]),
            "localities": [{"code": u["code"], "name": u["name"]} for u in localities],
            "departments": _located_departments([u["code"] for u in localities], [u["code"] for u in units]),
        },
    }


def _located_departments(localities: list[str], codes: list[str]) -> list[str]:
    """``{locality}`` and each ``{locality}.<suffix>`` whose unit exists in every locality."""
    if not localities:
        return []
    suffixes: set[str] | None = None
    for locality in localities:
        found = {code[len(locality):] for code in codes if code.startswith(f"{locality}.")}
        suffixes = found if suffixes is None else suffixes & found
    return [PLACEHOLDER] + [f"{PLACEHOLDER}{suffix}" for suffix in sorted(suffixes or ())]


def _procedure_values(session: Session, key: str) -> dict[str, Any]:
    try:
        files = current_draft(session, key).files
    except NotFoundError:
        files = {}
    lanes = readable_metadata(files).get("lanes")
    return {"procedure": key, "forms": form_names(files), "lanes": lanes if isinstance(lanes, dict) else {}}
