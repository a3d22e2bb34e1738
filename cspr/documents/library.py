"""The template library: shipped and uploaded Word templates, each version kept, one in use.

Shipped templates (doc_templates/ in the repository) are copied into the data directory the
first time documents are used, so that every version a document was made from stays
readable even after an upgrade ships a new one.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cspr import audit
from cspr.exceptions import Refused
from cspr.storage import NotFound, StoreError, get_store, transactional, within_transaction
from cspr.storage.fsutil import atomic_write, make_private_dir

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "doc_templates"
MANIFEST = "manifest.json"
TEMPLATES = "document_templates"
VERSIONS = "document_template_versions"
AREA = "doc_templates"
SHIPPED_BY = "Shipped with the toolkit"
# Reading either of these makes a template a letter to the family, whatever it declares.
FAMILY_ADDRESS = frozenset({"family.addressee", "family.salutation"})
_SYNCED: set[str] = set()
_SYNC_LOCK = threading.Lock()


def _now() -> str:
    """Return the time now as UTC ISO text."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def shipped_manifest() -> list[dict[str, Any]]:
    """Return the shipped templates: id, title, description, file, to_family and needs."""
    data = json.loads((SHIPPED_DIR / MANIFEST).read_text(encoding="utf-8"))
    return list(data["templates"])


def _path(digest: str) -> Path:
    """Return where the template with this SHA-256 is kept."""
    return get_store().data_dir / AREA / f"{digest}.docx"


def _keep(content: bytes) -> str:
    """Store a template's bytes under their SHA-256, once; return the digest."""
    digest = hashlib.sha256(content).hexdigest()
    path = _path(digest)
    if not path.exists():
        make_private_dir(path.parent)
        atomic_write(path, [content])
    return digest


def version_id(template_id: str, number: int) -> str:
    """Name one stored version of a template."""
    return f"{template_id}@{number}"


@within_transaction
def _insert_version(template_id: str, number: int, content: bytes, **extra: Any) -> dict[str, Any]:
    """Record one version of a template, its file written first."""
    digest = _keep(content)
    return get_store().insert(
        VERSIONS,
        {
            "id": version_id(template_id, number),
            "template_id": template_id,
            "version": number,
            "sha256": digest,
            "size": len(content),
            "added_at": _now(),
            **extra,
        },
    )


def sync_shipped() -> None:
    """Copy shipped templates into storage once per process; new shipped versions follow on."""
    store = get_store()
    key = str(store.data_dir)
    if key in _SYNCED:
        return
    with _SYNC_LOCK:
        if key in _SYNCED:
            return
        for entry in shipped_manifest():
            try:
                _sync_one(entry)
            except StoreError:
                continue  # another process added it a moment ago
        _SYNCED.add(key)


@transactional
def _sync_one(entry: dict[str, Any]) -> None:
    """Add one shipped template, or its new version, to storage."""
    store = get_store()
    content = (SHIPPED_DIR / entry["file"]).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    found = versions(entry["id"])
    if any(v["sha256"] == digest and v["source"] == "shipped" for v in found):
        return
    number = max((v["version"] for v in found), default=0) + 1
    _insert_version(
        entry["id"], number, content, source="shipped", added_by=SHIPPED_BY, filename=entry["file"],
        to_family=bool(entry.get("to_family")), needs=list(entry.get("needs") or []),
    )  # fmt: skip
    record = store.get(TEMPLATES, entry["id"])
    if record is None:
        store.insert(
            TEMPLATES,
            {
                "id": entry["id"],
                "title": entry["title"],
                "description": entry["description"],
                "source": "shipped",
                "order": [e["id"] for e in shipped_manifest()].index(entry["id"]),
                "active_version": number,
            },
        )
        return
    active = store.get(VERSIONS, version_id(entry["id"], record["active_version"]))
    if active is None or active["source"] == "shipped":  # an admin's own upload stays in use
        store.update(TEMPLATES, entry["id"], {"active_version": number})


def list_templates() -> list[dict[str, Any]]:
    """Return every template, shipped ones in their order, then uploaded ones by title."""
    sync_shipped()
    found = get_store().find(TEMPLATES)
    return sorted(found, key=lambda t: (t.get("order", 99), t["title"].lower()))


def get_template(template_id: str) -> dict[str, Any] | None:
    """Return one template's record."""
    sync_shipped()
    return get_store().get(TEMPLATES, template_id)


def versions(template_id: str) -> list[dict[str, Any]]:
    """Return a template's versions, oldest first."""
    return get_store().find(VERSIONS, where={"template_id": template_id}, order_by="version")


def get_version(template_id: str, number: int) -> dict[str, Any] | None:
    """Return one version's record."""
    sync_shipped()
    return get_store().get(VERSIONS, version_id(template_id, number))


def read(version: dict[str, Any]) -> bytes:
    """Return the bytes of one template version."""
    return _path(version["sha256"]).read_bytes()


def active(template_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return a template and the version in use, or raise NotFound."""
    template = get_template(template_id)
    if template is None:
        raise NotFound(template_id)
    version = get_version(template_id, int(template["active_version"]))
    if version is None:
        raise NotFound(version_id(template_id, int(template["active_version"])))
    return template, version


def new_template_id(title: str) -> str:
    """Make an id for a new template from its title, unlike any other."""
    base = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:40] or "template"
    candidate, number = base, 2
    while get_store().get(TEMPLATES, candidate) is not None:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def rules(version: dict[str, Any]) -> tuple[bool, list[str]]:
    """Return whether a version is a letter to the family, and what it cannot be made without."""
    if "to_family" in version:
        to_family, needs = bool(version["to_family"]), list(version.get("needs") or [])
    else:  # kept from before templates declared these: the shipped template's own, if any
        entry = next((e for e in shipped_manifest() if e["id"] == version["template_id"]), {})
        to_family, needs = bool(entry.get("to_family")), list(entry.get("needs") or [])
    return to_family or bool(FAMILY_ADDRESS & set(version.get("paths") or [])), needs


@transactional
def add_version(
    user: dict[str, Any],
    template_id: str | None,
    title: str,
    content: bytes,
    filename: str,
    paths: list[str],
    to_family: bool | None = None,
) -> dict[str, Any]:
    """Store an accepted upload as the next version of a template (or a new one), not yet live.

    The version in use stays in use until an administrator has seen the new one's samples
    and made it live (make_live). A new version keeps what the template cannot be made
    without, and whether it is addressed to the family unless the upload says.
    """
    store = get_store()
    if template_id is None:
        if not title.strip():
            raise Refused("Enter a title for the new template", "title")
        template_id = new_template_id(title)
        store.insert(
            TEMPLATES,
            {
                "id": template_id,
                "title": " ".join(title.split())[:120],
                "description": "Uploaded by an administrator.",
                "source": "uploaded",
                "order": 99,
                "active_version": 0,  # none live until one is made live
            },
        )
    elif store.get(TEMPLATES, template_id) is None:
        raise NotFound(template_id)
    earlier = versions(template_id)
    number = max((v["version"] for v in earlier), default=0) + 1
    before, needs = rules(earlier[-1]) if earlier else (False, [])
    record = _insert_version(
        template_id, number, content, source="uploaded", added_by=user["name"], filename=filename,
        paths=paths, to_family=before if to_family is None else to_family, needs=needs,
    )  # fmt: skip
    audit.record(
        "upload", "document_template", record["id"], {"sha256": record["sha256"]}, user=user
    )
    return record


def is_live(template: dict[str, Any]) -> bool:
    """Say whether a template has a version in use (a new upload has none until made live)."""
    return int(template.get("active_version") or 0) > 0


@transactional
def use_version(user: dict[str, Any], template_id: str, number: int) -> dict[str, Any]:
    """Make a version of a template the one in use: a new one, or an earlier one again."""
    template = get_template(template_id)
    version = get_version(template_id, number)
    if template is None or version is None:
        raise NotFound(version_id(template_id, number))
    if int(template["active_version"]) == number:
        raise Refused(f"Version {number} is already in use")
    updated = get_store().update(TEMPLATES, template_id, {"active_version": number})
    first_time = not version.get("live_since") and version.get("source") == "uploaded"
    if first_time:
        get_store().update(VERSIONS, version["id"], {"live_since": _now()})
    audit.record(
        "make_live" if first_time else "rollback", "document_template", template_id,
        {"from": template["active_version"], "to": number}, user=user,
    )  # fmt: skip
    return updated
