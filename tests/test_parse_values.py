"""Cell values as reports print them: units, 增/减, blanks and dashes, full-width digits."""

from __future__ import annotations

import pytest

from parsing.values import norm, parse_value, value_kind


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [
        ("0", 0, None),
        ("15098件", 15098, "件"),
        ("1887.214474万元", 1887.214474, "万元"),
        ("251000元", 251000, "元"),
        ("14241119.2", 14241119.2, None),
        ("增4747", 4747, None),
        ("减3", -3, None),
        ("１２３", 123, None),  # full-width digits
        ("1,234", 1234, None),
        ("1，234", 1234, None),
        (" 12 件 ", 12, "件"),
    ],
)
def test_numbers(raw, value, unit):
    cell = parse_value(raw)
    assert cell.value == value
    assert type(cell.value) is type(value)  # ints stay ints
    assert cell.unit == unit
    assert cell.raw == raw
    assert value_kind(raw) == "number"


@pytest.mark.parametrize("raw", ["", "\xa0", "&nbsp;", " &nbsp; ", "/", "—", "——", "-", "无", "　",
                                 "\u3000\xa0"])
def test_blanks_are_null_not_zero(raw):
    cell = parse_value(raw)
    assert cell.value is None
    assert cell.raw == raw
    assert value_kind(raw) == "blank"


@pytest.mark.parametrize("raw", ["规章", "1.属于国家秘密", "（七）总计", "若干"])
def test_labels_are_not_values(raw):
    assert value_kind(raw) is None
    assert parse_value(raw).value is None


def test_norm_makes_label_variants_equal():
    assert norm("（三）不予公开") == norm("(三)不予公开") == norm("( 三 ) 不予公开")
    assert norm("自 然 人") == "自然人"
    assert norm("3.危及“三安全一稳定”") == norm('3.危及"三安全一稳定"')
    assert norm("３．危及三安全一稳定") == norm("3.危及三安全一稳定")
