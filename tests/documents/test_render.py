"""Rendering: every shipped template with demo data, escaping, filters, and the build script."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from cspr.documents import library, manage, operations, sample
from cspr.documents.filters import make_filters, uk_date, uk_day_date
from cspr.documents.render import render_docx
from cspr.documents.year_context import YEAR_TEMPLATES
from cspr.exceptions import Refused
from scripts.doc_templates import TEMPLATES, build
from tests.documents.conftest import docx_text, make_docx, table_rows

SHIPPED = Path(__file__).resolve().parents[2] / "doc_templates"


def _render(app: Flask, template_id: str, change: Any = None) -> tuple[bytes, dict[str, Any]]:
    """Render a shipped template with the demo's invented case; return it and the context."""
    with app.app_context():
        template, version = library.active(template_id)
        context, _ = sample.sample_context(
            operations.settings(), {"id": template_id, "title": template["title"]}
        )
        if change:
            change(context)
        data = render_docx(library.read(version), context, operations.filters_now())
    return data, context


def test_each_shipped_template_renders_with_demo_data(demo_app: Flask) -> None:
    expected_rows: dict[str, list[list[str]]] = {
        "family_decision_letter": [["Our reference", "{ref}"], ["Decision", "A local child"]],
        "family_invitation_letter": [["An independent advocate", "Someone who is not part"]],
        "panel_notification_summary": [
            ["Notified", "{notified}"],
            ["Isaac Mockley", "{dob}", "Male"],
            ["Police", "Notifiable", "Isaac died, and what we know"],
        ],
        "rapid_review_report": [
            ["Due by (15 working days)", "{rr_due}"],
            ["Children's social care", "", "Isaac's social worker changed"],
            ["Police", "Percy Example", "{today}"],
        ],
        "terms_of_reference": [["Lead reviewer", "Rowan Fictitious, Independent reviewer"]],
        "publication_notice": [
            ["Latest day for this notice", "{panel_notice}"],
            ["Integrated care board", "", "", ""],
        ],
        "delay_notice": [
            ["New expected publication", "{new_date}"],
            ["{today}", "{new_date}", "The three safeguarding partners", "The criminal trial"],
        ],
        # Made from the yearly figures (invented ones for samples), for no one case.
        "yearly_report_section": [
            ["Notifications to the National Panel", "9"],
            ["Of those, made within 5 working days", "8"],
            ["Local child safeguarding practice review", "8", "5", "1", "3", "3"],
            ["Learning activities", "1"],
        ],
    }
    assert set(expected_rows) == {t[0] for t in TEMPLATES}
    for template_id, rows in expected_rows.items():
        data, context = _render(demo_app, template_id)
        case = context["case"]
        values = {
            "ref": case["reference"],
            "notified": uk_date(case["dates"]["notified"]),
            "dob": uk_date(context["child"]["date_of_birth"]),
            "rr_due": uk_day_date(case["due"]["rapid_review"]),
            "panel_notice": uk_day_date(case["due"]["panel_notice"]),
            "new_date": uk_date(case["latest_delay"]["new_date"]),
            "today": uk_date(context["today"]),
        }
        text = docx_text(data)
        named = context["year"]["label"] if template_id in YEAR_TEMPLATES else case["reference"]
        assert named in text and "Exampleshire Safeguarding Children" in text
        assert "{{" not in text and "{%" not in text, f"{template_id} left a placeholder"
        found = table_rows(data)
        for row in rows:
            wanted = [cell.format(**values) for cell in row]
            assert any(
                all(have.startswith(want) for have, want in zip(r, wanted, strict=False))
                and len(r) >= len(wanted)
                for r in found
            ), f"{template_id}: no row starting {wanted} in {found}"


def test_letter_wording_follows_the_decision(demo_app: Flask) -> None:
    data, context = _render(demo_app, "family_decision_letter")
    text = docx_text(data)
    assert "Dear Sam Mockley," in text and "happened to Isaac" in text
    # The demo case's review waits for a criminal trial, with an approved delay.
    new_date = context["case"]["latest_delay"]["new_date"]
    assert f"within six months of the decision to carry it out. It has had to wait, with the " \
           f"partners' approval, and is now expected by {uk_date(new_date)}." in text

    def no_delay(context: dict[str, Any]) -> None:
        context["case"]["delays"] = []

    text = docx_text(_render(demo_app, "family_decision_letter", no_delay)[0])
    due = context["case"]["due"]["publication"]
    assert f"within six months of the decision to carry it out, by {uk_date(due)}." in text
    assert "national review, because" not in text  # only the paragraph for this decision
    assert text.rstrip().endswith("Exampleshire Safeguarding Children Partnership") or (
        "On behalf of the safeguarding partners" in text
    )

    def no_further_action(context: dict[str, Any]) -> None:
        context["decision"]["outcome"] = "no_further_action"

    text = docx_text(_render(demo_app, "family_decision_letter", no_further_action)[0])
    assert "will not carry out a further review, for the reasons above" in text
    assert "local child safeguarding practice review, led by" not in text


def test_special_characters_come_out_literally_and_nothing_after_them_is_lost(
    demo_app: Flask,
) -> None:
    nasty = "A < B & C > D \"quoted\" 'single' ]]> <w:p>not xml</w:p> &amp; \x01\x0b end"

    def change(context: dict[str, Any]) -> None:
        context["decision"]["rationale"] = nasty
        context["incident"]["outline"] = "line one\nline two"

    data, _ = _render(demo_app, "rapid_review_report", change)
    text = docx_text(data)
    assert "A < B & C > D \"quoted\" 'single' ]]> <w:p>not xml</w:p> &amp; " in text
    assert "11. Sign-off by the safeguarding partners" in text  # the text after it survives
    assert "line one\nline two" in text  # a new line in an answer is a line break in Word
    with demo_app.app_context():
        small = render_docx(make_docx("Before {{ v }} after", "Last line"), {"v": nasty}, {})
    assert "Before A < B & C > D" in docx_text(small) and "Last line" in docx_text(small)


def test_filters_count_working_days_in_england_and_write_uk_dates(demo_app: Flask) -> None:
    template = make_docx(
        "{{ d | add_working_days(5) | uk_date }}",
        "{{ d | uk_day_date }}",
        "{{ d | working_days_between('2027-01-05') }}",
        "{{ name | name }} {{ flag | yes_no }} [{{ missing }}] [{{ nothing }}]",
    )
    context = {"d": "2026-12-24", "name": {"given_names": "Ann", "family_name": "Other"}}
    context |= {"flag": True, "nothing": None}
    text = docx_text(render_docx(template, context, make_filters()))
    # The worked example: aware on Christmas Eve 2026, bank holidays skipped.
    assert [line for line in text.splitlines() if line] == [
        "5 January 2027",
        "Thursday 24 December 2026",
        "5",
        "Ann Other Yes [] []",
    ]


def test_a_template_that_would_damage_the_document_fails_loudly(demo_app: Flask) -> None:
    template = make_docx("{% autoescape false %}{{ v }}{% endautoescape %}", "after")
    with pytest.raises(Refused, match="turn off escaping"):
        render_docx(template, {"v": "<"}, {})
    with pytest.raises(Refused, match="damaged Word file"):
        render_docx(template, {"v": "<"}, {}, check=False)  # even past the scan: never silent


def test_the_build_script_reproduces_the_committed_templates(tmp_path: Path) -> None:
    written = build(tmp_path)
    assert [p.name for p in written] == [f"{t[0]}.docx" for t in TEMPLATES]
    for path in written:
        committed = (SHIPPED / path.name).read_bytes()
        assert docx_text(path.read_bytes()) == docx_text(committed), f"{path.name} differs"
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == json.loads((SHIPPED / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice is not installed (make test installs it)",
)
def test_every_filled_template_opens_in_libreoffice(demo_app: Flask, tmp_path: Path) -> None:
    names = []
    for template_id, *_ in TEMPLATES:
        (tmp_path / f"{template_id}.docx").write_bytes(_render(demo_app, template_id)[0])
        names.append(str(tmp_path / f"{template_id}.docx"))
    command = shutil.which("soffice") or shutil.which("libreoffice")
    assert command
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(  # one LibreOffice for all seven: a few seconds instead of seven times that
        [command, "--headless", "--norestore", f"-env:UserInstallation={profile}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), *names],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    for template_id, *_ in TEMPLATES:
        made = (tmp_path / f"{template_id}.pdf").read_bytes()
        pages = re.findall(rb"/Type\s*/Page[^s]", made)
        assert made.startswith(b"%PDF-") and pages, template_id


def test_every_shipped_template_passes_the_upload_checks(demo_app: Flask) -> None:
    with demo_app.app_context():
        for template_id, *_ in TEMPLATES:
            content = (SHIPPED / f"{template_id}.docx").read_bytes()
            report = manage.check_template(f"{template_id}.docx", content)
            assert report.accepted, [p.sentence() for p in report.problems]
            assert report.used and all(row["known"] == "yes" for row in report.used)
