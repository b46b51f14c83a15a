"""A person's verdict on a finding. Keyed by the finding's fingerprint, so the verdict holds for as
long as the problem is the same (same rule, cells and values) and lapses when the numbers change.
"""

from __future__ import annotations

import getpass

import sqlite_utils

from monitor.results import ensure_schema
from nianbao.store import now_iso

VERDICTS = ("confirmed", "dismissed")


class ReviewError(ValueError):
    pass


def mark(db: sqlite_utils.Database, finding_id: str, verdict: str, comment: str = "",
         reviewer: str | None = None) -> dict:
    """Record a verdict on the finding whose id (or unique id prefix) is given."""
    if verdict not in VERDICTS:
        raise ReviewError(f"verdict must be one of {', '.join(VERDICTS)}")
    ensure_schema(db)
    matches = list(db.query("select id, fingerprint from findings where id like ? || '%'",
                            [finding_id]))
    if len(matches) != 1:
        raise ReviewError(f"{len(matches)} findings match {finding_id!r}; give a longer id")
    finding = matches[0]
    row = {"finding_id": finding["id"], "fingerprint": finding["fingerprint"],
           "verdict": verdict, "comment": comment, "reviewer": reviewer or _user(),
           "reviewed_at": now_iso()}
    with db.conn:
        db["finding_reviews"].insert(row)
    return row


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
