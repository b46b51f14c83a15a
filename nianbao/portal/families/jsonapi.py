"""A column that is an empty HTML shell; its items come from /api/content/list as paged JSON."""

from __future__ import annotations

import datetime as dt
from html import escape

from nianbao.portal.content import Item
from nianbao.portal.families.base import Request, Response, Writer, int_param
from nianbao.portal.markup import article_page, attachment_body, head_meta
from nianbao.portal.spec import Agency, Site

COLUMN_NAME = "政府信息公开年报"
API = "/api/content/list"
MAX_PAGE_SIZE = 50


def column_url(site: Site, agency: Agency) -> str:
    return f"/zwgk/xxgknb/{agency.number}/index.html"


def render(site: Site, agency: Agency, items: list[Item], out: Writer) -> None:
    channel = agency.number
    for item in items:
        item.path = f"/content/{channel}/{item.docid}.html"
        body = item.body
        if item.attachment_data is not None:
            item.attachment = f"/uploadfiles/{item.published:%Y%m}/{item.docid}.{item.format}"
            out.data(item.attachment, item.attachment_data, item.published)
            body = attachment_body(item, item.attachment)
        page = article_page(site, agency, COLUMN_NAME, item, body,
                            '<div class="article-content" id="content">{body}</div>')
        out.text(item.path, page, item.published)
    out.api(f"channel{channel}", [
        {"id": str(i.docid), "title": i.title, "url": i.path,
         "publishDate": f"{i.published:%Y-%m-%d %H:%M:%S}", "source": agency.name}
        for i in items
    ])
    mtime = max((i.published for i in items), default=dt.datetime(2020, 1, 1))
    out.text(column_url(site, agency), _shell(site, agency), mtime)


def _shell(site: Site, agency: Agency) -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
{head_meta(site, agency, COLUMN_NAME)}
<title>{COLUMN_NAME}-{escape(agency.name)}</title>
</head>
<body>
<div id="app">
<div class="crumb"><a href="/">首页</a> / <a href="/zwgk/">政务公开</a> / {COLUMN_NAME}</div>
<h2>{escape(agency.name)}{COLUMN_NAME}</h2>
<div id="list" data-api="{API}" data-channel-id="{agency.number}" data-page-size="{site.per_page}">
<ul class="news-list"></ul>
<div class="pagination"></div>
</div>
</div>
<script>
(function () {{
  var box = document.getElementById("list");
  function load(pageNo) {{
    var url = box.dataset.api + "?channelId=" + box.dataset.channelId +
              "&pageNo=" + pageNo + "&pageSize=" + box.dataset.pageSize;
    fetch(url).then(function (r) {{ return r.json(); }}).then(function (res) {{
      var ul = box.querySelector("ul");
      ul.innerHTML = res.data.list.map(function (d) {{
        return '<li><a href="' + d.url + '" title="' + d.title + '">' + d.title +
               '</a><span>' + d.publishDate.substring(0, 10) + '</span></li>';
      }}).join("");
      box.querySelector(".pagination").textContent = pageNo + " / " + res.data.pages;
    }});
  }}
  load(1);
}})();
</script>
</body>
</html>
"""


def handle(request: Request) -> Response | None:
    if request.path != API:
        return None
    params = request.params
    items = request.api_data(f"channel{params.get('channelId', '')}")
    if not isinstance(items, list):
        return Response.json({"code": 404, "msg": "channel not found", "data": None})
    size = min(MAX_PAGE_SIZE, max(1, int_param(params, "pageSize", request.site.per_page)))
    page = max(1, int_param(params, "pageNo", 1))
    total = len(items)
    return Response.json({
        "code": 200, "msg": "success",
        "data": {"total": total, "pageNo": page, "pageSize": size,
                 "pages": -(-total // size), "list": items[(page - 1) * size:page * size]},
    })
