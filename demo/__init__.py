"""The demo province: its organisation, officials and dossiers; the only place synthetic data is
defined. ``motcua demo`` seeds it (``demo.seed``), ``bench/`` loads the same organisation in bulk
(``demo.org_plan``). Nothing in ``engine/`` imports this package."""
