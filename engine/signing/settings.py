"""Where the center's signing certificate and the trusted authorities are (no crypto imported
here: the engine's settings are read by every process, signing or not)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SigningSettings:
    """Where the center's PKCS#12 file and the trusted authorities' certificates are."""

    pkcs12_path: Path | None = None
    pkcs12_password: str | None = None
    trust_roots_path: Path | None = None  # PEM file(s) of the authorities a signature must chain to
    place: str = ""  # the place on the result's date line (as the slips' SLIP_PLACE)
    parent_body: str = ""  # the body above the center in the letterhead (SLIP_PARENT_BODY)

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> SigningSettings:
        path, roots = config.get("SIGNING_PKCS12_PATH"), config.get("SIGNING_TRUST_ROOTS")
        return cls(pkcs12_path=Path(path) if path else None, pkcs12_password=config.get("SIGNING_PKCS12_PASSWORD"),
                   trust_roots_path=Path(roots) if roots else None, place=config.get("SLIP_PLACE") or "",
                   parent_body=config.get("SLIP_PARENT_BODY") or "")

    @property
    def configured(self) -> bool:
        return self.pkcs12_path is not None
