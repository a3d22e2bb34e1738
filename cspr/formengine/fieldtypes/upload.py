"""A file upload: its limits, the details stored for it, and its messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from wtforms import FileField
from wtforms.fields.core import UnboundField

from cspr.exceptions import Refused
from cspr.formengine import messages
from cspr.formengine.core_types import regex_literal
from cspr.formengine.fieldtypes.base import Field, FieldType, Schema
from cspr.formengine.fieldtypes.common import number_setting

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition

FILE_PARTS: tuple[str, ...] = ("file_id", "filename", "size", "content_type")
DEFAULT_MAX_SIZE_MB = 10
# Uploads are always type-checked; a form that does not say otherwise gets office documents
# and pictures, never executables or macro-enabled formats.
DEFAULT_ACCEPT: tuple[str, ...] = (".pdf", ".docx", ".odt", ".rtf", ".txt", ".jpg", ".jpeg", ".png")
# Letters whose English names begin with a vowel sound take "an": an ODT, an RTF, an XLSX.
_AN_LETTERS = set("AEFHILMNORSX")


def accepted_extensions(field: Field) -> list[str]:
    """Return the file extensions a file field accepts."""
    return list(field.get("validation", {}).get("accept", DEFAULT_ACCEPT))


def accept_pattern(extensions: Sequence[str]) -> str:
    """Return a pattern matching file names ending in one of the extensions, any case."""
    return "(?:" + "|".join(regex_literal(ext) for ext in extensions) + ")$"


def max_size_mb(field: Field) -> float:
    """Return the largest upload a file field accepts, in megabytes."""
    return float(field.get("validation", {}).get("max_size_mb", DEFAULT_MAX_SIZE_MB))


def max_size_bytes(field: Field) -> int:
    """Return the largest upload a file field accepts, in bytes."""
    return int(max_size_mb(field) * 1024 * 1024)


def _size_words(field: Field) -> str:
    """Write the size limit the GOV.UK way: 500 KB, 10 MB."""
    size = max_size_mb(field)
    if size < 1:
        return f"{messages.plain_number(round(size * 1024))} KB"
    return f"{messages.plain_number(size)} MB"


def file_size_message(field: Field) -> str:
    """Return the message for an upload over the size limit."""
    return f"The selected file must be smaller than {_size_words(field).replace(' ', '')}"


def file_type_message(field: Field) -> str:
    """Return the message for an upload of a type the field does not accept."""
    names = [ext.lstrip(".").upper() for ext in accepted_extensions(field)]
    article = "an" if names[0][:1] in _AN_LETTERS else "a"
    return f"The selected file must be {article} {messages.choice_list(names)}"


def file_empty_message() -> str:
    """Return the message for an empty upload."""
    return "The selected file is empty"


def file_failed_message() -> str:
    """Return the message for an upload whose details are incomplete."""
    return "The selected file could not be uploaded – try again"


def file_hint(field: Field) -> str:
    """Describe a file field's limits, like "PDF, DOCX or ODT, up to 10 MB"."""
    given = field.get("validation", {}).get("accept") or []
    kinds = messages.choice_list([ext.lstrip(".").upper() for ext in given]) if given else ""
    return f"{kinds + ', up' if kinds else 'Up'} to {_size_words(field)}."


class Upload(FieldType):
    """A file chosen on the page, checked for size and type, kept with the form."""

    answer_kind = "file"

    name = "file"
    label = "File upload"
    words = "file upload"
    template = "formengine/fieldtypes/file.html"
    posted = False  # read from the request's files, not its form data
    is_upload = True
    in_groups = False
    not_in_group_reason = ("A repeating group cannot contain a file question: put the file "
                           "question on the page, outside the group")
    prefillable = False
    keys = {"validation": {"type": "object", "additionalProperties": False, "properties": {
        "max_size_mb": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
        "accept": {"type": "array", "minItems": 1, "uniqueItems": True,
                   "items": {"type": "string", "pattern": "^\\.[a-z0-9]{1,10}$"}}}}}
    settings = frozenset({"max_size_mb", "accept"})
    export_width = 30.0

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return the details kept about the uploaded file."""
        return {
            "type": "object",
            "properties": {
                "file_id": {"type": "string", "minLength": 1},
                "filename": {"type": "string", "minLength": 1,
                             "pattern": accept_pattern(accepted_extensions(field))},
                "size": {"type": "integer", "minimum": 1, "maximum": max_size_bytes(field)},
                "content_type": {"type": "string"},
            },
            "required": list(FILE_PARTS),
            "additionalProperties": False,
        }

    def normalise(self, field: Field, value: Any) -> Any:
        """Keep only the details the schema knows."""
        if isinstance(value, Mapping):
            return {key: value[key] for key in FILE_PARTS if key in value}
        return value

    def form_field(self, field: Field, item_count: int = 0) -> UnboundField:
        """Return a file input."""
        return FileField(field.get("label", ""))

    def hint(self, field: Field) -> str:
        """Describe the limits under the question."""
        return file_hint(field)

    def display(self, field: Field, value: Any) -> str:
        """Name the file and its size."""
        size = round(int(value.get("size", 0)) / 1024) or 1
        return f"{value.get('filename', 'file')} ({size} KB)"

    def cell(self, field: Field, value: Any) -> Any:
        """Name the file."""
        return str(value.get("filename", "file")) if isinstance(value, Mapping) else str(value)

    def required_message(self, field: Field) -> str:
        """Ask for a file."""
        return messages.choose_message(field, "Select a file")

    def wrong_type_message(self, field: Field) -> str:
        """Ask for the upload again."""
        return file_failed_message()

    def missing_part_message(self, field: Field, part: str) -> str:
        """Ask for the upload again."""
        return file_failed_message()

    def problem_message(self, field: Field, part: str | None, keyword: str, expected: Any) -> str:
        """Explain a problem with the file's details."""
        if part == "filename" and keyword == "pattern":
            return file_type_message(field)
        if part == "size" and keyword == "maximum":
            return file_size_message(field)
        if part == "size" and keyword == "minimum":
            return file_empty_message()
        return file_failed_message()

    def read_settings(self, field: Field, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read the largest size and the file types allowed."""
        limits = dict(field.get("validation", {}))
        size = number_setting(data, "max_size_mb", "Largest file", False)
        if size is not None and not 0 < size <= 100:
            raise Refused("Largest file must be more than 0 and no more than 100 MB", "max_size_mb")
        limits["max_size_mb"] = size
        limits["accept"] = _extensions(str(data.get("accept") or ""))
        return {"validation": {k: v for k, v in limits.items() if v is not None}}

    def initial_settings(self, field: Field) -> dict[str, Any]:
        """Show the size and types."""
        limits = field.get("validation", {})
        size = limits.get("max_size_mb")
        return {"max_size_mb": "" if size is None else str(size),
                "accept": ", ".join(limits.get("accept", []))}


def _extensions(text: str) -> list[str] | None:
    """Read a comma-separated list of file extensions."""
    items = [part.strip().lower() for part in text.replace(";", ",").split(",")]
    items = [item if item.startswith(".") else f".{item}" for item in items if item]
    if not items:
        return None
    for item in items:
        if not (2 <= len(item) <= 11 and item[1:].isalnum() and item[1:].isascii()):
            raise Refused(f"'{item}' is not a file extension: write them like .pdf, .docx",
                          "accept")
    return list(dict.fromkeys(items))


TYPES = (Upload(),)
