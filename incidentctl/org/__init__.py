"""The organisation around the incident: the service catalog, teams, people."""
