"""What a sample portal contains: sites (one per CMS family), agencies, and the years they report.

A spec is plain data; `builder.build_site` turns it into files. `default_spec()` is the bundled
portal the demo crawls (its registry is data/agencies.csv); `scaled_spec(n, years)` is the load-test
portal. Everything is deterministic: the same spec always builds the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from nianbao.registry import CMS_FAMILIES

FAMILIES = CMS_FAMILIES  # the registry's `cms` values; one site per family when scaled
DEFAULT_BASE_PORT = 8701


def pick(*keys: object) -> int:
    """A stable pseudo-random integer for a key (so rebuilding gives the same portal)."""
    return int(hashlib.sha1("|".join(map(str, keys)).encode()).hexdigest()[:8], 16)


@dataclass(frozen=True)
class Site:
    key: str
    family: str
    name: str  # the portal's own name (<meta name="SiteName">)
    domain: str  # the real-looking domain printed in SiteDomain meta tags
    site_code: str  # SiteIDCode (网站标识码)
    encoding: str = "utf-8"
    per_page: int = 5
    port_offset: int = 0


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    region_code: str
    region_name: str
    level: str  # province / city / county / township
    kind: str  # government / department
    site: str
    slug: str
    number: int  # column id / channel id / unit number, unique within a site
    years: tuple[int, ...]
    parent: str = ""
    short: str = ""  # the name as used inside titles (平潭综合实验区, not …党工委管委会)
    sample: tuple[str, int] | None = None  # (sample id, year) this agency really published
    missing: tuple[int, ...] = ()  # years with no report at all
    trap: bool = False  # lists a report-looking item under robots-disallowed /private/
    extra: dict = field(default_factory=dict)

    @property
    def title_name(self) -> str:
        return self.short or self.name


@dataclass(frozen=True)
class Spec:
    sites: tuple[Site, ...]
    agencies: tuple[Agency, ...]
    base_port: int = DEFAULT_BASE_PORT


def _years(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


# The real pingtan column's dates and document ids (tests/fixtures/portal/pingtan_…html).
_PINGTAN_REAL = {
    "published": {2024: "2025-03-10", 2023: "2024-03-08", 2022: "2023-02-20", 2021: "2022-02-08",
                  2020: "2021-03-05", 2019: "2020-01-20", 2018: "2019-01-10", 2017: "2018-01-23",
                  2016: "2017-01-18"},
    "docid": {2024: 97791, 2023: 87885, 2022: 80629, 2021: 80613, 2020: 80595, 2019: 80576,
              2018: 80529, 2017: 80506, 2016: 80485},
}


def default_spec(base_port: int = DEFAULT_BASE_PORT) -> Spec:
    """The bundled portal: six real-looking sites, the five samples' own agencies among them."""
    y = _years(2019, 2024)
    sites = (
        Site("tieling", "trs", "铁岭市人民政府", "www.tieling.gov.cn", "2112000001", port_offset=0),
        Site("zhumadian", "hanweb", "驻马店市人民政府", "www.zhumadian.gov.cn", "4117000001",
             port_offset=1),
        Site("qianjin", "jsonapi", "佳木斯市前进区人民政府", "www.jmsqjq.gov.cn", "2308040001",
             port_offset=2),
        Site("yinzhou", "plain", "铁岭市银州区人民政府", "www.lnyz.gov.cn", "2112020001",
             encoding="gbk", port_offset=3),
        Site("pingtan", "trs_dynamic", "平潭综合实验区党工委管委会", "www.pingtan.gov.cn",
             "3590000001", per_page=10, port_offset=4),
        Site("huairen", "hanweb", "怀仁市人民政府", "www.huairen.gov.cn", "1406240001",
             encoding="gbk", port_offset=5),
    )
    ln, tl = "辽宁省铁岭市", "211200"
    agencies = (
        Agency("tieling-gov", "铁岭市人民政府", tl, ln, "city", "government", "tieling", "szf",
               1, y, short="铁岭市"),
        Agency("tieling-yss", "铁岭市营商局", tl, ln, "city", "department", "tieling", "yss", 2,
               y, parent="tieling-gov", sample=("000", 2022)),
        Agency("tieling-czj", "铁岭市财政局", tl, ln, "city", "department", "tieling", "czj", 3,
               y, parent="tieling-gov", missing=(2020,)),
        Agency("tieling-jtj", "铁岭市交通运输局", tl, ln, "city", "department", "tieling", "jtj",
               4, y, parent="tieling-gov"),
        Agency("zhumadian-gov", "驻马店市人民政府", "411700", "河南省驻马店市", "city",
               "government", "zhumadian", "szf", 1234, y, short="驻马店市"),
        Agency("zhumadian-zsj", "驻马店市招商投资促进局", "411700", "河南省驻马店市", "city",
               "department", "zhumadian", "zsj", 1241, y, parent="zhumadian-gov",
               sample=("003", 2019)),
        Agency("zhumadian-sthj", "驻马店市生态环境局", "411700", "河南省驻马店市", "city",
               "department", "zhumadian", "sthj", 1252, y, parent="zhumadian-gov"),
        Agency("qianjin-gov", "佳木斯市前进区人民政府", "230804", "黑龙江省佳木斯市前进区",
               "county", "government", "qianjin", "qzf", 101, y, short="前进区"),
        Agency("qianjin-fgj", "前进区发展改革工信局", "230804", "黑龙江省佳木斯市前进区",
               "county", "department", "qianjin", "fgj", 102, y, parent="qianjin-gov",
               sample=("002", 2023)),
        Agency("qianjin-jyj", "前进区教育局", "230804", "黑龙江省佳木斯市前进区", "county",
               "department", "qianjin", "jyj", 103, y, parent="qianjin-gov", missing=(2023,)),
        Agency("yinzhou-gov", "铁岭市银州区人民政府", "211202", "辽宁省铁岭市银州区", "county",
               "government", "yinzhou", "qzf", 1, y, parent="tieling-gov", short="银州区",
               trap=True),
        Agency("yinzhou-zfb", "银州区人民政府办公室", "211202", "辽宁省铁岭市银州区", "county",
               "department", "yinzhou", "zfb", 2, y, parent="yinzhou-gov", sample=("001", 2020)),
        Agency("yinzhou-hqjd", "银州区红旗街道办事处", "211202", "辽宁省铁岭市银州区",
               "township", "government", "yinzhou", "hqjd", 3, y, parent="yinzhou-gov"),
        Agency("pingtan-gov", "平潭综合实验区党工委管委会", "350128", "福建省平潭综合实验区",
               "county", "government", "pingtan", "zfxxgknb", 1813, _years(2014, 2024),
               short="平潭综合实验区", extra=_PINGTAN_REAL),
        Agency("pingtan-xzsp", "平潭综合实验区行政审批局", "350128", "福建省平潭综合实验区",
               "county", "department", "pingtan", "xzspj", 1827, y, parent="pingtan-gov"),
        Agency("huairen-gov", "怀仁市人民政府", "140624", "山西省朔州市怀仁市", "county",
               "government", "huairen", "szf", 3301, y, short="怀仁市"),
        Agency("huairen-xzsp", "怀仁市行政审批服务管理局", "140624", "山西省朔州市怀仁市",
               "county", "department", "huairen", "xzsp", 3312, y, parent="huairen-gov",
               sample=("004", 2023)),
    )
    return Spec(sites, agencies, base_port)


# The load-test portal: one site per family, each a city with its departments and counties.
_CITIES = (
    ("示例市", "330100", "浙江省示例市"), ("样本市", "320500", "江苏省样本市"),
    ("演示市", "370200", "山东省演示市"), ("测试市", "440300", "广东省测试市"),
    ("模拟市", "510100", "四川省模拟市"),
)
_DEPARTMENTS = (
    ("fgw", "发展和改革委员会"), ("jyj", "教育局"), ("kjj", "科学技术局"),
    ("gxj", "工业和信息化局"), ("mzj", "民政局"), ("sfj", "司法局"), ("czj", "财政局"),
    ("rsj", "人力资源和社会保障局"),
    ("zrzyj", "自然资源和规划局"), ("sthjj", "生态环境局"), ("zjj", "住房和城乡建设局"),
    ("jtj", "交通运输局"), ("slj", "水利局"), ("nyncj", "农业农村局"), ("swj", "商务局"),
    ("wglj", "文化广电旅游体育局"), ("wjw", "卫生健康委员会"), ("tyjrj", "退役军人事务局"),
    ("yjglj", "应急管理局"), ("sjj", "审计局"), ("scjgj", "市场监督管理局"), ("tjj", "统计局"),
    ("ybj", "医疗保障局"), ("xzspj", "行政审批服务局"), ("cgj", "城市管理局"), ("xfj", "信访局"),
    ("lyj", "林业局"), ("gzw", "国有资产监督管理委员会"), ("sjzyj", "数据资源管理局"),
)
_COUNTY_SUFFIXES = ("东区", "西区", "南县", "北县", "中区", "新区", "高县", "林县", "湖区", "山县")


def scaled_spec(
    agencies: int, years: tuple[int, ...] | range = range(2019, 2025), *,
    base_port: int = DEFAULT_BASE_PORT, per_page: int = 10,
) -> Spec:
    """`agencies` agencies spread round-robin over one site per family, each reporting `years`."""
    years = tuple(years)
    sites = tuple(
        Site(family, family, f"{_CITIES[i][0]}人民政府", f"www.site{i + 1}.example.gov.cn",
             f"{_CITIES[i][1]}0001", encoding="gbk" if family == "plain" else "utf-8",
             per_page=10 if family == "trs_dynamic" else per_page, port_offset=i)
        for i, family in enumerate(FAMILIES)
    )
    counts = [agencies // len(sites) + (1 if i < agencies % len(sites) else 0)
              for i in range(len(sites))]
    out: list[Agency] = []
    for i, site in enumerate(sites):
        out.extend(_site_agencies(site, _CITIES[i], counts[i], years))
    return Spec(sites, tuple(out), base_port)


def _site_agencies(site: Site, city: tuple[str, str, str], count: int,
                   years: tuple[int, ...]) -> list[Agency]:
    """A city government, its departments, then counties (each a government + departments)."""
    name, code, region = city
    per_region = 1 + len(_DEPARTMENTS)
    out: list[Agency] = []
    for n in range(count):
        r, d = divmod(n, per_region)
        if r == 0:
            rname, rcode, rregion, level, prefix = name, code, region, "city", site.key
        else:
            county = f"{name[:-1]}{_COUNTY_SUFFIXES[(r - 1) % len(_COUNTY_SUFFIXES)]}"
            if r > len(_COUNTY_SUFFIXES):
                county = f"{county}{(r - 1) // len(_COUNTY_SUFFIXES) + 1}"
            rname, rcode, level = county, f"{code[:4]}{r % 98 + 1:02d}", "county"
            rregion, prefix = f"{region}{county}", f"{site.key}-c{r}"
        gov_id = f"{prefix}-gov"
        parent_gov = f"{site.key}-gov" if r else ""
        number = 100 + n * 3
        if d == 0:
            out.append(Agency(gov_id, f"{rname}人民政府", rcode, rregion, level, "government",
                              site.key, f"r{r}zf", number, years, parent=parent_gov,
                              short=rname))
        else:
            slug, dept = _DEPARTMENTS[d - 1]
            out.append(Agency(f"{prefix}-{slug}", f"{rname}{dept}", rcode, rregion, level,
                              "department", site.key, f"r{r}{slug}", number, years,
                              parent=gov_id))
    return out
