"""Form definitions: check, load and look up the JSON documents that describe forms."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cspr.formengine.core_checks import semantic_errors
from cspr.formengine.core_errors import DefinitionError, DefinitionInvalid
from cspr.formengine.fieldtypes import names
from cspr.formengine.metaschema import meta_errors

__all__ = [
    "FIELD_TYPES",
    "DefinitionError",
    "DefinitionInvalid",
    "FormDefinition",
    "check_definition",
    "load_definition",
    "load_directory",
]

Field = dict[str, Any]
FIELD_TYPES = names()  # the shipped types; ask cspr.formengine.fieldtypes for the current ones


class FormDefinition:
    """One checked version of a form, with quick look-ups of its pages and fields."""

    def __init__(self, raw: dict[str, Any]) -> None:
        """Wrap a definition that check_definition accepted; use load_definition instead."""
        self.raw: dict[str, Any] = raw
        self.id: str = raw["id"]
        self.title: str = raw["title"]
        self.description: str | None = raw.get("description")
        self.version: int = raw["version"]
        self.pages: list[dict[str, Any]] = raw["pages"]
        self.conditions: dict[str, Any] = raw.get("conditions", {})
        self.declaration: dict[str, str] | None = raw.get("declaration")
        self._fields: dict[str, Field] = {}
        self._page_of: dict[str, dict[str, Any]] = {}
        self._pages = {page["id"]: page for page in self.pages}
        for page in self.pages:
            for field in page["fields"]:
                self._fields[field["name"]] = field
                self._page_of[field["name"]] = page

    def __repr__(self) -> str:
        """Name the form and its version."""
        return f"<FormDefinition {self.id} v{self.version}>"

    @property
    def schema_id(self) -> str:
        """Return the URN naming this form version's submission schema."""
        return f"urn:cspr:form:{self.id}:v{self.version}"

    def field(self, name: str) -> Field:
        """Return a top-level field, or a group's sub-field written "group.sub_field"."""
        group_name, _, sub_name = name.partition(".")
        if group_name not in self._fields:
            raise KeyError(f"form '{self.id}' has no field called '{group_name}'")
        field = self._fields[group_name]
        if not sub_name:
            return field
        for sub in field.get("fields", []):
            if sub["name"] == sub_name:
                return sub
        raise KeyError(f"field '{group_name}' of form '{self.id}' has no field '{sub_name}'")

    def has_field(self, name: str) -> bool:
        """Say whether the form has a top-level field of that name."""
        return name in self._fields

    def all_fields(self) -> list[Field]:
        """Return the top-level fields in page order."""
        return [field for page in self.pages for field in page["fields"]]

    def page(self, page_id: str) -> dict[str, Any]:
        """Return a page by its id."""
        if page_id not in self._pages:
            raise KeyError(f"form '{self.id}' has no page called '{page_id}'")
        return self._pages[page_id]

    def page_of(self, name: str) -> dict[str, Any]:
        """Return the page a top-level field is on."""
        if name not in self._page_of:
            raise KeyError(f"form '{self.id}' has no field called '{name}'")
        return self._page_of[name]

    def resolve(self, name: str, group: Mapping[str, Any] | None = None) -> Field | None:
        """Find the field a condition names: a sibling in the group first, then top level."""
        if group is not None:
            for sub in group.get("fields", []):
                if sub["name"] == name:
                    return sub
        return self._fields.get(name)


def _form_id(doc: Any) -> str:
    """Return a definition's id for error reports, even when it is missing."""
    if isinstance(doc, dict) and isinstance(doc.get("id"), str) and doc["id"]:
        return str(doc["id"])
    return "(no id)"


# Checks other capabilities add (casework checks that "case_fact" names a real case fact);
# each takes a meta-schema-valid definition and returns (json path, reason) pairs.
EXTRA_CHECKS: list[Callable[[dict[str, Any]], list[tuple[str, str]]]] = []


def check_definition(doc: Any) -> list[DefinitionError]:
    """Return every problem in a definition; an empty list means it can be loaded."""
    form_id = _form_id(doc)
    problems = meta_errors(doc)
    if not problems:
        # The cross-reference checks rely on the shapes the meta-schema guarantees.
        problems = semantic_errors(doc)
        for check in EXTRA_CHECKS:
            problems += check(doc)
    return [DefinitionError(form_id, path, reason) for path, reason in problems]


def load_definition(doc: Any) -> FormDefinition:
    """Check a definition and return it loaded, or raise DefinitionInvalid with every problem."""
    errors = check_definition(doc)
    if errors:
        raise DefinitionInvalid(errors)
    return FormDefinition(copy.deepcopy(doc))


def load_directory(
    path: str | Path,
) -> tuple[dict[str, FormDefinition], list[DefinitionError]]:
    """Load every *.json definition in a folder; bad files are reported, good ones still load."""
    folder = Path(path)
    loaded: dict[str, FormDefinition] = {}
    sources: dict[str, str] = {}
    errors: list[DefinitionError] = []
    for file in sorted(folder.glob("*.json")):
        if file.name.endswith(".schema.json"):
            continue  # the meta-schema lives beside the definitions
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            errors.append(DefinitionError(file.stem, "$", _unreadable(exc), file.name))
            continue
        try:
            definition = load_definition(doc)
        except DefinitionInvalid as invalid:
            errors += [_with_source(error, file.name) for error in invalid.errors]
            continue
        previous = loaded.get(definition.id)
        if previous is not None:
            keep, drop = sorted([previous, definition], key=lambda d: d.version, reverse=True)
            dropped_file = sources[drop.id] if drop is previous else file.name
            errors.append(DefinitionError(
                definition.id, "$.id",
                f"Form '{definition.id}' is defined in {sources[definition.id]} and {file.name}; "
                f"version {keep.version} was loaded and version {drop.version} ignored",
                dropped_file,
            ))
            definition = keep
            if keep is previous:
                continue
        loaded[definition.id] = definition
        sources[definition.id] = file.name
    return loaded, errors


def _unreadable(exc: Exception) -> str:
    """Explain why a file could not be read as JSON."""
    if isinstance(exc, json.JSONDecodeError):
        return f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    if isinstance(exc, UnicodeDecodeError):
        return "The file is not valid JSON: it is not saved as UTF-8 text"
    return "The file is not valid JSON: it nests too deeply"


def _with_source(error: DefinitionError, source: str) -> DefinitionError:
    """Return the error naming the file it came from."""
    return DefinitionError(error.form_id, error.path, error.reason, source)
