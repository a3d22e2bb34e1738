"""Message helpers: names from labels, dates, plurals, file limits."""

from __future__ import annotations

from datetime import date

import pytest

from cspr.formengine import messages
from cspr.formengine.fieldtypes import upload


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"label": "Date of birth"}, "date of birth"),
        ({"label": "What is the child's name?"}, "what is the child's name"),
        ({"label": "ICB that commissions care"}, "ICB that commissions care"),
        ({"label": "LA's reference"}, "LA's reference"),
        ({"label": "I confirm this"}, "I confirm this"),
        ({"label": "Date of birth", "error_name": "the child's date of birth"},
         "the child's date of birth"),
        ({"label": "  "}, "this answer"),
    ],
)
def test_error_name(spec: dict[str, str], expected: str) -> None:
    assert messages.error_name(spec) == expected


@pytest.mark.parametrize(
    ("missing", "expected"),
    [
        (["month"], "Date the local authority became aware must include a month"),
        (["year", "day"], "Date the local authority became aware must include a day and a year"),
        (["day", "month", "year"], "Enter date the local authority became aware"),
        ([], "Enter date the local authority became aware"),
    ],
)
def test_date_parts_message(missing: list[str], expected: str) -> None:
    assert messages.date_parts_message("date the local authority became aware", missing) == expected


def test_real_date_message_and_format_date() -> None:
    expected = "The date of death must be a real date"
    assert messages.real_date_message("the date of death") == expected
    assert messages.format_date(date(2027, 1, 5)) == "5 January 2027"


@pytest.mark.parametrize(
    ("noun", "expected"),
    [("child", "children"), ("agency", "agencies"), ("day", "days"), ("box", "boxes"),
     ("young person", "young people"), ("report", "reports"), ("Child", "Children")],
)
def test_plural(noun: str, expected: str) -> None:
    assert messages.plural(noun) == expected


def test_file_messages() -> None:
    odt = {"validation": {"accept": [".odt", ".pdf", ".docx"], "max_size_mb": 0.5}}
    assert upload.file_type_message(odt) == "The selected file must be an ODT, PDF or DOCX"
    assert upload.file_size_message(odt) == "The selected file must be smaller than 512KB"
    assert upload.file_size_message({}) == "The selected file must be smaller than 10MB"
    assert upload.file_type_message({"validation": {"accept": [".pdf"]}}) == (
        "The selected file must be a PDF")


def test_number_range_messages() -> None:
    def spec(**limits: float) -> dict[str, object]:
        return {"label": "Age", "validation": limits}

    assert messages.number_range_message(spec(min=0)) == "Age must be 0 or more"
    assert messages.number_range_message(spec(max=17.0)) == "Age must be 17 or less"
    assert messages.number_range_message(spec(min=1, max=2)) == "Age must be between 1 and 2"


def test_range_message_for_a_possessive_name_reads_naturally() -> None:
    field = {"type": "integer", "label": "Age", "error_name": "the child's age",
             "validation": {"min": 0, "max": 24}}
    assert messages.number_range_message(field) == "The child's age must be between 0 and 24"
