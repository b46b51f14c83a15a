"""One module per CMS family: `column_url`, `render` (write the site's files) and `handle`
(answer the family's dynamic endpoints, or None). Adding a family is adding a module here."""

from __future__ import annotations

from types import ModuleType

from nianbao.portal.families import hanweb, jsonapi, plain, trs, trs_dynamic

FAMILY_MODULES: dict[str, ModuleType] = {
    "trs": trs, "hanweb": hanweb, "jsonapi": jsonapi, "plain": plain, "trs_dynamic": trs_dynamic,
}
