"""Admins changing and publishing one form at the same moment: every version numbered once."""

from __future__ import annotations

from typing import Any

from flask import Flask

from cspr.builder import edits, operations
from cspr.exceptions import Refused
from cspr.formengine import registry
from cspr.storage import get_store
from tests.reliability.test_case_races import _at_once, _in_context

ADMINS = [{"email": f"admin{n}@testshire.example.org"} for n in range(6)]


def _retitle_and_publish(admin: dict[str, Any], title: str) -> int:
    """Change the form's title then publish it, as two pages of the builder would."""
    operations.change(admin, "notification", None, "edit details",
                      lambda doc: doc.update(title=title))  # fmt: skip
    return operations.publish(admin, "notification", None)


def test_publishing_at_once_gives_each_version_one_number(app: Flask) -> None:
    with app.app_context():
        before = int(operations.versions("notification")[-1]["version"])
    results = _at_once([
        _in_context(app, lambda a=a, n=n: _retitle_and_publish(a, f"Notification, take {n}"))
        for n, a in enumerate(ADMINS)
    ])  # fmt: skip
    # A publish may find nothing left to publish (another admin published this title already),
    # which is a plain refusal; nothing else may go wrong.
    published = [r for r in results if isinstance(r, int)]
    assert all(isinstance(r, int | Refused) for r in results), results
    assert published
    with app.app_context():
        numbers = [int(v["version"]) for v in operations.versions("notification")]
        assert numbers[-len(published) - 1:] == list(range(before, before + len(published) + 1))
        assert sorted(published) == numbers[-len(published):]
        newest = registry.version_id("notification", numbers[-1])
        assert get_store().get(registry.VERSIONS, newest)["definition"]["version"] == numbers[-1]
        publishes = get_store().audit.entries(action="builder publish", object_id="notification",
                                              limit=None)  # fmt: skip
        assert len(publishes) == len(published)


def test_edits_at_once_each_land_or_are_refused_as_stale(app: Flask) -> None:
    with app.app_context():
        start = operations.working_copy("notification").revision
    results = _at_once([
        _in_context(app, lambda a=a, n=n: operations.change(
            a, "notification", start, "edit page",
            lambda doc, n=n: edits.edit_page(doc, doc["pages"][0]["id"], f"Page title {n}", "")))
        for n, a in enumerate(ADMINS)
    ])  # fmt: skip
    landed = [n for n, r in enumerate(results) if not isinstance(r, Exception)]
    assert len(landed) == 1, results  # all read the same revision: one wins, the rest are told
    assert all(isinstance(r, Refused) and r.message == operations.STALE
               for n, r in enumerate(results) if n not in landed)  # fmt: skip
    with app.app_context():
        copy = operations.working_copy("notification")
        assert copy.revision == start + 1
        assert copy.definition["pages"][0]["title"] == f"Page title {landed[0]}"
