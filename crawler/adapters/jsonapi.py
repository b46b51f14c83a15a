"""An HTML shell whose list is loaded from a JSON API (``data-api`` on the list element).

The column page holds no items: ``<div id="list" data-api="/api/content/list" data-channel-id="101"
data-page-size="5">``. The API answers ``{"data": {"pages": 2, "list": [{"title", "url",
"publishDate"}]}}`` for ``?channelId=101&pageNo=1&pageSize=5``; page 1 tells how many pages exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qs, urlencode, urlsplit

from scrapy import Request
from scrapy.http import TextResponse

from crawler.adapters.base import Adapter, ListItem, iso_date, json_object
from crawler.titles import normalize

SHELL = "[data-api][data-channel-id]"
PAGE_SIZE = 20  # fewer requests than the site's 5; the API allows up to 50


def _payload(response: TextResponse) -> dict | None:
    """The API's answer as a dict, or None for the HTML shell (or anything that is not JSON)."""
    inner = (json_object(response) or {}).get("data")
    return inner if isinstance(inner, dict) else None


class JsonApi(Adapter):
    name = "jsonapi"

    def detect(self, response: TextResponse) -> bool:
        return bool(response.css(SHELL)) if _payload(response) is None else True

    def items(self, response: TextResponse) -> list[ListItem]:
        data = _payload(response) or {}
        return [
            ListItem(response.urljoin(row["url"]), normalize(row.get("title", "")),
                     iso_date(row.get("publishDate")))
            for row in data.get("list") or [] if isinstance(row, dict) and row.get("url")
        ]

    def more_pages(self, response: TextResponse) -> Iterable[Request]:
        data = _payload(response)
        if data is None:  # the shell: ask the API for page 1
            shell = response.css(SHELL)[0].attrib
            query = urlencode({"channelId": shell["data-channel-id"], "pageNo": 1,
                               "pageSize": PAGE_SIZE})
            return [Request(response.urljoin(f"{shell['data-api']}?{query}"))]
        split = urlsplit(response.url)
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        if query.get("pageNo", "1") != "1":
            return []
        return [
            Request(split._replace(query=urlencode({**query, "pageNo": n})).geturl())
            for n in range(2, int(data.get("pages") or 1) + 1)
        ]
