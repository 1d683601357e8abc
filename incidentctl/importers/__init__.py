"""Bring history in: cState status pages, CSV exports (PagerDuty/Opsgenie shape), chat logs."""
