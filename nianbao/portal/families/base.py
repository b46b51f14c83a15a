"""What a family renderer gets and gives: a writer for the site's files, requests, responses."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from nianbao.portal.spec import Site

T = TypeVar("T")


class Writer(Protocol):
    """Writes one site's files; `mtime` becomes the file's Last-Modified."""

    def text(self, path: str, text: str, mtime: dt.datetime) -> None: ...

    def data(self, path: str, data: bytes, mtime: dt.datetime) -> None: ...

    def api(self, name: str, obj: object) -> None: ...


@dataclass
class Request:
    """A request as a family's dynamic endpoint sees it (query and form merged in `params`)."""

    method: str
    path: str
    params: dict[str, str]
    site: Site
    root: Path  # the site's directory
    origin: str  # http://127.0.0.1:PORT as the client addressed it

    def api_data(self, name: str) -> object | None:
        path = self.root / "_api" / f"{name}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, obj: object, status: int = 200) -> Response:
        body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        return cls(status, body, "application/json; charset=utf-8")


def pages(items: Sequence[T], per_page: int) -> list[Sequence[T]]:
    """Split a column into pages; an empty column is still one (empty) page."""
    return [items[i:i + per_page] for i in range(0, len(items), per_page)] or [items[:0]]


def int_param(params: dict[str, str], name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except ValueError:
        return default
