"""Markup every family shares: the government-site meta tags, attachment links, the home page."""

from __future__ import annotations

from html import escape

from nianbao.portal.content import Item
from nianbao.portal.spec import Agency, Site

ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def charset(site: Site) -> str:
    """The charset a site declares: GBK sites say gb2312, as the old ones do."""
    return "gb2312" if site.encoding.lower() in ("gbk", "gb2312", "gb18030") else "utf-8"


def head_meta(site: Site, agency: Agency, column: str, item: Item | None = None) -> str:
    """The 政府网站 meta tags: site, column, and ArticleTitle/PubDate/ContentSource on articles."""
    tags = [
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset(site)}">',
        f'<meta name="SiteName" content="{escape(site.name)}">',
        f'<meta name="SiteDomain" content="{site.domain}">',
        f'<meta name="SiteIDCode" content="{site.site_code}">',
        f'<meta name="ColumnName" content="{escape(column)}">',
        '<meta name="ColumnType" content="政府信息公开年报">',
    ]
    if item is not None:
        tags += [
            f'<meta name="ArticleTitle" content="{escape(item.title)}">',
            f'<meta name="PubDate" content="{item.published:%Y-%m-%d %H:%M}">',
            f'<meta name="ContentSource" content="{escape(agency.name)}">',
            f'<meta name="Keywords" content="{escape(item.title)}">',
            f'<meta name="Description" content="{escape(item.title)}">',
            f'<meta name="Url" content="http://{site.domain}{item.path}">',
        ]
    return "\n".join(tags)


def attachment_body(item: Item, href: str) -> str:
    """An article whose whole body is the link to its attachment (common for PDF/Word reports)."""
    name = f"{item.title}.{item.format}"
    return (f'<p>附件：<a href="{escape(href)}" target="_blank" title="{escape(name)}">'
            f"{escape(name)}</a></p>")


def article_page(site: Site, agency: Agency, column: str, item: Item, body: str,
                 container: str) -> str:
    """A plain article page; families pass their own body container (TRS_Editor, zoom…)."""
    return f"""<!DOCTYPE html>
<html>
<head>
{head_meta(site, agency, column, item)}
<title>{escape(item.title)}_{escape(column)}_{escape(site.name)}</title>
</head>
<body>
<div class="header"><a href="/">{escape(site.name)}</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="article">
<h1 class="title">{escape(item.title)}</h1>
<div class="info"><span>发布时间：{item.published:%Y-%m-%d %H:%M}</span>
<span>来源：{escape(agency.name)}</span></div>
{container.format(body=body)}
</div>
<div class="footer">版权所有：{escape(site.name)} 网站标识码：{site.site_code}</div>
</body>
</html>
"""


def home_page(site: Site, columns: list[tuple[Agency, str]]) -> str:
    """The site home and its 政务公开 page: where a discovery spider finds the 年报 columns."""
    links = "\n".join(
        f'<li><a href="{escape(url)}">{escape(agency.name)} 政府信息公开年报</a></li>'
        for agency, url in columns
    )
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset(site)}">
<meta name="SiteName" content="{escape(site.name)}">
<meta name="SiteDomain" content="{site.domain}">
<meta name="SiteIDCode" content="{site.site_code}">
<title>{escape(site.name)}</title>
</head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a>
<a href="/zwgk/">政府信息公开</a> <a href="https://www.gov.cn/">中国政府网</a></div>
<h2>政府信息公开</h2>
<ul class="xxgk">
<li><a href="/zwgk/">政府信息公开指南</a></li>
{links}
</ul>
</body>
</html>
"""


ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n"
