"""Auditors' tools: prove what happened to a dossier, and that nobody changed the record since.

- ``engine.audit.chain``: walks one hash chain (the recorder's canonical encoding, re-computed) and
  names its first broken link.
- ``engine.audit.verify``: verification of dossiers (one, a center's, all) and of the
  administrative chain, through the access policy (``audit.read``); rows shown as fact beside the
  history (human tasks, the dossier's clock) are checked against the chained events
  (``engine.audit.covered``).
- ``engine.audit.anchors``: signed anchors of every chain's head, chained to each other.
- ``engine.audit.pack``: the evidence pack of one dossier, and its offline check.
- ``engine.audit.admin_chain``: the administrative chain (deploys, activations, org, calendar, roles,
  reassignments, incident retries).
- ``engine.audit.replay`` and ``engine.audit.time_travel``: deterministic replay, and a dossier as it
  stood at any event.

docs/audit.md lists every field the history, slips and pages show and what covers it.
"""
