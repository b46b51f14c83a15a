"""Rules as data: load the built-in rules file and a user's file, validate them, version the set.

A rule is plain YAML (see monitor/rules.yml for the kinds). Validation happens here, at load time,
so a typo in a user's file is an error naming the rule — not a silent pass during a check.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

KINDS = (
    "sum_equal", "cross_year_equal", "presence", "deadline", "narrative_number", "similarity",
)
SEVERITIES = ("error", "warning")
TABLES = ("table2", "table3", "table4")
TERM = re.compile(r"^(?P<neg>-)?(?P<prev>prev\.)?(?P<key>[a-z][a-z0-9_]*)$")


class RuleError(ValueError):
    """A rules file that cannot be used, with the rule id and what is wrong."""


@dataclass(frozen=True)
class Term:
    """One cell reference in a sum: its key, its sign, and whether it reads last year's report."""

    key: str
    sign: int = 1
    previous: bool = False

    @classmethod
    def parse(cls, text: str, rule_id: str) -> Term:
        m = TERM.match(str(text).strip())
        if not m:
            raise RuleError(f"{rule_id}: bad term {text!r} (expected [-][prev.]key)")
        return cls(m["key"], -1 if m["neg"] else 1, bool(m["prev"]))


@dataclass(frozen=True)
class Rule:
    id: str
    name_zh: str
    name_en: str
    severity: str
    kind: str
    description: str = ""
    eras: tuple[str, ...] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    lhs: tuple[Term, ...] = ()
    rhs: tuple[Term, ...] = ()

    def applies_to(self, template: str | None) -> bool:
        return self.eras is None or (template or "unknown") in self.eras


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    version: str
    files: tuple[str, ...]

    def by_kind(self, *kinds: str) -> list[Rule]:
        return [r for r in self.rules if r.kind in kinds]

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


BASE_FIELDS = {"id", "name_zh", "name_en", "severity", "kind", "description", "eras", "enabled",
               "lhs", "rhs"}


def builtin_text() -> str:
    return resources.files("monitor").joinpath("rules.yml").read_text(encoding="utf-8")


def load_rules(*user_files: str | Path) -> RuleSet:
    """The built-in rules, then each user file in order: same id replaces, enabled: false drops."""
    sources = [("builtin", builtin_text())]
    sources += [(str(p), Path(p).read_text(encoding="utf-8")) for p in user_files]
    raw: dict[str, dict] = {}
    for name, text in sources:
        doc = yaml.safe_load(text) or {}
        entries = doc.get("rules") if isinstance(doc, dict) else doc
        if not isinstance(entries, list):
            raise RuleError(f"{name}: expected a list under 'rules'")
        for entry in entries:
            if not isinstance(entry, dict) or "id" not in entry:
                raise RuleError(f"{name}: every rule needs an id: {entry!r}")
            raw[str(entry["id"])] = entry
    rules = tuple(parse_rule(e) for e in raw.values() if e.get("enabled", True) is not False)
    canonical = json.dumps(
        [raw[r.id] for r in rules], sort_keys=True, ensure_ascii=False, default=str
    )
    version = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    return RuleSet(rules, version, tuple(n for n, _ in sources))


def parse_rule(entry: dict) -> Rule:
    rid = str(entry["id"])
    missing = [f for f in ("name_zh", "name_en", "severity", "kind") if not entry.get(f)]
    if missing:
        raise RuleError(f"{rid}: missing {', '.join(missing)}")
    kind, severity = entry["kind"], entry["severity"]
    if kind not in KINDS:
        raise RuleError(f"{rid}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
    if severity not in SEVERITIES:
        raise RuleError(f"{rid}: severity must be error or warning, not {severity!r}")
    params = {k: v for k, v in entry.items() if k not in BASE_FIELDS}
    lhs = tuple(Term.parse(t, rid) for t in entry.get("lhs") or ())
    rhs = tuple(Term.parse(t, rid) for t in entry.get("rhs") or ())
    if kind in ("sum_equal", "cross_year_equal"):
        _check_sum_rule(rid, kind, params, lhs, rhs)
    elif kind == "narrative_number":
        _check_narrative_rule(rid, params)
    elif kind == "presence":
        if not any(params.get(k) for k in ("sections", "tables", "cells", "era_from_year")):
            raise RuleError(f"{rid}: presence needs sections, tables, cells or era_from_year")
        for cell in params.get("cells") or ():
            if not all(cell.get(k) for k in ("table", "row", "col")):
                raise RuleError(f"{rid}: every cell needs table, row and col")
    elif kind == "similarity":
        threshold = params.get("threshold")
        if not isinstance(threshold, int | float) or not 0 < threshold <= 1:
            raise RuleError(f"{rid}: threshold must be a number in (0, 1]")
    eras = entry.get("eras")
    return Rule(
        id=rid, name_zh=str(entry["name_zh"]), name_en=str(entry["name_en"]),
        severity=severity, kind=kind, description=str(entry.get("description") or "").strip(),
        eras=tuple(str(e) for e in eras) if eras else None, params=params, lhs=lhs, rhs=rhs,
    )


def _check_sum_rule(rid: str, kind: str, params: dict, lhs: tuple, rhs: tuple) -> None:
    if not lhs or not rhs:
        raise RuleError(f"{rid}: a {kind} rule needs lhs and rhs terms")
    if params.get("table") not in TABLES:
        raise RuleError(f"{rid}: table must be one of {', '.join(TABLES)}")
    for_each = params.get("for_each")
    if for_each not in ("column", "row"):
        raise RuleError(f"{rid}: for_each must be column or row")
    keys = params.get("columns" if for_each == "column" else "rows")
    if keys != "*" and not (isinstance(keys, list) and keys):
        raise RuleError(f"{rid}: give the {for_each}s to check as a list or \"*\"")
    if params.get("absent", "skip") not in ("skip", "ignore"):
        raise RuleError(f"{rid}: absent must be skip or ignore")
    uses_prev = any(t.previous for t in lhs + rhs)
    if kind == "sum_equal" and uses_prev:
        raise RuleError(f"{rid}: prev. terms need kind cross_year_equal")
    if kind == "cross_year_equal" and not uses_prev:
        raise RuleError(f"{rid}: a cross_year_equal rule needs at least one prev. term")


def _check_narrative_rule(rid: str, params: dict) -> None:
    cell = params.get("cell") or {}
    if not all(cell.get(k) for k in ("table", "row", "col")):
        raise RuleError(f"{rid}: cell needs table, row and col")
    for pattern in params.get("patterns") or []:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise RuleError(f"{rid}: bad pattern {pattern!r}: {exc}") from exc
        if "n" not in compiled.groupindex:
            raise RuleError(f"{rid}: pattern {pattern!r} needs a (?P<n>…) group")
    for pattern in params.get("zero_patterns") or []:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RuleError(f"{rid}: bad pattern {pattern!r}: {exc}") from exc
