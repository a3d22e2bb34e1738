"""The answers an admin gives while previewing a form: kept between its pages, never submitted."""

from __future__ import annotations

from typing import Any

from cspr.storage import get_store, transactional

PREVIEWS = "form_previews"


def preview_answers(user: dict[str, Any], form_id: str) -> dict[str, Any]:
    """Return the answers an admin has given in a preview (never a real submission)."""
    record = get_store().get(PREVIEWS, f"{user['id']}-{form_id}")
    return dict(record["answers"]) if record else {}


@transactional
def save_preview_answers(user: dict[str, Any], form_id: str, answers: dict[str, Any]) -> None:
    """Keep the preview's answers between its pages."""
    store = get_store()
    key = f"{user['id']}-{form_id}"
    if store.get(PREVIEWS, key) is None:
        store.insert(PREVIEWS, {"id": key, "answers": answers})
    else:
        store.update(PREVIEWS, key, {"answers": answers})


@transactional
def clear_preview(user: dict[str, Any], form_id: str) -> None:
    """Forget a preview's answers."""
    key = f"{user['id']}-{form_id}"
    if get_store().get(PREVIEWS, key) is not None:
        get_store().delete(PREVIEWS, key)
