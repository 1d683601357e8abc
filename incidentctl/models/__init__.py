"""Pydantic models of every record kind; pure data, no I/O."""
