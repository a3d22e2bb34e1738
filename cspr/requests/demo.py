"""The demo's information requests, and the agency summaries of the documents' sample case.

Two rapid reviews of the fictional partnership have asked its two agencies for summaries: in
case D the health service has answered and the school is overdue; in case E both answered.
Case C, just notified, has a request with a draft started. Everything is invented.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from cspr.auth.agencies import find_agency_by_name
from cspr.casework import casefacts, clock
from cspr.demo import answers
from cspr.exceptions import Refused
from cspr.formengine import operations as form_ops
from cspr.formengine import registry
from cspr.formengine.definitions import FormDefinition
from cspr.requests import operations, records
from cspr.requests.operations import Choice

MESSAGE = ("Please send your agency's summary for the rapid review: your involvement with the "
           "child and family, a chronology, and your own analysis. Call the business unit on "
           "01632 960 101 with any questions.")  # fmt: skip


def summary(agency: str, role: str, involvement: str, entries: list[tuple[date, str, str]],
            went_well: str, better: str, actions: str) -> dict[str, Any]:  # fmt: skip
    """Return the answers of an agency summary."""
    return {
        "agency_name": agency, "completed_by_role": role, "involvement": involvement,
        "chronology": [{"entry_date": when.isoformat(), "contact": contact, "what_happened": what}
                       for when, contact, what in entries],
        "went_well": went_well, "could_be_better": better, "immediate_actions": actions,
    }  # fmt: skip


def summaries(letter: str, aware: date) -> dict[str, dict[str, Any]]:
    """Return the summaries the demo's agencies send for a story, by agency name."""
    back = [clock.add_working_days(aware, -n) for n in (60, 35, 12)]
    health = answers.HEALTH_AGENCY
    school = answers.SCHOOL_AGENCY
    if letter == "D":
        return {health: summary(
            health, "Named nurse for safeguarding children",
            "The health visiting team asked the previous area for the family's records when "
            "they moved here; the transfer was never completed and no visit was made.",
            [(back[0], "Transfer-in notice from the previous area",
              "Request for records sent; no reply chased."),
             (back[2], "Phone call to the mother by a health visitor",
              "No answer; a letter offering a visit was sent to the old address.")],
            "The transfer request went out the day the notice arrived.",
            "Nobody owned chasing the records, and no visit was booked without them.",
            "Every transfer-in now has a named health visitor and a visit within 10 days.")}
    if letter == "E":
        return {health: summary(
            health, "Named nurse for safeguarding children",
            "Routine health visiting from birth. The team did not know the father was in "
            "treatment for drug use.",
            [(back[0], "Eight-month review at home by the health visitor",
              "Development on track; home seen as warm and cared for.")],
            "Reviews were on time and Eli's development was checked.",
            "The team did not ask about medicines kept at home.",
            "Safe storage of medicines is now part of every home visit checklist."),
            school: summary(
            school, "Designated safeguarding lead",
            "Eli's sister attends the school. Staff knew little about Eli until she spoke.",
            [(back[2], "Conversation between the sister and her class teacher",
              "She said Eli drank 'daddy's medicine'; reported to the designated lead at once."),
             (back[2], "Referral to children's social care by the designated lead",
              "Made the same morning, with the sister's words recorded.")],
            "The teacher listened and acted the same morning.",
            "Earlier worries about lateness were not shared with health.",
            "Staff briefing on sharing low-level worries with health visitors.")}  # fmt: skip
    return {}


def _staff(agency_id: str) -> list[str]:
    return [s["id"] for s in records.agency_staff(agency_id)]


def add_demo_requests(people: dict[str, dict[str, Any]],
                      by_letter: dict[str, dict[str, Any]]) -> int:  # fmt: skip
    """Send the demo's requests and summaries through the real verbs; return how many."""
    bu = people["bu"]
    agency_ids = {}
    for name in (answers.HEALTH_AGENCY, answers.SCHOOL_AGENCY):
        agency = find_agency_by_name(name)
        if agency is None:
            return 0
        agency_ids[name] = agency["id"]
    staff = {answers.HEALTH_AGENCY: people["health"], answers.SCHOOL_AGENCY: people["school"]}
    made = 0
    for letter, answered in (("D", (answers.HEALTH_AGENCY,)),
                             ("E", (answers.HEALTH_AGENCY, answers.SCHOOL_AGENCY)),
                             ("C", ())):  # fmt: skip
        case = by_letter[letter]
        notified = casefacts.get_date(case, "dates.notified")
        aware = casefacts.get_date(case, "dates.la_aware")
        if notified is None or aware is None:
            continue
        # C is just notified, its summaries not yet due; D and E were asked on day 1 for day 8.
        due = clock.rapid_review_due(notified) if letter == "C" else clock.add_working_days(
            notified, 8)  # fmt: skip
        choices = [Choice(agency_ids[name], _staff(agency_ids[name])) for name in staff]
        requests = operations.send_requests(bu, case["id"], choices, due, MESSAGE,
                                            sent_on=clock.add_working_days(notified, 1))
        written = summaries(letter, aware)
        for request in requests:
            person = staff[request["agency_name"]]
            operations.view_as_agency(person, request["id"])
            drafting = letter == "C" and request["agency_name"] == answers.HEALTH_AGENCY
            if request["agency_name"] not in answered and not drafting:
                continue
            draft = operations.start_summary(person, request["id"])
            form_ops.save_answers(person, draft["id"], written.get(request["agency_name"]) or {
                "agency_name": request["agency_name"],
                "involvement": "Our records are being checked."})  # fmt: skip
            if request["agency_name"] in answered:
                sent, errors = form_ops.submit_draft(person, draft["id"], declared=True)
                if sent is None:
                    raise Refused(f"the agency summary was not accepted ({errors})")
            made += 1
    return made


def sample_summaries(case: dict[str, Any], today: date) -> list[tuple[dict[str, Any],
                                                                      FormDefinition]]:  # fmt: skip
    """Return story E's summaries as sent forms of the documents' invented sample case."""
    definition = registry.live(records.SUMMARY_FORM)
    if definition is None:
        return []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    found = []
    for number, written in enumerate(summaries("E", today).values(), start=1):
        found.append(({
            "id": f"sample-summary-{number}", "form_id": definition.id,
            "form_version": definition.version, "form_title": definition.title,
            "status": "submitted", "answers": written, "submitted_at": now,
            "reference": f"SUB-{today.year}-{90 + number:04d}", "case_id": case["id"],
        }, definition))  # fmt: skip
    return found
