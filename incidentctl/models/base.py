"""The strict base model every record and view shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """Strict, closed, immutable: unknown keys are errors and values are never coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class View(BaseModel):
    """An output shape (``--json``); its JSON Schema lives in ``schemas/``."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
