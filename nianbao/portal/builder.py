"""Build a portal directory from a spec: each site's files, manifest.json and agencies.csv.

Layout of the output directory:
  manifest.json        sites, agencies, every column item (the truth tests assert against)
  agencies.csv         the registry for the spec's base port
  sites/<key>/…        one site's files as served (encoded in the site's charset); file mtimes are
                       publication times, so Last-Modified is stable across rebuilds
  sites/<key>/_api/    JSON the site's dynamic endpoints read (never served as files)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

from nianbao.portal import content
from nianbao.portal.content import Item
from nianbao.portal.families import FAMILY_MODULES
from nianbao.portal.markup import ROBOTS_TXT, home_page
from nianbao.portal.spec import Agency, Site, Spec
from nianbao.registry import write_registry

CHINA = dt.timezone(dt.timedelta(hours=8))
# Which attachment twin each sample agency publishes its own report as (first one present).
TWIN_FORMATS = {
    "000": ("pdf", "docx", "doc"), "001": ("doc", "pdf", "docx"), "002": ("docx", "pdf", "doc"),
    "003": ("pdf", "doc", "docx"), "004": ("docx", "pdf", "doc"),
}


class SiteWriter:
    """Writes one site's files under `root`, text in the site's encoding, mtimes as given."""

    def __init__(self, root: Path, encoding: str):
        self.root = root
        self.encoding = encoding

    def _file(self, path: str) -> Path:
        file = self.root / path.lstrip("/")
        file.parent.mkdir(parents=True, exist_ok=True)
        return file

    def text(self, path: str, text: str, mtime: dt.datetime) -> None:
        self.data(path, text.encode(self.encoding, errors="xmlcharrefreplace"), mtime)

    def data(self, path: str, data: bytes, mtime: dt.datetime) -> None:
        file = self._file(path)
        file.write_bytes(data)
        stamp = mtime.replace(tzinfo=CHINA).timestamp()
        os.utime(file, (stamp, stamp))

    def api(self, name: str, obj: object) -> None:
        self._file(f"/_api/{name}.json").write_text(
            json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def build_site(out: Path, spec: Spec, samples_dir: Path = content.SAMPLES_DIR) -> dict:
    """Write the whole portal into `out` (its sites/ are replaced) and return the manifest."""
    out = Path(out)
    shutil.rmtree(out / "sites", ignore_errors=True)
    manifest: dict = {
        "base_port": spec.base_port,
        "sites": [{"key": s.key, "family": s.family, "name": s.name, "encoding": s.encoding,
                   "port_offset": s.port_offset, "per_page": s.per_page} for s in spec.sites],
        "agencies": [],
        "items": [],
    }
    for site in spec.sites:
        module = FAMILY_MODULES[site.family]
        writer = SiteWriter(out / "sites" / site.key, site.encoding)
        docid = 80000 + 1000 * site.port_offset
        columns = []
        for agency in (a for a in spec.agencies if a.site == site.key):
            items = column_items(site, agency, docid, samples_dir)
            docid += len(items)
            module.render(site, agency, items, writer)
            column = module.column_url(site, agency)
            columns.append((agency, column))
            manifest["agencies"].append(agency_record(site, agency, column))
            manifest["items"].extend(i.manifest() for i in items)
        stamp = dt.datetime(2025, 1, 1)
        writer.text("/index.html", home_page(site, columns), stamp)
        writer.text("/zwgk/index.html", home_page(site, columns), stamp)
        writer.data("/robots.txt", ROBOTS_TXT.encode("ascii"), stamp)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    ports = {s.key: spec.base_port + s.port_offset for s in spec.sites}
    write_registry(registry_rows(manifest, ports), out / "agencies.csv")
    return manifest


def column_items(site: Site, agency: Agency, first_docid: int, samples_dir: Path) -> list[Item]:
    """The agency's column, newest first: its reports plus the non-reports to skip."""
    items: list[Item] = []
    for year in agency.years:
        if year in agency.missing:
            continue
        sample, body = content.report_body(agency, year, samples_dir)
        item = Item(agency.id, site.key, "report", content.report_title(agency, year, site.family),
                    year, content.publication_time(agency, year), 0, sample=sample, body=body)
        if agency.sample == (sample, year):
            _attach_twin(item, samples_dir)
        items.append(item)
    for kind, title, published, body in content.other_items(agency):
        items.append(Item(agency.id, site.key, kind, title, None, published, 0, body=body))
    if agency.trap:
        year = max(agency.years)
        items.append(Item(agency.id, site.key, "trap",
                          f"{agency.name}{year}年政府信息公开工作年度报告（内部审阅稿）", year,
                          dt.datetime(year + 1, 1, 5, 9, 0), 0,
                          body="<p>内部审阅稿，请勿抓取。</p>"))
    items.sort(key=lambda i: i.published)
    fixed = agency.extra.get("docid", {})
    for n, item in enumerate(items):
        item.docid = fixed.get(item.year, first_docid + n) if item.kind == "report" \
            else first_docid + n
    items.reverse()
    return items


def _attach_twin(item: Item, samples_dir: Path) -> None:
    """Publish a sample agency's own report as its PDF/DOC/DOCX twin, when one exists."""
    for ext in TWIN_FORMATS.get(item.sample or "", ()):
        for path in sorted((samples_dir / "attachments").glob(f"{item.sample}*.{ext}")):
            item.format, item.attachment_data = ext, path.read_bytes()
            return


def agency_record(site: Site, agency: Agency, column: str) -> dict:
    options = _options(site, agency)
    return {
        "id": agency.id, "name": agency.name, "region_code": agency.region_code,
        "region_name": agency.region_name, "level": agency.level, "kind": agency.kind,
        "parent": agency.parent, "site": site.key, "cms": site.family,
        "column_paths": [column], "options": options,
    }


def _options(site: Site, agency: Agency) -> dict:
    opts: dict = {}
    if site.encoding != "utf-8":
        opts["encoding"] = site.encoding
    if site.family == "hanweb":
        opts.update(columnid=agency.number, unitid=agency.number + 4000, webid=site.port_offset + 1)
    elif site.family == "jsonapi":
        opts.update(api="/api/content/list", channel_id=agency.number)
    elif site.family == "trs_dynamic":
        opts.update(search_api="/fjdzapp/search", search_channel=200210, chnlid=agency.number)
    return opts


def registry_rows(manifest: dict, ports: dict[str, int], host: str = "127.0.0.1") -> list[dict]:
    """Registry rows (data/agencies.csv columns) for the given site ports."""
    rows = []
    for a in manifest["agencies"]:
        origin = f"http://{host}:{ports[a['site']]}"
        rows.append({
            "id": a["id"], "name": a["name"], "region_code": a["region_code"],
            "region_name": a["region_name"], "level": a["level"], "kind": a["kind"],
            "parent": a["parent"], "portal_url": origin + "/",
            "column_urls": " ".join(origin + p for p in a["column_paths"]),
            "cms": a["cms"], "options": a["options"],
        })
    return rows
