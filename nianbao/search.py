"""Chinese full-text search: an FTS5 tokenizer that makes every Han character its own token.

Why this design. SQLite's default FTS5 tokenizer (unicode61) reads a whole run of Chinese as one
token, so 信息处理费 inside a sentence is never found; the trigram tokenizer cannot match a query
shorter than three characters, so 报告 and 复议 find nothing. A segmenter (jieba) guesses word
boundaries and misses words it cut differently in the document and in the query. Here each CJK
character is one token (Latin letters and digits stay whole words, lower-cased and NFKC-folded,
so 全角 ２０２３ finds 2023), and punctuation separates. A quoted query is then a *phrase* of
single characters, and an FTS5 phrase matches consecutive tokens: exact substring semantics for
any length, one character up. Datasette's own search box already quotes each word it is given
(``escape_fts``), so ``?_search=信息处理费`` works with no query rewriting and snippet()/highlight()
point into the original text.

The price: the tokenizer is Python code registered on each connection (through the ``sqlitefts``
package). `Store` registers it on its connection and the Datasette plugin in
``nianbao.browse.plugin`` registers it in ``prepare_connection``. A connection without it can read
every ordinary table, but touching ``*_fts`` (and so writing `sections` or `reports`, whose triggers
keep the index) fails with "no such tokenizer" — loudly, never with a silently stale index.
The alternative, a pre-segmented shadow column plus a query rewrite, keeps stock SQLite able to
open the index but has to rewrite every query path (search box, raw mode, column search, canned
queries) and shows snippets from the segmented copy; we judged the tokenizer the more robust.
Its cost, measured on the samples: about 0.2 M characters/s indexed (trigram: about 3 M), so a few
milliseconds per report; a phrase query takes a fraction of a millisecond on the samples.

Indexes: ``sections_fts`` (each section's canonical heading and its text; rowid = the section's
rowid) and ``reports_fts`` (title and agency; rowid = report id), both kept by triggers.
"""

from __future__ import annotations

import ctypes
import re
import sqlite3
import unicodedata
from collections.abc import Iterator

import sqlite_utils
from sqlitefts import fts5

from parsing.model import SECTIONS

TOKENIZER = "nianbao_cjk"

# A run of Latin letters/digits (ASCII or full-width) is one word; any other letter is one token.
_TOKEN = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]+|[^\W_]")
_SQLITE_OK, _SQLITE_ERROR = 0, 1


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(token, start_byte, end_byte)`` in UTF-8 offsets, as FTS5 wants them."""
    pos_char = pos_byte = 0
    for m in _TOKEN.finditer(text):
        start = pos_byte + len(text[pos_char:m.start()].encode("utf-8"))
        end = start + len(m.group().encode("utf-8"))
        pos_char, pos_byte = m.end(), end
        yield unicodedata.normalize("NFKC", m.group()).lower(), start, end


def _build_tokenizer():
    """The C structure FTS5 calls. One stateless instance serves every table and connection."""
    ffi = fts5.ffi

    @ffi.callback("int(void*, const char **, int, Fts5Tokenizer **)")
    def xcreate(ctx, argv, argc, pp_out):
        pp_out[0] = ffi.cast("Fts5Tokenizer *", 1)  # no per-table state: any non-NULL handle
        return _SQLITE_OK

    @ffi.callback("void(Fts5Tokenizer *)")
    def xdelete(p):  # nothing to free; kept trivial so it is safe at interpreter shutdown
        return None

    @ffi.callback(
        "int(Fts5Tokenizer *, void *, int, const char *, int, "
        "int(void*, int, const char *, int, int, int))",
        error=_SQLITE_ERROR,
    )
    def xtokenize(p, ctx, flags, p_text, n_text, x_token):
        text = ffi.unpack(p_text, n_text).decode("utf-8", errors="replace")
        for token, start, end in tokens(text):
            data = token.encode("utf-8")
            rc = x_token(ctx, 0, ffi.from_buffer(data), len(data), start, end)
            if rc != _SQLITE_OK:
                return rc
        return _SQLITE_OK

    return ffi.new("fts5_tokenizer *", [xcreate, xdelete, xtokenize]), (xcreate, xdelete,
                                                                          xtokenize)


_TOKENIZER = _build_tokenizer()
# SQLite calls xdelete when a connection closes, which can happen during interpreter shutdown,
# after this module's globals are gone; freed callbacks would crash the process then. One extra
# reference that nothing releases keeps them for the life of the process.
ctypes.pythonapi.Py_IncRef(ctypes.py_object(_TOKENIZER))
_TOKENIZER_STRUCT = _TOKENIZER[0]


def register(conn: sqlite3.Connection) -> None:
    """Make the tokenizer known to one connection (needed on every connection that uses FTS)."""
    if not fts5.register_tokenizer(conn, TOKENIZER, _TOKENIZER_STRUCT):
        raise RuntimeError(f"could not register the {TOKENIZER} FTS5 tokenizer")


def enable(db: sqlite_utils.Database) -> None:
    """Register the tokenizer and make sure the FTS indexes exist, use it, and have their triggers.

    Idempotent. An index built another way (the first schema used trigram on sections.text) is
    dropped and rebuilt from its table, so an existing database is migrated on open.
    """
    register(db.conn)
    if "sections" in db.table_names():
        _ensure_sections_fts(db)
    if "reports" in db.table_names():
        db["reports"].enable_fts(["title", "agency"], create_triggers=True, tokenize=TOKENIZER,
                                 replace=True)


def _heading(key: str) -> str:
    """SQL for the canonical heading of a section key (the words every report prints there)."""
    whens = " ".join(f"when '{k}' then '{v}'" for k, v in SECTIONS.items())
    return f"case {key} {whens} else '' end"


SECTIONS_FTS = (
    f"CREATE VIRTUAL TABLE sections_fts USING fts5(heading, text, tokenize='{TOKENIZER}')"
)
_INSERT = (
    "INSERT INTO sections_fts(rowid, heading, text)\n"
    f"    VALUES (new.rowid, {_heading('new.key')}, new.text);"
)
_DELETE = "DELETE FROM sections_fts WHERE rowid = old.rowid;"
_SECTIONS_TRIGGERS = {
    "sections_fts_ai": f"CREATE TRIGGER sections_fts_ai AFTER INSERT ON sections BEGIN\n"
                       f"  {_INSERT}\nEND",
    "sections_fts_ad": f"CREATE TRIGGER sections_fts_ad AFTER DELETE ON sections BEGIN\n"
                       f"  {_DELETE}\nEND",
    "sections_fts_au": f"CREATE TRIGGER sections_fts_au AFTER UPDATE ON sections BEGIN\n"
                       f"  {_DELETE}\n  {_INSERT}\nEND",
}


def _ensure_sections_fts(db: sqlite_utils.Database) -> None:
    """sections_fts keeps its own copy of each section with its heading in front.

    The parser keeps headings out of the section text, yet 四、政府信息公开行政复议、行政诉讼情况 is
    where most reports say 复议; indexing the heading beside the text finds them. An FTS table
    with its own content (not content=sections) lets the heading be derived, and its delete
    trigger needs no old values. Its rowid is the section's rowid, as Datasette's search expects.
    """
    have = dict(db.execute(
        "select name, sql from sqlite_master where name = 'sections_fts' or "
        "(type = 'trigger' and tbl_name = 'sections')").fetchall())
    wanted = {"sections_fts": SECTIONS_FTS, **_SECTIONS_TRIGGERS}
    if all(have.get(k) == v for k, v in wanted.items()):
        return
    with db.conn:
        for name in have:  # the old trigram index, its sqlite-utils triggers, or a stale copy
            kind = "TABLE" if name == "sections_fts" else "TRIGGER"
            if kind == "TABLE" or name.startswith(("sections_a", "sections_fts_")):
                db.execute(f"DROP {kind} IF EXISTS [{name}]")
        for sql in wanted.values():
            db.execute(sql)
        db.execute(f"INSERT INTO sections_fts(rowid, heading, text) "
                   f"SELECT rowid, {_heading('key')}, text FROM sections")


def fts_phrase(query: str) -> str:
    """One query string as FTS5 phrases: each whitespace-separated word quoted, all must match.

    The same as Datasette's ``escape_fts`` for plain words, for use outside Datasette.
    """
    words = [w.replace('"', '""') for w in query.split() if w.strip('"')]
    return " ".join(f'"{w}"' for w in words)
