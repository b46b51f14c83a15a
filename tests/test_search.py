"""Chinese full-text search: one- to five-character words found inside real report sentences."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from nianbao import search
from nianbao.store import Store

# Sentences as the sample reports print them (seeds 000, 001 and 002).
TEXTS = {
    1: ("市营商局2022年度政府信息公开工作年度报告", {
        "overview": "二是依申请公开情况。2022年收到1份《政府信息公开申请表》,"
                    "在答复时限内予以解决。",
        "other": "四是信息处理费情况。收取信息处理费0元。",
    }),
    2: ("银州区人民政府办公室2020年度政府信息公开工作报告", {
        "reviews": "本年度未发生政府信息公开行政复议、行政诉讼情况。",
        "overview": "受理公民、法人和其他组织向办公室提出的政府信息公开申请2件,"
                    "均在法定时限内予以答复。",
    }),
    3: ("前进区发展改革工信局2023信息公开年报", {
        "other": "2023年度,前进区发改工信局无涉及《政府信息公开信息处理费管理办法》中规定的收取"
                 "信息处理费情况。",
    }),
}


@pytest.fixture
def store() -> Store:
    store = Store(sqlite_utils.Database(memory=True))
    for rid, (title, sections) in TEXTS.items():
        store.db["reports"].insert({"id": rid, "source": f"file:///r{rid}",
                                    "is_current": 1, "title": title, "year": 2020 + rid})
        store.db["sections"].insert_all(
            {"report_id": rid, "key": k, "text": v} for k, v in sections.items())
    return store


def section_hits(store: Store, query: str) -> set[int]:
    rows = store.db.execute(
        "select distinct s.report_id from sections s where s.rowid in "
        "(select rowid from sections_fts where sections_fts match ?)",
        [search.fts_phrase(query)],
    ).fetchall()
    return {r[0] for r in rows}


@pytest.mark.parametrize(("query", "expected"), [
    ("依申请", {1}),          # three characters
    ("信息处理费", {1, 3}),     # five
    ("复议", {2}),            # two: trigram finds nothing here
    ("报告", {1, 3}),         # in the heading 其他需要报告的事项 of their `other` sections
    ("行政诉讼", {2}),         # in the heading of `reviews`, which the parser keeps out of the text
    ("申", {1, 2}),           # one character
    ("处理费信", set()),       # the characters, but not in that order: no hit
    ("2件", {2}),
    ("复议 诉讼", {2}),        # two words: both must occur
    ("复议 处理费", set()),
])
def test_sections_match_exact_substrings(store, query, expected):
    assert section_hits(store, query) == expected


def title_hits(store: Store, query: str) -> set[int]:
    rows = store.db.execute(
        "select rowid from reports_fts where reports_fts match ?", [search.fts_phrase(query)]
    ).fetchall()
    return {r[0] for r in rows}


def test_titles_are_searchable(store):
    assert title_hits(store, "报告") == {1, 2}
    assert title_hits(store, "年报") == {3}
    assert title_hits(store, "银州区") == {2}


def test_index_follows_updates_and_deletes(store):
    assert section_hits(store, "未发生") == {2}
    store.db["sections"].update((2, "reviews"), {"text": "本年度无此类情况。"})
    assert section_hits(store, "未发生") == set()
    assert section_hits(store, "此类") == {2}
    store.db.execute("delete from sections where report_id = 2")
    assert section_hits(store, "此类") == set()
    assert section_hits(store, "行政诉讼") == set()
    store.db["reports"].update(1, {"title": "营商局年报"})
    assert title_hits(store, "年报") == {1, 3}


def test_tokens_carry_utf8_offsets_and_fold_width():
    text = "２０２３年 PDF,复议"
    got = list(search.tokens(text))
    assert [t for t, _, _ in got] == ["2023", "年", "pdf", "复", "议"]
    raw = text.encode("utf-8")
    assert [raw[s:e].decode() for _, s, e in got] == ["２０２３", "年", "PDF", "复", "议"]


def test_snippet_highlights_the_original_text(store):
    row = store.db.execute(
        "select snippet(sections_fts, 1, '[', ']', '…', 8) from sections_fts "
        "where sections_fts match ?", [search.fts_phrase("信息处理费")]
    ).fetchone()
    assert "[信息处理费]" in row[0].replace("][", "")


def test_trigram_index_is_migrated(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    db["sections"].create({"report_id": int, "key": str, "text": str}, pk=("report_id", "key"))
    db["sections"].enable_fts(["text"], create_triggers=True, tokenize="trigram")
    db["sections"].insert({"report_id": 1, "key": "reviews", "text": "行政复议情况"})
    db.conn.close()
    store = Store(path)
    assert search.TOKENIZER in store.db["sections_fts"].schema
    assert section_hits(store, "复议") == {1}


def test_a_connection_without_the_tokenizer_fails_loudly(tmp_path):
    path = tmp_path / "n.db"
    Store(path).db["reports"].insert({"id": 1, "title": "报告"})
    conn = sqlite3.connect(path)
    assert conn.execute("select title from reports").fetchall() == [("报告",)]
    with pytest.raises(sqlite3.OperationalError, match="tokenizer"):
        conn.execute("select * from reports_fts where reports_fts match '报告'").fetchall()
