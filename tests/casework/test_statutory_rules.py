"""Each statutory rule of issue 16, as the law and the Panel's guidance set it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from cspr.casework import calendar_settings, casefacts, clock, deadlines, signoff, tracks
from cspr.casework import operations as verbs
from cspr.casework.stages import CARE_LEAVER, LOOKED_AFTER, SERIOUS
from cspr.exceptions import Forbidden, Refused
from cspr.storage import get_store
from cspr.timeutil import uk_today
from tests.casework.test_cases import (  # noqa: F401 - people is a fixture
    give_views,
    move,
    notify,
    only_case,
    people,
    send,
    sign_all,
)
from tests.conftest import csrf_token, sign_in


def _case(app: Flask, people: dict, **referral: Any) -> str:  # noqa: F811
    send(app, people["agency"], "referral", referral)
    case_id = str(only_case(app)["id"])
    move(app, people["bu"], case_id, "consideration")
    return case_id


def _stored(app: Flask, case_id: str) -> dict[str, Any]:
    with app.app_context():
        found = get_store().get("cases", case_id)
    assert found is not None
    return found


# 1. The local authority's duty to notify is never overridden by the partners' vote.


def test_unanimous_dissent_still_lets_the_la_record_its_notification(
    app: Flask, people: dict  # noqa: F811
) -> None:
    case_id = _case(app, people)
    with app.app_context():
        from cspr.casework import decisions

        decisions.set_rules(people["admin"], "unanimous", 3)
    give_views(app, people, case_id, {"la": True, "police": True, "icb": False})
    with app.app_context(), pytest.raises(Refused, match="without the partnership's agreement"):
        verbs.record_notification(people["la"], case_id, uk_today(), "NSI-1")
    case = notify(app, people, case_id, uk_today(), "The council judges the risk too high to wait.")
    assert case["notification"]["without_agreement"] is True
    assert casefacts.get(case, "dates.notified") == uk_today().isoformat()
    assert move(app, people["bu"], case_id, "notified")["stage"] == "notified"
    client = app.test_client()
    sign_in(client, "bu@testshire.example.org")
    page = client.get(f"/cases/{case_id}").text
    assert "without the partnership&#39;s agreement: The council judges the risk" in page
    assert "Integrated care board disagreeing" not in page  # the dissent is the LA's and police's
    assert "Disagrees" in page


def test_a_majority_of_partners_cannot_notify_for_the_la(app: Flask, people: dict) -> None:  # noqa: F811
    case_id = _case(app, people)
    give_views(app, people, case_id, {"la": False, "police": True, "icb": True})
    with app.app_context():
        with pytest.raises(Forbidden):
            verbs.record_notification(people["police"], case_id, uk_today(), "NSI-2")
    # The partnership's position is to notify, but nothing is notified until the LA says so.
    with pytest.raises(Refused, match="Record the date the notification was made"):
        move(app, people["bu"], case_id, "notified")


# 2. A partner's view comes from the signed-in account, never from a form answer.


def test_an_icb_lead_cannot_send_a_view_as_the_police(app: Flask, people: dict) -> None:  # noqa: F811
    case_id = _case(app, people)
    with app.app_context(), pytest.raises(Forbidden):
        verbs.give_view(people["icb"], case_id, "notifiable", "Trying to speak for the police.",
                        on_behalf_of="police")  # fmt: skip
    client = app.test_client()
    sign_in(client, "icb@testshire.example.org")
    page = client.get(f"/cases/{case_id}/view")
    assert "Which partner is this view from?" not in page.text
    client.post(f"/cases/{case_id}/view", data={
        "view": "notifiable", "rationale": "Serious harm, and neglect is suspected.",
        "partner": "police", "csrf_token": csrf_token(page.text)})  # fmt: skip
    views = _stored(app, case_id)["views"]
    assert list(views) == ["icb"] and views["icb"]["by"] == "icb@testshire.example.org"


def test_the_business_unit_records_a_view_for_a_partner_and_history_is_kept(
    app: Flask, people: dict  # noqa: F811
) -> None:
    case_id = _case(app, people)
    with app.app_context():
        verbs.give_view(people["bu"], case_id, "not_notifiable", "Said at the meeting on Monday.",
                        on_behalf_of="police")  # fmt: skip
        verbs.give_view(people["police"], case_id, "notifiable", "New findings point to neglect.")
    case = _stored(app, case_id)
    assert case["views"]["police"]["view"] == "notifiable"
    assert case["views"]["police"]["recorded_for"] is False
    (earlier,) = case["view_history"]
    assert earlier["recorded_for"] is True and earlier["by"] == "Bea Unit"
    assert earlier["view"] == "not_notifiable" and earlier["replaced_at"]
    texts = [e["text"] for e in case["events"]]
    assert "Police: do not notify the panel (recorded by Bea Unit for Police)" in texts


# 3. Clocks start from the real event, asked for explicitly and held once.


def test_a_notification_recorded_four_days_late_counts_from_the_real_date(
    app: Flask, people: dict  # noqa: F811
) -> None:
    case_id = _case(app, people)
    give_views(app, people, case_id, {"la": True, "police": True})
    made = uk_today() - timedelta(days=4)
    case = notify(app, people, case_id, made)
    due = {d.key: d for d in deadlines.deadlines(case, uk_today())}["rapid_review"]
    assert due.status.due == clock.rapid_review_due(made)
    # Sending the notification form later does not re-date it.
    send(app, people["bu"], "notification", case_id=case_id)
    assert casefacts.get(_stored(app, case_id), "dates.notified") == made.isoformat()


def test_a_later_form_that_disagrees_is_flagged_not_taken(app: Flask, people: dict) -> None:  # noqa: F811
    case_id = _case(app, people)
    with app.app_context():
        verbs.set_fact(people["bu"], case_id, "dates.la_aware", date(2026, 10, 31))
    send(app, people["bu"], "notification", {"la_aware_date": "2026-11-02"}, case_id)
    case = _stored(app, case_id)
    assert casefacts.get(case, "dates.la_aware") == "2026-10-31"
    (conflict,) = [c for c in case["fact_conflicts"] if c["fact"] == "dates.la_aware"]
    assert conflict["proposed"] == "2026-11-02"
    with app.app_context():
        verbs.resolve_conflict(people["bu"], case_id, conflict["id"], accept=True)
    case = _stored(app, case_id)
    assert casefacts.get(case, "dates.la_aware") == "2026-11-02"
    assert not [c for c in case["fact_conflicts"] if c["fact"] == "dates.la_aware"]


# 4. Deaths that are notified but need no rapid review; closing when the criteria are not met.


def _death(app: Flask, people: dict, referral: dict[str, Any] | None = None,  # noqa: F811
           **notification: Any) -> dict[str, Any]:  # fmt: skip
    case_id = _case(app, people, incident_type="death",
                    abuse_or_neglect=notification.get("abuse_or_neglect", "suspected"),
                    **(referral or {}))  # fmt: skip
    send(app, people["bu"], "notification", {"incident_type": "death", **notification}, case_id)
    return notify(app, people, case_id, uk_today(), "The council notified on the day it heard.")


def test_a_looked_after_childs_death_without_abuse_starts_no_rapid_review(
    app: Flask, people: dict  # noqa: F811
) -> None:
    case = _death(app, people, abuse_or_neglect="no", looked_after_child=True,
                  looked_after_authority="Testshire", placement_type="Foster care")  # fmt: skip
    assert tracks.track(case) == LOOKED_AFTER
    assert "rapid_review" not in {d.key for d in deadlines.deadlines(case, uk_today())}
    assert not case["notification"]["without_agreement"]  # no partners' vote is needed
    move(app, people["bu"], case["id"], "notified")
    with pytest.raises(Refused, match="cannot go from Notified to Rapid review"):
        move(app, people["bu"], case["id"], "rapid_review")
    assert move(app, people["bu"], case["id"], "notified_only")["stage"] == "notified_only"


def _care_leaver(app: Flask, people: dict, age: int) -> dict[str, Any]:  # noqa: F811
    incident = date(2026, 10, 30)  # the shipped forms' incident date
    born = date(incident.year - age, incident.month, incident.day) - timedelta(days=30)
    child = {"unborn": False, "child_name": {"given_names": "Kai", "family_name": "Jones"},
             "child_role": "subject", "dob_known": True, "date_of_birth": born.isoformat(),
             "gender": "male",
             "ethnicity": "not_known", "disability": "no", "home_area": "Northshire",
             "legal_status": ["care_leaver"], "known_to_csc": "previously"}  # fmt: skip
    return _death(app, people, {"child_date_of_birth": born.isoformat()}, children=[child],
                  abuse_or_neglect="no",
                  care_leaver_involved=True, care_leaver_authority="Testshire")  # fmt: skip


def test_a_care_leavers_death_at_24_starts_no_rapid_review(app: Flask, people: dict) -> None:  # noqa: F811
    case = _care_leaver(app, people, 24)
    assert tracks.track(case) == CARE_LEAVER
    assert "rapid_review" not in {d.key for d in deadlines.deadlines(case, uk_today())}


def test_at_25_the_care_leaver_rule_does_not_apply(app: Flask, people: dict) -> None:  # noqa: F811
    case = _care_leaver(app, people, 25)
    assert not tracks.care_leaver_rule_applies(case)
    assert tracks.track(case) == SERIOUS


def test_a_notified_case_found_not_to_meet_the_criteria_closes_with_its_reason(
    app: Flask, people: dict  # noqa: F811
) -> None:
    case_id = _case(app, people)
    give_views(app, people, case_id, {"la": True, "police": True})
    notify(app, people, case_id, uk_today())
    move(app, people["bu"], case_id, "notified")
    with pytest.raises(Refused, match="reason for closing"):
        move(app, people["bu"], case_id, "criteria_not_met")
    case = move(app, people["bu"], case_id, "criteria_not_met",
                "New medical evidence shows the injury was accidental.")  # fmt: skip
    assert case["stage"] == "criteria_not_met"
    assert "accidental" in case["events"][-1]["text"]
    assert "rapid_review" not in {d.key for d in deadlines.deadlines(case, uk_today())}


def test_unborn_children_and_children_who_harmed_another_can_be_notified(
    app: Flask, people: dict  # noqa: F811
) -> None:
    unborn = {"unborn": True, "child_role": "subject", "gender": "not_known",
              "ethnicity": "not_known", "disability": "not_known", "home_area": "Northshire",
              "legal_status": ["none"], "known_to_csc": "no"}  # fmt: skip
    harmer = {"unborn": False, "child_name": {"given_names": "Ty", "family_name": "Smith"},
              "child_role": "harmed_another", "dob_known": False, "age": 15, "gender": "male",
              "ethnicity": "not_known", "disability": "no", "home_area": "Northshire",
              "legal_status": ["child_in_need"], "known_to_csc": "open_case"}  # fmt: skip
    case_id = _case(app, people)
    send(app, people["bu"], "notification", {"children": [unborn, harmer]}, case_id)
    kids = casefacts.children(_stored(app, case_id))
    assert kids[0]["unborn"] == "yes" and kids[1]["role"] == "harmed_another"


# 5. A recommended national review follows the Panel's answer.


def _decided(app: Flask, people: dict, recommendation: str) -> str:  # noqa: F811
    case_id = _case(app, people)
    give_views(app, people, case_id, {"la": True, "police": True})
    notify(app, people, case_id, uk_today() - timedelta(days=20))
    move(app, people["bu"], case_id, "notified")
    move(app, people["bu"], case_id, "rapid_review")
    route = {"other_learning_route": "single_agency_review"}
    changes = {"recommendation": recommendation,
               **(route if recommendation == "other_learning" else {})}  # fmt: skip
    send(app, people["bu"], "rapid_review", changes, case_id, drop=("other_learning_route",))
    sign_all(app, people, case_id)
    move(app, people["bu"], case_id, "decided")
    return case_id


@pytest.mark.parametrize(("answer", "to", "refused"), [
    ("national", "national_review", "review_in_progress"),
    ("local", "review_in_progress", "national_review"),
])  # fmt: skip
def test_a_recommended_national_review_follows_the_panels_answer(
    app: Flask, people: dict, answer: str, to: str, refused: str  # noqa: F811
) -> None:
    case_id = _decided(app, people, "national_review")
    send(app, people["bu"], "panel_response",
         {"local_decision": "national_review", "panel_view": "agree",
          "national_review_answer": answer}, case_id)  # fmt: skip
    move(app, people["bu"], case_id, "panel_response")
    if to == "review_in_progress":
        with app.app_context():
            verbs.set_fact(people["bu"], case_id, "dates.commissioned", uk_today())
    with pytest.raises(Refused):
        move(app, people["bu"], case_id, refused)
    assert move(app, people["bu"], case_id, to)["stage"] == to


# 6. The six-month clock runs from the decision to commission, moved only by approved delays.


def test_the_six_month_clock_starts_at_a_changed_decision_and_moves_only_by_delay(
    app: Flask, people: dict  # noqa: F811
) -> None:
    case_id = _decided(app, people, "other_learning")
    send(app, people["bu"], "panel_response",
         {"local_decision": "other_learning", "panel_view": "challenge"}, case_id)  # fmt: skip
    move(app, people["bu"], case_id, "panel_response")
    met = uk_today() - timedelta(days=3)
    with app.app_context():
        verbs.record_reconvene(people["bu"], case_id, "change", "local_cspr",
                               "The Panel's challenge is right: a local review is needed.", met)
    case = _stored(app, case_id)
    assert casefacts.get(case, "dates.commissioned") == met.isoformat()
    assert deadlines.publication_due(case) == clock.add_months(met, 6)
    later = clock.add_months(met, 9)
    with app.app_context():
        with pytest.raises(Refused, match="who approved"):
            verbs.record_delay(people["bu"], case_id, "A criminal trial must finish first.",
                               "", later, uk_today(), uk_today())  # fmt: skip
        verbs.record_delay(people["bu"], case_id, "A criminal trial must finish first.",
                           "Jo Bloggs, chair of the review group", later, uk_today(), uk_today())
    case = _stored(app, case_id)
    assert deadlines.publication_due(case) == later
    (delay,) = case["delays"]
    assert delay["panel_told"] == delay["sos_told"] == uk_today().isoformat()


# 7. The seven working days' notice is checked against what actually happened.


def test_a_report_published_with_four_working_days_notice_is_a_breach(
    app: Flask, people: dict  # noqa: F811
) -> None:
    case_id = _case(app, people)
    published = date(2026, 11, 27)  # a Friday
    sent = clock.add_working_days(published, -4)
    with app.app_context():
        verbs.set_fact(people["bu"], case_id, "dates.commissioned", date(2026, 6, 1))
        verbs.set_fact(people["bu"], case_id, "dates.final_report_sent", sent)
        verbs.set_fact(people["bu"], case_id, "dates.published", published)
    found = {d.key: d for d in deadlines.deadlines(_stored(app, case_id), uk_today())}
    notice = found["panel_notice"].status
    assert notice.state == "missed"
    assert notice.phrase == "only 4 working days' notice given, 3 fewer than the 7 required"
    with app.app_context():
        verbs.set_fact(people["bu"], case_id, "dates.final_report_sent",
                       clock.add_working_days(published, -7))  # fmt: skip
    found = {d.key: d for d in deadlines.deadlines(_stored(app, case_id), uk_today())}
    assert found["panel_notice"].status.state == "met"


# 8. Closure days never lengthen a statutory deadline; counting cannot invent a breach.


def test_closure_days_leave_the_statutory_date_unchanged(app: Flask, people: dict) -> None:  # noqa: F811
    case_id = _case(app, people)
    aware = date(2026, 11, 23)  # a Monday
    with app.app_context():
        calendar_settings.add_closure_day(None, date(2026, 11, 24), "Partnership closure")
        calendar_settings.add_closure_day(None, date(2026, 11, 25), "Partnership closure")
        calendar_settings.set_start_is_day_zero(None, False)
        verbs.set_fact(people["bu"], case_id, "dates.la_aware", aware)
    case = _stored(app, case_id)
    found = {d.key: d for d in deadlines.deadlines(case, aware)}
    assert found["notification"].status.due == clock.notification_due(aware) == date(2026, 11, 30)
    # Notified on the statutory fifth working day: met on the case page and in the workbook.
    case = {**case, "facts": {**case["facts"], "dates.notified": "2026-11-30"}}
    found = {d.key: d for d in deadlines.deadlines(case, date(2026, 12, 1))}
    assert found["notification"].status.state == "met"
    from cspr.exports.auditbook import audit_rows

    with app.app_context():
        (row,) = audit_rows([case], date(2026, 11, 1), date(2026, 12, 31), date(2026, 12, 1))
    assert row[6] == "Yes" and row[5] == 5


# 9. One sign-off: each partner's own act, for one exact version.


def test_a_new_version_of_the_rapid_review_needs_signing_again(app: Flask, people: dict) -> None:  # noqa: F811
    case_id = _case(app, people)
    give_views(app, people, case_id, {"la": True, "police": True})
    notify(app, people, case_id, uk_today())
    move(app, people["bu"], case_id, "notified")
    move(app, people["bu"], case_id, "rapid_review")
    send(app, people["bu"], "rapid_review", {}, case_id)
    sign_all(app, people, case_id)
    send(app, people["bu"], "rapid_review", {"good_practice": "Updated after the meeting."},
         case_id)  # fmt: skip
    with pytest.raises(Refused, match="0 of 3 partners have signed off"):
        move(app, people["bu"], case_id, "decided")
    with app.app_context():
        old = [s for s in get_store().find("submissions", where={"form_id": "rapid_review"})][0]
        with pytest.raises(Refused, match="changed since you opened it"):
            signoff.sign_off(people["la"], case_id, old["id"], "")
    client = app.test_client()
    sign_in(client, "police@testshire.example.org")
    page = client.get(f"/cases/{case_id}/sign-off").text
    with app.app_context():
        review = signoff.current_review(case_id)
    assert review is not None and review["reference"] in page and "Sign off this version" in page
    # The rapid review form no longer asks the business unit to type the leads' sign-offs.
    from cspr.formengine import registry

    with app.app_context():
        definition = registry.live("rapid_review")
        assert definition is not None
        names = {f["name"] for f in definition.all_fields()}
    assert not names & {"la_lead_name", "police_signoff_date", "sent_to_panel_date"}


# 12. The decision page shows the national criteria beside the local ones.


def test_the_rapid_reviews_decision_page_shows_both_sets_of_criteria(app: Flask) -> None:
    from cspr.formengine import registry

    with app.app_context():
        definition = registry.live("rapid_review")
        assert definition is not None
        page = definition.page_of("national_criteria")
    assert page is definition.page_of("regulation_criteria")
    assert "regulation 3" in definition.field("national_criteria")["hint"]
    assert "regulation 11" in definition.field("regulation_criteria")["hint"]
