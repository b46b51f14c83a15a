"""`nianbao portal serve` and `nianbao portal build`."""

from __future__ import annotations

import argparse
import re
import signal
from collections import Counter
from pathlib import Path

from nianbao.portal.spec import DEFAULT_BASE_PORT
from nianbao.registry import DEFAULT_REGISTRY


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("portal", help="build or serve the sample portal (loopback only)")
    sub = p.add_subparsers(metavar="ACTION")
    serve = sub.add_parser("serve", help="serve a portal on 127.0.0.1, site k on PORT+k")
    serve.add_argument("--port", type=int, default=DEFAULT_BASE_PORT, help="base port (0: any)")
    serve.add_argument("--root", type=Path, default=None,
                       help="a directory made by `portal build` (default: the bundled portal)")
    serve.set_defaults(func=cmd_serve)
    build = sub.add_parser("build", help="generate a portal directory and its registry CSV")
    build.add_argument("--out", type=Path, required=True)
    build.add_argument("--agencies", type=int, default=None,
                       help="generate N agencies over one site per family (default: bundled)")
    build.add_argument("--years", default="2019-2024", help="e.g. 2019-2024 or 2021,2023")
    build.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT)
    build.add_argument("--per-page", type=int, default=10)
    build.add_argument("--registry", type=Path, default=None,
                       help="also write the registry CSV here (always written to OUT/agencies.csv)")
    build.set_defaults(func=cmd_build)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def parse_years(text: str) -> tuple[int, ...]:
    m = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", text)
    if m:
        return tuple(range(int(m.group(1)), int(m.group(2)) + 1))
    return tuple(int(y) for y in re.split(r"[,\s]+", text.strip()) if y)


def cmd_build(args: argparse.Namespace) -> int:
    import shutil

    from nianbao.portal.builder import build_site
    from nianbao.portal.spec import default_spec, scaled_spec

    if args.agencies is None:
        spec = default_spec(args.base_port)
    else:
        spec = scaled_spec(args.agencies, parse_years(args.years), base_port=args.base_port,
                           per_page=args.per_page)
    manifest = build_site(args.out, spec)
    if args.registry:
        shutil.copyfile(args.out / "agencies.csv", args.registry)
    kinds = Counter(i["kind"] for i in manifest["items"])
    print(f"built {args.out}: {len(manifest['sites'])} sites · {len(manifest['agencies'])} "
          f"agencies · {kinds['report']} reports · {sum(kinds.values()) - kinds['report']} "
          f"other items · registry {args.out / 'agencies.csv'} (base port {args.base_port})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from nianbao.portal.server import PortalServer

    # A SIGTERM (a supervisor, `timeout`) stops the servers and removes the temporary build.
    signal.signal(signal.SIGTERM, _interrupt)
    with PortalServer(args.root, base_port=args.port) as portal:
        for key, site in portal.sites.items():
            print(f"  {portal.url(key):<26} {key:<11} {site.family:<12} {site.name}")
        if args.root is None and args.port == DEFAULT_BASE_PORT:
            registry = DEFAULT_REGISTRY
        else:
            first_port = min(portal.ports.values())
            registry = portal.write_registry(portal.root / f"agencies-{first_port}.csv")
        print(f"serving {len(portal.sites)} sites · {len(portal.reports())} reports on 127.0.0.1"
              f" · registry for these ports: {registry} · Ctrl-C stops", flush=True)
        portal.serve_forever()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
