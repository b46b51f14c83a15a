"""大汉 Hanweb jcms: /col/colN/index.html with the list in a <script type="text/xml"> datastore.

The page holds the first `perPage` records; the rest come from the dataproxy.jsp endpoint, POSTed
with the jpage form fields (col, appid, webid, path, columnid, sourceContentType, unitid, webname,
permissiontype) and a startrecord/endrecord range, answering the same datastore XML.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from urllib.parse import quote

from nianbao.portal.content import Item
from nianbao.portal.families.base import Request, Response, Writer, int_param
from nianbao.portal.markup import ATTACHMENT_TYPES, article_page, attachment_body, head_meta
from nianbao.portal.spec import Agency, Site, pick

COLUMN_NAME = "政府信息公开年报"
PROXY = "/module/web/jpage/dataproxy.jsp"
DOWNLOAD = "/module/download/downfile.jsp"
FILES = "/module/download/files/"


def column_url(site: Site, agency: Agency) -> str:
    return f"/col/col{agency.number}/index.html"


def unit_id(agency: Agency) -> int:
    return agency.number + 4000


def web_id(site: Site) -> int:
    return site.port_offset + 1


def record(item: Item) -> str:
    return (f'<li><a href="{item.path}" target="_blank" title="{escape(item.title)}">'
            f"{escape(item.title)}</a><span>{item.date}</span></li>")


def render(site: Site, agency: Agency, items: list[Item], out: Writer) -> None:
    col = agency.number
    for item in items:
        p = item.published
        item.path = f"/art/{p.year}/{p.month}/{p.day}/art_{col}_{item.docid}.html"
        body = item.body
        if item.attachment_data is not None:
            name = f"{p:%y%m%d%H%M}{pick(item.agency_id, item.docid) % 10**6:06d}.{item.format}"
            out.data(FILES + name, item.attachment_data, p)
            item.attachment = f"{DOWNLOAD}?classid=0&filename={name}"
            body = attachment_body(item, item.attachment)
        page = article_page(site, agency, COLUMN_NAME, item, body,
                            '<div id="zoom" class="bt-content">{body}</div>')
        out.text(item.path, page, p)
    out.api(f"col{col}", [record(i) for i in items])
    mtime = max((i.published for i in items), default=dt.datetime(2020, 1, 1))
    out.text(column_url(site, agency), _column_page(site, agency, items), mtime)


def _column_page(site: Site, agency: Agency, items: list[Item]) -> str:
    col, unit, per = agency.number, unit_id(agency), site.per_page
    records = "".join(f"<record><![CDATA[\n{record(i)}\n]]></record>" for i in items[:per])
    nextgroup = (f'<a href="{PROXY}?page=1&webid={web_id(site)}&path=/&columnid={col}'
                 f'&unitid={unit}&webname={quote(site.name)}&permissiontype=0"></a>')
    return f"""<!DOCTYPE html>
<html>
<head>
{head_meta(site, agency, COLUMN_NAME)}
<title>{COLUMN_NAME} {escape(agency.name)} {escape(site.name)}</title>
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
</head>
<body>
<div class="top"><a href="/">{escape(site.name)}</a></div>
<div class="bt-position">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt;
<a href="/col/col{col}/index.html">{escape(agency.name)}{COLUMN_NAME}</a></div>
<div class="default_pgContainer">
<div id="{unit}">{_datastore_script(nextgroup, records)}</div>
</div>
<script type="text/javascript">var totalRecord = {len(items)}; var perPage = {per};</script>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
$(document).ready(function(){{
    $('#{unit}').jpage({{
        dataStore: dataStore,
        proxyUrl: '{PROXY}',
        perPage: {per},
        totalRecord: {len(items)},
        groupSize: 1,
        barPosition: 'bottom',
        ajaxParam: {{col: 1, appid: 1, webid: {web_id(site)}, path: '/', columnid: {col},
                    sourceContentType: 1, unitid: {unit}, webname: '{escape(site.name)}',
                    permissiontype: 0}}
    }});
}});
</script>
</body>
</html>
"""


def _datastore_script(nextgroup: str, records: str) -> str:
    return (f'<script type="text/xml"><datastore><nextgroup><![CDATA[{nextgroup}]]></nextgroup>'
            f"<recordset>{records}</recordset></datastore></script>")


def datastore(records: list[str], total: int, per_page: int, encoding: str) -> bytes:
    body = "".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records)
    pages_ = -(-total // per_page) if per_page > 0 else 0
    xml = (f'<?xml version="1.0" encoding="{encoding.upper()}"?><datastore>'
           f"<totalrecord>{total}</totalrecord><totalpage>{pages_}</totalpage>"
           f"<recordset>{body}</recordset></datastore>")
    return xml.encode(encoding, errors="xmlcharrefreplace")


def handle(request: Request) -> Response | None:
    if request.path == PROXY:
        return _proxy(request)
    if request.path == DOWNLOAD:
        name = request.params.get("filename", "")
        path = request.root / FILES.strip("/") / name
        if "/" in name or not path.is_file():
            return Response(404, b"file not found", "text/plain; charset=utf-8")
        ctype = ATTACHMENT_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
        disposition = f"attachment; filename={name}"
        return Response(200, path.read_bytes(), ctype, {"Content-Disposition": disposition})
    return None


def _proxy(request: Request) -> Response:
    params = request.params
    encoding = request.site.encoding
    ctype = f"text/xml; charset={encoding.upper()}"
    if "columnid" not in params:
        return Response(400, b"columnid required", "text/plain; charset=utf-8")
    records = request.api_data(f"col{params['columnid']}")
    if not isinstance(records, list):
        return Response(200, datastore([], 0, 1, encoding), ctype)
    per = max(1, int_param(params, "perpage", request.site.per_page))
    start = max(1, int_param(params, "startrecord", 1))
    end = int_param(params, "endrecord", start + per - 1)
    return Response(200, datastore(records[start - 1:end], len(records), per, encoding), ctype)
