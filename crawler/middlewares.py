"""Downloader middlewares nianbao adds to Scrapy's own, each for something Scrapy lacks."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)


def netloc(url: str) -> str:
    """host:port with the scheme's default port written out, so both spellings compare equal."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    return f"{(parts.hostname or '').lower()}:{port}"


class RegistryHostsMiddleware:
    """Fetch only from the registry's sites, and treat each host:port as its own site.

    Scrapy's OffsiteMiddleware matches domain names and ignores ports; here every sample portal is
    127.0.0.1 on its own port, and a real registry may list two portals on one host. The spider's
    `allowed_netlocs` is the set of host:port the registry names; any other request (a link to a
    provincial site, a redirect elsewhere) is dropped. The download slot becomes host:port so that
    CONCURRENT_REQUESTS_PER_DOMAIN and AutoThrottle apply per site.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RegistryHostsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider: Spider | None = self.crawler.spider
        allowed = getattr(spider, "allowed_netlocs", None)
        site = netloc(request.url)
        if allowed is not None and site not in allowed:
            self.crawler.stats.inc_value("nianbao/offsite_dropped")
            raise IgnoreRequest(f"not a registry site: {site}")
        request.meta.setdefault("download_slot", site)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, but spaced out: wait RETRY_BACKOFF_BASE × 2^(n-1) s before retry n.

    Scrapy reschedules a failed request at once; a government server answering 503 is usually
    overloaded, and hitting it again immediately is neither polite nor useful. The wait holds one
    global concurrency slot, never the site's own slot, so other sites go on meanwhile.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def process_request(self, request: Request) -> None:
        delay = request.meta.get("retry_backoff")
        if delay:
            from twisted.internet import reactor  # the installed one; importing early installs one

            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))

    def process_response(self, request: Request, response: Response) -> Request | Response:
        return self._with_backoff(super().process_response(request, response))

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        return self._with_backoff(super().process_exception(request, exception))

    def _with_backoff(self, result):
        if isinstance(result, Request):
            retries = result.meta.get("retry_times", 1)
            result.meta["retry_backoff"] = min(self.base * 2 ** (retries - 1), self.cap)
        return result
