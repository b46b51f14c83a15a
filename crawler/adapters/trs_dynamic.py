"""TRS "动静结合": page 1 is static HTML, every later page exists only behind the search API.

The real page (www.pingtan.gov.cn, tests/fixtures/crawl/) configures its list in a script:
``listModel({quickMode: "动静结合", maxStaticIndex: 1, listArgs: {channelid: SiteInfo.searchId,
classsql: "" || "chnlid=1813", sortfield: "-docorderpri,-docreltime"}, pagebar: {prepage: 10,
recordCount: '20'}})``. There is no index_1.htm: a spider that follows only static pages misses
everything after the first ten items. The page does not spell out the endpoint (list2.trsapi
builds it): TRS sites of this template answer ``/fjdzapp/search?channelid=…&classsql=…&page=N``
with ``{"pagecount", "data": [{"doctitle", "chnldocurl", "docreltime"}]}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import TextResponse

from crawler.adapters.base import Adapter, ListItem, iso_date, json_object
from crawler.adapters.trs import article_links
from crawler.titles import normalize

SEARCH_PATH = "/fjdzapp/search"
QUICK_MODE = re.compile(r"quickMode\s*:\s*['\"]动静结合['\"]")
# One alternative of a config value — 'quoted', "quoted" or bare — and the || that may follow it.
TOKEN = re.compile(r"""\s*(?:'([^']*)'|"([^"]*)"|([\w.]+))\s*(\|\|)?""")


def _setting(name: str, text: str) -> str | None:
    """A value from the listModel config: ``name: 10``, ``name: '20'``, ``name: "" || "x"``."""
    match = re.search(rf"\b{name}\s*:", text)
    if not match:
        return None
    pos, values = match.end(), []
    while token := TOKEN.match(text, pos):
        values.append(next((g for g in token.groups()[:3] if g is not None), ""))
        pos = token.end()
        if not token.group(4):
            break
    return next((v for v in values if v), None)


def search_config(text: str) -> dict[str, str | int] | None:
    """The API arguments and page counts the page's script sets up, or None when absent."""
    if not QUICK_MODE.search(text):
        return None
    channel = _setting("channelid", text)
    if channel and not channel.isdigit():  # SiteInfo.searchId: look the value up
        channel = _setting(channel.split(".")[-1], text)
    prepage = int(_setting("prepage", text) or 10)
    records = int(_setting("recordCount", text) or 0)
    return {
        "channelid": channel or "", "classsql": _setting("classsql", text) or "",
        "sortfield": _setting("sortfield", text) or "", "prepage": prepage,
        "pages": -(-records // prepage), "first": int(_setting("maxStaticIndex", text) or 1) + 1,
    }


def _payload(response: TextResponse) -> dict | None:
    data = json_object(response)
    return data if data is not None and isinstance(data.get("data"), list) else None


class TrsDynamic(Adapter):
    name = "trs_dynamic"

    def detect(self, response: TextResponse) -> bool:
        return _payload(response) is not None or search_config(response.text) is not None

    def items(self, response: TextResponse) -> list[ListItem]:
        data = _payload(response)
        if data is None:
            return article_links(response)
        return [
            ListItem(response.urljoin(row["chnldocurl"]), normalize(row.get("doctitle", "")),
                     iso_date(row.get("docreltime")))
            for row in data.get("data") or [] if isinstance(row, dict) and row.get("chnldocurl")
        ]

    def more_pages(self, response: TextResponse) -> Iterable[Request]:
        """From the static page: every API page after the static ones, as its pager counts them.

        An API page that reports more pages than the static count asked for adds the rest.
        """
        data = _payload(response)
        if data is not None:
            page, count = int(data.get("page") or 0), int(data.get("pagecount") or 0)
            base = response.url.split("&page=")[0]
            return [Request(f"{base}&page={n}") for n in range(page + 1, count + 1)]
        config = search_config(response.text)
        if config is None:
            return []
        query = urlencode({k: config[k] for k in ("channelid", "classsql", "sortfield", "prepage")})
        url = response.urljoin(f"{SEARCH_PATH}?{query}")
        return [Request(f"{url}&page={n}") for n in range(config["first"], config["pages"] + 1)]
