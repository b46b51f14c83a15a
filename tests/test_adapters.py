"""CMS family adapters on saved list pages: family detection, items, dates and further pages.

The pages are in tests/fixtures/crawl/: the real 平潭 TRS "动静结合" column page as served, and
list pages written after the markup of TRS, Hanweb, JSON-API and plain sites.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse, XmlResponse

from crawler.adapters import ADAPTERS, adapter_for, detect_family
from crawler.adapters.base import iso_date
from crawler.titles import is_report_title, report_year

FIXTURES = Path(__file__).parent / "fixtures" / "crawl"
PINGTAN = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist.htm"


def page(name: str, url: str, content_type: str = "text/html; charset=utf-8",
         request: Request | None = None) -> TextResponse:
    cls = {"application/json": TextResponse, "text/xml": XmlResponse}.get(
        content_type.split(";")[0], HtmlResponse)
    return cls(url, body=(FIXTURES / name).read_bytes(), headers={"Content-Type": content_type},
               request=request or Request(url))


def reports(items):
    return [(i.title, i.date) for i in items if is_report_title(i.title)]


@pytest.mark.parametrize(
    "title, report, year",
    [
        ("平潭综合实验区2025年度政府信息公开工作年度报告", True, 2025),
        ("2023年政府信息公开工作年度报告", True, 2023),
        ("2022年度政府信息公开年报", True, 2022),
        ("铁岭市交通运输局2021年政务公开工作年度报告", True, 2021),
        ("关于前进区的2021年度政务公开工作报告", True, 2021),
        ("前进区2020年报", True, 2020),
        ("前进区发展改革工信局2023信息公开年报", True, 2023),
        ("示例市统计局2024年报", True, 2024),
        ("某市卫生和计划生育委员会2016年政府信息公开工作年度报告", True, 2016),
        ("2023年统计年报", False, 2023),
        ("二〇二三年政府信息公开工作年度报告", True, 2023),
        ("２０２２年度政府信息公开工作年度报告", True, 2022),
        ("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知", False, 2023),
        ("铁岭市人民政府信息公开指南", False, None),
        ("铁岭市2024年政务公开工作要点", False, 2024),
        ("2023年政府工作报告", False, 2023),
        ("图解：2023年政府信息公开工作年度报告", False, 2023),
        ("政府信息公开工作年度报告", False, None),
    ],
)
def test_report_titles(title, report, year):
    assert is_report_title(title) is report
    assert report_year(title) == year


def test_dates_in_the_usual_spellings():
    assert iso_date("发布日期：2024年3月8日") == "2024-03-08"
    assert iso_date("[2023/1/5]") == "2023-01-05"
    assert iso_date("2024-13-01") is None


def test_real_pingtan_page_is_trs_dynamic_with_ten_static_reports():
    response = page("pingtan_zfxxgknb-list_page1.html", PINGTAN)
    assert detect_family(response) == "trs_dynamic"
    adapter = adapter_for("trs_dynamic")
    items = adapter.items(response)
    assert len(items) == 10  # the navigation's dozens of links are not items
    assert reports(items)[0] == ("平潭综合实验区2025年度政府信息公开工作年度报告", "2026-03-10")
    assert reports(items)[-1] == ("平潭综合实验区2016年度政府信息公开工作年度报告", "2017-01-18")
    assert items[2].url == (
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm"
    )
    # recordCount '20', prepage 10, maxStaticIndex 1: page 2 only from the search API.
    (more,) = adapter.more_pages(response)
    parts = urlsplit(more.url)
    assert parts.path == "/fjdzapp/search"
    assert parse_qs(parts.query) == {
        "channelid": ["200210"], "classsql": ["chnlid=1813"],
        "sortfield": ["-docorderpri,-docreltime"], "prepage": ["10"], "page": ["2"],
    }


def test_trs_dynamic_search_api_page():
    url = ("https://www.pingtan.gov.cn/fjdzapp/search?channelid=200210&classsql=chnlid%3D1813"
           "&prepage=10&page=2")
    response = page("pingtan_search_page2.json", url, "application/json")
    adapter = adapter_for("trs_dynamic")
    assert reports(adapter.items(response)) == [
        ("平潭综合实验区2015年度政府信息公开工作年度报告", "2016-01-22"),
        ("平潭综合实验区2014年度政府信息公开工作年度报告", "2015-01-28"),
    ]
    assert list(adapter.more_pages(response)) == []  # page 2 of 2


def test_trs_static_pages_from_create_page_html():
    url = "http://www.tieling.gov.cn/zwgk/zfxxgk/zfxxgknb/index.html"
    response = page("trs_list.html", url)
    assert detect_family(response) == "trs"
    adapter = adapter_for("trs")
    items = adapter.items(response)
    assert [i.url.rsplit("/", 2)[-2:] for i in items][:2] == [
        ["202401", "t20240125_4521.html"], ["202401", "t20240110_4488.html"]]
    assert len(items) == 6
    assert reports(items) == [("铁岭市2023年政府信息公开工作年度报告", "2024-01-25"),
                              ("铁岭市2022年度政府信息公开年报", "2023-01-30"),
                              ("铁岭市2021年政府信息公开工作年度报告", "2022-01-26")]
    assert items[4].url.endswith("/zfxxgknb/202201/P020220126300000000001.pdf")
    assert [r.url for r in adapter.more_pages(response)] == [
        "http://www.tieling.gov.cn/zwgk/zfxxgk/zfxxgknb/index_1.html",
        "http://www.tieling.gov.cn/zwgk/zfxxgk/zfxxgknb/index_2.html",
    ]


def test_hanweb_datastore_records_and_dataproxy_posts():
    url = "http://www.zhumadian.gov.cn/col/col1234/index.html"
    response = page("hanweb_list.html", url)
    assert detect_family(response) == "hanweb"
    adapter = adapter_for("hanweb")
    items = adapter.items(response)
    assert len(items) == 5
    assert items[0].url == "http://www.zhumadian.gov.cn/art/2024/1/20/art_1234_9001.html"
    assert len(reports(items)) == 4
    posts = list(adapter.more_pages(response))
    assert [(r.method, urlsplit(r.url).query) for r in posts] == [
        ("POST", "startrecord=6&endrecord=10&perpage=5"),
        ("POST", "startrecord=11&endrecord=12&perpage=5"),
    ]
    form = parse_qs(posts[0].body.decode())
    assert form["columnid"] == ["1234"] and form["unitid"] == ["5678"]
    assert form["webname"] == ["驻马店市人民政府"] and form["path"] == ["/"]

    answer = page("hanweb_dataproxy.xml", posts[0].url, "text/xml", request=posts[0])
    assert reports(adapter.items(answer)) == [("驻马店市2019年政府信息公开工作年度报告",
                                               "2020-01-20")]
    assert list(adapter.more_pages(answer)) == []


def test_json_api_shell_then_pages():
    url = "http://www.jmsqjq.gov.cn/zwgk/xxgknb/101/index.html"
    shell = page("jsonapi_shell.html", url)
    assert detect_family(shell) == "jsonapi"
    adapter = adapter_for("jsonapi")
    assert adapter.items(shell) == []
    (first,) = adapter.more_pages(shell)
    assert parse_qs(urlsplit(first.url).query) == {
        "channelId": ["101"], "pageNo": ["1"], "pageSize": ["20"]}

    api = page("jsonapi_page1.json", "http://www.jmsqjq.gov.cn/api/content/list?channelId=101"
               "&pageNo=1&pageSize=5", "application/json")
    items = adapter.items(api)
    assert items[0].url == "http://www.jmsqjq.gov.cn/content/101/4567.html"
    assert reports(items) == [
        ("前进区2023年政府信息公开工作年度报告", "2024-01-25"),
        ("前进区2022年度政府信息公开年报", "2023-01-20"),
        ("关于前进区的2021年度政务公开工作报告", "2022-01-28"),
        ("前进区2020年报", "2021-01-29"),
    ]
    assert [parse_qs(urlsplit(r.url).query)["pageNo"] for r in adapter.more_pages(api)] == [["2"]]


def test_plain_gbk_list_with_next_page_link():
    url = "http://www.lnyz.gov.cn/xxgk/qzf/index.html"
    response = page("plain_list_gbk.html", url, "text/html; charset=gb2312")
    assert detect_family(response) == "plain"
    adapter = adapter_for("plain")
    assert reports(adapter.items(response)) == [
        ("银州区2023年政府信息公开工作年度报告", "2024-01-15"),
        ("银州区2022年度政府信息公开年报", "2023-01-18"),
    ]
    assert [r.url for r in adapter.more_pages(response)] == [
        "http://www.lnyz.gov.cn/xxgk/qzf/index_2.html"]


def test_every_family_has_an_adapter_and_a_fixture():
    assert set(ADAPTERS) == {"trs", "hanweb", "jsonapi", "plain", "trs_dynamic"}
