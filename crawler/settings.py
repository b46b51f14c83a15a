"""Scrapy settings for nianbao: polite by default, incremental through the HTTP cache.

Government portals are small servers run by small offices: two requests at a time per site,
AutoThrottle on top, robots.txt obeyed, a user agent that says who we are. A daily crawl should
cost a site almost nothing when nothing changed — hence the RFC 2616 HTTP cache, revalidated on
every request (see DEFAULT_REQUEST_HEADERS), so that an unchanged page is one 304 with no body.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nianbao")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# ASCII only (it is an HTTP header); the URL is a placeholder for the operator's contact page.
USER_AGENT = f"nianbao/{__version__} (OGI annual report monitor; +https://nianbao.example.org/bot)"
ROBOTSTXT_OBEY = True

# Politeness. A site is a host:port (RegistryHostsMiddleware makes it the download slot).
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024  # a scanned report PDF is large; 50 MB is not a report
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024

# Retries, spaced out: Scrapy retries at once, BackoffRetryMiddleware waits first.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled for each next one
RETRY_BACKOFF_MAX = 60.0

# Incremental: keep validators (ETag, Last-Modified) and bodies of what we fetched, and ask the
# server whether each page changed. `max-age=0` makes RFC2616Policy treat every cached page as
# stale and send If-None-Match / If-Modified-Since; `no-cache` would skip the validators.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_STORAGE = "crawler.httpcache.SqliteCacheStorage"  # one SQLite file, not 7 per page
HTTPCACHE_DIR = "data/httpcache"  # the runner puts it beside the database
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
    "Cache-Control": "max-age=0",
}

# Nothing reaches beyond the registry's hosts. No telnet console. No cookies: annual-report
# columns are public pages, and the cookie middleware is what consults tldextract, which would
# otherwise download the public-suffix list from the internet on first use.
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.RegistryHostsMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
# Scrapy starts this many asyncio workers for every callback's output; ours yield one page or a
# handful of requests, and the default 100 spent ~100 task creations per response (profiled).
CONCURRENT_ITEMS = 8
EXTENSIONS = {"crawler.extensions.CrawlRecorder": 500}

# Breadth-first, so that a crawl stopped halfway has walked every column's first pages.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

NIANBAO_DB = "data/nianbao.db"
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
