"""Render a report as a terminal table, Markdown, CSV, HTML or OpenMetrics text."""

BREAKDOWNS = ("severity", "service", "category", "period")  # what --by can name
