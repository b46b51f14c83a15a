"""What the spider hands the pipeline: one fetched page, raw, with what the crawl knows about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# report      a listed document that is the report itself (an article, or a file the column
#             links directly) → stored and parsed
# landing     an article whose body only links to the report file → stored raw, not parsed
# attachment  the report file a landing page links to → stored and parsed
# copy        a file attached to an article that is itself the report → stored raw, not parsed
Role = Literal["report", "landing", "attachment", "copy"]
PARSED_ROLES: frozenset[str] = frozenset({"report", "attachment"})


@dataclass
class FetchedPage:
    url: str
    body: bytes
    status: int
    headers: dict[str, str]
    content_type: str | None
    agency_id: str
    referer: str | None
    role: Role
    title: str | None = None  # as the column listed it
    year: int | None = None  # from that title
    listed_date: str | None = None  # the date beside it in the list
    list_url: str | None = None  # the list page that listed it

    @property
    def parsed(self) -> bool:
        return self.role in PARSED_ROLES
