"""Dashboard charts: server-drawn SVG with a title, a text summary and the data behind each."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from cspr.casework import stages
from cspr.exports import charts
from cspr.storage import get_store

Login = Callable[[str], FlaskClient]


def test_dashboard_shows_accessible_charts_without_scripts_or_inline_styles(
    app: Flask, login: Login
) -> None:
    page = login("bu").get("/dashboard")
    assert page.status_code == 200
    html = page.text
    section = html[html.index("Cases and timeliness"):html.index("</main>")]
    svgs = re.findall(r"<svg\b[^>]*>", section)
    assert len(svgs) == 3
    for tag in svgs:
        assert 'role="img"' in tag and "aria-labelledby=" in tag and "aria-describedby=" in tag
    assert section.count("<title id=") == 3
    assert section.count('<details class="govuk-details"') == 3
    assert section.count('<table class="govuk-table">') == 3
    assert "style=" not in section and "<script" not in section
    assert "Show the data: cases by stage" in section
    assert "18 cases. By stage:" in section
    assert "Notifications to the National Panel by the month they were due" in section
    # Every stage has a row in the data table, in the order cases move through them.
    table = section[section.index("<table"):section.index("</table>")]
    assert re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>', table) == list(
        stages.STAGES.values()
    )


def test_chart_data_counts_cases_and_deadlines(app: Flask) -> None:
    with app.app_context():
        case_list = get_store().find("cases")
        by_stage = charts.stage_chart(case_list)
        notified = charts.timeliness_chart(case_list, "Serious incident notification", date.today())
        reviews = charts.timeliness_chart(case_list, "Rapid review sent to the Panel", date.today())
    assert sum(n for _, n in by_stage.rows) == 18
    assert len(by_stage.rects) == sum(1 for _, n in by_stage.rows if n)
    assert len(notified.rows) == 12
    assert notified.rows[-1][0] == f"{date.today():%B %Y}"
    on_time, late = sum(r[1] for r in notified.rows), sum(r[2] for r in notified.rows)
    assert on_time >= 5 and late >= 1  # case B's notification is overdue this month
    assert f"{on_time} on time and {late} late" in notified.summary
    assert sum(r[1] + r[2] for r in reviews.rows) >= 5
    # Late bars are hatched as well as red, so colour is not the only difference.
    assert any(rect["fill"].startswith("url(") for rect in notified.rects)
    top = min(rect["y"] for rect in notified.rects)
    assert top >= 44  # bars stay below the legend


def test_charts_are_only_for_case_roles(app: Flask, login: Login) -> None:
    assert login("chair").get("/dashboard").text.count("<svg") == 3
    assert login("health").get("/dashboard").status_code == 403
    with app.test_request_context():
        assert charts.dashboard_charts() == []  # nobody signed in
