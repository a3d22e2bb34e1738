"""Reading API request bodies: strict UTF-8 JSON objects, refused with a reason when not."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask import request

LONE_SURROGATE = (
    "The request body is not valid JSON: some text holds an escape such as \\ud800 that is "
    "only half of a character. Send the whole character, written in UTF-8 or as both halves "
    "of its escape"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


class UnreadableBody(Exception):
    """The request body cannot be read as a submission; the message says why."""


def read_object(example: str) -> dict[str, Any]:
    """Read the request body as a JSON object, or raise UnreadableBody saying what to send."""
    if not request.is_json:
        raise UnreadableBody(
            "Send the request body as JSON, with the header Content-Type: application/json"
        )
    body = parse_json(request.get_data(cache=False), example)
    if not isinstance(body, dict):
        raise UnreadableBody(f"The request body must be a JSON object, like {example}")
    return body


def refuse_unknown_keys(body: dict[str, Any], keys: tuple[str, ...], example: str) -> None:
    """Refuse a key the call does not take, naming the ones it does."""
    unknown = sorted(set(body) - set(keys))
    if unknown:
        names = [f"'{key}'" for key in keys]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        raise UnreadableBody(
            f"The request body has an unknown key '{unknown[0][:100]}'. Send only {listed}, "
            f"like {example}"
        )


def read_text_fields(keys: tuple[str, ...], example: str) -> dict[str, str]:
    """Read a JSON object of text values, each optional (left out or null reads as "")."""
    body = read_object(example)
    refuse_unknown_keys(body, keys, example)
    values: dict[str, str] = {}
    for key in keys:
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            raise UnreadableBody(f"'{key}' must be text (a JSON string), like {example}")
        values[key] = value or ""
    return values


def parse_json(data: bytes, example: str) -> Any:
    """Parse a strict UTF-8 JSON document, or raise UnreadableBody saying what is wrong."""
    if not data.strip():
        raise UnreadableBody(f"The request body is empty. Send a JSON object, like {example}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableBody("The request body must be JSON written in UTF-8") from exc
    try:
        parsed = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as exc:
        raise UnreadableBody(
            f"The request body is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise UnreadableBody("The request body is not valid JSON: it nests too deeply") from exc
    except _NotStrictJson as exc:
        raise UnreadableBody(f"The request body is not valid JSON: {exc}") from exc
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits
        raise UnreadableBody("The request body is not valid JSON: a number is too long") from exc
    _refuse_lone_surrogates(parsed)
    return parsed


def _refuse_lone_surrogates(parsed: Any) -> None:
    """Refuse text holding half of a UTF-16 pair, before anything is allocated or stored."""
    # json.loads accepts a lone "\ud800" escape; it is not a character, and storing it failed
    # only after the submission had been given a reference number.
    pending = [parsed]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and _SURROGATE.search(value):
            raise UnreadableBody(LONE_SURROGATE)


class _NotStrictJson(ValueError):
    """Something Python's parser accepts but strict JSON (or our storage) does not."""


def _refuse_constant(name: str) -> Any:
    """Refuse NaN and Infinity, which Python reads but JSON does not allow."""
    raise _NotStrictJson(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    """Refuse numbers too large to store, like 1e400, which Python reads as infinity."""
    value = float(text)
    if not math.isfinite(value):
        raise _NotStrictJson(f"the number {text[:20]} is too large")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse an object naming a key twice, which would silently keep only the last."""
    built: dict[str, Any] = {}
    for key, value in pairs:
        if key in built:
            raise _NotStrictJson(f"the key '{key[:100]}' appears twice in one object")
        built[key] = value
    return built
