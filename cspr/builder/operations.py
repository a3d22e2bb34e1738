"""Builder verbs: change a form's working copy, publish it, revert, import, archive."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cspr import audit
from cspr.builder import fact_bindings
from cspr.builder.edits import Doc, new_form
from cspr.builder.json_text import parse_json
from cspr.exceptions import Refused
from cspr.formengine import registry
from cspr.formengine.core_errors import DefinitionError
from cspr.formengine.definitions import check_definition
from cspr.formengine.operations import SUBMISSIONS
from cspr.storage import NotFound, StoreError, get_store, transactional, within_transaction

WORKING = "form_working_copies"
ID_RULE = "2 to 64 lower-case letters, digits, '-' or '_', starting with a letter"
# Builder addresses that a form id would hide: /admin/forms/new and /admin/forms/import.
RESERVED_IDS = frozenset({"new", "import"})


@dataclass
class WorkingCopy:
    """The form as the admin is editing it, with its revision and the version it started from."""

    form_id: str
    definition: Doc
    revision: int
    base_version: int | None
    status: str  # "draft" (never published), "live" or "archived"
    changed: bool  # differs from the newest published version

    @property
    def title(self) -> str:
        """Return the working title."""
        return str(self.definition["title"])


class InvalidChange(Refused):
    """A change the meta-schema or the cross-checks refuse, with every problem found."""

    def __init__(self, errors: list[DefinitionError]) -> None:
        """Keep the problems and summarise them for the page."""
        self.errors = errors
        first = errors[0]
        others = len(errors) - 1
        more = f" (and {others} more problem{'s' if others != 1 else ''})" if others else ""
        super().__init__(
            f"The change was not saved: {first.reason} (at {first.path}){more}. "
            "The form is as it was before."
        )


def versions(form_id: str) -> list[dict[str, Any]]:
    """Return a form's published versions, oldest first."""
    return get_store().find(registry.VERSIONS, where={"form_id": form_id}, order_by="version")


def _newest(form_id: str) -> dict[str, Any] | None:
    """Return the newest published version record of a form."""
    found = versions(form_id)
    return found[-1] if found else None


def _same(one: Doc, two: Doc) -> bool:
    """Say whether two definitions are the same apart from their version number."""
    return {**one, "version": 0} == {**two, "version": 0}


def working_copy(form_id: str) -> WorkingCopy:
    """Return the working copy of a form: the saved one, or a copy of its newest version."""
    return _working_copy(form_id, get_store().get(WORKING, form_id), _newest(form_id))


def _working_copy(
    form_id: str, record: dict[str, Any] | None, newest: dict[str, Any] | None
) -> WorkingCopy:
    """Build a working copy from its stored record and the form's newest version."""
    if record is None and newest is None:
        raise NotFound(form_id)
    status = "draft" if newest is None else str(newest.get("status") or "live")
    if record is None:
        assert newest is not None
        return WorkingCopy(form_id, copy.deepcopy(newest["definition"]), 0,
                           int(newest["version"]), status, False)
    changed = newest is None or not _same(record["definition"], newest["definition"])
    return WorkingCopy(form_id, record["definition"], int(record["revision"]),
                       record.get("base_version"), status, changed)


def list_forms() -> list[dict[str, Any]]:
    """Return one row per form: title, status, live version, unpublished changes, submissions."""
    store = get_store()
    newest_of: dict[str, dict[str, Any]] = {}
    for version in store.find(registry.VERSIONS, order_by="version"):
        newest_of[version["form_id"]] = version
    records = {r["id"]: r for r in store.find(WORKING)}
    counts: dict[str, int] = {}
    for sub in store.find(SUBMISSIONS, predicate=lambda s: s.get("status") == "submitted"):
        counts[sub["form_id"]] = counts.get(sub["form_id"], 0) + 1
    rows = []
    for form_id in newest_of.keys() | records.keys():
        newest = newest_of.get(form_id)
        copy_ = _working_copy(form_id, records.get(form_id), newest)
        rows.append({
            "id": form_id,
            "title": copy_.title,
            "status": copy_.status,
            "version": newest["version"] if newest else None,
            "changed": copy_.changed,
            "submissions": counts.get(form_id, 0),
        })
    return sorted(rows, key=lambda row: (row["status"] == "archived", row["title"].lower()))


def submission_counts(form_id: str) -> dict[int, dict[str, int]]:
    """Return, per version, how many forms were sent and how many drafts are in progress."""
    counts: dict[int, dict[str, int]] = {}
    for sub in get_store().find(SUBMISSIONS, where={"form_id": form_id}):
        per = counts.setdefault(int(sub["form_version"]), {"submitted": 0, "draft": 0})
        per["submitted" if sub["status"] == "submitted" else "draft"] += 1
    return counts


def answered(form_id: str, name: str) -> int:
    """Count the sent forms and drafts, of any version, holding an answer to a question."""
    top = name.split(".")[0]
    return sum(
        1 for sub in get_store().find(SUBMISSIONS, where={"form_id": form_id})
        if sub.get("answers", {}).get(top) not in (None, "", [], {})
    )


def check(doc: Any) -> None:
    """Refuse a definition the meta-schema or the cross-checks reject."""
    errors = check_definition(doc)
    if errors:
        raise InvalidChange(errors)


STALE = (
    "Someone else changed this form while you were editing it, so your change was not saved. "
    "Look at the form as it is now and make your change again."
)


@within_transaction
def _save(user: dict[str, Any], form_id: str, revision: int | None, doc: Doc,
          before: Doc | None = None) -> None:  # fmt: skip
    """Store a checked working copy, refusing if someone else changed it since it was read."""
    check(doc)
    if before is not None:
        fact_bindings.keep_needed(before, doc)
    _write_working(user, form_id, doc, expected=revision, keep_base=True)


@within_transaction
def _write_working(
    user: dict[str, Any],
    form_id: str,
    doc: Doc,
    expected: int | None = None,
    base_version: int | None = None,
    keep_base: bool = False,
) -> None:
    """Write the working copy as the next revision; refuse if it is no longer `expected`."""
    store = get_store()
    if store.get(WORKING, form_id) is None:
        if expected not in (None, 0):
            raise Refused(STALE)
        if keep_base:
            newest = _newest(form_id)
            base_version = int(newest["version"]) if newest else None
        try:
            store.insert(WORKING, {"id": form_id, "definition": doc, "revision": 1,
                                   "base_version": base_version, "updated_by": user["email"]})
        except StoreError:
            raise Refused(STALE) from None
        return

    def apply(record: dict[str, Any]) -> dict[str, Any]:
        """Replace the definition if nobody else has changed it meanwhile."""
        if expected is not None and int(record["revision"]) != expected:
            raise Refused(STALE)
        new = {**record, "definition": doc, "revision": int(record["revision"]) + 1,
               "updated_by": user["email"]}
        if not keep_base:
            new["base_version"] = base_version
        return new

    store.update(WORKING, form_id, apply)


@transactional
def change(
    user: dict[str, Any],
    form_id: str,
    revision: int | None,
    action: str,
    edit: Callable[[Doc], Any],
    details: dict[str, Any] | None = None,
) -> Any:
    """Apply one edit to a copy of the working definition, check it, save it and audit it."""
    current = working_copy(form_id)
    if current.status == "archived":
        raise Refused("This form is archived. Restore it before changing it.")
    doc = copy.deepcopy(current.definition)
    result = edit(doc)
    # Only a published form feeds the process: a new one's bindings may come and go freely.
    published = current.status != "draft"
    _save(user, form_id, revision, doc, before=current.definition if published else None)
    audit.record(f"builder {action}", "form", form_id, details=details or {}, user=user)
    return result


def blocked(current: WorkingCopy, edit: Callable[[Doc], Any], this: bool = False) -> str:
    """Say why change() would refuse an edit for dropping a needed binding, or return ""."""
    if current.status == "draft":
        return ""
    return fact_bindings.blocked(current.definition, edit, this)


@transactional
def create_form(user: dict[str, Any], form_id: str, title: str, description: str) -> WorkingCopy:
    """Start a new form with one introduction page; nothing is live until it is published."""
    form_id = form_id.strip()
    _refuse_reserved(form_id, "id")
    if get_store().get(WORKING, form_id) is not None or _newest(form_id) is not None:
        raise Refused(f"There is already a form with the id '{form_id}'. Choose another id.", "id")
    doc = new_form(form_id, title.strip(), description.strip())
    errors = check_definition(doc)
    if errors:
        raise Refused(_id_or_reason(errors[0]), "id" if errors[0].path == "$.id" else "title")
    _save(user, form_id, None, doc)
    audit.record("builder create", "form", form_id, details={"title": doc["title"]}, user=user)
    return working_copy(form_id)


def _refuse_reserved(form_id: str, field: str) -> None:
    """Refuse an id the builder's own pages use."""
    if form_id in RESERVED_IDS:
        raise Refused(f"The form id cannot be '{form_id}': the form builder uses that word. "
                      "Choose another id.", field)


def _id_or_reason(error: DefinitionError) -> str:
    """Explain a refused new form in the words of the create page."""
    if error.path == "$.id":
        return f"The form id must be {ID_RULE}"
    return error.reason


@transactional
def publish(user: dict[str, Any], form_id: str, revision: int | None) -> int:
    """Publish the working copy as a new, immutable version and return its number."""
    current = working_copy(form_id)
    if current.status == "archived":
        raise Refused("This form is archived. Restore it before publishing it.")
    if revision is not None and revision != current.revision:
        raise Refused("Someone else changed this form since you opened this page. "
                      "Check the changes again before publishing.")
    if not current.changed:
        raise Refused("There are no changes to publish: the working copy is the same as the "
                      "live version.")
    return _publish(user, form_id, current.definition, "admin", "publish")


@within_transaction
def _publish(
    user: dict[str, Any], form_id: str, definition: Doc, source: str, action: str,
    details: dict[str, Any] | None = None,
) -> int:
    """Store a definition as the next version, make it the working copy, and audit it."""
    store = get_store()
    newest = _newest(form_id)
    number = (int(newest["version"]) + 1) if newest else 1
    doc = {**copy.deepcopy(definition), "version": number}
    check(doc)
    if newest is not None:
        fact_bindings.keep_needed(newest["definition"], doc)
    store.insert(registry.VERSIONS, {
        "id": registry.version_id(form_id, number),
        "form_id": form_id,
        "version": number,
        "definition": doc,
        "source": source,
        "status": "live",
        "published_by": user["email"],
    })
    for older in versions(form_id)[:-1]:
        if older.get("status") == "archived":
            store.update(registry.VERSIONS, older["id"], {"status": "live"})
    _write_working(user, form_id, doc, base_version=number)
    audit.record(f"builder {action}", "form", form_id,
                 details={**(details or {}), "version": number}, user=user)
    return number


def version_definition(form_id: str, version: int) -> Doc:
    """Return the stored definition of one published version."""
    record = get_store().get(registry.VERSIONS, registry.version_id(form_id, version))
    if record is None:
        raise NotFound(f"{form_id}@{version}")
    definition: Doc = record["definition"]
    return definition


@transactional
def revert(user: dict[str, Any], form_id: str, version: int) -> int:
    """Publish a copy of an old version as the newest version."""
    old = version_definition(form_id, version)
    if working_copy(form_id).status == "archived":
        raise Refused("This form is archived. Restore it before reverting it.")
    return _publish(user, form_id, old, "revert", "revert", {"from_version": version})


@transactional
def discard_changes(user: dict[str, Any], form_id: str) -> None:
    """Throw away unpublished changes, going back to the newest published version."""
    newest = _newest(form_id)
    if newest is None:
        raise Refused("This form has never been published, so there is nothing to go back to. "
                      "Delete it instead.")
    if get_store().get(WORKING, form_id) is not None:
        _write_working(user, form_id, newest["definition"], base_version=int(newest["version"]))
    audit.record("builder discard", "form", form_id, details={}, user=user)


@transactional
def save_json(user: dict[str, Any], form_id: str, revision: int | None, text: str) -> None:
    """Replace the working copy with JSON edited by hand, if the meta-schema accepts it."""
    doc = parse_json(text)
    if isinstance(doc, dict) and doc.get("id") != form_id:
        raise Refused(f"The id must stay '{form_id}'. To make a new form, use import instead.",
                      "definition")

    def replace(target: Doc) -> None:
        """Swap the whole document."""
        target.clear()
        target.update(doc)

    if not isinstance(doc, dict):
        check(doc)
    change(user, form_id, revision, "edit json", replace)


@transactional
def import_form(user: dict[str, Any], text: str) -> str:
    """Make a new form's working copy from exported JSON; return its id."""
    doc = parse_json(text)
    check(doc)
    form_id = str(doc["id"])
    _refuse_reserved(form_id, "definition")
    if get_store().get(WORKING, form_id) is not None or _newest(form_id) is not None:
        raise Refused(
            f"There is already a form with the id '{form_id}'. Change the id in the file, or "
            "open that form and paste the JSON into its JSON editor.", "definition")
    _save(user, form_id, None, doc)
    audit.record("builder import", "form", form_id, details={"title": doc["title"]}, user=user)
    return form_id


def export_json(user: dict[str, Any], form_id: str, version: int | None) -> str:
    """Return a version (or the working copy) as JSON text and audit the export."""
    if version is None:
        doc = working_copy(form_id).definition
    else:
        doc = version_definition(form_id, version)
    audit.record("builder export", "form", form_id,
                 details={"version": version or "working copy"}, user=user)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


@transactional
def retire(user: dict[str, Any], form_id: str) -> str:
    """Archive a form that has submissions or came with the toolkit; delete one that has not."""
    current = working_copy(form_id)
    blockers = retire_blockers(form_id)
    if blockers:
        raise Refused(fact_bindings.retire_refusal(blockers))
    store = get_store()
    records = versions(form_id)
    used = store.count(SUBMISSIONS, {"form_id": form_id})
    shipped = any(r.get("source") == "shipped" for r in records)
    if used or shipped:
        for record in records:
            store.update(registry.VERSIONS, record["id"], {"status": "archived"})
        outcome = "archived"
    else:
        for record in records:
            store.delete(registry.VERSIONS, record["id"])
        if store.get(WORKING, form_id) is not None:
            store.delete(WORKING, form_id)
        registry.forget_cached()
        outcome = "deleted"
    audit.record(f"builder {outcome}", "form", form_id,
                 details={"title": current.title, "submissions": used}, user=user)
    return outcome


def retire_blockers(form_id: str) -> list[fact_bindings.Bound]:
    """Return the needed facts only this form's live version fills, with a question for each."""
    live = registry.live(form_id)
    if live is None:
        return []
    others = [d.raw for d in registry.live_forms() if d.id != form_id]
    return fact_bindings.sole_writers(live.raw, others)


@transactional
def restore(user: dict[str, Any], form_id: str) -> None:
    """Bring an archived form back so staff can fill it in again."""
    records = versions(form_id)
    if not records or records[-1].get("status") != "archived":
        raise Refused("This form is not archived.")
    for record in records:
        get_store().update(registry.VERSIONS, record["id"], {"status": "live"})
    audit.record("builder restore", "form", form_id, details={}, user=user)
