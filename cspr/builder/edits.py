"""Edits to a working copy of a form definition: pure functions on the raw JSON document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cspr.exceptions import Refused
from cspr.formengine.condition_walk import comparisons, fields_read
from cspr.formengine.core_types import DATE_RULES
from cspr.formengine.fieldtypes import INTRODUCTION_TYPE, field_type

Doc = dict[str, Any]
Field = dict[str, Any]

NAME_MAX = 64
def slug(text: str, pattern: str = "_", fallback: str = "question") -> str:
    """Turn a label into a lower-case name made of letters, digits and a separator."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    name = pattern.join(words)[:NAME_MAX].strip(pattern)
    if not name or not name[0].isalpha():
        name = f"{fallback}{pattern}{name}".strip(pattern)[:NAME_MAX]
    return name


def unique(base: str, taken: set[str], separator: str = "_") -> str:
    """Return base, or base with the lowest number that is not taken."""
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"{separator}{number}"
        candidate = base[: NAME_MAX - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


def field_names(doc: Doc) -> set[str]:
    """Return every top-level field name in the form."""
    return {field["name"] for page in doc["pages"] for field in page["fields"]}


def page_ids(doc: Doc) -> set[str]:
    """Return every page id in the form."""
    return {page["id"] for page in doc["pages"]}


def find_page(doc: Doc, page_id: str) -> tuple[int, dict[str, Any]]:
    """Return a page's position and the page, or refuse if it has gone."""
    for index, page in enumerate(doc["pages"]):
        if page["id"] == page_id:
            return index, page
    raise Refused("That page is no longer in the form. Someone may have removed it.")


def find_field(doc: Doc, path: str) -> tuple[list[Field], int, Field]:
    """Return the list holding a field, its position and the field ("group.sub" for groups)."""
    group_name, _, sub_name = path.partition(".")
    for page in doc["pages"]:
        for index, field in enumerate(page["fields"]):
            if field["name"] != group_name:
                continue
            if not sub_name:
                return page["fields"], index, field
            for sub_index, sub in enumerate(field.get("fields", [])):
                if sub["name"] == sub_name:
                    return field["fields"], sub_index, sub
    raise Refused("That question is no longer in the form. Someone may have removed it.")


def page_of_field(doc: Doc, name: str) -> dict[str, Any]:
    """Return the page holding a top-level field."""
    for page in doc["pages"]:
        if any(field["name"] == name for field in page["fields"]):
            return page
    raise Refused("That question is no longer in the form. Someone may have removed it.")


def move_item(items: list[Any], index: int, step: int) -> None:
    """Swap an item with its neighbour; refuse a move off either end."""
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(items):
        raise Refused("That item cannot move any further in that direction.")
    items[index], items[target] = items[target], items[index]


def clean_text(value: str | None) -> str:
    """Trim a typed value."""
    return (value or "").strip()


def new_form(form_id: str, title: str, description: str) -> Doc:
    """Return a new form with one page holding an introduction the admin can replace."""
    doc: Doc = {"id": form_id, "title": title, "version": 1}
    if description:
        doc["description"] = description
    intro = description or f"Use this form to tell the partnership about: {title}."
    doc["pages"] = [{
        "id": "introduction",
        "title": "Before you start",
        "fields": [{"name": "introduction", "type": INTRODUCTION_TYPE, "label": "About this form",
                    "text": intro}],
    }]
    return doc


def set_details(
    doc: Doc,
    title: str,
    description: str,
    audience: list[str],
    declaration_text: str,
    declaration_label: str,
) -> None:
    """Change the form's title, description, who may fill it in and its declaration."""
    doc["title"] = clean_text(title)
    set_or_drop(doc, "description", clean_text(description))
    set_or_drop(doc, "audience", audience)
    text, label = clean_text(declaration_text), clean_text(declaration_label)
    if text or label:
        if not (text and label):
            raise Refused(
                "Enter both the declaration text and what the person confirms, or neither",
                "declaration_text" if not text else "declaration_label",
            )
        doc["declaration"] = {"text": text, "label": label}
    else:
        doc.pop("declaration", None)


def set_or_drop(target: dict[str, Any], key: str, value: Any) -> None:
    """Set a key, or remove it when the value is empty."""
    if value in (None, "", [], {}):
        target.pop(key, None)
    else:
        target[key] = value


def new_field(kind_name: str, label: str, extra: dict[str, Any]) -> Field:
    """Return a new field of a type, named from its label (add_field makes it unique)."""
    kind = field_type(kind_name)
    field: Field = {"name": slug(label), "type": kind.name, "label": label}
    if kind.has_options:
        field["options"] = options_from_lines(extra.get("options", ""))
    first = clean_text(extra.get("first_question")) or "Details"
    given = {key: clean_text(value) for key, value in extra.items()}
    field.update(kind.new_keys(label, {**given, "first_question": first,
                                       "first_question_name": slug(first)}))
    return field


def options_from_lines(text: str) -> list[dict[str, str]]:
    """Turn one option label per line into options with unique values."""
    options: list[dict[str, str]] = []
    taken: set[str] = set()
    for line in (text or "").splitlines():
        label = line.strip()
        if not label:
            continue
        value = unique(slug(label, "_", "option"), taken)
        taken.add(value)
        options.append({"value": value, "label": label})
    if not options:
        raise Refused("Enter at least one option, one on each line", "options")
    return options


def add_page(doc: Doc, title: str, first: Field, after: str | None = None) -> str:
    """Add a page holding its first question (after a page, or at the end); return its id."""
    page_id = unique(slug(title, "-", "page"), page_ids(doc), "-")
    page = {"id": page_id, "title": clean_text(title), "fields": [first]}
    position = len(doc["pages"])
    if after:
        position = find_page(doc, after)[0] + 1
    doc["pages"].insert(position, page)
    return page_id


def edit_page(doc: Doc, page_id: str, title: str, description: str) -> None:
    """Change a page's title and description."""
    page = find_page(doc, page_id)[1]
    page["title"] = clean_text(title)
    set_or_drop(page, "description", clean_text(description))


def move_page(doc: Doc, page_id: str, step: int) -> None:
    """Move a page one place up (-1) or down (+1)."""
    move_item(doc["pages"], find_page(doc, page_id)[0], step)


def remove_page(doc: Doc, page_id: str) -> None:
    """Remove a page and its questions, refusing if other parts of the form use them."""
    index, page = find_page(doc, page_id)
    if len(doc["pages"]) == 1:
        raise Refused("A form needs at least one page, so the last page cannot be removed.")
    names = {field["name"] for field in page["fields"]}
    users = [where for where, name in references(doc) if name in names and where[0] != page_id]
    if users:
        raise Refused(
            "Other questions or pages depend on answers on this page: "
            f"{describe_users(doc, users)}. Change their conditions first."
        )
    del doc["pages"][index]


def add_field(doc: Doc, page_id: str, field: Field, group: str | None = None) -> str:
    """Add a field at the end of a page, or of a repeating group; return its path."""
    if group:
        holder = find_field(doc, group)[2]
        if not field_type(holder).is_group:
            raise Refused("Questions can only be added inside a repeating group.")
        field["name"] = unique(field["name"], {f["name"] for f in holder["fields"]})
        holder["fields"].append(field)
        return f"{group}.{field['name']}"
    field["name"] = unique(field["name"], field_names(doc))
    find_page(doc, page_id)[1]["fields"].append(field)
    return str(field["name"])


def update_field(doc: Doc, path: str, settings: dict[str, Any]) -> None:
    """Apply the settings page's values to a field; empty values remove a setting."""
    field = find_field(doc, path)[2]
    for key, value in settings.items():
        if key in ("name", "type"):
            continue  # renaming has its own edit; a question keeps its type
        set_or_drop(field, key, (True if value else None) if key == "required" else value)


def rename_field(doc: Doc, path: str, new_name: str) -> str:
    """Rename a field and every reference to it; return its new path."""
    holder, _, field = find_field(doc, path)
    old = field["name"]
    if new_name == old:
        return path
    siblings = {f["name"] for f in holder} if "." in path else field_names(doc)
    if new_name in siblings:
        raise Refused(f"Another question is already called '{new_name}'", "name")
    field["name"] = new_name
    group = path.split(".")[0] if "." in path else None
    for node in _conditions_and_rules(doc, group):
        if node.get("field") == old:
            node["field"] = new_name
        value = node.get("value")
        if isinstance(value, dict) and value.get("field") == old:
            value["field"] = new_name
    for rules in _date_rules(doc, group):
        for key in DATE_RULES:
            if rules.get(key) == old:
                rules[key] = new_name
    return f"{group}.{new_name}" if group else new_name


def move_field(doc: Doc, path: str, step: int) -> None:
    """Move a field one place up or down within its page or group."""
    holder, index, _ = find_field(doc, path)
    move_item(holder, index, step)


def move_field_to(doc: Doc, path: str, position: int) -> None:
    """Move a field to a position (counted from 0) within its page or group."""
    holder, index, field = find_field(doc, path)
    if not 0 <= position < len(holder):
        raise Refused("That question cannot move there.")
    holder.insert(position, holder.pop(index))


def move_field_to_page(doc: Doc, name: str, page_id: str) -> None:
    """Move a top-level field to the end of another page."""
    if "." in name:
        return
    current = page_of_field(doc, name)
    if current["id"] == page_id:
        return
    target = find_page(doc, page_id)[1]
    holder, index, field = find_field(doc, name)
    if len(holder) == 1:
        raise Refused("This is the only question on its page; add another there before moving it.")
    del holder[index]
    target["fields"].append(field)


def remove_field(doc: Doc, path: str) -> None:
    """Remove a field, refusing if conditions or date rules elsewhere use it."""
    holder, index, field = find_field(doc, path)
    if len(holder) == 1:
        place = "group" if "." in path else "page"
        raise Refused(
            f"This is the only question in its {place}. Add another question first, "
            f"or remove the whole {place}."
        )
    name = field["name"]
    group = path.split(".")[0] if "." in path else None
    users = [where for where, used in references(doc, group) if used == name and where[1] != path]
    if users:
        raise Refused(
            "Other parts of the form use the answer to this question: "
            f"{describe_users(doc, users)}. Change or remove those conditions first."
        )
    del holder[index]


def references(doc: Doc, group: str | None = None) -> list[tuple[tuple[str, str], str]]:
    """List ((page id, field path or ''), field name used) for each condition and date rule."""
    found: list[tuple[tuple[str, str], str]] = []
    for page in doc["pages"]:
        for name in fields_read(page.get("show_if")):
            found.append(((page["id"], ""), name))
        for field in page["fields"]:
            for path, item in _with_subs(field):
                in_group = "." in path
                if in_group and group is not None and path.split(".")[0] != group:
                    continue
                for key in ("show_if", "required_if"):
                    for name in fields_read(item.get(key)):
                        found.append(((page["id"], path), name))
                for key in DATE_RULES:
                    rule = item.get("validation", {}).get(key)
                    if isinstance(rule, str) and not rule[:1].isdigit():
                        found.append(((page["id"], path), rule))
    for condition_name, condition in doc.get("conditions", {}).items():
        for name in fields_read(condition):
            found.append((("", f"condition:{condition_name}"), name))
    return found


def describe_users(doc: Doc, users: list[tuple[str, str]]) -> str:
    """Name the pages, questions and named conditions that use an answer."""
    labels: list[str] = []
    for page_id, path in users:
        if path.startswith("condition:"):
            labels.append(f"the named condition '{path.split(':', 1)[1]}'")
        elif path:
            labels.append(f"the question '{find_field(doc, path)[2]['label']}'")
        else:
            labels.append(f"the page '{find_page(doc, page_id)[1]['title']}'")
    return ", ".join(dict.fromkeys(labels))


def _with_subs(field: Field) -> Iterator[tuple[str, Field]]:
    """Yield a field and its group's sub-fields with their paths."""
    yield field["name"], field
    for sub in field.get("fields", []):
        yield f"{field['name']}.{sub['name']}", sub


def _conditions_and_rules(doc: Doc, group: str | None) -> Iterator[dict[str, Any]]:
    """Yield the comparison nodes that may name a field in scope (a group's, or top level)."""
    for page in doc["pages"]:
        if group is None:
            yield from comparisons(page.get("show_if"))
        for field in page["fields"]:
            for path, item in _with_subs(field):
                if group is not None and not path.startswith(f"{group}."):
                    continue
                for key in ("show_if", "required_if"):
                    yield from comparisons(item.get(key))
    if group is None:
        for condition in doc.get("conditions", {}).values():
            yield from comparisons(condition)


def _date_rules(doc: Doc, group: str | None) -> Iterator[dict[str, Any]]:
    """Yield the validation blocks that may name a field in scope."""
    for page in doc["pages"]:
        for field in page["fields"]:
            for path, item in _with_subs(field):
                if group is not None and not path.startswith(f"{group}."):
                    continue
                if isinstance(item.get("validation"), dict):
                    yield item["validation"]


def set_condition(doc: Doc, target: str, kind: str, condition: dict[str, Any] | None) -> None:
    """Set or clear a page's show_if ("page:<id>") or a field's show_if or required_if."""
    if kind not in ("show_if", "required_if"):
        raise Refused("Unknown kind of condition.")
    if target.startswith("page:"):
        if kind != "show_if":
            raise Refused("A page can only have a condition for when it is shown.")
        holder = find_page(doc, target[5:])[1]
    else:
        holder = find_field(doc, target)[2]
    if condition is None:
        holder.pop(kind, None)
    else:
        holder[kind] = condition
