"""SqliteCacheStorage with real Scrapy requests and responses, and under the cache middleware."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.utils.test import get_crawler

from crawler import httpcache
from crawler.httpcache import SqliteCacheStorage

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples" / "attachments"
URL = "http://127.0.0.1:8080/zwgk/zfxxgknb/202401/t20240125_123.html"
PAGE = "<html><head><meta charset='gbk'></head><body>铁岭市2023年政府信息公开工作年度报告</body>"
HEADERS = {"Content-Type": "text/html; charset=GBK", "ETag": '"65b1e0c4-1a2b"',
           "Last-Modified": "Thu, 25 Jan 2024 02:00:00 GMT",
           "Set-Cookie": ["a=1; Path=/", "b=2; Path=/"]}


class CacheSpider(Spider):
    name = "cachetest"


def open_storage(cachedir: Path, **settings) -> tuple[SqliteCacheStorage, Spider]:
    crawler = get_crawler(CacheSpider, {"HTTPCACHE_DIR": str(cachedir), **settings})
    spider = crawler.spider = crawler._create_spider()
    storage = SqliteCacheStorage(crawler.settings)
    storage.open_spider(spider)
    return storage, spider


def page(url: str = URL, body: bytes = PAGE.encode("gbk"), **headers) -> HtmlResponse:
    return HtmlResponse(url, status=200, headers={**HEADERS, **headers}, body=body)


def test_round_trip_keeps_url_status_headers_body_and_class(tmp_path):
    storage, spider = open_storage(tmp_path)
    request = Request(URL)
    assert storage.retrieve_response(spider, request) is None
    storage.store_response(spider, request, page())
    pdf_request = Request(URL.replace(".html", ".pdf"))
    pdf = Response(pdf_request.url, status=200, body=(SAMPLES / "000.pdf").read_bytes(),
                   headers={"Content-Type": "application/pdf"})
    storage.store_response(spider, pdf_request, pdf)

    again = Request(URL)
    cached = storage.retrieve_response(spider, again)
    assert type(cached) is HtmlResponse
    assert (cached.url, cached.status, cached.body) == (URL, 200, PAGE.encode("gbk"))
    assert cached.text == PAGE  # the charset travels with the headers
    assert cached.headers[b"ETag"] == b'"65b1e0c4-1a2b"'
    assert cached.headers[b"Last-Modified"] == b"Thu, 25 Jan 2024 02:00:00 GMT"
    assert cached.headers.getlist(b"Set-Cookie") == [b"a=1; Path=/", b"b=2; Path=/"]
    assert isinstance(again.meta["cache_timestamp"], float)
    cached_pdf = storage.retrieve_response(spider, Request(pdf_request.url))
    assert cached_pdf.body == pdf.body
    # The class the downloader chose for it (this PDF's bytes look like text).
    assert type(cached_pdf) is responsetypes.from_args(headers=pdf.headers, url=pdf.url,
                                                       body=pdf.body) is TextResponse
    # Keyed by the request fingerprint: another method or body is another entry.
    assert storage.retrieve_response(spider, Request(URL, method="POST", body=b"page=2")) is None
    storage.close_spider(spider)


def test_storing_again_replaces_the_entry(tmp_path):
    storage, spider = open_storage(tmp_path)
    storage.store_response(spider, Request(URL), page(body=b"<html>v1</html>"))
    storage.store_response(spider, Request(URL), page(body=b"<html>v2</html>", ETag='"v2"'))
    cached = storage.retrieve_response(spider, Request(URL))
    assert (cached.body, cached.headers[b"ETag"]) == (b"<html>v2</html>", b'"v2"')
    assert storage.db.execute("select count(*) from responses").fetchone() == (1,)
    storage.close_spider(spider)


@pytest.mark.parametrize("expiration, age, hit", [(60, 30, True), (60, 120, False),
                                                  (0, 10 * 365 * 86400, True)])
def test_expiration(tmp_path, monkeypatch, expiration, age, hit):
    storage, spider = open_storage(tmp_path, HTTPCACHE_EXPIRATION_SECS=expiration)
    storage.store_response(spider, Request(URL), page())
    stored_at = httpcache.time()
    monkeypatch.setattr(httpcache, "time", lambda: stored_at + age)
    assert (storage.retrieve_response(spider, Request(URL)) is not None) is hit
    storage.close_spider(spider)


def test_entries_persist_across_close_and_open(tmp_path):
    storage, spider = open_storage(tmp_path)
    storage.store_response(spider, Request(URL), page())
    storage.close_spider(spider)
    assert storage.db is None
    assert [p.name for p in tmp_path.iterdir()] == ["cachetest.sqlite3"]  # WAL checkpointed
    storage, spider = open_storage(tmp_path)
    assert storage.retrieve_response(spider, Request(URL)).body == PAGE.encode("gbk")
    storage.close_spider(spider)


KILLED_AFTER_STORE = """
import os, signal, sys
sys.path[:0] = [{root!r}, {tests!r}]
from scrapy import Request
from test_httpcache import URL, open_storage, page
storage, spider = open_storage({cachedir!r})
for n in range(50):
    url = URL.replace(".html", f"_{{n}}.html")
    storage.store_response(spider, Request(url), page(url, body=b"<html>%d</html>" % n))
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_entries_survive_a_process_killed_right_after_storing(tmp_path):
    script = KILLED_AFTER_STORE.format(root=str(ROOT), tests=str(Path(__file__).parent),
                                       cachedir=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr
    wal = tmp_path / "cachetest.sqlite3-wal"
    assert wal.stat().st_size > 0  # never checkpointed: what it stored lives in the WAL
    storage, spider = open_storage(tmp_path)
    for n in range(50):
        url = URL.replace(".html", f"_{n}.html")
        assert storage.retrieve_response(spider, Request(url)).body == b"<html>%d</html>" % n
    storage.close_spider(spider)


def test_cache_middleware_revalidates_with_the_stored_validators(tmp_path):
    """What the crawl relies on: the second request is conditional, and a 304 gives the body."""
    crawler = get_crawler(CacheSpider, {
        "HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str(tmp_path),
        "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",
        "HTTPCACHE_STORAGE": "crawler.httpcache.SqliteCacheStorage"})
    spider = crawler.spider = crawler._create_spider()
    middleware = HttpCacheMiddleware.from_crawler(crawler)
    middleware.spider_opened(spider)
    headers = {"Cache-Control": "max-age=0"}  # as crawler.settings.DEFAULT_REQUEST_HEADERS

    first = Request(URL, headers=headers)
    assert middleware.process_request(first) is None  # a miss: download
    middleware.process_response(first, page())

    second = Request(URL, headers=headers)
    assert middleware.process_request(second) is None  # stale: download, conditionally
    assert second.headers[b"If-None-Match"] == b'"65b1e0c4-1a2b"'
    assert second.headers[b"If-Modified-Since"] == b"Thu, 25 Jan 2024 02:00:00 GMT"
    revalidated = middleware.process_response(second, Response(URL, status=304))
    assert (revalidated.status, revalidated.body) == (200, PAGE.encode("gbk"))
    assert "cached" in revalidated.flags
    stats = crawler.stats.get_stats()
    assert (stats["httpcache/store"], stats["httpcache/revalidate"]) == (2, 1)
    middleware.spider_closed(spider)
