"""Dash layouts: one module per view, building components; no data access."""
