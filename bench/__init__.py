"""Benchmarks of the Motcua engine; run as ``python -m bench.<name>``."""
