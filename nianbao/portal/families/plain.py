"""A plain HTML list (often an old GBK site): a table of links and 首页/上一页/下一页 anchors."""

from __future__ import annotations

import datetime as dt
from html import escape

from nianbao.portal.content import Item
from nianbao.portal.families.base import Request, Response, Writer, pages
from nianbao.portal.markup import article_page, attachment_body, head_meta
from nianbao.portal.spec import Agency, Site

COLUMN_NAME = "政府信息公开年报"


def column_dir(agency: Agency) -> str:
    return f"/xxgk/{agency.slug}/"


def column_url(site: Site, agency: Agency) -> str:
    return column_dir(agency) + "index.html"


def page_name(n: int) -> str:
    """1-based: index.html, index_2.html, index_3.html…"""
    return "index.html" if n == 1 else f"index_{n}.html"


def render(site: Site, agency: Agency, items: list[Item], out: Writer) -> None:
    base = column_dir(agency)
    for item in items:
        if item.kind == "trap":
            item.path = f"/private/{agency.slug}/{item.docid}.html"
        else:
            item.path = f"{base}{item.published:%Y/%m%d}/{item.docid}.html"
        body = item.body
        if item.attachment_data is not None:
            item.attachment = item.path.replace(".html", f".{item.format}")
            out.data(item.attachment, item.attachment_data, item.published)
            body = attachment_body(item, item.attachment.rsplit("/", 1)[-1])
        page = article_page(site, agency, COLUMN_NAME, item, body,
                            '<div class="content"><div id="fontzoom">{body}</div></div>')
        out.text(item.path, page, item.published)
    chunks = pages(items, site.per_page)
    mtime = max((i.published for i in items), default=dt.datetime(2020, 1, 1))
    for n, chunk in enumerate(chunks, start=1):
        out.text(base + page_name(n), _list_page(site, agency, chunk, n, len(chunks)), mtime)


def _href(agency: Agency, item: Item) -> str:
    base = column_dir(agency)
    return "." + item.path[len(base) - 1:] if item.path.startswith(base) else item.path


def _list_page(site: Site, agency: Agency, chunk, n: int, count: int) -> str:
    rows = "\n".join(
        f'<tr><td class="title">·<a href="{_href(agency, i)}" target="_blank">{escape(i.title)}'
        f'</a></td><td class="date">{i.date}</td></tr>'
        for i in chunk
    )
    nav = [f'<a href="{page_name(1)}">首页</a>']
    if n > 1:
        nav.append(f'<a href="{page_name(n - 1)}">上一页</a>')
    if n < count:
        nav.append(f'<a href="{page_name(n + 1)}">下一页</a>')
    nav.append(f'<a href="{page_name(count)}">尾页</a>')
    return f"""<html>
<head>
{head_meta(site, agency, COLUMN_NAME)}
<title>{escape(agency.name)}--{COLUMN_NAME}</title>
</head>
<body>
<table width="980" align="center"><tr><td><a href="/">{escape(site.name)}</a></td></tr></table>
<table width="980" align="center" class="list">
<tr><td colspan="2" class="lm">{escape(agency.name)} {COLUMN_NAME}</td></tr>
{rows}
</table>
<div class="page">共{count}页 第{n}页 {" ".join(nav)}</div>
</body>
</html>
"""


def handle(request: Request) -> Response | None:
    return None
