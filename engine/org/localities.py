"""Locality routing: a lane whose unit is named per commune or ward.

A commune-level step (the justice and civil status officer's check, the chairman's signature) is
done by the unit of the commune or ward the dossier belongs to, not by a province-wide unit whose
officials of every commune would all see it. A lane says so by writing ``{locality}`` in its
``department`` (``"{locality}.tu_phap_ho_tich"``): the placeholder stands for the code of the
locality's People's Committee (a unit of kind ``commune``), and the procedure's ``locality`` key
says which locality a dossier belongs to — the receiving center's (the default) or the one the
applicant's address names in the start-form field declared with the ``locality`` role.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PLACEHOLDER = "{locality}"
RECEIVING_CENTER, APPLICANT = "receiving_center", "applicant"
SOURCES = (RECEIVING_CENTER, APPLICANT)
LOCALITY_KIND = "commune"  # the unit kind of a commune's, ward's or special zone's People's Committee
FIELD_ROLE = "locality"  # the form field role naming the applicant's locality


def is_located(department: Any) -> bool:
    return isinstance(department, str) and PLACEHOLDER in department


def unit_of(department: str, locality: str) -> str:
    """The unit a located lane names in ``locality``."""
    return department.replace(PLACEHOLDER, locality)


def located_lanes(metadata: dict[str, Any]) -> list[str]:
    lanes = metadata.get("lanes")
    if not isinstance(lanes, dict):
        return []
    return [lane for lane, binding in lanes.items()
            if isinstance(binding, dict) and is_located(binding.get("department"))]


def locality_source(metadata: dict[str, Any]) -> str | None:
    """Where a dossier's locality comes from, or None when no lane is routed by locality."""
    if not located_lanes(metadata):
        return None
    return str(metadata.get("locality") or RECEIVING_CENTER)


def units_needed(department: str, localities: Iterable[str]) -> dict[str, str]:
    """Locality -> the unit a located lane needs there."""
    return {locality: unit_of(department, locality) for locality in sorted(localities)}
