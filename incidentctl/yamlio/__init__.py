"""Reading and writing the YAML frontmatter of records, strictly and deterministically."""
