"""Record files on disk: layout, strict parsing, atomic writes, the per-clone lock."""
