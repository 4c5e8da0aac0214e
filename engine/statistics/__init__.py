"""The figures a center is judged by: Decision 766 counts, step times, overdue work, kept current.

``upkeep`` adds each command's effect to the daily figures in the command's own transaction;
``figures``, ``steps``, ``lists``, ``indicators`` and ``supervision`` read them for a period and a
scope, through the access policy (``reach``). No web layer holds a query of its own.
"""
