"""The business unit's pages: GOV.UK error summaries that keep what was typed; who may use them."""

from __future__ import annotations

import re

from tests.learning.conftest import World, post


def _summary(html: str) -> list[tuple[str, str]]:
    """Return the error summary's (link, message) pairs."""
    box = re.search(r'govuk-error-summary.*?</ul>', html, re.S)
    assert box, "the page has no error summary"
    return re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', box.group(0))


def test_recording_a_review_keeps_what_was_typed(world: World) -> None:
    bu = world.client("bu")
    page = post(bu, "/reviews/new", kind="local", title="Child Q", case_reference="CSPR-2026-9")
    assert "<title>Error: Record a review" in page.text
    assert _summary(page.text) == [("#case_reference", "There is no case with the reference "
                                    "CSPR-2026-9")]  # fmt: skip
    assert 'value="Child Q"' in page.text and 'value="local" checked' in page.text
    bad_date = post(bu, "/reviews/new", kind="thematic", title="A report", **{
        "dated-day": "31", "dated-month": "2", "dated-year": "2026"})
    assert _summary(bad_date.text) == [("#dated-day", "Date of the report must be a real date")]
    done = post(bu, "/reviews/new", kind="thematic", title="Panel report: older children")
    assert done.status_code == 302 and "/reviews/" in done.headers["Location"]


def test_adding_an_action_keeps_what_was_typed(world: World) -> None:
    bu = world.client("bu")
    url = f"/reviews/{world.review['id']}/actions/new"
    recommendation = world.review["recommendations"][0]["id"]
    form = bu.get(f"{url}?recommendation={recommendation}").text
    assert f'value="{recommendation}" checked' in form and "Testshire Primary School" in form
    page = post(bu, url, recommendation=recommendation, text="Write the guide",
                agency="", owner_name="Sam Lead", owner_role="Lead",
                **{"due-day": "1", "due-month": "4", "due-year": "2027"}, status="amber")
    assert _summary(page.text) == [("#agency", "Select the agency responsible for the action")]
    assert "Write the guide</textarea>" in page.text and 'value="Sam Lead"' in page.text
    assert 'value="2027"' in page.text
    no_date = post(bu, url, recommendation=recommendation, text="Write the guide")
    assert ("#due-day", "Enter the date the action is due") in _summary(no_date.text)
    changed = post(bu, f"/actions/{world.mine['id']}/edit", text="Train every team",
                   agency=world.people["nurse"]["agency_id"], owner_name="Sam Lead",
                   owner_role="Named lead", **{"due-day": "1", "due-month": "5",
                                                "due-year": "2027"})  # fmt: skip
    assert changed.status_code == 302
    action = world.action(world.mine["id"])
    assert action["text"] == "Train every team" and action["due"] == "2027-05-01"
    assert "due date moved from" in action["history"][-1]["text"]


def test_learning_activity_is_recorded_and_seen_by_partners_and_the_chair(world: World) -> None:
    bu = world.client("bu")
    url = f"/reviews/{world.review['id']}/learning/new"
    page = post(bu, url, kind="audit", title="Bruising audit", audience="GPs", reached="lots",
                **{"held_on-day": "3", "held_on-month": "3", "held_on-year": "2026"})
    assert _summary(page.text) == [("#reached", "Enter how many people it reached as a whole "
                                    "number, like 25")]  # fmt: skip
    assert 'value="Bruising audit"' in page.text and 'value="lots"' in page.text
    done = post(bu, url, kind="audit", title="Bruising audit", audience="GPs", reached="1,200",
                **{"held_on-day": "3", "held_on-month": "3", "held_on-year": "2026"})
    assert done.status_code == 302
    for who in ("partner", "chair"):
        client = world.client(who)
        review = client.get(f"/reviews/{world.review['id']}").text
        assert "Audit: Bruising audit" in review and "1200" in review
        assert "Record learning activity" not in review  # only the business unit records it
        assert post(client, url, kind="audit").status_code == 403
    assert world.client("nurse").get(url).status_code == 403
