"""Render the five seed reports as government-portal HTML pages (data/samples/html/).

Run: ``.venv/bin/python data/samples/render_html.py``. Uses no part of the parser: the narrative
comes from the seed text (cut at headings listed here by hand), the table values from the
expected records in tests/fixtures/expected/NNN.json, which were written by reading the seeds.
The pages look like real ones: CMS meta tags (ArticleTitle, PubDate, ContentSource, ColumnName),
an info bar with the date, merged cells (rowspan/colspan) as the State Council forms print them,
<p> inside cells, &nbsp; for blank cells, a footer. Variants on purpose: Table 2 as one table
(000, 002, 004) or one table per item (001, 003); 001 is GBK with <meta charset="gb2312">; 004
has no 法人或其他组织 header row and splits header words over lines.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EXPECTED = ROOT / "tests" / "fixtures" / "expected"

PAGES = {
    "000": dict(
        site="某市人民政府", column="政府信息公开年报", pubdate="2023-01-18 09:30:12",
        title="政府信息公开工作年度报告", t2="single", encoding="utf-8",
        headings=["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                  "六、其他需要报告的事项"],
    ),
    "001": dict(
        site="铁岭市银州区人民政府", column="政府信息公开年度报告", pubdate="2021-01-29",
        title=None, t2="several", encoding="gbk",
        headings=["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                  "六、其他需要报告的事项:无"],
    ),
    "002": dict(
        site="前进区人民政府", column="法定主动公开内容 > 年度报告", pubdate="2024-01-25 15:02",
        title=None, t2="single", encoding="utf-8",
        headings=["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                  "六、其他需要报告的事项"],
    ),
    "003": dict(
        site="驻马店市人民政府", column="政府信息公开年报", pubdate="2020-01-31 10:12:45",
        title=None, t2="several", encoding="utf-8",
        headings=["一、总体情况", "二、主动公开政府信息情况", None,
                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                  "六、其他需要报告的事项"],
    ),
    "004": dict(
        site="怀仁市人民政府", column="政府信息公开工作年度报告", pubdate="2024-01-15 16:20:00",
        title=None, t2="single", encoding="utf-8", split_headers=True,
        headings=["- 总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                  "四、政府信息公开行政复议、行政诉讼情况", "- 存在的主要问题及改进情况",
                  "六、其他需要报告的事项"],
    ),
}

ITEMS = (  # Table 2: item, rows
    ("一", ("regulations", "normative_documents")),
    ("五", ("licensing", "other_services")),
    ("六", ("punishment", "enforcement")),
    ("八", ("fees",)),
    ("九", ("procurement",)),
)
ROW_LABELS = {
    "regulations": "规章", "licensing": "行政许可", "other_services": "其他对外管理服务事项",
    "punishment": "行政处罚", "enforcement": "行政强制", "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
HEADERS = {
    "issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
    "made": "本年新制作数量", "published": "本年新公开数量", "published_total": "对外公开总数量",
    "previous_items": "上一年项目数量", "change": "本年增/减", "items": "采购项目数量",
}
T3_LABELS = {
    "denied": ("（三）不予公开", [
        "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
        "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
        "7.属于行政执法案卷", "8.属于行政查询事项"]),
    "unavailable": ("（四）无法提供", [
        "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]),
    "rejected": ("（五）不予处理", [
        "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
        "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息"]),
    "other": ("（六）其他处理", [
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他"]),
}
GROUP_KEYS = {
    "denied": ["denied_state_secret", "denied_law", "denied_security", "denied_third_party",
               "denied_internal", "denied_process", "denied_enforcement_file", "denied_query"],
    "unavailable": ["unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"],
    "rejected": ["rejected_petition", "rejected_duplicate", "rejected_publication",
                 "rejected_excessive", "rejected_confirmation"],
    "other": ["other_no_correction", "other_no_fee", "other_misc"],
}
T3_COLS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org",
           "total")
T4_LEAVES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def esc(text: str) -> str:
    return html.escape(text, quote=False)


class Seed:
    def __init__(self, num: str):
        self.num = num
        self.path = next((HERE / "seeds").glob(f"{num}_*.txt"))
        self.exp = json.loads((EXPECTED / f"{num}.json").read_text(encoding="utf-8"))
        self.page = PAGES[num]

    def raw(self, table: str, row: str, col: str) -> str:
        """The cell as printed: the raw text the seed shows, or the number, &nbsp; for blank."""
        override = self.exp.get("raw", {}).get(f"{table}.{row}.{col}")
        if override is not None:
            return esc(override) if override.strip() else "&nbsp;"
        value = self.exp[table][row][col]
        return "&nbsp;" if value is None else str(value)

    def parts(self) -> tuple[list[str], dict[int, list[str]]]:
        """Head lines and the narrative lines after each heading (by heading position)."""
        lines = [ln.strip() for ln in self.path.read_text(encoding="utf-8").splitlines()]
        marks = {h: i for i, h in enumerate(self.page["headings"]) if h}
        head: list[str] = []
        body: dict[int, list[str]] = {}
        current = None
        for line in lines:
            if line in marks:
                current = marks[line]
                body[current] = []
                continue
            if not line or "|" in line:
                continue
            (head if current is None else body[current]).append(line)
        return head, body


def cell(text: str, tag: str = "td", rowspan: int = 1, colspan: int = 1, p: bool = False) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else "")
    inner = f"<p>{text}</p>" if p else text
    return f'<{tag}{attrs} valign="middle" align="center">{inner}</{tag}>'


def table2(seed: Seed) -> list[str]:
    t2 = seed.exp["table2"]
    split = seed.page.get("split_headers", False)
    blocks: list[list[str]] = []
    for item, rows in ITEMS:
        rows = [r for r in rows if r in t2]
        if not rows:
            continue
        cols = list(t2[rows[0]])
        era2019 = any(c in cols for c in ("made", "previous_items", "items"))
        trs = [f"<tr>{cell(f'第二十条第（{item}）项', 'td', colspan=4)}</tr>"]
        spans = {1: [3], 2: [1, 2], 3: [1, 1, 1]}[len(cols)]
        heads = []
        for col, span in zip(cols, spans, strict=True):
            if col == "decisions":
                words = "处理决定数量" if era2019 else "本年处理决定数量"
            elif col == "amount":
                words = "采购总金额" if item == "九" else "本年收费金额（单位：万元）"
            else:
                words = HEADERS[col]
            if split and words.startswith("本年新"):
                words = "本年新<br/>" + words[3:]
            heads.append(cell(words, colspan=span))
        trs.append(f"<tr>{cell('信息内容')}{''.join(heads)}</tr>")
        for row in rows:
            label = ROW_LABELS.get(row) or ("规范性文件" if era2019 else "行政规范性文件")
            tds = "".join(cell(seed.raw("table2", row, c), colspan=s)
                          for c, s in zip(cols, spans, strict=True))
            trs.append(f"<tr>{cell(label)}{tds}</tr>")
        blocks.append(trs)
    if seed.page["t2"] == "single":
        return [_table([tr for b in blocks for tr in b])]
    return [_table(b) for b in blocks]


def table3(seed: Seed) -> str:
    t3 = seed.exp["table3"]
    era2019 = "other" in t3
    p = seed.num == "004"
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    if seed.num == "004":  # no 法人或其他组织 header row, as the seed prints it
        trs = [
            f"<tr>{cell(note, 'td', 2, 3)}{cell('申请人情况', 'td', colspan=7)}</tr>",
            "<tr>" + "".join(cell(w, p=True) for w in (
                "自 然 人", "商业<br/>企业", "科研机构", "社会<br/>公益<br/>组织", "法律服务机构",
                "其他", "总计")) + "</tr>",
        ]
    else:
        trs = [
            f"<tr>{cell(note, 'td', 3, 3)}{cell('申请人情况', 'td', colspan=7)}</tr>",
            f"<tr>{cell('自然人', 'td', 2)}{cell('法人或其他组织', 'td', colspan=5)}"
            f"{cell('总计', 'td', 2)}</tr>",
            "<tr>" + "".join(cell(w) for w in (
                "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")) + "</tr>",
        ]

    def values(row: str) -> str:
        return "".join(cell(seed.raw("table3", row, c), p=p) for c in T3_COLS)

    results = 2 + 8 + 3 + 5 + (1 if era2019 else 3) + 1
    for label, key in (("一、本年新收政府信息公开申请数量", "new_received"),
                       ("二、上年结转政府信息公开申请数量", "carried_over")):
        trs.append(f"<tr>{cell(label, colspan=3)}{values(key)}</tr>")
    trs.append(f"<tr>{cell('三、本年度办理结果', rowspan=results)}"
               f"{cell('（一）予以公开', colspan=2)}{values('granted')}</tr>")
    trs.append(f"<tr>{cell('（二）部分公开（区分处理的，只计这一情形，不计其他情形）', colspan=2)}"
               f"{values('partially_granted')}</tr>")
    for group in ("denied", "unavailable", "rejected", "other"):
        label, items = T3_LABELS[group]
        if group == "other" and era2019:
            trs.append(f"<tr>{cell(label, colspan=2)}{values('other')}</tr>")
            continue
        for i, (key, item) in enumerate(zip(GROUP_KEYS[group], items, strict=True)):
            lead = cell(label, rowspan=len(items)) if i == 0 else ""
            trs.append(f"<tr>{lead}{cell(esc(item))}{values(key)}</tr>")
    trs.append(f"<tr>{cell('（七）总计', colspan=2)}{values('total_handled')}</tr>")
    trs.append(f"<tr>{cell('四、结转下年度继续办理', colspan=3)}{values('carried_forward')}</tr>")
    return _table(trs)


def table4(seed: Seed) -> str:
    t4 = seed.exp["table4"]
    p = seed.num == "004"
    leaves = "".join(cell(w, p=p) for w in T4_LEAVES)
    trs = [
        f"<tr>{cell('行政复议', colspan=5)}{cell('行政诉讼', colspan=10)}</tr>",
        "<tr>" + "".join(cell(w, rowspan=2, p=p) for w in T4_LEAVES)
        + f"{cell('未经复议直接起诉', colspan=5)}{cell('复议后起诉', colspan=5)}</tr>",
        f"<tr>{leaves}{leaves}</tr>",
        "<tr>" + "".join(
            cell(seed.raw("table4", g, c))
            for g in ("review", "litigation_direct", "litigation_after_review")
            for c in t4[g]) + "</tr>",
    ]
    return _table(trs)


def _table(trs: list[str]) -> str:
    return ('<table border="1" cellspacing="0" cellpadding="0" width="100%" '
            'style="border-collapse:collapse">\n<tbody>\n'
            + "\n".join(trs) + "\n</tbody>\n</table>")


def render(seed: Seed) -> str:
    page = seed.page
    head, body = seed.parts()
    title = page["title"] or head[0]
    if seed.num == "000":
        intro = head
    else:
        intro = head[1:]
    charset = "gb2312" if page["encoding"] == "gbk" else "utf-8"
    date = page["pubdate"][:10]
    meta_rows = ""
    if seed.num == "003":  # a 信息公开 index table above the article, as many portals print
        meta_rows = _table([
            f"<tr><td>索引号：</td><td>11411700/2020-00031</td><td>发布机构：</td><td>{esc(seed.exp['agency'])}</td></tr>",
            f"<tr><td>文号：</td><td>无</td><td>发文日期：</td><td>{date}</td></tr>",
        ])
    out = [
        "<!DOCTYPE html>",
        "<html>",
        "<head>",
        f'<meta charset="{charset}">' if charset == "gb2312" else '<meta charset="utf-8">',
        f'<meta name="SiteName" content="{page["site"]}">',
        f'<meta name="ColumnName" content="{page["column"]}">',
        f'<meta name="ArticleTitle" content="{esc(title)}">',
        f'<meta name="PubDate" content="{page["pubdate"]}">',
        f'<meta name="ContentSource" content="{esc(seed.exp["agency"] or page["site"])}">',
        f"<title>{esc(title)}_{page['site']}</title>",
        "<style>.article p{text-indent:2em;line-height:2}</style>",
        "<script>var _hmt = _hmt || [];</script>",
        "</head>",
        "<body>",
        '<div class="header"><div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a>'
        ' <a href="/hdjl/">互动交流</a></div></div>',
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; '
        f'<a href="/zwgk/">{page["column"]}</a></div>',
        meta_rows,
        '<div class="article">',
        f'<h1 class="title">{esc(title)}</h1>',
        f'<div class="info"><span>发布日期：{date}</span> '
        f'<span>来源：{esc(seed.exp["agency"] or page["site"])}</span> '
        '<span>字号：【<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</span></div>',
        '<div class="TRS_Editor" id="zoom">',
    ]
    out += [f"<p>{esc(line)}</p>" for line in intro if line != title]
    keys = ["overview", "proactive", "requests", "reviews", "problems", "other"]
    for pos, heading in enumerate(page["headings"]):
        key = keys[pos]
        if heading is None:
            if key == "requests":
                out.append(table3(seed))
            continue
        out.append(f"<p><strong>{esc(heading)}</strong></p>")
        if key == "proactive":
            out += table2(seed)
        elif key == "requests":
            out.append(table3(seed))
        elif key == "reviews":
            out.append(table4(seed))
        else:
            for line in body.get(pos, []):
                right = key == "other" and _is_signature(line)
                style = ' style="text-align:right"' if right else ""
                out.append(f"<p{style}>{esc(line)}</p>")
    out += [
        "</div>",
        '<div class="print"><a href="javascript:window.print()">【打印本页】</a> '
        '<a href="javascript:window.close()">【关闭窗口】</a></div>',
        "</div>",
        f'<div class="footer"><p>版权所有：{page["site"]}　主办：{page["site"]}办公室</p>'
        "<p>网站标识码：4100000000　ICP备案号：豫ICP备00000000号</p></div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(x for x in out if x) + "\n"


def _is_signature(line: str) -> bool:
    return line.endswith(("局", "日")) and len(line) <= 20


def main() -> None:
    out_dir = HERE / "html"
    out_dir.mkdir(exist_ok=True)
    for num in PAGES:
        seed = Seed(num)
        text = render(seed)
        data = text.encode("gbk", "xmlcharrefreplace") if seed.page["encoding"] == "gbk" \
            else text.encode("utf-8")
        path = out_dir / (seed.path.stem + ".html")
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data)} bytes, {seed.page['encoding']})")


if __name__ == "__main__":
    main()
