"""The shipped example configuration loads, and its schedules make valid triggers."""

from __future__ import annotations

from pathlib import Path

import yaml

from monitor.config import load_config
from monitor.notify import CHANNELS
from monitor.scheduler import trigger_for

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "monitor.yml"


def test_example_config_is_complete_and_holds_no_secrets():
    config = load_config(EXAMPLE)
    assert [j.id for j in config.jobs] == ["january-daily", "weekly", "tieling-noon"]
    for job in config.jobs:
        assert trigger_for(job, config.timezone) is not None
    assert config.jobs[0].jitter == 600 and config.jobs[0].misfire_grace_time == 3600
    assert config.deadlines[0].date == "01-28" and config.deadlines[0].region == "2112"
    assert {t["type"] for t in config.notify_targets} == set(CHANNELS)
    for target in yaml.safe_load(EXAMPLE.read_text("utf-8"))["notify"]["targets"]:
        secrets = {k for k in target if k in ("url", "token", "secret", "password")}
        assert not secrets, f"{target['name']} has a secret in the file: {secrets}"
