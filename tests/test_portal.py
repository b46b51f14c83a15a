"""The sample portal over real HTTP on 127.0.0.1: every family, 304s, the log, GBK, the APIs."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import Counter

import pytest
import requests

from nianbao.portal import PortalServer, build_site, default_spec
from nianbao.registry import DEFAULT_REGISTRY


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("portal")
    build_site(root, default_spec())
    with PortalServer(root) as server:
        yield server


@pytest.fixture
def fresh(portal):
    portal.clear_log()
    return portal


def column_items(portal, agency_id):
    return [i for i in portal.manifest["items"] if i["agency_id"] == agency_id]


def registry(portal):
    return {r["id"]: r for r in portal.registry_rows()}


def get(url, **kw):
    response = requests.get(url, timeout=10, **kw)
    return response


def test_every_site_serves_on_loopback_with_robots_and_home(portal):
    assert set(portal.ports) == {"tieling", "zhumadian", "qianjin", "yinzhou", "pingtan", "huairen"}
    assert len(set(portal.ports.values())) == 6
    for key in portal.ports:
        assert portal.url(key).startswith("http://127.0.0.1:")
        robots = get(portal.url(key, "/robots.txt"))
        assert robots.status_code == 200
        assert "Disallow: /private/" in robots.text
        home = get(portal.url(key))
        assert home.status_code == 200 and "政府信息公开年报" in home.content.decode(
            "gbk" if key in ("yinzhou", "huairen") else "utf-8")
    assert portal.url("trs") == portal.url("tieling")
    assert portal.url("hanweb") == portal.url("zhumadian")


def test_every_column_url_in_the_registry_answers_with_a_charset(portal):
    for row in portal.registry_rows():
        response = get(row["column_urls"])
        assert response.status_code == 200, row["id"]
        assert re.search(r"charset=(utf-8|gb2312)", response.headers["Content-Type"])


def test_a_directory_without_slash_redirects(portal):
    answer = get(portal.url("trs", "/zwgk"), allow_redirects=False)
    assert answer.status_code == 301 and answer.headers["Location"] == "/zwgk/"
    assert "政府信息公开年报" in get(portal.url("trs", "/zwgk")).text


def test_unknown_and_private_data_paths_are_404(portal):
    assert get(portal.url("trs", "/no/such/page.html")).status_code == 404
    assert get(portal.url("hanweb", "/_api/col1234.json")).status_code == 404
    assert get(portal.url("trs", "/../manifest.json")).status_code == 404


def test_trs_pagination_is_only_in_a_script(portal):
    items = column_items(portal, "tieling-gov")
    url = registry(portal)["tieling-gov"]["column_urls"]
    first = get(url).text
    assert 'createPageHTML(countPage, currentPage, "index", "html");' in first
    assert "var countPage = 2//共多少页" in first
    assert "index_1.html" not in re.sub(r"<script.*?</script>", "", first, flags=re.S)
    links = re.findall(r'<li><a href="(\./\d{6}/t\d{8}_\d+\.html)"', first)
    second = get(url.replace("index.html", "index_1.html")).text
    links += re.findall(r'<li><a href="(\./\d{6}/t\d{8}_\d+\.html)"', second)
    assert "var currentPage = 1;" in second
    assert len(links) == len(items) == 9
    assert get(url.replace("index.html", "index_2.html")).status_code == 404


def test_trs_article_has_government_meta_tags(portal):
    item = next(i for i in column_items(portal, "tieling-gov") if i["year"] == 2023)
    page = get(portal.item_url(item)).text
    for name in ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate",
                 "ContentSource"):
        assert f'<meta name="{name}"' in page
    assert f'<meta name="ArticleTitle" content="{item["title"]}">' in page
    assert f'<meta name="PubDate" content="{item["published"][:10]} ' in page
    assert '<meta name="ContentSource" content="铁岭市人民政府">' in page
    assert '<div class="TRS_Editor">' in page and "总体情况" in page


def test_hanweb_datastore_and_dataproxy_ranges(portal):
    items = column_items(portal, "zhumadian-gov")
    page = get(portal.url("hanweb", "/col/col1234/index.html")).text
    assert '<script type="text/xml"><datastore>' in page
    assert f"var totalRecord = {len(items)}; var perPage = 5;" in page
    static = re.findall(r"<record><!\[CDATA\[\s*<li><a href=\"(/art/[^\"]+)\"", page)
    assert static == [i["path"] for i in items[:5]]
    assert re.fullmatch(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_1234_\d+\.html", static[0])
    form = {"col": "1", "appid": "1", "webid": "2", "path": "/", "columnid": "1234",
            "sourceContentType": "1", "unitid": "5234", "webname": "驻马店市人民政府",
            "permissiontype": "0"}
    proxy = portal.url("hanweb", "/module/web/jpage/dataproxy.jsp")
    answer = requests.post(proxy, params={"startrecord": 6, "endrecord": 8, "perpage": 5},
                           data=form, timeout=10)
    assert answer.headers["Content-Type"].startswith("text/xml")
    assert f"<totalrecord>{len(items)}</totalrecord>" in answer.text
    records = re.findall(r"<li><a href=\"(/art/[^\"]+)\"", answer.text)
    assert records == [i["path"] for i in items[5:8]]
    assert requests.post(proxy, data={"startrecord": 1}, timeout=10).status_code == 400
    empty = requests.post(proxy, data=dict(form, columnid="999999"), timeout=10)
    assert "<totalrecord>0</totalrecord>" in empty.text


def test_gbk_sites_send_gbk_bytes(portal):
    plain = get(registry(portal)["yinzhou-gov"]["column_urls"])
    assert plain.headers["Content-Type"] == "text/html; charset=gb2312"
    assert b'charset=gb2312' in plain.content
    text = plain.content.decode("gbk")
    assert "铁岭市银州区人民政府" in text
    with pytest.raises(UnicodeDecodeError):
        plain.content.decode("utf-8")
    article = next(i for i in column_items(portal, "huairen-gov") if i["kind"] == "report")
    body = get(portal.item_url(article)).content
    assert "怀仁市人民政府" in body.decode("gbk")
    proxy = requests.post(portal.url("huairen", "/module/web/jpage/dataproxy.jsp"),
                          data={"columnid": "3301", "startrecord": 1, "endrecord": 2}, timeout=10)
    assert proxy.content.startswith(b'<?xml version="1.0" encoding="GBK"?>')
    assert "怀仁市人民政府" in proxy.content.decode("gbk")


def test_plain_list_follows_next_page_links_and_lists_a_robots_trap(portal):
    url = registry(portal)["yinzhou-gov"]["column_urls"]
    hrefs = []
    while url:
        page = get(url).content.decode("gbk")
        hrefs += re.findall(r'<td class="title">·<a href="([^"]+)"', page)
        nxt = re.search(r'<a href="([^"]+)">下一页</a>', page)
        url = requests.compat.urljoin(url, nxt.group(1)) if nxt else None
    items = column_items(portal, "yinzhou-gov")
    assert len(hrefs) == len(items)
    trap = [i for i in items if i["kind"] == "trap"]
    assert len(trap) == 1 and trap[0]["path"] in hrefs and trap[0]["path"].startswith("/private/")


def test_json_api_paginates(portal):
    items = column_items(portal, "qianjin-fgj")
    shell = get(registry(portal)["qianjin-fgj"]["column_urls"]).text
    assert 'data-api="/api/content/list" data-channel-id="102"' in shell
    assert "/content/102/" not in shell
    api = portal.url("jsonapi", "/api/content/list")
    first = get(api, params={"channelId": 102, "pageNo": 1, "pageSize": 5}).json()["data"]
    assert first["total"] == len(items) and first["pages"] == 2 and len(first["list"]) == 5
    second = get(api, params={"channelId": 102, "pageNo": 2, "pageSize": 5}).json()["data"]
    urls = [d["url"] for d in first["list"] + second["list"]]
    assert urls == [i["path"] for i in items]
    assert get(api, params={"channelId": 102, "pageNo": 9}).json()["data"]["list"] == []
    assert get(api, params={"channelId": 7}).json()["code"] == 404


def test_trs_dynamic_page_one_static_rest_only_through_the_search_api(portal):
    items = column_items(portal, "pingtan-gov")
    assert len(items) == 14
    url = registry(portal)["pingtan-gov"]["column_urls"]
    page = get(url).text
    assert 'quickMode: "动静结合"' in page and 'classsql: "" || "chnlid=1813"' in page
    assert "searchId: 200210" in page and f"recordCount: '{len(items)}'" in page
    static = re.findall(r'<dd class="trt-col-sm-24[^"]*">\s*'
                        r'<a href="(\./\d{6}/t\d{8}_\d+\.htm)"[^>]*>[^<]*</a>\s*</dd>\s*'
                        r'<dd class="trt-col-4[^"]*">\s*(\d{4}-\d{2}-\d{2})', page)
    assert len(static) == 10
    assert static[1] == ("./202503/t20250310_97791.htm", "2025-03-10")  # the real 2024 report
    assert get(url.replace("index.htm", "index_1.htm")).status_code == 404
    api = portal.url("trs_dynamic", "/fjdzapp/search")
    answer = get(api, params={"channelid": 200210, "classsql": "chnlid=1813",
                              "sortfield": "-docorderpri,-docreltime", "prepage": 10,
                              "page": 2}).json()
    assert answer["recordcount"] == 14 and answer["pagecount"] == 2
    later = [d["chnldocurl"] for d in answer["data"]]
    assert later == [portal.item_url(i) for i in items[10:]]
    assert answer["data"][0]["doctitle"] == items[10]["title"]


def test_conditional_get_answers_304_and_the_log_counts(fresh):
    item = next(i for i in column_items(fresh, "tieling-jtj") if i["kind"] == "report")
    url = fresh.item_url(item)
    first = get(url)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code \
        == 304
    assert get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    head = requests.head(url, timeout=10)
    assert head.status_code == 200 and head.content == b""
    log = [r for r in fresh.requests if r.path == item["path"]]
    assert [(r.method, r.status, r.body_sent) for r in log] == [
        ("GET", 200, True), ("GET", 304, False), ("GET", 304, False), ("GET", 200, True),
        ("HEAD", 200, False),
    ]
    assert log[1].if_none_match == first.headers["ETag"]
    assert log[2].if_modified_since == first.headers["Last-Modified"]
    assert log[0].site == "tieling" and log[0].user_agent.startswith("python-requests")


def test_api_answers_are_conditional_too(fresh):
    api = fresh.url("jsonapi", "/api/content/list?channelId=101&pageNo=1")
    etag = get(api).headers["ETag"]
    assert get(api, headers={"If-None-Match": etag}).status_code == 304
    assert [r.query for r in fresh.requests] == ["channelId=101&pageNo=1"] * 2


def test_edited_report_gets_new_bytes_and_etag(tmp_path):
    build_site(tmp_path, default_spec())
    with PortalServer(tmp_path) as portal:
        item = next(i for i in column_items(portal, "qianjin-jyj") if i["year"] == 2022)
        url = portal.item_url(item)
        before = get(url)
        edit = portal.edit_report("qianjin-jyj", 2022)
        assert edit["url"] == url
        after = get(url, headers={"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
        assert after.content != before.content
        assert after.headers["Last-Modified"] != before.headers["Last-Modified"]
        portal.replace_text(url, "总体情况", "总体情况（修订）")
        assert "总体情况（修订）" in get(url).text


def test_the_server_stops_cleanly_and_refuses_other_hosts(tmp_path):
    build_site(tmp_path, default_spec())
    with PortalServer(tmp_path) as portal:
        url = portal.url("plain")
        assert urllib.request.urlopen(url, timeout=5).status == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=5)
    with pytest.raises(ValueError, match="loopback"):
        PortalServer(tmp_path, host="0.0.0.0")


def test_bundled_registry_matches_the_default_portal(portal, tmp_path):
    manifest = build_site(tmp_path, default_spec(8701))
    assert (tmp_path / "agencies.csv").read_text(encoding="utf-8") == \
        DEFAULT_REGISTRY.read_text(encoding="utf-8")
    kinds = Counter(i["kind"] for i in manifest["items"])
    assert kinds["report"] == 6 * 16 + 11 - 2  # six years each, pingtan 2014–2024, two missing
    assert kinds["trap"] == 1 and kinds["guide"] == 17 and kinds["notice"] == 7
    assert manifest["items"] == portal.manifest["items"]


def test_reports_are_distinct_per_agency_and_year(portal):
    bodies = {}
    for item in portal.reports():
        body = get(item["url"]).content
        assert body not in bodies.values(), item["url"]
        bodies[(item["agency_id"], item["year"])] = body
    assert len(bodies) == len(portal.reports())


def test_sample_agencies_publish_their_own_year_as_the_attachment_twin(portal):
    from nianbao.portal.content import SAMPLES_DIR

    twins = {(i["agency_id"], i["year"]): i for i in portal.reports() if i["format"] != "html"}
    assert {k: (v["format"], v["sample"]) for k, v in twins.items()} == {
        ("tieling-yss", 2022): ("pdf", "000"), ("yinzhou-zfb", 2020): ("doc", "001"),
        ("qianjin-fgj", 2023): ("docx", "002"), ("zhumadian-zsj", 2019): ("pdf", "003"),
        ("huairen-xzsp", 2023): ("docx", "004"),
    }
    for item in twins.values():
        article = get(item["url"]).content.decode(
            "gbk" if item["site"] in ("yinzhou", "huairen") else "utf-8")
        assert "附件" in article and "总体情况" not in article  # the body is only the link
        attachment = get(portal.item_url(item, "attachment"))
        assert attachment.status_code == 200
        expected = SAMPLES_DIR / "attachments" / f"{item['sample']}.{item['format']}"
        assert attachment.content == expected.read_bytes()


def test_served_reports_keep_the_samples_balances_and_vary_table2(portal):
    """Parsed with the project's parser: Table 3 balances hold wherever the sample's hold (001
    breaks them), and the varied Table 2 counts differ between reports of one sample."""
    from parsing import parse_document
    from parsing.model import TABLE3_COLUMNS

    licensing: dict[str, set] = {}
    for item in portal.reports():
        if item["format"] != "html":
            continue
        answer = get(item["url"])
        report = parse_document(answer.content, item["url"], answer.headers["Content-Type"])
        assert report.year in (item["year"], None), item["url"]  # years substituted throughout
        t3 = {(r, c): cell.value or 0 for r, cols in report.table("table3").items()
              for c, cell in cols.items()}
        balanced = all(
            t3.get(("new_received", c), 0) + t3.get(("carried_over", c), 0)
            == t3.get(("total_handled", c), 0) + t3.get(("carried_forward", c), 0)
            for c in TABLE3_COLUMNS
        )
        assert balanced == (item["sample"] != "001"), item["url"]
        decisions = report.table("table2").get("licensing", {}).get("decisions")
        licensing.setdefault(item["sample"], set()).add(decisions.value if decisions else None)
    assert all(len(values) >= 4 for values in licensing.values()), licensing
