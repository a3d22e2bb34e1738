"""Small builders for form definitions used across the form engine tests."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

from cspr.formengine.definitions import FormDefinition, load_definition

EXAMPLES = Path(__file__).resolve().parents[2] / "forms" / "examples"
TODAY = date(2025, 6, 1)


def example_doc(name: str) -> dict[str, Any]:
    """Return an example definition from forms/examples as a dict."""
    loaded: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def example(name: str) -> FormDefinition:
    """Load an example definition from forms/examples."""
    return load_definition(example_doc(name))


def doc(*fields: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Return a one-page definition document holding the given fields."""
    built: dict[str, Any] = {
        "id": "test_form",
        "title": "Test form",
        "version": 1,
        "pages": [{"id": "main", "title": "Main", "fields": list(fields)}],
    }
    built.update(extra)
    return copy.deepcopy(built)


def form(*fields: dict[str, Any], **extra: Any) -> FormDefinition:
    """Load a one-page form holding the given fields."""
    return load_definition(doc(*fields, **extra))


def field(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    """Return a field definition with a label made from its name."""
    return {"name": name, "type": kind, "label": name.replace("_", " ").capitalize(), **extra}


def options(*values: str) -> list[dict[str, str]]:
    """Return options whose labels are their values."""
    return [{"value": value, "label": value.capitalize()} for value in values]
