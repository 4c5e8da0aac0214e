"""Engine settings: where the procedure library is, and the tunables of the runtime.

Built from the application's configuration (api/config.py reads the MOTCUA_* environment once);
the engine never reads the environment itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.signing.settings import SigningSettings

DEFAULT_LIBRARY = Path(__file__).resolve().parent.parent / "bpmn"


@dataclass(frozen=True)
class EngineSettings:
    library_path: Path = DEFAULT_LIBRARY
    timezone: str = "Asia/Ho_Chi_Minh"
    workflow_cache_size: int = 512
    token_lifetime_hours: int = 12
    province: str | None = None  # whose calendar overrides apply, besides the national ones
    # Re-read and compare the stored workflow after every command: for tests, never production.
    verify_state_writes: bool = False
    # Each script or expression of a diagram: how long it may run and how much data it may build.
    script_time_limit_seconds: float = 2.0
    script_memory_limit_mb: int = 32
    # Task state changes one command may make before it fails as a runaway loop (an incident);
    # an ordinary step makes a few dozen, a multi-instance consultation a few hundred.
    max_steps_per_command: int = 20_000
    # How long the answer to a command sent with an Idempotency-Key is kept for its retries.
    idempotency_key_hours: int = 24
    # SpiffWorkflow's faster tree walk and transition hook (engine/runtime/library_patches.py).
    spiff_speedups: bool = True
    # The center's certificate (PKCS#12) and the authorities its signatures must chain to.
    signing: SigningSettings = field(default_factory=SigningSettings)
    # The Ed25519 key that signs anchors (PEM, or PKCS#12 .p12/.pfx) and its password; how often the
    # scheduler writes one (engine.audit.anchors).
    audit_signing_key: str | None = None
    audit_signing_key_password: str | None = None
    audit_anchor_minutes: int = 60

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> EngineSettings:
        library = config.get("LIBRARY_PATH") or DEFAULT_LIBRARY
        return cls(
            library_path=Path(library),
            timezone=config.get("TIMEZONE") or cls.timezone,
            workflow_cache_size=int(config.get("WORKFLOW_CACHE_SIZE", cls.workflow_cache_size)),
            token_lifetime_hours=int(config.get("TOKEN_LIFETIME_HOURS", cls.token_lifetime_hours)),
            province=config.get("PROVINCE") or None,
            script_time_limit_seconds=float(
                config.get("SCRIPT_TIME_LIMIT_SECONDS", cls.script_time_limit_seconds)),
            script_memory_limit_mb=int(config.get("SCRIPT_MEMORY_LIMIT_MB", cls.script_memory_limit_mb)),
            max_steps_per_command=int(config.get("MAX_STEPS_PER_COMMAND", cls.max_steps_per_command)),
            idempotency_key_hours=int(config.get("IDEMPOTENCY_KEY_HOURS", cls.idempotency_key_hours)),
            spiff_speedups=str(config.get("SPIFF_SPEEDUPS", True)).lower() not in ("0", "false", "off", "no"),
            signing=SigningSettings.from_mapping(config),
            audit_signing_key=config.get("AUDIT_SIGNING_KEY") or None,
            audit_signing_key_password=config.get("AUDIT_SIGNING_KEY_PASSWORD") or None,
            audit_anchor_minutes=int(config.get("AUDIT_ANCHOR_MINUTES", cls.audit_anchor_minutes)),
        )
