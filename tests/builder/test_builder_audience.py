"""The builder names the roles that may fill in a form, never their ids."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.builder.test_builder_routes import FORM, built, post  # noqa: F401 - built: fixture


def test_who_can_fill_it_in_shows_role_names(built: FlaskClient) -> None:  # noqa: F811
    saved = post(built, f"{FORM}/details", {
        "title": "Incident log", "audience": ["agency_user", "business_unit"]})
    assert saved.status_code == 302, saved.text
    page = built.get(FORM).text
    row = re.search(r"Who can fill it in</dt>\s*<dd[^>]*>([^<]*)</dd>", page)
    assert row and row.group(1) == "Agency staff, Business unit"
    assert "agency_user" not in page.replace('value="agency_user"', "")
