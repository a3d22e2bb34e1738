"""Compare two versions of a form definition and describe the changes in plain English."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cspr.auth.roles import role_names
from cspr.formengine.condition_walk import fields_read
from cspr.formengine.fieldtypes import field_type, known

__all__ = ["Change", "condition_field_names", "describe_condition", "diff_definitions"]

Raw = dict[str, Any]
Groups = tuple[Raw | None, Raw | None]  # a sub-field's group in the old and new versions

MAX_DEPTH = 10
QUOTE_LIMIT = 200
COMPOUND = ("all of:", "any of:", "not:")

RULE_NAMES = {
    "min_length": "minimum length",
    "max_length": "maximum length",
    "min": "minimum",
    "max": "maximum",
    "not_in_future": "not in the future",
    "not_in_past": "not in the past",
    "on_or_after": "on or after",
    "on_or_before": "on or before",
    "after": "after",
    "before": "before",
    "max_size_mb": "maximum file size (MB)",
    "accept": "accepted file types",
}

SIMPLE_FIELD_KEYS = {
    "min_items": "Minimum number of items",
    "max_items": "Maximum number of items",
    "item_label": "Item label",
    "item_label_plural": "Item label (plural)",
}

HANDLED_FIELD_KEYS = {
    "name", "type", "label", "hint", "required", "required_if", "show_if", "error_name",
    "validation", "options", "fields", "text", "prefill", "from_account", *SIMPLE_FIELD_KEYS,
}

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a form, described for an administrator."""

    kind: str  # "added" | "removed" | "changed"
    what: str  # "Form", "Page", "Field", "Option", "Declaration", "Condition"
    where: str
    detail: str


# ---------------------------------------------------------------------------
# Safe access to possibly odd shapes
# ---------------------------------------------------------------------------


def _dict(value: Any) -> Raw:
    """Return the value if it is a dict, otherwise an empty dict."""
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[Raw]:
    """Return the dict items of a list, or an empty list."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    """Return a value as display text."""
    return value if isinstance(value, str) else "" if value is None else str(value)


def _quote(value: Any) -> str:
    """Return text in double quotes, shortened if very long."""
    text = " ".join(_text(value).split())
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1].rstrip() + "…"
    return f'"{text}"'


def _pages(raw: Any) -> list[Raw]:
    """Return a definition's pages, skipping anything that is not a page."""
    return _dicts(_dict(raw).get("pages"))


def _fields(container: Any) -> list[Raw]:
    """Return the fields of a page or group that have a name."""
    return [f for f in _dicts(_dict(container).get("fields")) if isinstance(f.get("name"), str)]


def _page_key(page: Raw, index: int) -> str:
    """Return the key a page is matched by: its id, or its position when it has none."""
    page_id = page.get("id")
    return page_id if isinstance(page_id, str) else f"#{index}"


def _label(item: Raw) -> str:
    """Return an item's label, or its name when it has none."""
    return _text(item.get("label") or item.get("name") or item.get("value"))


def _page_title(page: Raw) -> str:
    """Return a page's title, or its id when it has none."""
    return _text(page.get("title") or page.get("id") or "untitled")


def _conditions(raw: Any) -> Raw:
    """Return a definition's named conditions."""
    return _dict(_dict(raw).get("conditions"))


# ---------------------------------------------------------------------------
# Conditions in plain English
# ---------------------------------------------------------------------------


def _find_field(name: Any, raw: Any, group: Raw | None = None) -> Raw | None:
    """Find the field a condition names: a sibling in the group, a top-level field, a sub-field."""
    if not isinstance(name, str):
        return None
    for sub in _fields(group):
        if sub["name"] == name:
            return sub
    top = [field for page in _pages(raw) for field in _fields(page)]
    for field in top:
        if field["name"] == name:
            return field
    for field in top:
        for sub in _fields(field):
            if sub["name"] == name:
                return sub
    return None


def _nice_date(value: str) -> str:
    """Return an ISO date as "1 April 2025", or the text unchanged."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _number(value: Any) -> str:
    """Return a number without a needless ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _value_text(value: Any, field: Raw | None, raw: Any, group: Raw | None) -> str:
    """Return a compared value in words, using option labels and field labels."""
    kind = field_type(field) if field is not None and known(field) else None
    if isinstance(value, dict):
        other = _find_field(value.get("field"), raw, group)
        return _label(other) if other else _text(value.get("field"))
    if isinstance(value, list):
        return ", ".join(_value_text(item, field, raw, group) for item in value)
    words = kind.describe_value(_dict(field), value) if kind else None
    if words is not None:
        return words
    if isinstance(value, bool):
        return '"Yes"' if value else '"No"'
    if isinstance(value, int | float):
        return _number(value)
    return _quote(value)


def _describe_comparison(condition: Raw, raw: Any, group: Raw | None) -> str:
    """Describe a single comparison such as 'Age is more than 4'."""
    field = _find_field(condition.get("field"), raw, group)
    subject = _label(field) if field else _text(condition.get("field")) or "(no field)"
    op = condition.get("op")
    if op in ("answered", "not_answered"):
        return f"{subject} is {'answered' if op == 'answered' else 'not answered'}"
    value = _value_text(condition.get("value"), field, raw, group)
    if op == "contains":
        verb = field_type(field).contains_verb if field and known(field) else "contains"
        return f"{subject} {verb} {value}"
    phrases = {
        "equals": "is",
        "not_equals": "is not",
        "one_of": "is one of",
        "greater_than": "is more than",
        "less_than": "is less than",
        "before": "is before",
        "after": "is after",
    }
    phrase = phrases.get(op) if isinstance(op, str) else None
    return f"{subject} {phrase or _text(op).replace('_', ' ')} {value}"


def _part(condition: Any, raw: Any, group: Raw | None, depth: int, seen: frozenset[str]) -> str:
    """Describe a part of a combined condition, bracketed when it is itself combined."""
    text = _describe(condition, raw, group, depth, seen)
    return f"({text})" if text.startswith(COMPOUND) else text


def _describe_ref(name: Any, raw: Any, group: Raw | None, depth: int, seen: frozenset[str]) -> str:
    """Describe a named condition by following its reference."""
    if not isinstance(name, str):
        return "(a named condition that is not written correctly)"
    if name in seen:
        return f'(the condition "{name}" refers back to itself)'
    named = _conditions(raw)
    if name not in named:
        return f'(the missing condition "{name}")'
    return _describe(named[name], raw, group, depth + 1, seen | {name})


def _describe(condition: Any, raw: Any, group: Raw | None, depth: int, seen: frozenset[str]) -> str:
    """Describe any condition, guarding against deep nesting and cycles."""
    if not isinstance(condition, dict) or not condition:
        return "(a condition that is not written correctly)"
    if depth > MAX_DEPTH:
        return "(a condition nested too deeply to describe)"
    if "ref" in condition:
        return _describe_ref(condition["ref"], raw, group, depth, seen)
    for key, lead in (("all", "all of"), ("any", "any of")):
        if key in condition:
            parts = condition[key] if isinstance(condition[key], list) else []
            texts = [_part(part, raw, group, depth + 1, seen) for part in parts]
            return f"{lead}: {'; '.join(texts) or '(nothing)'}"
    if "not" in condition:
        return f"not: {_part(condition['not'], raw, group, depth + 1, seen)}"
    return _describe_comparison(condition, raw, group)


def describe_condition(condition: Any, definition_raw: Any, group: Raw | None = None) -> str:
    """Describe a condition in plain English, e.g. 'Age is more than 4'."""
    return _describe(condition, definition_raw, group, 0, frozenset())


def condition_field_names(condition: Any, definition_raw: Any) -> set[str]:
    """Return the field names a condition reads, following named conditions."""
    return fields_read(condition, _conditions(definition_raw))


# ---------------------------------------------------------------------------
# Form-level changes
# ---------------------------------------------------------------------------


def _text_change(name: str, old: Any, new: Any) -> str | None:
    """Describe a change to an optional piece of text, or return None when it is the same."""
    if old == new:
        return None
    if old in (None, ""):
        return f"{name} added: {_quote(new)}"
    if new in (None, ""):
        return f"{name} removed (was {_quote(old)})"
    return f"{name} changed from {_quote(old)} to {_quote(new)}"


def _kind_of(old: Any, new: Any) -> str:
    """Say whether something optional was added, removed or changed."""
    if old in (None, "", [], {}):
        return "added"
    if new in (None, "", [], {}):
        return "removed"
    return "changed"


def _audience_text(value: Any) -> str:
    """Describe a form's audience."""
    if not isinstance(value, list) or not value:
        return "everyone except administrators"
    return role_names(_text(role) for role in value).lower()


def _form_changes(old: Raw, new: Raw) -> list[Change]:
    """Report changes to the form's id, title, description, audience and declaration."""
    changes = []
    for key, name in (("id", "Form id"), ("title", "Title"), ("description", "Description")):
        detail = _text_change(name, old.get(key), new.get(key))
        if detail:
            changes.append(Change(_kind_of(old.get(key), new.get(key)), "Form", "the form", detail))
    if old.get("audience") != new.get("audience"):
        detail = (f"Who can fill it in changed from {_audience_text(old.get('audience'))} "
                  f"to {_audience_text(new.get('audience'))}")
        changes.append(Change("changed", "Form", "the form", detail))
    return changes + _declaration_changes(old.get("declaration"), new.get("declaration"))


def _declaration_changes(old: Any, new: Any) -> list[Change]:
    """Report the declaration being added, removed or reworded."""
    where = "the declaration"
    if old == new:
        return []
    if not isinstance(old, dict) or not old:
        added = f"Declaration added: {_quote(_dict(new).get('label'))}"
        return [Change("added", "Declaration", where, added)]
    if not isinstance(new, dict) or not new:
        return [Change("removed", "Declaration", where,
                       f"Declaration removed (was {_quote(old.get('label'))})")]
    changes = []
    for key, name in (("text", "Text"), ("label", "Statement to tick")):
        detail = _text_change(name, old.get(key), new.get(key))
        if detail:
            changes.append(Change("changed", "Declaration", where, detail))
    return changes


def _named_condition_changes(old: Raw, new: Raw) -> list[Change]:
    """Report named conditions added, removed or changed."""
    before, after = _conditions(old), _conditions(new)
    changes = []
    for name in sorted(set(before) | set(after), key=str):
        where = f'condition "{name}"'
        if name not in after:
            text = describe_condition(before[name], old)
            changes.append(Change("removed", "Condition", where, f"Removed (was: {text})"))
        elif name not in before:
            text = describe_condition(after[name], new)
            changes.append(Change("added", "Condition", where, f"Added: {text}"))
        elif before[name] != after[name]:
            detail = (f"Changed from: {describe_condition(before[name], old)} "
                      f"to: {describe_condition(after[name], new)}")
            changes.append(Change("changed", "Condition", where, detail))
    return changes


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


@dataclass
class _Side:
    """One version of the form, indexed for matching pages and fields."""

    raw: Raw
    pages: dict[str, tuple[int, Raw]]
    fields: dict[str, tuple[str, Raw]]

    @classmethod
    def of(cls, raw: Raw) -> _Side:
        """Index a definition's pages by key and its top-level fields by name."""
        pages: dict[str, tuple[int, Raw]] = {}
        fields: dict[str, tuple[str, Raw]] = {}
        for index, page in enumerate(_pages(raw)):
            key = _page_key(page, index)
            pages.setdefault(key, (index, page))
            for field in _fields(page):
                fields.setdefault(field["name"], (key, field))
        return cls(raw, pages, fields)

    def page(self, key: str) -> Raw:
        """Return the page with this key."""
        return self.pages[key][1]

    def numbered(self, key: str) -> str:
        """Return a page's number and title, e.g. 'page 2 "About the child"'."""
        return f"page {self.pages[key][0] + 1} {_quote(_page_title(self.page(key)))}"

    def page_where(self, key: str) -> str:
        """Return a readable location for a page."""
        return f"page {_quote(_page_title(self.page(key)))}"

    def field_where(self, name: str) -> str:
        """Return a readable location for a top-level field."""
        key, field = self.fields[name]
        return f"field {_quote(_label(field))} on {self.page_where(key)}"


def _kept_in_order(old_order: list[str], new_order: list[str]) -> set[str]:
    """Return the largest set of items whose relative order is the same in both lists."""
    rows = [[0] * (len(new_order) + 1) for _ in range(len(old_order) + 1)]
    for i in range(len(old_order) - 1, -1, -1):
        for j in range(len(new_order) - 1, -1, -1):
            if old_order[i] == new_order[j]:
                rows[i][j] = rows[i + 1][j + 1] + 1
            else:
                rows[i][j] = max(rows[i + 1][j], rows[i][j + 1])
    kept, i, j = set(), 0, 0
    while i < len(old_order) and j < len(new_order):
        if old_order[i] == new_order[j]:
            kept.add(old_order[i])
            i, j = i + 1, j + 1
        elif rows[i + 1][j] >= rows[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept


def _question_list(page: Raw) -> str:
    """Describe the questions on a page, e.g. '2 questions: "A", "B"'."""
    labels = [_quote(_label(field)) for field in _fields(page)]
    count = f"{len(labels)} question{'' if len(labels) == 1 else 's'}"
    return f"{count}: {', '.join(labels)}" if labels else "no questions"


def _page_changes(old: _Side, new: _Side) -> list[Change]:
    """Report pages added, removed, moved, retitled or given a different condition."""
    changes = []
    for key, (index, page) in old.pages.items():
        if key not in new.pages:
            detail = f"Page {index + 1} removed, with {_question_list(page)}"
            changes.append(Change("removed", "Page", old.page_where(key), detail))
    common_old = [key for key in old.pages if key in new.pages]
    common_new = sorted(common_old, key=lambda k: new.pages[k][0])
    kept = _kept_in_order(common_old, common_new)
    for key, (index, page) in new.pages.items():
        if key not in old.pages:
            detail = f"Page added as page {index + 1}, with {_question_list(page)}"
            changes.append(Change("added", "Page", new.page_where(key), detail))
            continue
        if key not in kept:
            detail = f"Moved from page {old.pages[key][0] + 1} to page {index + 1}"
            changes.append(Change("changed", "Page", new.page_where(key), detail))
        changes += _page_detail_changes(old, new, key)
    return changes


def _shown_if_change(
    old: Any, new: Any, old_raw: Raw, new_raw: Raw, groups: Groups = (None, None)
) -> str:
    """Describe a change to a show_if condition."""
    if not new:
        return f"Now always shown (was shown only if {describe_condition(old, old_raw, groups[0])})"
    text = describe_condition(new, new_raw, groups[1])
    if not old:
        return f"Shown only if {text}"
    return (f"Now shown only if {text} "
            f"(was shown only if {describe_condition(old, old_raw, groups[0])})")


def _page_detail_changes(old: _Side, new: _Side, key: str) -> list[Change]:
    """Report a kept page's title, description, condition and question order changes."""
    before, after = old.page(key), new.page(key)
    where = new.page_where(key)
    changes = []
    for name, prop in (("Title", "title"), ("Description", "description")):
        detail = _text_change(name, before.get(prop), after.get(prop))
        if detail:
            changes.append(Change("changed", "Page", where, detail))
    if before.get("show_if") != after.get("show_if"):
        detail = _shown_if_change(before.get("show_if"), after.get("show_if"), old.raw, new.raw)
        changes.append(Change("changed", "Page", where, detail))
    if _order_changed(_fields(before), _fields(after)):
        changes.append(Change("changed", "Page", where, "Order of questions changed"))
    return changes


def _order_changed(before: list[Raw], after: list[Raw]) -> bool:
    """Say whether the items found in both lists are in a different order."""
    names_after = [item.get("name") for item in after]
    names_before = [item.get("name") for item in before]
    return ([n for n in names_before if n in names_after]
            != [n for n in names_after if n in names_before])


# ---------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------


def _type_name(kind: Any) -> str:
    """Return a field type in words."""
    if not isinstance(kind, str):
        return "unknown type"
    return field_type(kind).words if known({"type": kind}) else _text(kind)


def _added_detail(field: Raw, raw: Raw, group: Raw | None = None) -> str:
    """Describe a newly added field in one line."""
    parts = [f"Added ({_type_name(field.get('type'))})"]
    if field.get("required") is True:
        parts.append("required")
    if field.get("show_if"):
        parts.append(f"shown only if {describe_condition(field['show_if'], raw, group)}")
    return "; ".join(parts)


def _field_changes(old: _Side, new: _Side) -> list[Change]:
    """Report top-level fields added, removed, moved between pages or edited."""
    changes = []
    for name, (key, _field) in old.fields.items():
        if name not in new.fields and key in new.pages:
            changes.append(Change("removed", "Field", old.field_where(name), "Removed"))
    for name, (key, field) in new.fields.items():
        where = new.field_where(name)
        if name not in old.fields:
            if key in old.pages:
                changes.append(Change("added", "Field", where, _added_detail(field, new.raw)))
            continue
        old_key, old_field = old.fields[name]
        if old_key != key:
            detail = f"Moved from {old.numbered(old_key)} to {new.numbered(key)}"
            changes.append(Change("changed", "Field", where, detail))
        changes += _field_edits(old_field, field, where, old, new, None)
    return changes


def _field_edits(
    before: Raw, after: Raw, where: str, old: _Side, new: _Side, groups: tuple[Raw, Raw] | None
) -> list[Change]:
    """Report every edit to a field that exists in both versions."""
    details = _basic_edits(before, after)
    details += _condition_edits(before, after, old.raw, new.raw, groups)
    details += _validation_edits(_dict(before.get("validation")), _dict(after.get("validation")),
                                 old.raw, new.raw)
    details += _other_edits(before, after)
    changes = [Change("changed", "Field", where, detail) for detail in details]
    changes += _option_changes(before, after, where)
    is_group = any(known(f) and field_type(f).is_group for f in (before, after))
    if is_group and groups is None:  # groups cannot nest, so look only one level down
        changes += _sub_field_changes(before, after, where, old, new)
    return changes


def _basic_edits(before: Raw, after: Raw) -> list[str]:
    """Describe edits to a field's type, label, hint, error name, text and requiredness."""
    details = []
    if before.get("type") != after.get("type"):
        details.append(f"Type changed from {_type_name(before.get('type'))} "
                       f"to {_type_name(after.get('type'))}")
    for key, name in (("label", "Label"), ("hint", "Hint"),
                      ("error_name", "Name used in error messages"), ("text", "Text")):
        detail = _text_change(name, before.get(key), after.get(key))
        if detail:
            details.append(detail)
    if bool(before.get("required") is True) != bool(after.get("required") is True):
        details.append("Now required" if after.get("required") is True else "No longer required")
    return details


def _condition_edits(
    before: Raw, after: Raw, old_raw: Raw, new_raw: Raw, groups: tuple[Raw, Raw] | None
) -> list[str]:
    """Describe edits to a field's show_if and required_if conditions."""
    old_group, new_group = groups if groups else (None, None)
    details = []
    if before.get("show_if") != after.get("show_if"):
        details.append(_shown_if_change(before.get("show_if"), after.get("show_if"),
                                        old_raw, new_raw, (old_group, new_group)))
    old_req, new_req = before.get("required_if"), after.get("required_if")
    if old_req != new_req:
        details.append(_required_if_change(old_req, new_req, old_raw, new_raw,
                                           (old_group, new_group)))
    return details


def _required_if_change(
    old: Any, new: Any, old_raw: Raw, new_raw: Raw, groups: Groups
) -> str:
    """Describe a change to a required_if condition."""
    if not new:
        was = describe_condition(old, old_raw, groups[0])
        return f"No longer required because of a condition (was required only if {was})"
    text = describe_condition(new, new_raw, groups[1])
    if not old:
        return f"Required only if {text}"
    return (f"Now required only if {text} "
            f"(was required only if {describe_condition(old, old_raw, groups[0])})")


def _rule_value(value: Any, raw: Raw) -> str:
    """Return a validation rule's value in words."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, str):
        field = _find_field(value, raw)
        return _quote(_label(field)) if field else _nice_date(value)
    return _number(value)


def _validation_edits(before: Raw, after: Raw, old_raw: Raw, new_raw: Raw) -> list[str]:
    """Describe validation rules added, removed or changed."""
    details = []
    for key in sorted(set(before) | set(after), key=str):
        name = RULE_NAMES.get(key, _text(key).replace("_", " "))
        if key not in after:
            details.append(f"Validation removed: {name} {_rule_value(before[key], old_raw)}")
        elif key not in before:
            details.append(f"Validation added: {name} {_rule_value(after[key], new_raw)}")
        elif before[key] != after[key]:
            details.append(f"Validation changed: {name} from {_rule_value(before[key], old_raw)} "
                           f"to {_rule_value(after[key], new_raw)}")
    return details


def _plain(value: Any) -> str:
    """Return a simple setting's value in words."""
    if value is None:
        return "not set"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _number(value) if isinstance(value, int | float) else _quote(str(value))


def _prefill_text(value: Any) -> str:
    """Describe where a field's answer is copied from."""
    prefill = _dict(value)
    return f'form "{_text(prefill.get("form"))}", field "{_text(prefill.get("field"))}"'


def _other_edits(before: Raw, after: Raw) -> list[str]:
    """Describe edits to group settings, prefill and any setting this module does not know."""
    details = []
    for key, name in SIMPLE_FIELD_KEYS.items():
        if before.get(key) != after.get(key):
            old_value, new_value = _plain(before.get(key)), _plain(after.get(key))
            details.append(f"{name} changed from {old_value} to {new_value}")
    if before.get("from_account") != after.get("from_account"):
        source = after.get("from_account")
        details.append(f"Filled in from the account's {_text(source)}" if source
                       else "No longer filled in from the account")
    if before.get("prefill") != after.get("prefill"):
        if not after.get("prefill"):
            details.append("No longer filled in from an earlier form")
        else:
            details.append(f"Filled in from {_prefill_text(after.get('prefill'))}")
    for key in sorted((set(before) | set(after)) - HANDLED_FIELD_KEYS, key=str):
        if before.get(key) != after.get(key):
            details.append(f'Setting "{key}" changed')
    return details


def _options(field: Raw) -> list[Raw]:
    """Return a field's options that have a value."""
    return [o for o in _dicts(field.get("options")) if "value" in o]


def _option_changes(before: Raw, after: Raw, where: str) -> list[Change]:
    """Report options added, removed, relabelled or reordered."""
    old_opts = {_text(o["value"]): o for o in _options(before)}
    new_opts = {_text(o["value"]): o for o in _options(after)}
    changes = []
    for value, option in old_opts.items():
        if value not in new_opts:
            changes.append(Change("removed", "Option", where,
                                  f"Option {_quote(_label(option))} removed"))
    for value, option in new_opts.items():
        if value not in old_opts:
            detail = f"Option {_quote(_label(option))} added"
            changes.append(Change("added", "Option", where, detail))
            continue
        changes += _one_option_changes(old_opts[value], option, where)
    kept_old = [v for v in old_opts if v in new_opts]
    kept_new = [v for v in new_opts if v in old_opts]
    if kept_old != kept_new:
        changes.append(Change("changed", "Option", where, "Order of options changed"))
    return changes


def _one_option_changes(before: Raw, after: Raw, where: str) -> list[Change]:
    """Report an option's label or hint changing."""
    changes = []
    if before.get("label") != after.get("label"):
        detail = f"Option {_quote(_label(before))} renamed to {_quote(_label(after))}"
        changes.append(Change("changed", "Option", where, detail))
    hint = _text_change(f"Hint for option {_quote(_label(after))}", before.get("hint"),
                        after.get("hint"))
    if hint:
        changes.append(Change("changed", "Option", where, hint))
    if bool(before.get("exclusive")) != bool(after.get("exclusive")):
        now = "now chosen on its own" if after.get("exclusive") else "no longer chosen on its own"
        changes.append(Change("changed", "Option", where, f"Option {_quote(_label(after))} {now}"))
    return changes


def _sub_field_changes(before: Raw, after: Raw, where: str, old: _Side, new: _Side) -> list[Change]:
    """Report a repeating group's sub-fields added, removed, reordered or edited."""
    old_subs = {f["name"]: f for f in _fields(before)}
    new_subs = {f["name"]: f for f in _fields(after)}
    changes = []
    for name, sub in old_subs.items():
        if name not in new_subs:
            changes.append(Change("removed", "Field", _sub_where(sub, where), "Removed"))
    for name, sub in new_subs.items():
        sub_where = _sub_where(sub, where)
        if name not in old_subs:
            changes.append(Change("added", "Field", sub_where, _added_detail(sub, new.raw, after)))
        else:
            changes += _field_edits(old_subs[name], sub, sub_where, old, new, (before, after))
    if _order_changed(_fields(before), _fields(after)):
        changes.append(Change("changed", "Field", where, "Order of questions in the group changed"))
    return changes


def _sub_where(sub: Raw, group_where: str) -> str:
    """Return a readable location for a repeating group's sub-field."""
    return f"field {_quote(_label(sub))} in {re.sub(r'^field ', 'group ', group_where)}"


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def _without_version(raw: Any) -> Raw:
    """Return a definition without the keys that never count as changes."""
    return {k: v for k, v in _dict(raw).items() if k not in ("version", "$schema")}


def diff_definitions(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Return the changes between two versions of a form, in reading order."""
    before, after = _without_version(old), _without_version(new)
    if before == after:
        return []
    old_side, new_side = _Side.of(before), _Side.of(after)
    changes = _form_changes(before, after)
    changes += _named_condition_changes(before, after)
    changes += _page_changes(old_side, new_side)
    changes += _field_changes(old_side, new_side)
    return _unique(changes)


def _unique(changes: Iterable[Change]) -> list[Change]:
    """Drop exact repeats while keeping the order."""
    return list(dict.fromkeys(changes))
