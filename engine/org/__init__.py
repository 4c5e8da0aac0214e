"""The organisation: units, officials, roles, leave and deputies; who may act on which task."""
