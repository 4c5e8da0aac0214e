"""Auditors' tools: prove what happened to a dossier.

- ``engine.audit.replay`` and ``engine.audit.time_travel``: deterministic replay, and a dossier as it
  stood at any event.
"""
