"""Names of history events: `<subject>_<past-tense verb>`, what happened rather than what to do."""

from __future__ import annotations

import enum


class HistoryEventType(enum.StrEnum):
    DOSSIER_RECEIVED = "dossier_received"
    DOSSIER_COMPLETED = "dossier_completed"
    DOSSIER_FAILED = "dossier_failed"
    INCIDENT_RETRIED = "incident_retried"
    DOSSIER_MIGRATED = "dossier_migrated"
    STEP_READY = "step_ready"
    STEP_WAITING = "step_waiting"
    STEP_STARTED = "step_started"
    STEP_COMPLETED = "step_completed"
    STEP_CANCELLED = "step_cancelled"
    STEP_FAILED = "step_failed"
    TASK_CLAIMED = "task_claimed"
    TASK_RELEASED = "task_released"
    TASK_COMPLETED = "task_completed"
    TASK_ASSIGNED = "task_assigned"
    TASK_DELEGATED = "task_delegated"
    TASK_REASSIGNED = "task_reassigned"
    TIMER_FIRED = "timer_fired"
    CLOCK_PAUSED = "clock_paused"
    CLOCK_RESUMED = "clock_resumed"
    DEADLINE_EXTENDED = "deadline_extended"
    TIME_LIMIT_SELECTED = "time_limit_selected"
    DOSSIER_WITHDRAWN = "dossier_withdrawn"
    DOSSIER_DUE_SOON = "dossier_due_soon"
    DOSSIER_OVERDUE = "dossier_overdue"
    APOLOGY_REQUIRED = "apology_required"
    PAUSE_EXPIRED = "pause_expired"
    DOSSIER_STOPPED = "dossier_stopped"
    RESULT_SIGNED = "result_signed"
    RESULT_SIGNING_FAILED = "result_signing_failed"
