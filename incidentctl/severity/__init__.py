"""Severity as routing: the policy, classification, the checklist, paging."""
