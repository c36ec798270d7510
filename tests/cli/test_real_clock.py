"""The headline uses through the installed `ot`, on the real clock (no OFFLINE_TRACKER_NOW).

Every other test runs on a fixed clock; this one is what a person meets at whatever time the
suite runs (issue 12: `ot log "..." --minutes 5` was refused at the real time while every
fixed-clock test passed). ../shared/tools/smoke does the same from outside.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

OT = Path(sys.executable).parent / "ot"

pytestmark = pytest.mark.skipif(not OT.exists(), reason="the package is not installed in this env")


def _ot(tmp: Path, lang: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OFFLINE_TRACKER_NOW"}
    env |= {
        "OFFLINE_TRACKER_DB": str(tmp / f"ledger-{lang}.sqlite"),
        "OFFLINE_TRACKER_LANG": lang,
        "HOME": str(tmp),
        "XDG_DATA_HOME": str(tmp / "data"),
        "NO_COLOR": "1",
    }
    done = subprocess.run([str(OT), *args], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_headline_uses_at_the_real_time(tmp_path: Path, lang: str) -> None:
    def ot(*args: str) -> subprocess.CompletedProcess[str]:
        return _ot(tmp_path, lang, *args)

    ot("init", "--timezone", "Asia/Shanghai", "--schedule", "mon-fri 09:00-18:00")
    ot("log", "Replied to the boss", "--minutes", "5", "--channel", "wechat")
    ot("log", "收到一个任务", "--channel", "wechat", "--kind", "instruction")
    ot("log", "老板要明早的PPT", "--at", "23:40", "--minutes", "40")
    ot("start", "hotfix", "--channel", "dingtalk")
    time.sleep(1.1)
    ot("stop")
    ot("status")
    ot("report", "week")
    ot("export", "csv", "-o", str(tmp_path / f"week-{lang}.csv"))
    listed = json.loads(ot("list", "--from", "yesterday", "--json").stdout)["records"]
    assert len(listed) == 4
    for record in listed:
        history = json.loads(ot("show", str(record["id"]), "--json").stdout)["history"]
        recorded = max(datetime.fromisoformat(h["recorded_at"]) for h in history)
        assert datetime.fromisoformat(record["end"]) <= recorded, record
        assert all("clock" not in h for h in history)  # the system clock, not a simulated one
    assert "warnings" in ot("verify", "--json").stdout


@pytest.mark.parametrize("typed", ["23点40", "晚上11点40", "23:40"])
def test_a_chinese_bare_time_at_the_real_time(tmp_path: Path, typed: str) -> None:
    """`--at 23点40` at whatever time the suite runs: tonight's 23:40 if it has passed, else
    last night's, never the future (docs/cli.md "When a record happened")."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from offline_tracker.clock import system_now

    zone = ZoneInfo("Asia/Shanghai")
    _ot(tmp_path, "zh", "init", "--timezone", "Asia/Shanghai", "--schedule", "mon-fri 09:00-18:00")
    before = system_now().astimezone(zone)
    logged = _ot(tmp_path, "zh", "log", "老板要PPT", "--at", typed, "--minutes", "5", "--json")
    after = system_now().astimezone(zone)
    start = datetime.fromisoformat(json.loads(logged.stdout)["record"]["start"]).astimezone(zone)
    assert (start.hour, start.minute) == (23, 40)
    tonight = {
        moment.replace(hour=23, minute=40, second=0, microsecond=0) for moment in (before, after)
    }
    expected = {
        t if t <= now else t - timedelta(days=1) for t in tonight for now in (before, after)
    }
    assert start in expected and start <= after
