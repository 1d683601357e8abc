"""Learning from incidents: post-mortems, action items, publishing, similar incidents."""
