"""`nianbao serve` as a person uses it: pages, JSON API, search, facets, canned queries, views."""

from __future__ import annotations

import re

import pytest
from test_browse_support import (
    XSS,
    YINZHOU,
    YINZHOU_AGENCY,
    build_db,
    start_server,
    stop_server,
)

AGENCY = YINZHOU_AGENCY["id"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browse")
    db = build_db(tmp / "nianbao.db", tmp / "alerts")
    srv = start_server(db, tmp / "serve.log")
    yield srv
    stop_server(srv)


def test_index_and_database_pages_show_the_project(server):
    index = server.get(server.url).text
    assert "政府信息公开工作年度报告" in index
    page = server.get(server.path()).text
    for name in ("全文检索", "表3 各地区、各年度合计", "办理结果构成", "与上年雷同",
                 "违反规则的报告"):
        assert name in page, name
    for view in ("表3_申请情况", "表4_复议诉讼", "报告一览", "问题清单"):
        assert view in page, view


def test_assets_are_served_locally(server):
    page = server.get(server.path("reports")).text
    external = [u for u in re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
                if not u.startswith(server.url)]
    # the only absolute links are the reports' own source URLs, shown as data, never loaded
    assert not [u for u in external if u.endswith((".js", ".css"))]
    assert re.search(r'<link rel="stylesheet" href="/-/static/app\.css', page)


def test_agency_label_and_json_api(server):
    rows = server.rows("reports", agency=YINZHOU)
    assert len(rows) == 2  # the sample as a web page and as text
    assert {(r["year"], r["template"], r["agency_id"]) for r in rows} == {(2020, "2019", AGENCY)}
    page = server.get(server.path("reports"), agency=YINZHOU).text  # the FK shows the name
    assert f'<a href="/{server.db_name}/agencies/211202-zfb">{YINZHOU}</a>' in page
    agency = server.get(server.path("agencies") + ".json", _shape="array").json()
    assert {a["region_name"] for a in agency} == {"铁岭市银州区"}


def test_metadata_facets_and_descriptions(server):
    data = server.get(server.path("报告一览") + ".json").json()
    assert {"region_name", "year", "template", "parse_status"} <= set(data["facet_results"])
    regions = {f["value"]: f["count"] for f in data["facet_results"]["region_name"]["results"]}
    assert regions == {"铁岭市银州区": 2}
    cells = server.get(server.path("table3_wide")).text
    assert "一、本年新收政府信息公开申请数量 · 自然人（件）" in cells


def sample_numbers(server, report_ids) -> set[str]:
    """Which of the five samples (000…004) the reports are, whatever their format."""
    reports = server.rows("reports", _size="max")
    return {r["source"].rsplit("/", 1)[1][:3] for r in reports if r["id"] in report_ids}


@pytest.mark.parametrize(("word", "samples"), [
    ("依申请", {"000", "001", "002", "003", "004"}),  # in each 总体情况
    ("信息处理费", {"000", "002"}),                    # only two reports speak of fees
    ("复议", {"000", "001", "002", "003", "004"}),      # 四、政府信息公开行政复议、行政诉讼情况
    ("报告", {"000", "001", "002", "003", "004"}),      # 六、其他需要报告的事项
    ("处理费信", set()),                               # the characters, not that word
])
def test_chinese_search_through_the_search_box(server, word, samples):
    sections = server.rows("sections", _search=word, _size="max")
    assert sample_numbers(server, {s["report_id"] for s in sections}) == samples
    page = server.get(server.path("sections"), _search=word).text
    assert 'name="_search"' in page and f'value="{word}"' in page


def test_titles_are_searched_in_the_report_list(server):
    hits = server.rows("报告一览", _search="报告")
    assert YINZHOU in {h["agency"] for h in hits}
    assert all("报告" in h["title"] for h in hits)
    page = server.get(server.path("报告一览"), _search="年报").text
    assert "前进区发展改革工信局2023信息公开年报" in page
    assert 'name="_search"' in page


def test_search_query_marks_the_hit(server):
    rows = server.rows("search", q="信息处理费")
    assert rows and all("【信息处理费】" in r["摘录"] for r in rows if r["部分"] != "title")
    assert {r["机关"] for r in rows} >= {"前进区发展改革工信局"}
    assert server.rows("search", q="") == []


def test_failing_rule_with_its_cells(server):
    rows = server.rows("failing_rule", rule="R1_balance")
    yin = [r for r in rows if r["机关"] == YINZHOU]
    assert yin, rows
    assert "new_received" in yin[0]["单元格"] and "carried_forward" in yin[0]["单元格"]
    assert {r["来源"].rsplit("/", 1)[1] for r in yin} == {
        "001_f50a9f7ac473722a.txt", "001_f50a9f7ac473722a.html"}
    page = server.get(server.path("failing_rule"), rule="R1_balance").text
    assert f'<a href="/{server.db_name}/reports/{yin[0]["report_id"]}">' in page
    results = server.get(server.path("rule_results"), rule_id="R1_balance").text
    assert f'<a href="/{server.db_name}/reports/{yin[0]["report_id"]}">' in results
    r2 = {r["机关"] for r in server.rows("failing_rule", rule="R2_results_sum")}
    assert "前进区发展改革工信局" in r2


def test_findings_link_to_report_and_source(server):
    findings = server.rows("问题清单", rule_id="R1_balance")
    assert findings and findings[0]["agency"] == YINZHOU
    assert findings[0]["source_url"].rsplit("/", 1)[1].startswith("001_f50a9f7ac473722a.")
    assert findings[0]["report_title"] == "银州区人民政府办公室2020年度政府信息公开工作报告"
    page = server.get(server.path("问题清单"), rule_id="R1_balance").text
    assert re.search(rf'<a href="/{server.db_name}/reports/\d+">\d+</a>', page)


def test_table_views_have_chinese_labels(server):
    t3 = {r["机关"]: r for r in server.rows("表3_申请情况")}
    assert t3[YINZHOU]["本年新收申请"] == 2
    assert t3[YINZHOU]["地区"] == "铁岭市银州区"
    assert t3["前进区发展改革工信局"]["予以公开"] == 2
    assert t3["前进区发展改革工信局"]["无法提供·本机关不掌握"] == 1
    t4 = server.rows("表4_复议诉讼")
    assert "行政复议·结果维持" in t4[0] and "行政诉讼·复议后起诉·总计" in t4[0]


def test_day_one_queries(server):
    by_region = {(r["地区"], r["年度"]): r for r in server.rows("table3_by_region_year")}
    assert by_region[("铁岭市银州区", 2020)]["报告数"] == 2  # the .html and the .txt sample
    assert by_region[("铁岭市银州区", 2020)]["本年新收申请"] == 4
    history = server.rows("agency_history", agency="银州区")
    assert [(h["年度"], h["本年新收申请"]) for h in history] == [(2020, 2), (2020, 2)]
    shares = server.rows("outcome_shares", year="2023")
    assert {s["outcome"] for s in shares} <= {
        "granted", "partial", "denied", "unavailable", "rejected", "other"}
    assert round(sum(s["占比百分比"] for s in shares)) == 100
    missing = {m["机关"] for m in server.rows("missing_reports", year="2020")}
    assert missing == {"银州区教育局"}
    late = server.rows("late_reports", year="2023")  # the check ran as of 2024-06-01
    assert {(r["机关"], r["状态"], r["截止日期"]) for r in late} == {
        (YINZHOU, "missing", "2024-01-31"), ("银州区教育局", "missing", "2024-01-31")}
    assert isinstance(server.rows("same_as_last_year"), list)


def test_scraped_text_is_escaped(server):
    page = server.get(server.path("reports")).text
    assert XSS not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    search = server.get(server.path("search"), q="年报").text
    assert XSS not in search and "&lt;script&gt;" in search
