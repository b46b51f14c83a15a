"""The local sample portal: CMS-family sites on 127.0.0.1 for the crawler's tests, demo and bench.

See README.md beside this file for every site's URL layout, the Python API and the registry.
"""

from nianbao.portal.builder import build_site
from nianbao.portal.server import PortalServer, RequestRecord
from nianbao.portal.spec import DEFAULT_BASE_PORT, FAMILIES, default_spec, scaled_spec

__all__ = [
    "DEFAULT_BASE_PORT", "FAMILIES", "PortalServer", "RequestRecord", "build_site",
    "default_spec", "scaled_spec",
]
