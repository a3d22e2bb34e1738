"""Journey 6: the business unit reads the dashboard charts and downloads workbooks from Exports."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Download, Page, expect

from cspr.demo.run import DEMO_PASSWORD
from tests.browser.harness import LiveServer, check_page, sign_in

pytestmark = pytest.mark.browser
BU_EMAIL = "bu@demo.example.org"
CHAIR_EMAIL = "chair@demo.example.org"


@dataclass
class DemoServer(LiveServer):
    """A live server on the demo partnership, with export settings of its own."""

    background_rows: int = 8000

    def env(self) -> dict[str, str]:
        """Add the export threshold to the server's environment."""
        return {**super().env(), "CSPR_EXPORT_BACKGROUND_ROWS": str(self.background_rows)}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """Serve the demo partnership; workbooks of more than 17 rows are made in the background."""
    server = DemoServer(tmp_path_factory.mktemp("export-journey") / "data", background_rows=17)
    server.flask("demo")
    server.start()
    yield server
    server.stop()


def _made_now_or_later(page: Page, click: str, button: re.Pattern[str], tmp_path: Path,
                       name: str) -> Workbook:  # fmt: skip
    """Open a workbook downloaded at once or, if it is big enough, made in the background."""
    # The yearly figures' row count depends on where today falls in the reporting year.
    downloads: list[Download] = []

    def caught(download: Download) -> None:
        downloads.append(download)

    page.on("download", caught)
    page.get_by_role("button", name=click).click()
    ready = page.get_by_text("Your export is ready")
    for _ in range(200):
        if downloads:
            page.remove_listener("download", caught)
            return load_workbook(_saved(downloads[0].path(), tmp_path, name))
        if ready.is_visible():
            page.remove_listener("download", caught)
            return _from_the_job(page, button, tmp_path, name)
        page.wait_for_timeout(100)
    raise AssertionError(f"{click}: neither downloaded nor made in the background")


def _from_the_job(page: Page, button: re.Pattern[str], tmp_path: Path, name: str) -> Workbook:
    """Wait for a background export (every demo workbook of more than 17 rows), then open it."""
    expect(page.get_by_text("Your export is ready")).to_be_visible(timeout=20_000)
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    return load_workbook(_saved(download.value.path(), tmp_path, name))


def _date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def _saved(download_path: str | None, tmp_path: Path, name: str) -> Path:
    assert download_path is not None
    target = tmp_path / name
    Path(download_path).replace(target)
    return target


def test_dashboard_charts_and_workbook_downloads(
    page: Page, demo_server: DemoServer, tmp_path: Path
) -> None:
    server = demo_server
    sign_in(page, server, BU_EMAIL, DEMO_PASSWORD)

    page.get_by_role("link", name="Deadlines").click()
    expect(page.get_by_role("img", name="Cases by stage")).to_be_visible()
    expect(page.get_by_role("img", name="Rapid reviews: on time and late, month by month"))\
        .to_be_visible()  # fmt: skip
    page.get_by_text("Show the data: cases by stage").click()
    expect(page.get_by_role("table", name="Cases by stage")).to_be_visible()
    check_page(page, "dashboard with charts")

    page.get_by_role("link", name="Exports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exports")
    check_page(page, "exports")

    # A small workbook comes straight back as a download.
    page.get_by_role("link", name="Export Terms of reference").click()
    check_page(page, "export a form")
    page.get_by_role("button", name="Download").click()
    expect(page.get_by_role("link", name="Select a format")).to_be_visible()
    assert page.title().startswith("Error: ")
    check_page(page, "export a form with an error")
    page.get_by_label("Excel workbook (XLSX)").check()
    with page.expect_download() as form_download:
        page.get_by_role("button", name="Download").click()
    book = load_workbook(_saved(form_download.value.path(), tmp_path, "terms.xlsx"))
    assert book.sheetnames == ["Terms of reference", "Key lines of enquiry"]
    assert book["Key lines of enquiry"].freeze_panes == "A2"

    # A bigger one (the 18-case register; more than 17 rows here) is made in the background.
    page.get_by_role("link", name="Back").click()
    page.get_by_role("button", name="Download the case register (XLSX)").click()
    expect(page.get_by_text("Your export is ready")).to_be_visible(timeout=20_000)
    check_page(page, "background export ready")
    with page.expect_download() as job_download:
        page.get_by_role("button", name="Download case-register").click()
    register = load_workbook(_saved(job_download.value.path(), tmp_path, "register.xlsx"))
    assert register.sheetnames == ["Case register"]
    assert register.worksheets[0].max_row == 19  # a header and the demo's 18 cases
    assert os.stat(Path(server.data_dir) / "exports").st_mode & 0o077 == 0
    page.get_by_role("link", name="Back to exports").click()
    expect(page.get_by_role("heading", name="Your recent large exports")).to_be_visible()
    check_page(page, "exports with a recent large export")

    page.goto(server.url + "/exports/yearly-figures")
    expect(page.get_by_role("table", name="Reviews", exact=True)).to_be_visible()
    check_page(page, "yearly figures")
    yearly = _made_now_or_later(page, "Download these figures (XLSX)",
                                re.compile("^Download yearly-figures"), tmp_path, "yearly.xlsx")
    assert yearly.sheetnames == ["Figures", "Actions by review", "Actions by agency", "Delays",
                                 "Learning activity", "Cases"]  # fmt: skip


def test_chair_downloads_the_audit_workbook(
    page: Page, demo_server: DemoServer, tmp_path: Path
) -> None:
    sign_in(page, demo_server, CHAIR_EMAIL, DEMO_PASSWORD)
    page.get_by_role("link", name="Exports").click()
    page.get_by_role("link", name="Rapid review audit workbook for the independent chair").click()
    check_page(page, "rapid review audit period")
    page.get_by_role("button", name="Download the workbook").click()
    expect(page.get_by_role("link", name="Enter the start of the period")).to_be_visible()
    check_page(page, "rapid review audit period with errors")
    _date(page, "Start of the period", "1", "1", "2020")
    _date(page, "End of the period", "31", "12", "2030")
    # Every demo rapid review is in the period: over 17 rows, so it is made in the background.
    page.get_by_role("button", name="Download the workbook").click()
    expect(page.get_by_text("Your export is ready")).to_be_visible(timeout=20_000)
    with page.expect_download() as audit:
        page.get_by_role("button",
                         name="Download rapid-review-audit-2020-01-01-to-2030-12-31.xlsx").click()
    book = load_workbook(_saved(audit.value.path(), tmp_path, "audit.xlsx"))
    assert book.sheetnames == ["Summary", "Rapid reviews"]
    assert len(book["Summary"]._charts) == 2
