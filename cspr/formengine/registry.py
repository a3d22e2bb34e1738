"""Published form versions: shipped definitions synced into storage, each version immutable."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from cspr.formengine.definitions import (
    DefinitionError,
    FormDefinition,
    load_definition,
    load_directory,
)
from cspr.storage import Store, StoreError, get_store, transactional
from cspr.storage.flask_app import opens_store_at_start

VERSIONS = "form_versions"
SHIPPED_FORMS = Path(__file__).resolve().parents[2] / "forms"


def version_id(form_id: str, version: int) -> str:
    """Name a stored form version."""
    return f"{form_id}@{version}"


def sync_shipped(store: Store, forms_dir: Path) -> list[DefinitionError]:
    """Publish shipped definitions that storage does not hold yet; return the load errors."""
    definitions, errors = load_directory(forms_dir)
    for definition in definitions.values():
        key = version_id(definition.id, definition.version)
        if store.get(VERSIONS, key) is not None:
            continue
        newest = _newest(store, definition.id)
        if newest is not None and newest["version"] > definition.version:
            continue  # an admin has moved the form on; the shipped copy is older
        record = {"id": key, "form_id": definition.id, "version": definition.version,
                  "definition": definition.raw, "source": "shipped", "status": "live"}
        try:
            store.insert(VERSIONS, record)
        except StoreError:
            if store.get(VERSIONS, key) is None:
                raise
            # another worker process, starting at the same moment, added it first
    return errors


def _newest(store: Store, form_id: str) -> dict[str, Any] | None:
    """Return the highest stored version of a form."""
    versions = store.find(VERSIONS, where={"form_id": form_id}, order_by="version", reverse=True)
    return versions[0] if versions else None


GENERATION = "form_versions_generation"  # bumped when versions are deleted, in any process


@lru_cache(maxsize=512)
def _definition(key: str, data_dir: str, generation: int) -> FormDefinition | None:
    """Load a stored version once per process: versions never change after publishing."""
    record = get_store().get(VERSIONS, key)
    return load_definition(record["definition"]) if record else None


@transactional
def forget_cached() -> None:
    """Drop cached versions in every process, after a never-used form's versions are deleted."""
    # Ids may then come back with other content. Worker processes share the store, not this
    # cache, so the counter in the store tells each of them to look again.
    store = get_store()
    store.set_setting(GENERATION, int(store.get_setting(GENERATION, 0)) + 1)
    _definition.cache_clear()


def definition(form_id: str, version: int) -> FormDefinition | None:
    """Return one exact version of a form."""
    store = get_store()
    return _definition(
        version_id(form_id, version), str(store.data_dir), int(store.get_setting(GENERATION, 0))
    )


def live(form_id: str) -> FormDefinition | None:
    """Return the live (newest published, not archived) version of a form."""
    record = _newest(get_store(), form_id)
    if record is None or record.get("status") == "archived":
        return None
    return definition(form_id, int(record["version"]))


def live_forms() -> list[FormDefinition]:
    """Return the live version of every form, by title."""
    newest: dict[str, dict[str, Any]] = {}
    for record in get_store().find(VERSIONS):
        current = newest.get(record["form_id"])
        if current is None or record["version"] > current["version"]:
            newest[record["form_id"]] = record
    found = [
        definition(r["form_id"], int(r["version"]))
        for r in newest.values()
        if r.get("status") != "archived"
    ]
    return sorted((d for d in found if d is not None), key=lambda d: d.title.lower())


def load_errors() -> list[DefinitionError]:
    """Return the problems found in shipped definitions at start-up."""
    return list(current_app.extensions.get("cspr_form_errors", []))


def init_app(app: Flask) -> None:
    """Sync the shipped forms at start-up, logging (not failing on) invalid definitions."""
    forms_dir = Path(app.config.get("FORMS_DIR") or SHIPPED_FORMS)
    if not opens_store_at_start(app):
        return
    with app.app_context():
        errors = sync_shipped(get_store(), forms_dir)
    for error in errors:
        app.logger.error("Form definition problem: %s", error)
    app.extensions["cspr_form_errors"] = errors
