"""incidentctl: incident response kept as Markdown records in git."""

__version__ = "0.1.0"
