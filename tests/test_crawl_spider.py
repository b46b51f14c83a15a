"""The spider's callbacks, the middlewares, the pipeline and the crawl state — without a reactor.

Responses are built from saved pages (tests/fixtures/crawl/); the end-to-end crawls against the
sample portal are in test_crawl.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.items import FetchedPage
from crawler.middlewares import BackoffRetryMiddleware, RegistryHostsMiddleware, netloc
from crawler.pipelines import StorePipeline
from crawler.spiders.discover import DiscoverSpider
from crawler.spiders.reports import ReportsSpider, is_attachment
from nianbao.crawl import crawl_settings, prepare_jobdir
from nianbao.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "crawl"
COLUMN = "http://www.tieling.gov.cn/zwgk/zfxxgk/zfxxgknb/index.html"
AGENCY = {"id": "tieling-gov", "name": "铁岭市人民政府", "column_urls": [COLUMN], "cms": "",
          "portal_url": "http://www.tieling.gov.cn/"}


@pytest.fixture
def spider() -> ReportsSpider:
    crawler = get_crawler(ReportsSpider)
    crawler.spider = crawler._create_spider(agencies=[AGENCY])
    return crawler.spider


def response(name: str, url: str, meta: dict) -> HtmlResponse:
    return HtmlResponse(url, body=(FIXTURES / name).read_bytes(), encoding="utf-8",
                        request=Request(url, meta=meta))


def test_list_page_yields_report_requests_and_further_pages_and_counts(spider):
    outputs = list(spider.parse_list(response("trs_list.html", COLUMN, {"agency": "tieling-gov"})))
    articles = [r for r in outputs if r.callback == spider.parse_article]
    (pdf,) = [r for r in outputs if r.callback == spider.parse_file]  # listed as a file
    pages = [r for r in outputs if r.callback == spider.parse_list]
    assert [(r.meta["title"], r.meta["year"], r.meta["listed_date"]) for r in articles] == [
        ("铁岭市2023年政府信息公开工作年度报告", 2023, "2024-01-25"),
        ("铁岭市2022年度政府信息公开年报", 2022, "2023-01-30"),
    ]
    assert (pdf.meta["role"], pdf.meta["year"], pdf.meta["referer"]) == ("report", 2021, COLUMN)
    assert [r.url.rsplit("/", 1)[-1] for r in pages] == ["index_1.html", "index_2.html"]
    assert all(r.meta["family"] == "trs" and r.meta["agency"] == "tieling-gov" for r in pages)
    outcome = spider.outcomes()["tieling-gov"]
    assert (len(outcome["listed"]), len(outcome["reports"]), outcome["errors"]) == (6, 3, [])
    assert spider.crawler.stats.get_value("nianbao/items_skipped") == 3


def test_unrecognised_list_page_is_an_agency_error(spider):
    blank = HtmlResponse(COLUMN, body=b"<html><body><p>maintenance</p></body></html>",
                         request=Request(COLUMN, meta={"agency": "tieling-gov"}))
    assert list(spider.parse_list(blank)) == []
    assert spider.outcomes()["tieling-gov"]["errors"] == [f"no CMS family recognises {COLUMN}"]


def test_article_that_only_links_a_pdf_is_a_landing_page_and_the_pdf_the_report(spider):
    url = "http://www.tieling.gov.cn/zwgk/bmxxgk/czj/zfxxgknb/202401/t20240126_5.html"
    meta = {"agency": "tieling-czj", "title": "铁岭市财政局2023年政府信息公开工作年度报告",
            "year": 2023, "listed_date": "2024-01-26", "list_url": COLUMN}
    page, attachment = spider.parse_article(response("trs_article_landing.html", url, meta))
    assert isinstance(page, FetchedPage)
    assert (page.role, page.parsed, page.year, page.referer) == ("landing", False, 2023, COLUMN)
    assert attachment.url == url.rsplit("/", 1)[0] + "/P020240126512345678901.pdf"
    assert attachment.meta["role"] == "attachment" and attachment.meta["referer"] == url
    assert attachment.meta["year"] == 2023 and attachment.meta["agency"] == "tieling-czj"
    pdf = Response(attachment.url, body=b"%PDF-1.4 ...",
                   headers={"Content-Type": "application/pdf"}, request=attachment)
    (file_page,) = spider.parse_file(pdf)
    assert (file_page.role, file_page.parsed, file_page.content_type) == (
        "attachment", True, "application/pdf")


def test_article_that_is_the_report_keeps_its_attachment_as_a_raw_copy(spider):
    url = "http://www.tieling.gov.cn/zwgk/zfxxgk/zfxxgknb/202401/t20240125_4521.html"
    page, attachment = spider.parse_article(
        response("trs_article_report.html", url, {"agency": "tieling-gov", "list_url": COLUMN}))
    assert (page.role, page.parsed) == ("report", True)
    assert attachment.url.endswith("P020240125300000000001.docx")
    assert attachment.meta["role"] == "copy"


def test_attachment_links_by_path_or_by_file_name_in_the_query():
    assert is_attachment("http://x.gov.cn/zwgk/202401/P020240126512345678901.pdf")
    assert is_attachment("http://x.gov.cn/module/download/downfile.jsp?classid=0"
                         "&filename=2401151030123456.docx")
    assert not is_attachment("http://x.gov.cn/art/2024/1/20/art_1234_9001.html")


def test_only_registry_sites_and_one_download_slot_per_host_and_port(spider):
    middleware = RegistryHostsMiddleware(spider.crawler)
    request = Request("http://www.tieling.gov.cn/zwgk/a.html")
    middleware.process_request(request)
    assert request.meta["download_slot"] == "www.tieling.gov.cn:80"
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("http://www.fujian.gov.cn/"))
    with pytest.raises(IgnoreRequest):  # same host, another port: another site
        middleware.process_request(Request("http://www.tieling.gov.cn:8080/"))
    assert netloc("https://X.gov.cn/a") == "x.gov.cn:443"


def test_retries_wait_longer_each_time():
    crawler = get_crawler(settings_dict={"RETRY_TIMES": 5, "RETRY_BACKOFF_BASE": 0.5,
                                         "RETRY_BACKOFF_MAX": 1.5})
    crawler.spider = crawler._create_spider("s")
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    request = Request("http://x.gov.cn/")
    delays = []
    for _ in range(3):
        answer = Response(request.url, status=503, request=request)
        request = middleware.process_response(request, answer)
        delays.append(request.meta["retry_backoff"])
    assert delays == [0.5, 1.0, 1.5]


def page_item(body: bytes, role: str = "report") -> FetchedPage:
    return FetchedPage(url="http://127.0.0.1:1/a/t20240125_1.html", body=body, status=200,
                       headers={"Content-Type": "text/html"}, content_type="text/html",
                       agency_id="a", referer=None, role=role, title="2023年度报告",
                       year=2023, listed_date="2024-01-25", list_url="http://127.0.0.1:1/a/")


def test_pipeline_stores_a_page_that_does_not_parse_with_status_error(tmp_path):
    Store(tmp_path / "db.sqlite").upsert_agencies([{"id": "a", "name": "某局"}])
    pipeline = StorePipeline(get_crawler(), tmp_path / "db.sqlite")
    body = "<html><body><p>页面维护中</p></body></html>".encode()
    def store(item: FetchedPage) -> str:  # on the pipeline's own thread, as in a crawl
        return pipeline.executor.submit(pipeline._store, item).result()

    assert store(page_item(body)) == "error"
    assert store(page_item(body)) == "unchanged"  # the same bytes: not parsed again
    assert store(page_item(b"<html>landing</html>", role="landing")) == "raw"
    # Saved but never parsed (a crawl killed in between): the next crawl completes it.
    assert store(page_item(b"<html>landing</html>")) == "error"
    pipeline.close_spider()
    store = Store(tmp_path / "db.sqlite")
    pages = store.db.execute("select url, size from pages order by id").fetchall()
    assert pages == [("http://127.0.0.1:1/a/t20240125_1.html", len(body)),
                     ("http://127.0.0.1:1/a/t20240125_1.html", 20)]
    reports = store.db.execute("select page_id, parse_status from reports").fetchall()
    assert reports == [(1, "error"), (2, "error")]
    (listing,) = store.db["listings"].rows
    assert (listing["year"], listing["listed_date"]) == (2023, "2024-01-25")


def test_crawl_state_kept_after_a_clean_stop_and_discarded_after_a_kill(tmp_path):
    jobdir = tmp_path / "job"
    assert prepare_jobdir(jobdir) == "new"
    (jobdir / "requests.queue").mkdir(parents=True)
    (jobdir / "requests.seen").write_text("fingerprint\n")
    assert prepare_jobdir(jobdir).startswith("discarded")
    assert not jobdir.exists()
    (jobdir / "requests.queue").mkdir(parents=True)
    (jobdir / "requests.seen").write_text("fingerprint\n")
    (jobdir / "requests.queue" / "active.json").write_text(json.dumps([]))
    assert prepare_jobdir(jobdir) == "resumed"


def test_settings_are_polite_incremental_and_offline(tmp_path):
    settings = crawl_settings(tmp_path / "db.sqlite", jobdir=tmp_path / "job")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings["USER_AGENT"].startswith("nianbao/") and "+http" in settings["USER_AGENT"]
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings.getbool("AUTOTHROTTLE_ENABLED") and settings.getint("DOWNLOAD_MAXSIZE") > 0
    assert settings["HTTPCACHE_POLICY"].endswith("RFC2616Policy")
    assert settings["HTTPCACHE_DIR"] == str(tmp_path.resolve() / "httpcache")
    assert settings["JOBDIR"] == str(tmp_path.resolve() / "job")
    # No telnet console; no cookie middleware, hence no tldextract public-suffix download.
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert not settings.getbool("COOKIES_ENABLED")


def test_discovery_on_the_real_pingtan_page_finds_its_annual_report_column():
    crawler = get_crawler(DiscoverSpider)
    spider = crawler._create_spider(start_urls=["https://www.pingtan.gov.cn/zwgk/zfxxgk/"])
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/"
    page = response("pingtan_zfxxgknb-list_page1.html", url, {"portal": url, "hops": 0})
    (column,) = spider.parse_portal(page)  # the menu's 政府信息<br>公开年报, nothing else
    assert column.url == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist.htm"
    assert column.meta["name"] == "平潭综合实验区党工委管委会"
    assert column.meta["label"] == "pingtan"
    listed = response("pingtan_zfxxgknb-list_page1.html", column.url, column.meta)
    spider.parse_column(listed)
    (proposal,) = spider.proposals
    assert proposal["cms"] == "trs_dynamic"
    assert (proposal["listed"], proposal["reports"]) == (10, 10)
    assert proposal["portal_url"] == "https://www.pingtan.gov.cn/"


def test_discovery_follows_the_open_government_link_once_when_no_column_is_linked():
    crawler = get_crawler(DiscoverSpider)
    spider = crawler._create_spider(start_urls=["http://www.x.gov.cn/"])
    home = HtmlResponse("http://www.x.gov.cn/", encoding="utf-8", body="""<html><body>
        <a href="/zwgk/">政府信息公开</a> <a href="/zwgk/zn/">政府信息公开指南</a>
        <a href="http://www.gov.cn/">中国政府网</a></body></html>""".encode(),
        request=Request("http://www.x.gov.cn/", meta={"portal": "http://www.x.gov.cn/",
                                                       "hops": 0}))
    (follow,) = spider.parse_portal(home)
    assert (follow.url, follow.meta["hops"]) == ("http://www.x.gov.cn/zwgk/", 1)
