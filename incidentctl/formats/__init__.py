"""Render a report as a terminal table, Markdown, CSV, HTML or OpenMetrics text."""
