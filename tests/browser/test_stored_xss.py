"""Stored XSS: script payloads everywhere people or admins can type; none may run or inject."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.harness import ROOT, LiveServer, check_page, sign_in
from tests.conftest import PASSWORD
from tests.test_shipped_forms import COMPLETE

pytestmark = pytest.mark.browser
PAYLOADS = [
    "<script>alert('s1')</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</title><script>alert(4)</script>",
    "javascript:alert(5)",
    "{{7*7}}{% raw %}",
]
P = " ".join(PAYLOADS)
TEMPLATE_TITLE = f"Letter {PAYLOADS[0]}{PAYLOADS[1]}{PAYLOADS[5]}"
INJECTED = "img[src='x'], svg[onload], script:not([src]):not([nonce])"
EVALUATED = re.compile(r"(?<![0-9A-Za-z])49(?![0-9A-Za-z])")


def _xss_form() -> dict[str, Any]:
    """A definition whose every admin-written text carries payloads."""
    options = [{"value": "a", "label": f"Option {P}", "hint": P}, {"value": "b", "label": "B"}]
    return {
        "id": "xss_form",
        "title": f"Form {P}",
        "description": P,
        "version": 1,
        "declaration": {"text": P, "label": f"I confirm {P}"},
        "pages": [
            {
                "id": "one",
                "title": f"Page {P}",
                "description": P,
                "fields": [
                    {"name": "guide", "type": "guidance", "label": P, "text": P},
                    {"name": "text", "type": "short_text", "label": f"Text {P}", "hint": P},
                    {
                        "name": "long",
                        "type": "long_text",
                        "label": f"Long {P}",
                        "hint": P,
                        "validation": {"max_length": 500},
                    },
                    {
                        "name": "choice",
                        "type": "radios",
                        "label": f"Radios {P}",
                        "options": options,
                    },
                    {
                        "name": "ticks",
                        "type": "checkboxes",
                        "label": f"Ticks {P}",
                        "options": options,
                    },
                    {"name": "pick", "type": "select", "label": f"Select {P}", "options": options},
                    {
                        "name": "shown",
                        "type": "short_text",
                        "label": f"Shown {P}",
                        "show_if": {"field": "choice", "op": "equals", "value": "a"},
                    },
                    {"name": "when", "type": "date", "label": f"Date {P}", "hint": P},
                    {"name": "who", "type": "person_name", "label": f"Name {P}"},
                    {"name": "where", "type": "uk_address", "label": f"Address {P}"},
                    {
                        "name": "items",
                        "type": "repeating_group",
                        "label": f"Group {P}",
                        "item_label": f"Item {P}",
                        "fields": [{"name": "thing", "type": "short_text", "label": f"Thing {P}"}],
                    },
                ],
            }
        ],
    }


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the payload form and the referral, with payload-named people and agencies."""
    root = tmp_path_factory.mktemp("xss")
    forms = root / "forms"
    forms.mkdir()
    (forms / "xss_form.json").write_text(json.dumps(_xss_form()), encoding="utf-8")
    shutil.copy(ROOT / "forms" / "referral.json", forms)
    server = LiveServer(root / "data", forms)
    password = PASSWORD + "\n"
    agency = f"Agency {PAYLOADS[1]}"
    server.flask("agencies", "add", agency)
    server.flask(
        "users",
        "create",
        "staff@x.example.org",
        "--role",
        "agency_user",
        "--agency",
        agency,
        "--name",
        f"Staff {PAYLOADS[0]}",
        "--password-stdin",
        stdin=password,
    )
    for email, role in [
        ("bu@x.example.org", "business_unit"),
        ("admin@x.example.org", "admin"),
        ("chair@x.example.org", "chair"),
    ]:
        server.flask(
            "users",
            "create",
            email,
            "--role",
            role,
            "--name",
            f"{role} {P}",
            "--password-stdin",
            stdin=password,
        )
    server.start()
    yield server
    server.stop()


def _api_submit(server: LiveServer, email: str, form_id: str, answers: dict[str, Any]) -> None:
    import urllib.request

    token = server.flask("tokens", "create", email).strip().splitlines()[-1]
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{server.url}/api/forms/{form_id}/submissions",
        method="POST",
        data=json.dumps({"answers": answers, "declaration": True}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 201


def _guard(page: Page) -> list[str]:
    """Record any dialog a payload manages to open."""
    opened: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened


def _visit(page: Page, server: LiveServer, path: str, label: str, opened: list[str]) -> None:
    page.goto(server.url + path)
    assert page.locator(INJECTED).count() == 0, f"markup injected on {path}"
    text = page.locator("main").inner_text()
    assert not EVALUATED.search(text), f"a template expression ran on {path}"
    check_page(page, f"xss {label}")
    assert not opened, f"script ran on {path}: {opened}"


def _small_template(folder: Path) -> Path:
    """Write a one-line Word template that uses only the case reference."""
    from docx import Document

    document = Document()
    document.add_paragraph("About case {{ case.reference }}.")
    path = folder / "small.docx"
    document.save(str(path))
    return path


def test_no_payload_runs_anywhere(page: Page, xss_server: LiveServer, tmp_path: Path) -> None:
    server = xss_server
    opened = _guard(page)
    values = {
        "text": P,
        "long": P,
        "choice": "a",
        "ticks": ["a"],
        "pick": "a",
        "shown": P,
        "when": "2020-01-02",
        "who": {"given_names": P, "family_name": P},
        "where": {"line1": P, "town": P, "postcode": "SW1A 1AA"},
        "items": [{"thing": P}],
    }
    _api_submit(server, "staff@x.example.org", "xss_form", values)
    referral = dict(COMPLETE["referral"])
    referral["child_name"] = {"given_names": PAYLOADS[0], "family_name": PAYLOADS[1]}
    referral["incident_description"] = P
    _api_submit(server, "staff@x.example.org", "referral", referral)

    # A document template whose admin-typed title carries payloads (it shows on case pages too).
    sign_in(page, server, "admin@x.example.org")
    page.goto(server.url + "/admin/templates/upload")
    page.get_by_label("Title of the new template").fill(TEMPLATE_TITLE)
    page.locator('input[name="to_family"][value="no"]').check()
    page.get_by_label("Upload the Word template").set_input_files(
        str(_small_template(tmp_path)))
    page.get_by_role("button", name="Check and upload").click()
    expect(page.locator("main")).to_contain_text(PAYLOADS[0])  # the version's own page
    assert page.locator(INJECTED).count() == 0 and not opened
    page.get_by_role("button", name="Make version 1 live").click()
    expect(page.locator("main")).to_contain_text(PAYLOADS[0])
    assert page.locator(INJECTED).count() == 0 and not opened

    sign_in(page, server, "staff@x.example.org")
    _visit(page, server, "/", "home", opened)
    _visit(page, server, "/forms", "forms", opened)
    page.locator("form[action$='/forms/xss_form/start'] button").click()
    assert page.locator(INJECTED).count() == 0
    expect(page.get_by_role("heading", level=1)).to_contain_text(PAYLOADS[0])
    page.get_by_label(f"Text {P}").fill(P)
    page.locator('input[name="choice"][value="a"]').check()
    page.get_by_role("button", name="Continue").click()
    assert not opened
    check_page(page, "xss form page after continue")
    page.goto(server.url + "/forms")
    page.locator("#sent-forms a").first.click()  # the form's own list of sent copies
    assert page.locator(INJECTED).count() == 0 and not opened
    check_page(page, "xss sent list")
    page.locator("main a[href^='/submissions/']").first.click()
    assert page.locator(INJECTED).count() == 0 and not opened
    check_page(page, "xss submission view")

    sign_in(page, server, "bu@x.example.org")
    _visit(page, server, "/cases", "cases", opened)
    page.locator("main a[href^='/cases/']").first.click()
    assert page.locator(INJECTED).count() == 0 and not opened
    expect(page.locator("main")).to_contain_text(PAYLOADS[0])
    expect(page.get_by_label("Document")).to_contain_text(TEMPLATE_TITLE)
    check_page(page, "xss case page")

    sign_in(page, server, "admin@x.example.org")
    for path, label in [
        ("/admin/users", "users"),
        ("/admin/agencies", "agencies"),
        ("/audit", "audit"),
        ("/admin/templates", "document templates"),
        ("/admin/forms", "builder list"),
        ("/admin/forms/xss_form", "builder overview"),
        ("/admin/forms/xss_form/flow", "builder flow map"),
        ("/admin/forms/xss_form/versions", "builder history"),
        ("/admin/forms/xss_form/fields/choice", "builder question"),
        ("/admin/forms/xss_form/fields/choice/options", "builder options"),
        ("/admin/forms/xss_form/conditions/shown/show_if", "builder condition"),
        ("/admin/forms/xss_form/pages/one", "builder page"),
        ("/admin/forms/xss_form/json", "builder json"),
        ("/admin/forms/xss_form/publish", "builder publish"),
        ("/admin/forms/xss_form/preview/pages/one", "builder preview"),
    ]:
        _visit(page, server, path, label, opened)
    page.goto(server.url + "/admin/users")
    expect(page.locator("main")).to_contain_text("{{7*7}}")
