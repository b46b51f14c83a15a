"""Notifications delivered to real local servers: an HTTP server and an SMTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlite_utils
from aiosmtpd.controller import Controller

from monitor.notify import (
    WECOM_MAX_BYTES,
    Message,
    deliver_pending,
    dingtalk_body,
    dingtalk_signed_url,
    new_findings_message,
    queue,
    wecom_body,
)

FINDINGS = [
    {"id": "a1b2c3d4e5f6", "severity": "error", "origin": "rule", "rule_id": "R2_results_sum",
     "agency_id": "qj-fgw", "agency": "前进区发展改革工信局", "region_code": "230804",
     "year": 2023, "title": "办理结果合计 · Table 3 results add up to 总计 (column:total)",
     "detail": "2 = 2 ≠ 2 + 1 = 3", "expected": "3", "actual": "2", "source": "http://x/1"},
    {"id": "0f0f0f0f0f0f", "severity": "error", "origin": "compliance", "rule_id": "R8_deadline",
     "agency_id": "yz", "agency": "银州区人民政府办公室", "year": 2023, "title": "未发布",
     "detail": "", "verdict": "dismissed"},
]


class Recorder(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((self.path, dict(self.headers), json.loads(body)))
        if self.path.startswith("/broken"):
            self.send_response(500)
            self.end_headers()
            return
        answer = b'{"ok": true}' if self.path.startswith("/hook") else \
            b'{"errcode": 0, "errmsg": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    # aiosmtpd's start() connects to its own port to check it is up, so port 0 cannot be used
    # directly: ask the OS for a free ephemeral port first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


def test_message_leaves_out_dismissed_findings():
    message = new_findings_message(FINDINGS, run_id=7, year=2023)
    assert [f["id"] for f in message.findings] == ["a1b2c3d4e5f6"]
    assert "前进区发展改革工信局" in message.text and "银州区" not in message.text
    assert new_findings_message(FINDINGS[1:], 7, 2023) is None


def test_webhook_dingtalk_wecom_and_email_arrive(http_server, smtp_server, monkeypatch, tmp_path):
    base = f"http://127.0.0.1:{http_server.server_port}"
    monkeypatch.setenv("T_HOOK_TOKEN", "s3cret-token")
    monkeypatch.setenv("T_DING_URL", f"{base}/robot/send?access_token=abc")
    monkeypatch.setenv("T_DING_SECRET", "SECxyz")
    monkeypatch.setenv("T_WECOM_URL", f"{base}/cgi-bin/webhook/send?key=k1")
    attachment = tmp_path / "alerts.html"
    attachment.write_text("<html>alert</html>", encoding="utf-8")
    targets = [
        {"name": "hook", "type": "webhook", "url": f"{base}/hook", "token_env": "T_HOOK_TOKEN"},
        {"name": "ding", "type": "dingtalk", "url_env": "T_DING_URL",
         "secret_env": "T_DING_SECRET"},
        {"name": "wecom", "type": "wecom", "url_env": "T_WECOM_URL"},
        {"name": "mail", "type": "email", "host": "127.0.0.1", "port": smtp_server.port,
         "from": "nianbao@127.0.0.1", "to": ["ogi@127.0.0.1"]},
    ]
    db = sqlite_utils.Database(memory=True)
    message = new_findings_message(FINDINGS, run_id=7, year=2023, attachment=str(attachment))
    queue(db, targets, message)
    assert deliver_pending(db, targets, retries=2, backoff=0) == {"sent": 4, "failed": 0}

    by_path = {urllib.parse.urlparse(p).path: (p, h, b) for p, h, b in http_server.requests}
    _, headers, hook = by_path["/hook"]
    assert headers["Authorization"] == "Bearer s3cret-token"
    assert hook["event"] == "nianbao.findings" and hook["run_id"] == 7
    assert [f["id"] for f in hook["findings"]] == ["a1b2c3d4e5f6"]

    path, _, ding = by_path["/robot/send"]
    assert ding["msgtype"] == "markdown" and ding["markdown"]["title"] == message.title
    assert "前进区发展改革工信局" in ding["markdown"]["text"]
    query = urllib.parse.parse_qs(urllib.parse.urlparse(path).query)
    assert query["access_token"] == ["abc"]
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SECxyz", f"{timestamp}\nSECxyz".encode(),
                                         hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]

    _, _, wecom = by_path["/cgi-bin/webhook/send"]
    assert wecom == {"msgtype": "markdown", "markdown": {"content": message.text}}

    ((sender, rcpts, raw),) = smtp_server.messages
    mail = message_from_bytes(raw)
    assert (sender, rcpts) == ("nianbao@127.0.0.1", ["ogi@127.0.0.1"])
    assert "new findings" in str(mail["Subject"])
    parts = {p.get_content_type(): p for p in mail.walk()}
    assert "前进区发展改革工信局" in parts["text/plain"].get_payload(decode=True).decode()
    assert parts["text/html"].get_filename() == "alerts.html"
    rows = list(db.query("select status, attempts, last_error from outbox"))
    assert rows == [{"status": "sent", "attempts": 1, "last_error": None}] * 4
    assert "s3cret" not in json.dumps(list(db.query("select * from outbox")))


def test_failing_endpoint_is_retried_with_backoff_and_recorded(http_server, caplog):
    base = f"http://127.0.0.1:{http_server.server_port}"
    targets = [{"name": "broken", "type": "webhook", "url": f"{base}/broken"},
               {"name": "unset", "type": "dingtalk", "url_env": "NIANBAO_TEST_UNSET_URL"}]
    db = sqlite_utils.Database(memory=True)
    queue(db, targets, new_findings_message(FINDINGS, 1, 2023))
    waits = []
    assert deliver_pending(db, targets, retries=3, backoff=0.5, sleep=waits.append) == {
        "sent": 0, "failed": 2}
    assert waits == [0.5, 1.0, 0.5, 1.0]
    assert len([r for r in http_server.requests if r[0] == "/broken"]) == 3
    rows = {r["target"]: r for r in db.query("select * from outbox")}
    assert rows["broken"]["status"] == "failed" and rows["broken"]["attempts"] == 3
    assert "HTTP Error 500" in rows["broken"]["last_error"]
    assert "NIANBAO_TEST_UNSET_URL is not set" in rows["unset"]["last_error"]
    assert "kept in outbox" in caplog.text
    # The next cycle tries again; the outbox keeps counting.
    deliver_pending(db, targets, retries=1, backoff=0, sleep=waits.append)
    assert db["outbox"].get(rows["broken"]["id"])["attempts"] == 4


def test_dingtalk_signature_matches_the_documented_algorithm():
    url = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SEC1",
                              timestamp_ms=1700000000000)
    digest = hmac.new(b"SEC1", b"1700000000000\nSEC1", hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    assert url.endswith(f"&timestamp=1700000000000&sign={sign}")


def test_text_messages_and_the_wecom_size_limit():
    long = Message("t", "问题" * 3000, [])
    body = wecom_body(long)
    assert len(body["markdown"]["content"].encode()) <= WECOM_MAX_BYTES
    assert wecom_body(Message("t", "x", []), "text") == {"msgtype": "text",
                                                         "text": {"content": "x"}}
    assert dingtalk_body(Message("t", "x", []), "text") == {"msgtype": "text",
                                                            "text": {"content": "x"}}


def test_check_notify_sends_new_findings_once(http_server, tmp_path, monkeypatch, capsys):
    from test_monitor_support import make_store, report, table3_2021

    from nianbao.cli import main

    db = tmp_path / "n.db"
    store = make_store(monkeypatch, db)
    store.put(report(table3=table3_2021(granted=[1, 0, 0, 0, 0, 0, 1])), None)
    config = tmp_path / "monitor.yml"
    config.write_text(
        f"notify:\n  retries: 1\n  targets:\n    - name: hook\n      type: webhook\n"
        f"      url: http://127.0.0.1:{http_server.server_port}/hook\n", encoding="utf-8")
    args = ["check", "--db", str(db), "--config", str(config), "--out", str(tmp_path / "out"),
            "--notify"]
    assert main(args) == 0 and main(args) == 0
    assert "notifications: 1 sent, 0 failed" in capsys.readouterr().out
    ((_, _, body),) = http_server.requests
    assert {f["rule_id"] for f in body["findings"]} >= {"R2_results_sum"}
