"""The CMS families the crawler knows, and how to tell which one made a page.

Detection order matters: the specific markers first (Hanweb's datastore, the 动静结合 config, a
JSON-API shell, TRS's createPageHTML), the plain dated-links list last, as the fallback.
"""

from __future__ import annotations

from scrapy.http import TextResponse

from crawler.adapters.base import Adapter, ListItem
from crawler.adapters.hanweb import Hanweb
from crawler.adapters.jsonapi import JsonApi
from crawler.adapters.plain import Plain
from crawler.adapters.trs import TRS
from crawler.adapters.trs_dynamic import TrsDynamic

ADAPTERS: dict[str, Adapter] = {
    a.name: a for a in (Hanweb(), TrsDynamic(), JsonApi(), TRS(), Plain())
}

__all__ = ["ADAPTERS", "Adapter", "ListItem", "adapter_for", "detect_family"]


def detect_family(response: TextResponse) -> str | None:
    """The family whose markers this list page carries, or None when nothing fits."""
    return next((name for name, a in ADAPTERS.items() if a.detect(response)), None)


def adapter_for(name: str) -> Adapter:
    """The adapter for a registry `cms` value (KeyError names an unknown family)."""
    return ADAPTERS[name]
