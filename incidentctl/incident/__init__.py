"""The incident: its event types (one definition each), the fold that derives its state."""
