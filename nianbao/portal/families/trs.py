"""TRS WCM: index.html, index_1.html… paged by a createPageHTML() script, ./YYYYMM/tYYYYMMDD_N.html.

The pager is only a script call, exactly as TRS publishes it, so a spider that follows <a> links
sees page 1 and nothing else; it has to read countPage from the script.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from nianbao.portal.content import Item
from nianbao.portal.families.base import Request, Response, Writer, pages
from nianbao.portal.markup import article_page, attachment_body, head_meta
from nianbao.portal.spec import Agency, Site, pick

COLUMN_NAME = "政府信息公开年报"

# The function TRS sites ship with their list templates (document.write of the pager).
CREATE_PAGE_HTML = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
    if(_nPageCount == null || _nPageCount<=1){ return; }
    var nCurrIndex = _nCurrIndex || 0;
    if(nCurrIndex == 0){ document.write("<span>首页</span>&nbsp;"); }
    else { document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;"); }
    if(nCurrIndex > 0){
        var prev = nCurrIndex == 1 ? _sPageName+"."+_sPageExt
                                   : _sPageName+"_"+(nCurrIndex-1)+"."+_sPageExt;
        document.write("<a href=\\""+prev+"\\">上一页</a>&nbsp;");
    }
    if(nCurrIndex < _nPageCount-1){
        var next = _sPageName+"_"+(nCurrIndex+1)+"."+_sPageExt;
        document.write("<a href=\\""+next+"\\">下一页</a>&nbsp;");
        document.write("<a href=\\""+_sPageName+"_"+(_nPageCount-1)+"."+_sPageExt+"\\">尾页</a>");
    }
}
</script>"""


def column_dir(agency: Agency) -> str:
    if agency.kind == "government" and agency.parent == "":
        return "/zwgk/zfxxgk/zfxxgknb/"
    return f"/zwgk/bmxxgk/{agency.slug}/zfxxgknb/"


def column_url(site: Site, agency: Agency) -> str:
    return column_dir(agency) + "index.html"


def attachment_name(item: Item) -> str:
    """P0 + date + 12 digits, the way TRS names uploaded files."""
    digits = pick(item.agency_id, item.docid) % 10**12
    return f"P0{item.published:%Y%m%d}{digits:012d}.{item.format}"


def render(site: Site, agency: Agency, items: list[Item], out: Writer) -> None:
    base = column_dir(agency)
    for item in items:
        month = f"{item.published:%Y%m}"
        item.path = f"{base}{month}/t{item.published:%Y%m%d}_{item.docid}.html"
        body = item.body
        if item.attachment_data is not None:
            name = attachment_name(item)
            item.attachment = f"{base}{month}/{name}"
            out.data(item.attachment, item.attachment_data, item.published)
            body = attachment_body(item, f"./{name}")
        page = article_page(site, agency, COLUMN_NAME, item, body,
                            '<div class="TRS_Editor">{body}</div>')
        out.text(item.path, page, item.published)
    chunks = pages(items, site.per_page)
    for n, chunk in enumerate(chunks):
        name = "index.html" if n == 0 else f"index_{n}.html"
        mtime = max((i.published for i in items), default=dt.datetime(2020, 1, 1))
        out.text(base + name, _list_page(site, agency, chunk, n, len(chunks)), mtime)


def _list_page(site: Site, agency: Agency, chunk, current: int, count: int) -> str:
    lis = "\n".join(
        f'<li><a href=".{i.path[len(column_dir(agency)) - 1:]}" '
        f'target="_blank" title="{escape(i.title)}">{escape(i.title)}</a>'
        f"<span>{i.date}</span></li>"
        for i in chunk
    )
    return f"""<!DOCTYPE html>
<html>
<head>
{head_meta(site, agency, COLUMN_NAME)}
<title>{COLUMN_NAME}_{escape(agency.name)}_{escape(site.name)}</title>
</head>
<body>
<div class="header"><a href="/">{escape(site.name)}</a></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt;
{escape(agency.name)} &gt; {COLUMN_NAME}</div>
<div class="list_box">
<h2>{escape(agency.name)}{COLUMN_NAME}</h2>
<ul class="list">
{lis}
</ul>
<div class="page">
{CREATE_PAGE_HTML}
<script type="text/javascript">
var currentPage = {current};//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = {count}//共多少页
createPageHTML(countPage, currentPage, "index", "html");
</script>
</div>
</div>
</body>
</html>
"""


def handle(request: Request) -> Response | None:
    return None
