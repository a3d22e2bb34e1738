"""Derive the JSON Schema (2020-12) of one form version's submission data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cspr.formengine.core_types import contains_text_pattern
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type

Field = Mapping[str, Any]
Schema = dict[str, Any]
# Where a translated condition must be applied: to one repeating-group item, or to the form.
ITEM, FORM = "item", "form"
RULES_KEY = "x-cspr-rules"


def submission_schema(definition: FormDefinition) -> Schema:
    """Return the JSON Schema that the stored answers of this form version satisfy."""
    properties: Schema = {}
    required: list[str] = []
    rules: list[Schema] = []
    for page in definition.pages:
        for field in page["fields"]:
            if not field_type(field).answered:
                continue
            name = field["name"]
            properties[name] = field_schema(field, definition)
            if field_type(field).is_group:
                rules += _group_form_rules(field, definition)
            gate = _requirement_gate(page, field)
            if gate is None:
                continue
            if not gate:
                required.append(name)
                continue
            translated = [translate_condition(part, definition) for part in gate]
            conditions = [result[1] for result in translated if result is not None]
            if len(conditions) < len(gate):
                _note(properties[name], f"Required {describe_all(gate)} (checked by the server)")
            else:
                rules.append(_if_then(conditions, {"required": [name]}))
    schema: Schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": definition.schema_id,
        "title": definition.title,
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if definition.description:
        schema["description"] = definition.description
    if required:
        schema["required"] = required
    if rules:
        schema["allOf"] = rules
    return schema


def _requirement_gate(page: Field, field: Field) -> list[Any] | None:
    """Return the conditions under which a field must be answered; None if it never must."""
    if field.get("required", False):
        extra: list[Any] = []
    elif "required_if" in field:
        extra = [field["required_if"]]
    else:
        return None
    shown = [node["show_if"] for node in (page, field) if "show_if" in node]
    return shown + extra


def _if_then(conditions: list[Schema], then: Schema) -> Schema:
    """Build {"if": all conditions, "then": ...}."""
    unique: list[Schema] = []
    for condition in conditions:  # a field and its required_if often share a condition
        if condition not in unique:
            unique.append(condition)
    test = unique[0] if len(unique) == 1 else {"allOf": unique}
    return {"if": test, "then": then}


def _note(schema: Schema, rule: str) -> None:
    """Record on a property a rule the server checks but JSON Schema cannot express."""
    schema.setdefault(RULES_KEY, []).append(rule)


def field_schema(field: Field, definition: FormDefinition) -> Schema:
    """Return the schema of one field's answer."""
    schema: Schema = {"title": field["label"]}
    if field.get("hint"):
        schema["description"] = field["hint"]
    kind = field_type(field)
    schema.update(kind.answer_schema(field, definition))
    for rule in kind.schema_notes(field):
        _note(schema, rule)
    return schema


def group_schema(group: Field, definition: FormDefinition) -> Schema:
    """Return the schema of a repeating group: a list of items holding its sub-fields."""
    properties: Schema = {}
    required: list[str] = []
    rules: list[Schema] = []
    for sub in group["fields"]:
        if not field_type(sub).answered:
            continue
        name = sub["name"]
        properties[name] = field_schema(sub, definition)
        gate = _requirement_gate({}, sub)
        if gate is None:
            continue
        if not gate:
            required.append(name)
            continue
        translated = [translate_condition(part, definition, group) for part in gate]
        if all(result is not None and result[0] == ITEM for result in translated):
            rules.append(_if_then([r[1] for r in translated if r], {"required": [name]}))
        elif not all(result is not None and result[0] == FORM for result in translated):
            # Conditions mixing this item's answers with the form's cannot be written in JSON
            # Schema, which cannot look from an item up to the whole form.
            _note(properties[name], f"Required {describe_all(gate)} (checked by the server)")
    item: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        item["required"] = required
    if rules:
        item["allOf"] = rules
    schema: Schema = {"type": "array", "minItems": max(1, group.get("min_items", 1)), "items": item}
    if "max_items" in group:
        schema["maxItems"] = group["max_items"]
    return schema


def _group_form_rules(group: Field, definition: FormDefinition) -> list[Schema]:
    """Return form-level rules for sub-fields required by conditions on top-level answers."""
    rules = []
    for sub in group["fields"]:
        gate = _requirement_gate({}, sub)
        if not gate:
            continue
        translated = [translate_condition(part, definition, group) for part in gate]
        if all(result is not None and result[0] == FORM for result in translated):
            then = {"properties": {group["name"]: {"items": {"required": [sub["name"]]}}}}
            rules.append(_if_then([r[1] for r in translated if r], then))
    return rules


def translate_condition(
    condition: Mapping[str, Any], definition: FormDefinition, group: Field | None = None
) -> tuple[str, Schema] | None:
    """Return (where it applies, schema) for a condition, or None if JSON Schema cannot say it."""
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        parts = [translate_condition(part, definition, group) for part in condition[key]]
        scopes = {part[0] for part in parts if part is not None}
        if any(part is None for part in parts) or len(scopes) != 1:
            return None
        combined = [part[1] for part in parts if part is not None]
        return scopes.pop(), {"allOf" if key == "all" else "anyOf": combined}
    if "not" in condition:
        inner = translate_condition(condition["not"], definition, group)
        return None if inner is None else (inner[0], {"not": inner[1]})
    if "ref" in condition:
        # Named conditions always test top-level fields.
        return translate_condition(definition.conditions[condition["ref"]], definition, None)
    return _translate_comparison(condition, definition, group)


def _translate_comparison(
    condition: Mapping[str, Any], definition: FormDefinition, group: Field | None
) -> tuple[str, Schema] | None:
    """Translate one comparison into a schema over the object holding the field."""
    name, op = condition["field"], condition["op"]
    value: Any = condition.get("value")
    sibling = group is not None and any(sub["name"] == name for sub in group["fields"])
    scope = ITEM if sibling else FORM

    def answer(schema: Schema) -> Schema:
        return {"properties": {name: schema}, "required": [name]}

    if op == "answered":
        return scope, {"required": [name]}
    if op == "not_answered":
        return scope, {"not": {"required": [name]}}
    if op == "equals":
        return scope, answer({"const": value})
    if op == "not_equals":
        return scope, {"not": answer({"const": value})}
    if op == "one_of":
        return scope, answer({"enum": list(value)})
    if op == "contains":
        return scope, answer({"anyOf": [
            {"type": "array", "contains": {"const": value}},
            {"type": "string", "pattern": contains_text_pattern(value)},
        ]})
    if op == "greater_than":
        return scope, answer({"type": "number", "exclusiveMinimum": value})
    if op == "less_than":
        return scope, answer({"type": "number", "exclusiveMaximum": value})
    return None  # before/after compare dates, which JSON Schema cannot order


def describe(condition: Mapping[str, Any]) -> str:
    """Describe a condition in plain words, for notes in the schema."""
    if "all" in condition:
        return "(" + " and ".join(describe(part) for part in condition["all"]) + ")"
    if "any" in condition:
        return "(" + " or ".join(describe(part) for part in condition["any"]) + ")"
    if "not" in condition:
        return f"not {describe(condition['not'])}"
    if "ref" in condition:
        return f"condition '{condition['ref']}' holds"
    name, op, value = condition["field"], condition["op"], condition.get("value")
    if op in ("answered", "not_answered"):
        return f"'{name}' is {op.replace('_', ' ')}"
    if op in ("before", "after"):
        target = f"'{value['field']}'" if isinstance(value, Mapping) else value
        return f"'{name}' is {op} {target}"
    return f"'{name}' {op.replace('_', ' ')} {value!r}"


def describe_all(conditions: list[Any]) -> str:
    """Describe several conditions that must all hold, starting with "when"."""
    return "when " + " and ".join(describe(condition) for condition in conditions)
