"""Parsing Word's XML safely: no entities expanded, nothing fetched from the network."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree


@lru_cache(maxsize=1)
def safe_parser() -> etree.XMLParser:
    """Return the parser, importing lxml only when a document is first read."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True)
