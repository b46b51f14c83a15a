"""大汉 Hanweb jcms: the list sits in <script type="text/xml"><datastore>; more records by POST.

The column page carries the first records as CDATA inside ``<record>`` elements, and a script with
``var totalRecord = 23; var perPage = 5;`` and the jpage ``ajaxParam`` ({columnid, unitid, webid…}).
The rest comes from ``POST /module/web/jpage/dataproxy.jsp?startrecord=6&endrecord=10&perpage=5``
with those fields as the form; its answer is the same ``<datastore>`` XML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from parsel import Selector
from scrapy import FormRequest, Request
from scrapy.http import TextResponse

from crawler.adapters.base import Adapter, ListItem, row_items

RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
PROXY = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+)['\"]")
AJAX_PARAM = re.compile(r"ajaxParam\s*:\s*\{([^}]*)\}", re.S)
PARAM = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([\w.-]+))")
NUMBER = r"(?:var\s+)?{}\s*[=:]\s*['\"]?(\d+)"
DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"


def records(text: str) -> list[Selector]:
    """The HTML fragments inside the datastore's records, each as its own selector."""
    return [Selector(text=fragment) for fragment in RECORD.findall(text)]


def _number(name: str, text: str) -> int | None:
    match = re.search(NUMBER.format(name), text)
    return int(match.group(1)) if match else None


class Hanweb(Adapter):
    name = "hanweb"

    def detect(self, response: TextResponse) -> bool:
        return "<datastore>" in response.text and "<recordset>" in response.text

    def items(self, response: TextResponse) -> list[ListItem]:
        links = [a for record in records(response.text) for a in record.css("a[href]")]
        return row_items(response, links)

    def more_pages(self, response: TextResponse) -> Iterable[Request]:
        """From the column page only: one POST per block of perPage records after the first."""
        text = response.text
        total, per_page = _number("totalRecord", text), _number("perPage", text)
        params = AJAX_PARAM.search(text)
        if not (total and per_page and params):
            return []
        form = {m.group(1): next(g for g in m.groups()[1:] if g is not None)
                for m in PARAM.finditer(params.group(1))}
        proxy = PROXY.search(text)
        url = response.urljoin(proxy.group(1) if proxy else DEFAULT_PROXY)
        return [
            FormRequest(f"{url}?startrecord={start}&endrecord={min(start + per_page - 1, total)}"
                        f"&perpage={per_page}", formdata=form)
            for start in range(per_page + 1, total + 1, per_page)
        ]
