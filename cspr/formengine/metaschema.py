"""The definition meta-schema (forms/definition.schema.json) and readable reasons for its errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from cspr.formengine.core_errors import json_path, quoted
from cspr.formengine.core_types import OPS
from cspr.formengine.fieldtypes import field_type, names, registered

META_SCHEMA_PATH = Path(__file__).resolve().parents[2] / "forms" / "definition.schema.json"
# jsonschema recurses once per level of nesting; refuse absurd documents before it does.
MAX_DOCUMENT_DEPTH = 60

_CONDITION_KEYS = {"field", "op", "value", "all", "any", "not", "ref"}
_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
}
_NAME_RULE = (
    "start with a lower-case letter and use only lower-case letters, digits and underscores, "
    "up to 64 characters"
)
_PATTERN_REASONS = {
    "name": f"is not a valid name: names must {_NAME_RULE}",
    "field": f"is not a valid field name: names must {_NAME_RULE}",
    "ref": f"is not a valid condition name: names must {_NAME_RULE}",
    "conditions": f"is not a valid condition name: names must {_NAME_RULE}",
    "id": "is not a valid id: use 2 to 64 lower-case letters, digits, '-' or '_', "
    "starting with a letter",
    "form": "is not a valid form id",
    "value": "is not a valid option value: it must not be blank or start or end with a space",
}


@lru_cache(maxsize=1)
def _shipped_file() -> dict[str, Any]:
    """Return forms/definition.schema.json as shipped, read once."""
    with META_SCHEMA_PATH.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def meta_schema() -> dict[str, Any]:
    """Return the definition meta-schema: the shipped file, with each field type's part."""
    return _built(tuple(registered()))


@lru_cache(maxsize=4)
def _built(kinds: tuple[Any, ...]) -> dict[str, Any]:
    """Fill in what the registered field types say: their names, keys and which go in groups."""
    schema = json.loads(json.dumps(_shipped_file()))
    defs = schema["$defs"]
    defs["field"]["properties"]["type"]["enum"] = [kind.name for kind in kinds]
    defs["sub_field"]["properties"]["type"]["enum"] = [k.name for k in kinds if k.in_groups]
    defs["field_base"]["allOf"] = _type_branches(kinds)
    every_key = set().union(*(kind.definition_keys() for kind in kinds))
    defs["field_base"]["propertyNames"] = {"enum": sorted(every_key)}
    return schema


def _when(kinds: list[Any], then: dict[str, Any]) -> dict[str, Any]:
    """Apply `then` to fields of some types."""
    test = {"const": kinds[0].name} if len(kinds) == 1 else {"enum": [k.name for k in kinds]}
    return {"if": {"required": ["type"], "properties": {"type": test}}, "then": then}


def _type_branches(kinds: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Build field_base's branches: shared keys, each type's own keys, and the keys allowed."""
    branches = [
        _when([k for k in kinds if k.answered], {"properties": {
            "required": {"type": "boolean"}, "required_if": {"$ref": "#/$defs/condition"},
            "error_name": {"$ref": "#/$defs/text"},
            "case_fact": {"type": "string", "pattern": "^[a-z][a-z_]*(\\.[a-z][a-z_]*)?$"},
            "case_fact_use": {"enum": ["read", "write", "read_write"]}}}),
        _when([k for k in kinds if k.prefillable], {"properties": {
            "prefill": {"$ref": "#/$defs/prefill"},
            "from_account": {"enum": ["name", "email", "agency"]}}}),
    ]
    shared: dict[str, list[Any]] = {}  # types with the same own keys share one branch
    for kind in kinds:
        if kind.keys:
            then: dict[str, Any] = {"properties": kind.keys}
            if kind.required_keys:
                then = {"required": list(kind.required_keys), **then}
            shared.setdefault(json.dumps(then, sort_keys=True), []).append(kind)
    for then_text, group in shared.items():
        branches.append(_when(group, json.loads(then_text)))
    branches += [_when([kind], {"propertyNames": {"enum": sorted(kind.definition_keys())}})
                 for kind in kinds]
    return branches


def write_shipped_schema(path: Path = META_SCHEMA_PATH) -> None:
    """Write the meta-schema with every registered type to forms/definition.schema.json."""
    path.write_text(json.dumps(meta_schema(), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    _shipped_file.cache_clear()
    _built.cache_clear()


@lru_cache(maxsize=4)
def _validator_for(schema_key: tuple[Any, ...]) -> Draft202012Validator:
    """Return a validator for the meta-schema, built once per set of types."""
    return Draft202012Validator(_built(schema_key), format_checker=FormatChecker())


def _validator() -> Draft202012Validator:
    """Return a validator for the current meta-schema."""
    return _validator_for(tuple(registered()))


def field_keys(kind_name: str) -> set[str]:
    """Return the keys a field of a type may have."""
    return field_type(kind_name).definition_keys()


def document_depth(doc: Any) -> int:
    """Return how deeply lists and objects nest in a document, without recursing."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DOCUMENT_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def meta_errors(doc: Any) -> list[tuple[str, str]]:
    """Check a definition against the meta-schema; return (JSON path, reason) pairs."""
    if document_depth(doc) > MAX_DOCUMENT_DEPTH:
        return [("$", f"The definition nests more than {MAX_DOCUMENT_DEPTH} levels deep")]
    found: list[tuple[str, str]] = []
    for error in _validator().iter_errors(doc):
        for item in _explain(error, doc):
            if item not in found:
                found.append(item)
    return sorted(found)


def _at(doc: Any, parts: list[str | int]) -> Any:
    """Return the part of a document a path points to."""
    node = doc
    for part in parts:
        node = node[part]
    return node


def _explain(error: ValidationError, doc: Any) -> Iterator[tuple[str, str]]:
    """Turn one jsonschema error into readable (path, reason) pairs."""
    parts = list(error.absolute_path)
    path = json_path(parts)
    last = parts[-1] if parts else None
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    if keyword == "required":
        what = _what(parts, instance)
        for key in expected:
            if isinstance(instance, dict) and key not in instance:
                yield json_path([*parts, key]), f"{what} needs '{key}'"
    elif keyword == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        for key in instance:
            if key not in allowed:
                yield json_path([*parts, key]), f"'{key}' is not allowed here"
    elif keyword == "enum" and "propertyNames" in error.relative_schema_path:
        # Keys are checked by listing the names each kind of object may have.
        yield json_path([*parts, instance]), _unknown_key(_at(doc, parts), instance, expected)
    elif keyword == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        words = " or ".join(_TYPE_NAMES.get(str(name), str(name)) for name in wanted)
        yield path, f"Must be {words}"
    elif keyword == "enum":
        yield path, _explain_enum(parts, instance, expected)
    elif keyword == "pattern" and isinstance(instance, str) and not instance.strip():
        yield path, "Must not be blank"
    elif keyword == "pattern":
        reason = _PATTERN_REASONS.get(str(last), "must not be blank")
        if str(last) == "id" and len(parts) > 1:
            reason = "is not a valid page id: use lower-case letters, digits, '-' or '_'"
        if isinstance(last, int) and "accept" in parts:
            reason = "is not a file extension like '.pdf'"
        if last in ("on_or_after", "on_or_before", "after", "before"):
            reason = "is not a date like 2025-04-01"
        yield path, f"{quoted(instance)} {reason}"
    elif keyword == "format":
        yield path, f"{quoted(instance)} is not a real date"
    elif keyword in ("minLength", "maxLength"):
        yield path, "Must not be blank" if keyword == "minLength" else (
            f"Must be {expected} characters or fewer"
        )
    elif keyword in ("minimum", "maximum", "exclusiveMinimum"):
        if keyword == "exclusiveMinimum":
            yield path, f"Must be more than {expected}"
        else:
            yield path, f"Must be {expected} {'or more' if keyword == 'minimum' else 'or less'}"
    elif keyword in ("minItems", "maxItems"):
        if last == "pages":
            yield path, "A form needs at least one page"
        elif last == "fields":
            yield path, "Add at least one field"
        else:
            bound = "at least" if keyword == "minItems" else "at most"
            yield path, f"Must have {bound} {expected} item{'s' if expected != 1 else ''}"
    elif keyword == "uniqueItems":
        yield path, "Must not list the same value twice"
    elif keyword == "minProperties":
        yield path, "A condition cannot be empty"
    elif keyword == "maxProperties" and last == "conditions":
        yield path, f"A form can have at most {expected} named conditions"
    elif keyword == "maxProperties":
        yield path, "A condition can have only one of 'all', 'any', 'not' or 'ref'"
    elif keyword == "anyOf":
        yield path, _explain_any_of(last)
    elif keyword == "not":
        yield json_path([*parts, "value"]), "'answered' and 'not_answered' conditions take no value"
    else:
        # A keyword this module does not know yet: still say where, in plain words.
        yield path, "This part of the definition is not valid"


def _what(parts: list[str | int], instance: Any) -> str:
    """Name the kind of object a required key is missing from."""
    if not isinstance(instance, dict) or not parts:
        return "The form"
    if "op" in instance or "field" in instance:
        op = instance.get("op")
        return f"A condition with op '{op}'" if isinstance(op, str) else "A condition"
    if parts[-2:-1] == ["pages"]:
        return "A page"
    if parts[-2:-1] == ["options"]:
        return "An option"
    kind = instance.get("type")
    return f"A {kind} field" if kind in names() else "This"


def _explain_enum(parts: list[str | int], instance: Any, expected: Any) -> str:
    """Explain a value that is not one of the allowed ones."""
    last = parts[-1] if parts else None
    if last == "type":
        if isinstance(instance, str) and instance in names():
            kind = field_type(instance)
            return kind.not_in_group_reason or f"A repeating group cannot contain a {kind.words}"
        return f"{quoted(instance)} is not a field type. Use one of: {', '.join(names())}"
    if last == "op":
        return f"{quoted(instance)} is not a condition operator. Use one of: {', '.join(OPS)}"
    return f"Must be one of: {', '.join(str(value) for value in expected)}"


def _explain_any_of(last: str | int | None) -> str:
    """Explain a value that matched none of several allowed shapes."""
    if last in ("on_or_after", "on_or_before", "after", "before"):
        return "Must be the name of a date field or a date like 2025-04-01"
    if last == "value":
        return "Must be a date like 2025-04-01, \"today\" or {\"field\": \"other_date\"}"
    return "A condition needs 'field' and 'op', or one of 'all', 'any', 'not' or 'ref'"


def _unknown_key(owner: Any, key: str, allowed: list[str]) -> str:
    """Explain a key that an object of its kind may not have."""
    if sorted(allowed) == sorted(_CONDITION_KEYS):
        return f"A condition cannot have '{key}'"
    kind = owner.get("type") if isinstance(owner, dict) else None
    what = f"A {kind} field" if kind in names() else "A field"
    return f"{what} cannot have '{key}'"


if __name__ == "__main__":  # python -m cspr.formengine.metaschema, after changing a field type
    write_shipped_schema()
