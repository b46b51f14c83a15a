"""TRS "动静结合" (static page 1, the rest through a search API) — the real pingtan list page.

The column page is the real page's markup (data/portal/pingtan_list_template.html) with its
static <dl><dd> items replaced: at most `per_page` items, `maxStaticIndex: 1`, so no index_1.htm
exists. The page's script names what the list2.trsapi module asks the search API for
(channelid = SiteInfo.searchId, classsql chnlid=N, sortfield, prepage); /fjdzapp/search answers
with the JSON fields the page's own template reads (doctitle, chnldocurl, docreltime).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from html import escape
from pathlib import Path

from nianbao.portal.content import DATA_DIR, Item
from nianbao.portal.families.base import Request, Response, Writer, int_param
from nianbao.portal.markup import article_page, attachment_body
from nianbao.portal.spec import Agency, Site, pick

COLUMN_NAME = "政府信息公开年报"
SEARCH_API = "/fjdzapp/search"
SEARCH_ID = 200210  # SiteInfo.searchId: the search channel the page's script passes as channelid
TEMPLATE = DATA_DIR / "portal" / "pingtan_list_template.html"
_STATIC_OPEN = '<div class="rules_tabs_01 rules_tabs_no_bg" ms-visible="showStatic">'
_DYNAMIC_OPEN = '<div class="rules_tabs_01 rules_tabs_no_bg" ms-visible="!showStatic"'
_INDENT = " " * 40
# One static item exactly as the real page prints it (title link in a <dd>, date in the next).
_DL = (
    f"\n{_INDENT}<dl>\n{_INDENT}    <dd class=\"trt-col-sm-24 slb-trt-col-24 text_align_left\">\n"
    f'{_INDENT}        <a href="{{href}}" target="_blank" title="{{title}}">{{title}}</a>\n'
    f"{_INDENT}    </dd>\n"
    f'{_INDENT}    <dd class="trt-col-4 trt-col-sm-24 slb-trt-col-24 text_align_left">\n'
    f"{_INDENT}        {{date}}\n{_INDENT}    </dd>\n{_INDENT}</dl>\n{_INDENT[:-4]}"
)


def column_dir(agency: Agency) -> str:
    if agency.kind == "government" and agency.parent == "":
        return "/zwgk/zfxxgk/zfxxgknb/"
    return f"/zwgk/zfxxgk/bmnb/{agency.slug}/"


def column_url(site: Site, agency: Agency) -> str:
    return column_dir(agency) + "index.htm"


@lru_cache(maxsize=1)
def _template(path: Path = TEMPLATE) -> str:
    return path.read_text(encoding="utf-8")


def render(site: Site, agency: Agency, items: list[Item], out: Writer) -> None:
    base = column_dir(agency)
    for item in items:
        month = f"{item.published:%Y%m}"
        item.path = f"{base}{month}/t{item.published:%Y%m%d}_{item.docid}.htm"
        body = item.body
        if item.attachment_data is not None:
            name = (f"P0{item.published:%Y%m%d}{pick(item.agency_id, item.docid) % 10**12:012d}"
                    f".{item.format}")
            item.attachment = f"{base}{month}/{name}"
            out.data(item.attachment, item.attachment_data, item.published)
            body = attachment_body(item, f"./{name}")
        page = article_page(site, agency, COLUMN_NAME, item, body,
                            '<div class="article_content TRS_UEDITOR">{body}</div>')
        out.text(item.path, page, item.published)
    out.api(f"chnl{agency.number}", [
        {"docid": i.docid, "chnlid": agency.number, "doctitle": i.title, "chnldocurl": i.path,
         "docreltime": f"{i.published:%Y-%m-%d %H:%M:%S}"}
        for i in items
    ])
    mtime = max((i.published for i in items), default=dt.datetime(2020, 1, 1))
    out.text(column_url(site, agency), list_page(site, agency, items), mtime)


def list_page(site: Site, agency: Agency, items: list[Item]) -> str:
    """The real page with our site, channel, record count and first-page items put in."""
    page = _template()
    base = column_dir(agency)
    dls = "".join(_DL.format(href="." + i.path[len(base) - 1:], title=escape(i.title),
                             date=i.date) for i in items[:site.per_page])
    start = page.index(_STATIC_OPEN) + len(_STATIC_OPEN)
    end = page.rindex("</div>", start, page.index(_DYNAMIC_OPEN))
    page = page[:start] + "\n                                    " + dls + "\n" + page[end:]
    column = COLUMN_NAME if base.endswith("zfxxgknb/") else f"{agency.name}{COLUMN_NAME}"
    replacements = [
        ("https://www.pingtan.gov.cn/", "/"),
        ('content="www.pingtan.gov.cn"', f'content="{site.domain}"'),
        ('content="3590000001"', f'content="{site.site_code}"'),
        ("网站标识码：3590000001", f"网站标识码：{site.site_code}"),
        ("平潭综合实验区党工委管委会", site.name),
        ('<meta name="ChnlId" content="1813">', f'<meta name="ChnlId" content="{agency.number}">'),
        ('"" || "chnlid=1813"', f'"" || "chnlid={agency.number}"'),
        ("recordCount: '20'", f"recordCount: '{len(items)}'"),
        (f"prepage: {10}", f"prepage: {site.per_page}"),
        ('<meta name="ColumnName" content="政府信息公开年报"/>',
         f'<meta name="ColumnName" content="{escape(column)}"/>'),
        ("searchId: 200210", f"searchId: {SEARCH_ID}"),
    ]
    for old, new in replacements:
        page = page.replace(old, new)
    return page


def handle(request: Request) -> Response | None:
    if request.path != SEARCH_API:
        return None
    params = request.params
    m = re.search(r"chnlid\s*=\s*(\d+)", params.get("classsql", ""))
    docs = request.api_data(f"chnl{m.group(1)}") if m else None
    docs = docs if isinstance(docs, list) else []
    per = max(1, int_param(params, "prepage", request.site.per_page))
    page = max(1, int_param(params, "page", 1))
    data = [dict(d, chnldocurl=request.origin + d["chnldocurl"])
            for d in docs[(page - 1) * per:page * per]]
    return Response.json({"page": page, "prepage": per, "pagecount": -(-len(docs) // per),
                          "recordcount": len(docs), "data": data})
