"""The main job on the embedded default: store every bundled sample report and print a summary."""

from __future__ import annotations

from pathlib import Path

from nianbao.store import Store

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def run_demo(db_path: Path) -> int:
    store = Store(db_path)
    files = sorted(p for p in SAMPLES.rglob("*") if p.suffix in {".html", ".txt"})
    for path in files:
        stored = store.store_document(path.resolve().as_uri(), path.read_bytes())
        print(f"  {stored.status:<7} {path.relative_to(SAMPLES)}"
              + (f"  ({stored.error})" if stored.error else ""))
    s = store.summary()
    print(
        f"{s['reports']} reports · {s['parse_failures']} parse failures · "
        f"{s['warnings']} with warnings · database: {db_path}"
    )
    return 0
