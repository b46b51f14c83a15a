"""Shared test settings."""

from __future__ import annotations

import os
import shutil

import pytest


def needs_program(*names: str) -> pytest.MarkDecorator:
    """Skip when none of these programs is installed — except in CI, where `make test` installs
    them, so a missing one must fail loudly instead of passing as a skip."""
    missing = not any(shutil.which(n) for n in names) and not os.environ.get("CI")
    return pytest.mark.skipif(
        missing, reason=f"{' or '.join(names)} not installed (make test installs it)"
    )
