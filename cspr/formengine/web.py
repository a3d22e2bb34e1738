"""Register the form pages and the template filters they use."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Any

from flask import Flask

from cspr.formengine.fieldtypes import field_type
from cspr.timeutil import UK


def option_item(option: dict[str, Any]) -> dict[str, Any]:
    """Turn a definition option into a GOV.UK radios/checkboxes item."""
    item: dict[str, Any] = {"value": str(option["value"]), "text": option["label"]}
    if option.get("hint"):
        item["hint"] = {"text": option["hint"]}
    if option.get("exclusive"):
        item["behaviour"] = "exclusive"
    return item


def exclusive_last(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put an exclusive checkbox ("None of these") last, after GOV.UK's "or" divider."""
    alone = [item for item in items if item.get("behaviour") == "exclusive"]
    if not alone:
        return items
    return [item for item in items if item not in alone] + [{"divider": "or"}, *alone]


def mark_checked(items: list[dict[str, Any]], values: Any) -> list[dict[str, Any]]:
    """Tick the items whose values were chosen."""
    chosen = {str(v) for v in (values or []) if v is not None}
    return [{**item, "checked": item["value"] in chosen} for item in items]


def mark_selected(items: list[dict[str, Any]], value: Any) -> list[dict[str, Any]]:
    """Select the item whose value was chosen."""
    return [{**item, "selected": item["value"] == (value or "")} for item in items]


def groupby_page(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Group summary rows under their page titles."""
    return [
        (title, list(group)) for title, group in groupby(rows, key=lambda r: r["page"]["title"])
    ]


def error_under(errors: dict[str, str], name: str) -> str:
    """Return the first error for a field or any of its parts."""
    return next((m for p, m in errors.items() if p == name or p.startswith(name + ".")), "")


def uk_datetime(value: str | None) -> str:
    """Write a stored UTC time as UK local time, like 5 January 2027 at 2:05pm."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(UK)
    hour = moment.strftime("%I").lstrip("0")
    return f"{moment.day} {moment:%B %Y} at {hour}:{moment:%M}{moment:%p}".replace(
        "AM", "am"
    ).replace("PM", "pm")


def decision_item(pair: tuple[str, str]) -> dict[str, str]:
    """Turn a (value, text) pair into a GOV.UK select item."""
    return {"value": pair[0], "text": pair[1][:1].upper() + pair[1][1:]}


def init_app(app: Flask) -> None:
    """Register the blueprint and filters."""
    from cspr.formengine.routes import bp

    app.register_blueprint(bp)
    for name, function in {
        "option_item": option_item,
        "mark_checked": mark_checked,
        "exclusive_last": exclusive_last,
        "mark_selected": mark_selected,
        "groupby_page": groupby_page,
        "error_under": error_under,
        "uk_datetime": uk_datetime,
        "decision_item": decision_item,
    }.items():
        app.jinja_env.filters[name] = function
    app.jinja_env.globals["field_type"] = field_type
