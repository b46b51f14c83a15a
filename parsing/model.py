"""The canonical record of an annual report, shared by parser, store, rules and Datasette.

Keys follow ``shared/spec/report-format.md`` ("Canonical keys"). Every stage speaks these keys;
Chinese labels live beside them here so that one table maps the law's wording to identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Number = int | float
TableName = Literal["table2", "table3", "table4"]
Template = Literal["2019", "2021", "mixed", "unknown"]

# The six sections, in order, with the heading words that identify them.
SECTIONS: dict[str, str] = {
    "overview": "总体情况",
    "proactive": "主动公开政府信息情况",
    "requests": "收到和处理政府信息公开申请情况",
    "reviews": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other": "其他需要报告的事项",
}

# Table 3 columns (applicant kinds), in the order the form prints them.
TABLE3_COLUMNS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_org": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
APPLICANT_COLUMNS: tuple[str, ...] = tuple(c for c in TABLE3_COLUMNS if c != "total")

# Table 3 rows, in order. 2021 era: 25 rows; 2019 era: 23, with （六）其他处理 as
# the single row `other`.
TABLE3_ROWS: dict[str, str] = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "（三）不予公开 1.属于国家秘密",
    "denied_law": "（三）不予公开 2.其他法律行政法规禁止公开",
    "denied_security": "（三）不予公开 3.危及“三安全一稳定”",
    "denied_third_party": "（三）不予公开 4.保护第三方合法权益",
    "denied_internal": "（三）不予公开 5.属于三类内部事务信息",
    "denied_process": "（三）不予公开 6.属于四类过程性信息",
    "denied_enforcement_file": "（三）不予公开 7.属于行政执法案卷",
    "denied_query": "（三）不予公开 8.属于行政查询事项",
    "unavailable_not_held": "（四）无法提供 1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "（四）无法提供 2.没有现成信息需要另行制作",
    "unavailable_unclear": "（四）无法提供 3.补正后申请内容仍不明确",
    "rejected_petition": "（五）不予处理 1.信访举报投诉类申请",
    "rejected_duplicate": "（五）不予处理 2.重复申请",
    "rejected_publication": "（五）不予处理 3.要求提供公开出版物",
    "rejected_excessive": "（五）不予处理 4.无正当理由大量反复申请",
    "rejected_confirmation": "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_no_fee": "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_misc": "（六）其他处理 3.其他",
    "other": "（六）其他处理",
    "total_handled": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
TABLE3_ROWS_2021: tuple[str, ...] = tuple(r for r in TABLE3_ROWS if r != "other")
TABLE3_ROWS_2019: tuple[str, ...] = tuple(
    r for r in TABLE3_ROWS if r not in ("other_no_correction", "other_no_fee", "other_misc")
)
# The rows whose sum is （七）总计 (rule 2), for either era.
RESULT_ROWS: tuple[str, ...] = tuple(
    r for r in TABLE3_ROWS
    if r not in ("new_received", "carried_over", "total_handled", "carried_forward")
)

# Table 4: three groups of the same five columns.
TABLE4_GROUPS: dict[str, str] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼 未经复议直接起诉",
    "litigation_after_review": "行政诉讼 复议后起诉",
}
TABLE4_COLUMNS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

# Table 2 rows and the columns each era prints for them.
TABLE2_ROWS: dict[str, str] = {
    "regulations": "规章",
    "normative_documents": "行政规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "punishment": "行政处罚",
    "enforcement": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
TABLE2_COLUMNS: dict[str, str] = {
    # 2021 era
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount": "本年收费金额",
    # 2019 era
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "published_total": "对外公开总数量",
    "previous_items": "上一年项目数量",
    "change": "本年增/减",
    "items": "采购项目数量",
}
# 2019 era reuse `decisions` (处理决定数量) and `amount` (采购总金额) for their own headers.
TABLE2_COLUMNS_2021: tuple[str, ...] = ("issued", "repealed", "in_force", "decisions", "amount")
TABLE2_COLUMNS_2019: tuple[str, ...] = (
    "made", "published", "published_total", "previous_items", "change", "decisions", "items",
    "amount",
)


@dataclass(slots=True)
class Cell:
    """One number of a table as the report printed it.

    ``value`` is the number with its unit taken off, ``None`` for a blank or a dash (a blank is
    not a zero); ``raw`` is the text exactly as found; ``unit`` is 件/元/万元 when the cell said so.
    """

    value: Number | None
    raw: str
    unit: str | None = None


Table = dict[str, dict[str, Cell]]


@dataclass
class Report:
    """One parsed annual report: metadata, the six sections, and Tables 2, 3 and 4."""

    source: str
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    published: str | None = None  # ISO date, as the page states it
    template: Template = "unknown"
    sections: dict[str, str] = field(default_factory=dict)
    table2: Table = field(default_factory=dict)
    table3: Table = field(default_factory=dict)
    table4: Table = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def table(self, name: TableName) -> Table:
        return getattr(self, name)

    def iter_cells(self):
        """Yield ``(table, row, column, cell)`` for every cell, in a stable order."""
        for name in ("table2", "table3", "table4"):
            for row, cols in self.table(name).items():
                for col, cell in cols.items():
                    yield name, row, col, cell

    def to_json(self) -> dict[str, Any]:
        """The `nianbao parse --json` contract: numbers only, blank is null."""

        def numbers(table: Table) -> dict[str, dict[str, Number | None]]:
            return {r: {c: cell.value for c, cell in cols.items()} for r, cols in table.items()}

        return {
            "source": self.source,
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "published": self.published,
            "template": self.template,
            "sections": dict(self.sections),
            "table2": numbers(self.table2),
            "table3": numbers(self.table3),
            "table4": numbers(self.table4),
            "warnings": list(self.warnings),
        }


class ParseError(ValueError):
    """A document that holds no recognisable report. The page is still stored, with this reason."""
