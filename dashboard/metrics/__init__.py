"""The arithmetic of METRICS.md: periods and day numbers, the analysis frames, the Period
KPI building blocks, additive parts and the ``kpis`` table, the precomputed aggregates
(the KPI cube), balance and workload, and the underperformance rules.

May import: ``storage``, ``i18n``. Never Dash or Flask, nothing above it.
"""
