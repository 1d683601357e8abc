"""git through its command line: queries, plumbing commits, sync with a remote."""
