"""Tell people about NEW findings: generic JSON webhook, DingTalk and WeCom robots, e-mail.

Every message goes through the `outbox` table first and stays there with its status, attempts
and last error, so a delivery that fails is retried (now with backoff, and again on the next
monitor cycle) and is never lost silently. Secrets — robot URLs with their access tokens, the
DingTalk signing secret, SMTP passwords — are read from environment variables that the
configuration names, at send time; they are never stored in the outbox or in the repo.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import smtplib
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import sqlite_utils

from monitor.results import ensure_schema
from nianbao.store import now_iso

log = logging.getLogger("nianbao.notify")
CHANNELS = ("webhook", "dingtalk", "wecom", "email")
MAX_LINES = 20
WECOM_MAX_BYTES = 4096  # WeCom rejects markdown content above 4096 bytes


class DeliveryError(RuntimeError):
    pass


@dataclass
class Message:
    title: str
    text: str  # Markdown: DingTalk and WeCom render it, e-mail shows it as plain text
    findings: list[dict]
    run_id: int | None = None
    attachment: str | None = None  # the alert HTML, attached to e-mails


def new_findings_message(rows: list[dict], run_id: int | None, year: int | None,
                         attachment: str | None = None) -> Message | None:
    """A message about these findings, leaving out the dismissed ones; None if nothing is left."""
    rows = [r for r in rows if r.get("verdict") != "dismissed"]
    if not rows:
        return None
    errors = sum(r["severity"] == "error" for r in rows)
    title = f"nianbao {year or ''}年度: {len(rows)} 项新问题 new findings ({errors} error)"
    lines = [f"### {title}"]
    for r in rows[:MAX_LINES]:
        who = r.get("agency") or r.get("agency_id") or r.get("source") or ""
        lines.append(f"- **{who}** {r.get('year') or ''} {r['title']}: {r.get('detail') or ''}"
                     f" `{r['id']}`")
    if len(rows) > MAX_LINES:
        lines.append(f"- … 另有 {len(rows) - MAX_LINES} 项 and {len(rows) - MAX_LINES} more")
    keep = ("id", "severity", "origin", "rule_id", "agency_id", "agency", "region_code", "year",
            "title", "detail", "expected", "actual", "source")
    return Message(title, "\n".join(lines), [{k: r.get(k) for k in keep} for r in rows],
                   run_id, attachment)


def queue(db: sqlite_utils.Database, targets: list[dict], message: Message) -> list[int]:
    """One outbox row per target, before any delivery is tried."""
    ensure_schema(db)
    ids = []
    with db.conn:
        for t in targets:
            if t.get("type") not in CHANNELS:
                raise DeliveryError(f"target {t.get('name')}: type must be one of {CHANNELS}")
            ids.append(db["outbox"].insert({
                "created_at": now_iso(), "run_id": message.run_id, "channel": t["type"],
                "target": t["name"], "finding_ids": json.dumps([f["id"] for f in message.findings]),
                "payload": json.dumps(message.__dict__, ensure_ascii=False),
                "status": "pending", "attempts": 0,
            }).last_pk)
    return ids


def deliver_pending(db: sqlite_utils.Database, targets: list[dict], retries: int = 3,
                    backoff: float = 2.0, sleep: Callable[[float], None] = time.sleep
                    ) -> dict[str, int]:
    """Try every pending or failed outbox row, `retries` times each with exponential backoff."""
    ensure_schema(db)
    by_name = {t["name"]: t for t in targets}
    counts = {"sent": 0, "failed": 0}
    for row in list(db.query("select * from outbox where status in ('pending', 'failed') "
                             "order by id")):
        target = by_name.get(row["target"])
        message = Message(**json.loads(row["payload"]))
        attempts, error = row["attempts"] or 0, None
        for attempt in range(retries):
            attempts += 1
            try:
                if target is None:
                    raise DeliveryError(f"target {row['target']!r} is not configured")
                send(target, message)
                error = None
                break
            except Exception as exc:  # noqa: BLE001 — any failure is recorded and retried
                error = f"{type(exc).__name__}: {exc}"
                log.warning("delivery %s to %s failed (attempt %d): %s", row["id"],
                            row["target"], attempts, error)
                if attempt + 1 < retries:
                    sleep(backoff * 2 ** attempt)
        status = "failed" if error else "sent"
        counts[status] += 1
        if error:
            log.error("delivery %s to %s failed after %d attempts; kept in outbox",
                      row["id"], row["target"], attempts)
        with db.conn:
            db["outbox"].update(row["id"], {
                "status": status, "attempts": attempts, "last_error": error,
                "last_attempt_at": now_iso(), "sent_at": None if error else now_iso()})
    return counts


def send(target: dict, message: Message) -> None:
    channel = target["type"]
    if channel == "email":
        send_email(target, message)
        return
    url = _secret(target, "url_env") if target.get("url_env") else target.get("url")
    if not url:
        raise DeliveryError(f"target {target['name']}: no url (set url_env)")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if channel == "webhook":
        body = {"event": "nianbao.findings", "run_id": message.run_id, "title": message.title,
                "text": message.text, "findings": message.findings}
        if target.get("token_env"):
            headers["Authorization"] = f"Bearer {_secret(target, 'token_env')}"
    elif channel == "dingtalk":
        body = dingtalk_body(message, target.get("msgtype", "markdown"))
        if target.get("secret_env"):
            url = dingtalk_signed_url(url, _secret(target, "secret_env"))
    else:
        body = wecom_body(message, target.get("msgtype", "markdown"))
    reply = _post(url, json.dumps(body, ensure_ascii=False).encode(), headers,
                  float(target.get("timeout", 10)))
    if channel in ("dingtalk", "wecom"):
        answer = json.loads(reply or b"{}")
        if answer.get("errcode") != 0:
            raise DeliveryError(f"{channel} answered {answer}")


def dingtalk_body(message: Message, msgtype: str = "markdown") -> dict:
    if msgtype == "text":
        return {"msgtype": "text", "text": {"content": message.text}}
    return {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.text}}


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """DingTalk 加签: HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret, base64, quoted."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def wecom_body(message: Message, msgtype: str = "markdown") -> dict:
    content = _truncate(message.text, WECOM_MAX_BYTES)
    if msgtype == "text":
        return {"msgtype": "text", "text": {"content": content}}
    return {"msgtype": "markdown", "markdown": {"content": content}}


def send_email(target: dict, message: Message) -> None:
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = target["from"]
    mail["To"] = ", ".join(target["to"])
    mail.set_content(message.text)
    if message.attachment and Path(message.attachment).exists():
        mail.add_attachment(Path(message.attachment).read_bytes(), maintype="text",
                            subtype="html", filename=Path(message.attachment).name)
    timeout = float(target.get("timeout", 10))
    with smtplib.SMTP(target["host"], int(target.get("port", 25)), timeout=timeout) as smtp:
        if target.get("starttls"):
            smtp.starttls()
        if target.get("username_env"):
            smtp.login(_secret(target, "username_env"), _secret(target, "password_env"))
        smtp.send_message(mail)


def _post(url: str, body: bytes, headers: dict, timeout: float) -> bytes:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 (configured)
        return resp.read()


def _secret(target: dict, key: str) -> str:
    name = target.get(key)
    value = os.environ.get(name or "")
    if not value:
        raise DeliveryError(f"target {target['name']}: environment variable {name} is not set")
    return value


def _truncate(text: str, max_bytes: int) -> str:
    data = text.encode()
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes - 4].decode(errors="ignore") + "\n…"
