"""`nianbao serve`: browse the store in Datasette on 127.0.0.1, through Datasette's own API.

Before serving, the database is brought up to date (schema, Chinese search index, browsing
views) unless ``--immutable`` is given, which serves the file read-only as it is.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
from pathlib import Path

HOST = "127.0.0.1"


def register(subparsers) -> None:
    p = subparsers.add_parser("serve", help="browse the store in Datasette on 127.0.0.1")
    p.add_argument("--db", type=Path, default=None, help="database (default data/nianbao.db)")
    p.add_argument("--port", type=int, default=8001, help="port; 0 picks a free one")
    p.add_argument("--immutable", action="store_true",
                   help="serve the file read-only without preparing it (as a published copy)")
    p.add_argument("--write-metadata", type=Path, metavar="FILE",
                   help="prepare the database, write the metadata as JSON for "
                        "`datasette serve -m FILE`, and exit")
    p.set_defaults(func=cmd_serve)


def prepare(path: Path) -> None:
    """Schema, search index (migrated if built otherwise) and the browsing views."""
    from nianbao.browse.views import ensure_views
    from nianbao.store import Store

    store = Store(path)
    ensure_views(store.db)
    store.db.conn.close()


def make_datasette(path: Path, *, immutable: bool = False):
    """A Datasette instance on one file with the project's metadata and plugin."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from nianbao.browse import metadata, plugin

    if not pm.is_registered(plugin) and pm.get_plugin("nianbao") is None:
        pm.register(plugin, name="nianbao")
    files = {"immutables": [str(path)]} if immutable else {"files": [str(path)]}
    return Datasette(
        **files,
        metadata=metadata.render(path),
        # suggested facets would query each of the wide views' 175 columns on every page view
        settings={"sql_time_limit_ms": 5000, "facet_time_limit_ms": 500, "suggest_facets": False},
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from nianbao.browse import metadata
    from nianbao.store import DEFAULT_DB

    path = Path(args.db or DEFAULT_DB)
    if not path.exists():
        print(f"nianbao serve: no database at {path}; run `nianbao demo` or a crawl first",
              file=sys.stderr)
        return 1
    if not args.immutable:
        prepare(path)
    if args.write_metadata:
        args.write_metadata.write_text(
            json.dumps(metadata.render(path), ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"metadata for {path} written to {args.write_metadata}")
        return 0
    serve(make_datasette(path, immutable=args.immutable), args.port)
    return 0


def serve(ds, port: int) -> None:
    """Bind first, then say where: with ``--port 0`` the printed URL is the only way to know."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    print(f"nianbao serve: http://{HOST}:{sock.getsockname()[1]}/  (Ctrl-C to stop)", flush=True)
    config = uvicorn.Config(ds.app(), log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
