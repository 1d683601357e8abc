"""``incidentctl lint``: every record checked; every problem with its rule, file and line."""
