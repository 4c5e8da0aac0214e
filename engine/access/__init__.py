"""Who may see and do what: the access rules (data) and the one policy every command and query asks."""
