"""Fixtures for documents: one app for the package, filled with the fictional demo partnership.

Making the demo takes seconds (password hashing, fsync), so every module shares one; tests
use different demo cases, or count from what is there, so that their order does not matter.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr import create_app
from cspr.demo import run as demo
from cspr.storage import close_store, get_store
from tests.conftest import sign_in

PASSWORD = demo.DEMO_PASSWORD
BU = "bu@demo.example.org"
POLICE = "police@demo.example.org"
CHAIR = "chair@demo.example.org"
NURSE = "nurse@health.demo.example.org"  # agency staff at the health agency
ADMIN = "admin@demo.example.org"


@pytest.fixture(scope="package")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Return an app whose store holds the demo: users and 18 cases at every stage."""
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path_factory.mktemp("documents") / "data"),
            "PARTNERSHIP_NAME": "Exampleshire Safeguarding Children Partnership",
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    with app.app_context():
        demo.create_demo()
    yield app
    close_store(app)


def case_by_letter(app: Flask, letter: str) -> dict[str, Any]:
    """Return the demo case for a story letter (A is case 1, O is case 15)."""
    number = ord(letter) - ord("A") + 1
    with app.app_context():
        found = get_store().find("cases")
    (case,) = [c for c in found if c["reference"].endswith(f"-{number:04d}")]
    return case


def user(app: Flask, email: str) -> dict[str, Any]:
    """Return a demo user's record."""
    with app.app_context():
        found = get_store().find_one("users", {"email": email})
    assert found is not None
    return found


def client_for(app: Flask, email: str) -> FlaskClient:
    """Return a test client signed in as a demo user."""
    client = app.test_client()
    response = sign_in(client, email, PASSWORD)
    assert response.status_code == 302, response.text
    return client


def docx_text(content: bytes) -> str:
    """Read a Word document back with python-docx: paragraphs, table cells, header, footer."""
    document = docx.Document(BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def table_rows(content: bytes) -> list[list[str]]:
    """Return every table row of a Word document as a list of cell texts."""
    document = docx.Document(BytesIO(content))
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


def make_docx(*paragraphs: str, header: str = "") -> bytes:
    """Make a small Word template with python-docx, one paragraph per argument."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if header:
        document.sections[0].header.paragraphs[0].text = header
    out = BytesIO()
    document.save(out)
    return out.getvalue()
