"""The sandbox that fills Word templates: a locked-down Jinja environment and its refusals.

Two layers keep a template from reaching Python: a static scan of every Jinja expression
(scan.py, at upload and again before each render) refuses hidden attributes, include/import,
turning escaping off and unsafe calls; and rendering (render.py) runs in Jinja's
ImmutableSandboxedEnvironment as set up here (autoescape on, no globals, a short list of
filters), whose refusals fail loudly instead of printing nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jinja2 import ChainableUndefined
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment

from cspr.exceptions import Refused

# Jinja's own filters that cannot reach internals, flood memory or switch escaping off.
SAFE_FILTERS = frozenset(
    "abs capitalize count d default dictsort e escape first float forceescape groupby int "
    "items join last length list lower map max min reject rejectattr replace reverse round "
    "select selectattr sort string striptags sum title trim truncate unique upper "
    "wordcount".split()
)
# Methods a template may call on the case's values (strings, lists, dictionaries, loops).
SAFE_METHODS = frozenset(
    "upper lower title capitalize strip lstrip rstrip split splitlines startswith endswith "
    "items keys values get count index find isdigit isalpha isupper islower cycle "
    "changed".split()
)
# Names that mean something to Jinja itself rather than to the case.
REFUSED_NAMES = frozenset({"self", "cycler", "joiner", "namespace", "lipsum", "range", "dict"})
# Characters XML 1.0 cannot hold; a template value containing one would damage the document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
MAX_REPEAT = 10_000  # the longest string or list that `*` may build


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a template, in words an administrator can act on."""

    kind: str  # "syntax", "unsafe" or "unknown"
    message: str
    where: str = ""
    text: str = ""

    def sentence(self) -> str:
        """Return the problem with where it is and the text around it."""
        place = f" In {self.where}: “{self.text}”." if self.text else ""
        return f"{self.message}{place}"


@dataclass
class TemplateScan:
    """What a scan found: problems, and every case value the template reads."""

    problems: list[Problem] = field(default_factory=list)
    paths: set[tuple[str, ...]] = field(default_factory=set)

    @property
    def blocking(self) -> list[Problem]:
        """Return the problems that stop a template being used at all."""
        return [p for p in self.problems if p.kind in ("syntax", "unsafe")]


class TemplateRefused(Refused):
    """A template was refused; each problem is listed."""

    def __init__(self, problems: list[Problem], field_name: str | None = None) -> None:
        first = problems[0].sentence() if problems else "The template cannot be used."
        super().__init__(first, field_name)
        self.problems = problems


class DocumentUndefined(ChainableUndefined):
    """A missing value prints as nothing; anything the sandbox refused fails loudly."""

    __slots__ = ()

    def _refuse_if_unsafe(self) -> None:
        """Raise the sandbox's refusal if this value stands for one."""
        if issubclass(self._undefined_exception, SecurityError):
            self._fail_with_undefined_error()

    def __str__(self) -> str:
        self._refuse_if_unsafe()
        return ""

    def __html__(self) -> str:
        self._refuse_if_unsafe()
        return ""

    def __iter__(self) -> Any:
        self._refuse_if_unsafe()
        return iter(())

    def __bool__(self) -> bool:
        self._refuse_if_unsafe()
        return False

    def __len__(self) -> int:
        self._refuse_if_unsafe()
        return 0

    def __repr__(self) -> str:
        self._refuse_if_unsafe()
        return ""

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__" and name[-2:] == "__" and not self._is_unsafe():
            raise AttributeError(name)  # Python probing for a protocol; getitem refuses next
        if name.startswith("_"):
            raise SecurityError(f"access to {name!r} is unsafe")
        self._refuse_if_unsafe()
        return self

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str) and key.startswith("_"):
            raise SecurityError(f"access to {key!r} is unsafe")
        self._refuse_if_unsafe()
        return self

    def _is_unsafe(self) -> bool:
        """Say whether this value stands for something the sandbox refused."""
        return issubclass(self._undefined_exception, SecurityError)


class DocumentEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, also refusing calls and operators that could flood memory."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Refuse huge repeats, powers and %-formatting of text; do the rest as usual."""
        if operator == "%" and isinstance(left, str):
            raise SecurityError("formatting text with % is not available in templates")
        if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise SecurityError("powers above 100 are not available in templates")
        if operator == "*":
            sized = left if isinstance(left, str | list | tuple) else right
            count = right if sized is left else left
            if isinstance(sized, str | list | tuple) and isinstance(count, int):
                if len(sized) * count > MAX_REPEAT:
                    raise SecurityError("repeating text or lists that many times is not allowed")
        return super().call_binop(context, operator, left, right)

    def is_safe_callable(self, obj: Any) -> bool:
        """Allow macros, loop helpers and a short list of read-only methods of plain values."""
        if isinstance(obj, Macro):
            return True
        bound_to = getattr(obj, "__self__", None)
        if isinstance(bound_to, LoopContext):
            return getattr(obj, "__name__", "") in {"cycle", "changed"}
        name = getattr(obj, "__name__", "")
        return name in SAFE_METHODS and super().is_safe_callable(obj)


def _blank_none(value: Any) -> Any:
    """Print a missing value (None) as nothing rather than the word None."""
    return "" if value is None else value


def make_environment(filters: dict[str, Callable[..., Any]]) -> DocumentEnvironment:
    """Return a fresh sandbox with autoescape on, no globals and only the allowed filters."""
    env = DocumentEnvironment(autoescape=True, undefined=DocumentUndefined, finalize=_blank_none)
    env.globals.clear()
    env.filters = {name: f for name, f in env.filters.items() if name in SAFE_FILTERS}
    env.filters.update(filters)
    return env


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """Return a copy of a value with every string inside it changed."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {k: map_strings(v, change) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [map_strings(v, change) for v in value]
    return value


def xml_safe(text: str) -> str:
    """Drop characters that XML cannot hold, so a value never damages the document."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
