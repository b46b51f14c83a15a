"""Serve a built portal on 127.0.0.1: one HTTP server per site, each on its own port.

Why the standard library's ThreadingHTTPServer: the portal is a test fixture and a demo, not a
production server — it needs no dependency, a thread per connection is plenty for a crawler on
loopback, and `shutdown()` + `server_close()` stop it deterministically inside a test. HTTP/1.1
keep-alive with an exact Content-Length on every answer keeps a Scrapy crawl from reconnecting.

Every answer is logged (`PortalServer.requests`) so tests can count what a crawler fetched, and
every 200 carries an ETag and (for files) a Last-Modified, answered with 304 when the client's
If-None-Match / If-Modified-Since says it already has the bytes.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import mimetypes
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qsl, unquote, urlsplit

from nianbao.portal import content
from nianbao.portal.builder import build_site, registry_rows
from nianbao.portal.families import FAMILY_MODULES
from nianbao.portal.families.base import Request, Response
from nianbao.portal.markup import ATTACHMENT_TYPES, charset
from nianbao.portal.spec import Site, default_spec
from nianbao.registry import write_registry

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class RequestRecord:
    site: str
    method: str
    path: str  # without the query string
    query: str
    status: int
    body_sent: bool
    size: int
    if_none_match: str | None
    if_modified_since: str | None
    user_agent: str | None
    time: float


@dataclass
class _SiteContext:
    site: Site
    root: Path
    module: ModuleType
    portal: PortalServer


class _SiteHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a lingering keep-alive connection must not hold up shutdown
    request_queue_size = 128  # the default backlog of 5 drops connections under a fast crawl


class PortalServer:
    """The sample portal as a context manager: `with PortalServer() as portal: portal.url("trs")`.

    `root` is a directory made by `build_site`; without one the bundled default portal is built
    into a temporary directory. `base_port=0` gives every site an ephemeral port; otherwise site
    k listens on base_port + k (its manifest port offset).
    """

    def __init__(self, root: str | Path | None = None, base_port: int = 0,
                 host: str = "127.0.0.1", samples_dir: Path = content.SAMPLES_DIR):
        if host not in LOOPBACK:
            raise ValueError(f"the sample portal serves on loopback only, not {host!r}")
        self.host = host
        self.base_port = base_port
        self._root = Path(root) if root else None
        self._samples_dir = samples_dir
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._servers: dict[str, _SiteHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self._log: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._etags: dict[Path, tuple[int, int, str]] = {}
        self.manifest: dict = {}
        self.sites: dict[str, Site] = {}

    # -- life cycle -----------------------------------------------------------------------------
    def __enter__(self) -> PortalServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def root(self) -> Path:
        assert self._root is not None, "start() first"
        return self._root

    def start(self) -> None:
        if self._root is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="nianbao-portal-")
            self._root = Path(self._tmp.name)
            build_site(self._root, default_spec(self.base_port or 8701), self._samples_dir)
        self.manifest = json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))
        try:
            for s in self.manifest["sites"]:
                site = Site(s["key"], s["family"], s["name"], "", "", s["encoding"],
                            s.get("per_page", 5), s["port_offset"])
                self.sites[site.key] = site
                port = self.base_port + site.port_offset if self.base_port else 0
                server = _SiteHTTPServer((self.host, port), _Handler)
                server.context = _SiteContext(site, self.root / "sites" / site.key,  # type: ignore[attr-defined]
                                              FAMILY_MODULES[site.family], self)
                self._servers[site.key] = server
                thread = threading.Thread(target=server.serve_forever,
                                          kwargs={"poll_interval": 0.1},
                                          name=f"portal-{site.key}", daemon=True)
                thread.start()
                self._threads.append(thread)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
            self._root = None

    def serve_forever(self) -> None:
        """Block until interrupted (the CLI's `portal serve`)."""
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass

    # -- addresses ------------------------------------------------------------------------------
    @property
    def ports(self) -> dict[str, int]:
        return {key: server.server_address[1] for key, server in self._servers.items()}

    def site_key(self, site_or_family: str) -> str:
        if site_or_family in self.sites:
            return site_or_family
        for key, site in self.sites.items():
            if site.family == site_or_family:
                return key
        raise KeyError(f"no site or family {site_or_family!r}")

    def url(self, site_or_family: str, path: str = "/") -> str:
        return f"http://{self.host}:{self.ports[self.site_key(site_or_family)]}{path}"

    def item_url(self, item: dict, field: str = "path") -> str:
        return self.url(item["site"], item[field])

    def reports(self) -> list[dict]:
        """The manifest's report items (not traps), each with its absolute `url`."""
        return [dict(i, url=self.item_url(i)) for i in self.manifest["items"]
                if i["kind"] == "report"]

    def registry_rows(self) -> list[dict]:
        return registry_rows(self.manifest, self.ports, self.host)

    def write_registry(self, path: str | Path) -> Path:
        write_registry(self.registry_rows(), path)
        return Path(path)

    # -- request log ----------------------------------------------------------------------------
    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self._log.append(record)

    # -- editing --------------------------------------------------------------------------------
    def file_for(self, url_or_path: str, site: str | None = None) -> tuple[Site, Path]:
        parts = urlsplit(url_or_path)
        if parts.port:
            site = next(k for k, p in self.ports.items() if p == parts.port)
        if site is None:
            raise ValueError("give a full URL or the site")
        key = self.site_key(site)
        return self.sites[key], self.root / "sites" / key / unquote(parts.path).lstrip("/")

    def replace_text(self, url_or_path: str, old: str, new: str, site: str | None = None) -> None:
        """Edit a served text file in place: new bytes, new ETag, Last-Modified now."""
        s, file = self.file_for(url_or_path, site)
        text = file.read_bytes().decode(s.encoding)
        if old not in text:
            raise ValueError(f"{old!r} not in {url_or_path}")
        self._rewrite(file, text.replace(old, new, 1).encode(s.encoding, "xmlcharrefreplace"))

    def edit_report(self, agency_id: str, year: int, delta: int = 1) -> dict:
        """Change a Table 2 number of a served HTML report (its content becomes a new version)."""
        item = next((i for i in self.manifest["items"] if i["agency_id"] == agency_id
                     and i["year"] == year and i["kind"] == "report"), None)
        if item is None or item["format"] != "html":
            raise ValueError(f"no HTML report for {agency_id} {year}")
        s, file = self.file_for(item["path"], item["site"])
        text = file.read_bytes().decode(s.encoding)
        for label in content.VARIABLE_ROWS:
            edited = content.bump_row(text, label, delta)
            if edited != text:
                self._rewrite(file, edited.encode(s.encoding, "xmlcharrefreplace"))
                return {"url": self.item_url(item), "label": label, "delta": delta}
        raise ValueError(f"no Table 2 number to edit in {item['path']}")

    def _rewrite(self, file: Path, data: bytes) -> None:
        before = file.stat().st_mtime
        file.write_bytes(data)
        stamp = max(time.time(), before + 1)
        os.utime(file, (stamp, stamp))

    def etag_for(self, file: Path) -> tuple[str, float, bytes]:
        """(ETag, mtime, bytes) of a file, hashing it again only when it changed."""
        stat = file.stat()
        data = file.read_bytes()
        with self._lock:
            cached = self._etags.get(file)
            if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
                return cached[2], stat.st_mtime, data
        etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
        with self._lock:
            self._etags[file] = (stat.st_mtime_ns, stat.st_size, etag)
        return etag, stat.st_mtime, data


def _content_type(site: Site, path: Path) -> str:
    ext = path.suffix.lower().lstrip(".")
    if ext in ("html", "htm"):
        return f"text/html; charset={charset(site)}"
    if ext in ATTACHMENT_TYPES:
        return ATTACHMENT_TYPES[ext]
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return guessed + ("; charset=utf-8" if guessed.startswith("text/") else "")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, a keep-alive client waits ~40 ms
    # for the delayed ACK on every response.
    disable_nagle_algorithm = True
    server_version = "nianbao-portal/1"
    timeout = 30  # an idle keep-alive connection is closed after this many seconds

    @property
    def ctx(self) -> _SiteContext:
        return self.server.context  # type: ignore[attr-defined]

    def log_message(self, format: str, *args) -> None:  # noqa: A002 — quiet: the log is in memory
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if self.command == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            form = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
            params.update(parse_qsl(form, keep_blank_values=True))
        ctx = self.ctx
        host, port = self.server.server_address[:2]
        origin = f"http://{self.headers.get('Host') or f'{host}:{port}'}"
        request = Request(self.command, path, params, ctx.site, ctx.root, origin)
        response = ctx.module.handle(request)
        mtime = None
        if response is None:
            response, mtime = self._static(path)
        self._send(response, mtime, parts.query)

    def _static(self, path: str) -> tuple[Response, float | None]:
        ctx = self.ctx
        if self.command == "POST":
            return Response(405, b"method not allowed", "text/plain; charset=utf-8"), None
        segments = [s for s in path.split("/") if s]
        if segments[:1] == ["_api"] or any(s in ("..", ".") for s in segments):
            return _not_found(), None
        file = ctx.root.joinpath(*segments)
        if file.is_dir() and not path.endswith("/"):  # as real servers do: /zwgk → /zwgk/
            return Response(301, b"", "text/html; charset=utf-8", {"Location": path + "/"}), None
        if file.is_dir() or path.endswith("/"):
            file = next((file / n for n in ("index.html", "index.htm") if (file / n).is_file()),
                        file / "index.html")
        if not file.is_file():
            return _not_found(), None
        etag, mtime, data = ctx.portal.etag_for(file)
        return Response(200, data, _content_type(ctx.site, file), {"ETag": etag}), mtime

    def _send(self, response: Response, mtime: float | None, query: str) -> None:
        headers = dict(response.headers)
        if response.status == 200:
            headers.setdefault("ETag", '"' + hashlib.sha1(response.body).hexdigest()[:20] + '"')
            if mtime is not None:
                headers["Last-Modified"] = email.utils.formatdate(mtime, usegmt=True)
        status = 304 if response.status == 200 and self._not_modified(headers, mtime) \
            else response.status
        body = b"" if status == 304 or self.command == "HEAD" else response.body
        ctx = self.ctx
        # Logged before answering, so a client that has its answer always finds it in the log.
        ctx.portal._record(RequestRecord(
            ctx.site.key, self.command, urlsplit(self.path).path, query, status, bool(body),
            len(body), self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"),
            self.headers.get("User-Agent"), time.time(),
        ))
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", response.content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(0 if status == 304 else len(response.body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _not_modified(self, headers: dict[str, str], mtime: float | None) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in tags or headers["ETag"] in tags
        ims = self.headers.get("If-Modified-Since")
        if ims and mtime is not None:
            try:
                since = email.utils.parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=dt.UTC)
            return int(mtime) <= since.timestamp()
        return False


def _not_found() -> Response:
    body = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head>"
            "<body><h1>404 页面不存在</h1></body></html>").encode()
    return Response(404, body, "text/html; charset=utf-8")
