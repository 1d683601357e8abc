"""Responding to an incident: the lifecycle commands, descriptive changes, the board."""
