"""Bytes → text for pages and text files: UTF-8 first, then the declared charset, then GB18030.

UTF-8 is tried first whatever the page declares, because valid UTF-8 with Chinese text is almost
never GBK by accident, while servers often declare the wrong charset. GB2312/GBK are read as
GB18030, their superset; when nothing decodes cleanly, GB18030 with replacement characters
keeps the page readable rather than failing it.
"""

from __future__ import annotations

import codecs
import re

_META = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
_CT = re.compile(r"charset\s*=\s*[\"']?([-\w.:]+)", re.I)
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn", "hz-gb-2312"}


def declared_charset(body: bytes, content_type: str | None = None) -> str | None:
    """The charset the HTTP header or the page's <meta> declares, if any."""
    m = _CT.search(content_type or "")
    if m:
        return m[1].lower()
    m = _META.search(body[:4096])
    return m[1].decode("ascii", "ignore").lower() if m else None


def decode(body: bytes, content_type: str | None = None) -> str:
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace")
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(body, content_type)
    for enc in (("gb18030" if declared in _GB else declared), "gb18030"):
        if not enc:
            continue
        try:
            return body.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("gb18030", "replace")
