"""The detection layer: alert ingest, deduplication, correlation into groups, promotion."""
