"""Runbooks from prose to automation: the catalog and the step runner."""
