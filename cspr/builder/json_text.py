"""Form definitions as JSON typed or uploaded by an admin: read them, or say plainly why not."""

from __future__ import annotations

import json
import math
from typing import Any

from cspr.exceptions import Refused

MAX_IMPORT_BYTES = 1_000_000


def parse_json(text: str) -> Any:
    """Read JSON typed or uploaded by an admin, refusing it with a plain reason."""
    if len(text.encode("utf-8", "replace")) > MAX_IMPORT_BYTES:
        raise Refused("The JSON is too big: a form definition must be under 1 MB", "definition")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Refused(
            f"This is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            "definition",
        ) from None
    except RecursionError:
        raise Refused("This is not valid JSON: it nests too deeply", "definition") from None
    except ValueError:  # Python will not read a whole number of more than 4,300 digits
        raise Refused("This is not valid JSON: a number in it has too many digits",
                      "definition") from None
    problem = _unstorable(doc)
    if problem:
        raise Refused(f"This is not valid JSON: {problem}", "definition")
    return doc


def _unstorable(doc: Any) -> str | None:
    """Say why Python read a document that cannot be stored as JSON, or return None."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, float) and not math.isfinite(node):
            return "it has NaN, Infinity or a number too big to store, like 1e400"
        elif isinstance(node, str) and not node.isascii():
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return ("it has a \\u escape that is only half of a character, such as \\ud800 "
                        "on its own")
    return None
