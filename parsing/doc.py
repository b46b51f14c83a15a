"""Legacy binary Word (.doc) attachments → `Report`, by converting them to DOCX with LibreOffice.

The text-only converters (antiword, catdoc) were tried on .doc renderings of the sample reports:
antiword drops the body rows of Table 3 once its cells are merged (三、本年度办理结果 down the
result rows) and catdoc splits UTF-8 characters with tabs, so neither gives the numbers reliably.
LibreOffice (Debian package ``libreoffice-writer-nogui``) reads Word 97-2003 files completely;
its DOCX then goes through `parsing.docx`. Without it a .doc is refused with a clear reason, and
the store keeps the raw page either way.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from parsing.docx import parse_docx
from parsing.model import ParseError, Report

CONVERT_TIMEOUT = 120  # seconds; a cold LibreOffice start takes about two


def parse_doc(body: bytes, url: str = "") -> Report:
    """Parse a .doc annual report. Raises `ParseError` when it cannot be converted."""
    return parse_docx(doc_to_docx(body), url)


def doc_to_docx(body: bytes) -> bytes:
    """The same document as DOCX, converted by a headless LibreOffice with a private profile
    (so that several conversions may run at once)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ParseError("legacy .doc: LibreOffice (soffice) is not installed; "
                         "convert to .docx or PDF")
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        work = Path(tmp)
        (work / "report.doc").write_bytes(body)
        command = [
            soffice, "--headless", "--norestore", f"-env:UserInstallation={work.as_uri()}/profile",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work),
            str(work / "report.doc"),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise ParseError("legacy .doc: LibreOffice timed out converting it") from exc
        converted = work / "report.docx"
        if not converted.exists():
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = detail[-1] if detail else f"exit status {done.returncode}"
            raise ParseError(f"unreadable .doc: LibreOffice could not convert it ({reason})")
        return converted.read_bytes()
