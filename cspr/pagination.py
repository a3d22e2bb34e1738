"""Pages of a long list, and the parameters of the GOV.UK pagination component for them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def page_count(total: int, per_page: int) -> int:
    """Return how many pages a list of total items fills (at least one)."""
    return max(1, -(-total // per_page))


def page_number(asked: str | None, pages: int) -> int:
    """Read the ?page= number, keeping it within 1..pages (nonsense means the first page)."""
    try:
        number = int(asked or 1)
    except ValueError:
        return 1
    return min(max(number, 1), pages)


def govuk_pagination(
    page: int, pages: int, href: Callable[[int], str], label: str = "Pagination"
) -> dict[str, Any] | None:
    """Return govukPagination's parameters: previous, next, the first, last and nearby pages."""
    if pages <= 1:
        return None
    shown = sorted({1, pages, *range(max(1, page - 1), min(pages, page + 1) + 1)})
    items: list[dict[str, Any]] = []
    for number in shown:
        if items and number - items[-1].get("number", 0) > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == page})
    params: dict[str, Any] = {"items": items, "landmarkLabel": label}
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < pages:
        params["next"] = {"href": href(page + 1)}
    return params
