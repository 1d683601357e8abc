"""Measurement: pure figures over derived state, the report, its renderers."""
