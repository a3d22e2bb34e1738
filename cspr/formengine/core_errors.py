"""Errors found in form definitions, with the form, the JSON path and a plain reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DefinitionError:
    """One problem in a form definition: which form, where in it, and why."""

    form_id: str
    path: str
    reason: str
    source: str | None = None  # the file the definition came from, when loaded from disk

    def __str__(self) -> str:
        """Describe the problem in one line."""
        where = f"{self.source}: " if self.source else ""
        return f"{where}form '{self.form_id}' at {self.path}: {self.reason}"


class DefinitionInvalid(ValueError):
    """A form definition that cannot be used, with every problem found in it."""

    def __init__(self, errors: Iterable[DefinitionError]) -> None:
        """Keep the errors and summarise them as the exception message."""
        self.errors = list(errors)
        summary = "; ".join(str(error) for error in self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"invalid form definition: {summary}{more}")


class ConditionError(ValueError):
    """A condition that cannot be evaluated: unknown operator, reference or too deep."""


def json_path(parts: Iterable[str | int]) -> str:
    """Write a path inside a document as "$.pages[1].fields[0].type"."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += f"[{part!r}]"
    return out


def quoted(value: object) -> str:
    """Show a value at the start of a message: text in quotes, anything else in words."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return f"The number {value}"
    if value is None:
        return "An empty value (null)"
    return "A list" if isinstance(value, list) else "An object"
