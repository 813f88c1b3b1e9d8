"""Honest evaluation: real-data protocols (SKAB, NAB, tabular failure data) and the report generator.

``mfg evaluate ...`` runs one protocol and prints one JSON line; ``make evaluate`` writes
``docs/evaluation.md``. Heavy libraries load inside the functions.
"""
