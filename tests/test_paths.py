"""paths.linux_dir gives platformdirs' answer where it answers (issue 19: `ot log` does not
import platformdirs on Linux), and leaves every other case to platformdirs."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from offline_tracker import paths

VALUES = [None, "", "relative/dir", "/abs/dir", "/abs/dir/", "/", "~/x"]
HOMES = [None, "", "/home/u", "/home/u/", "/", "home/u"]


@pytest.mark.skipif(sys.platform != "linux", reason="the shortcut is Linux's")
@pytest.mark.parametrize("home", HOMES)
@pytest.mark.parametrize("value", VALUES)
def test_the_linux_folders_are_platformdirs_folders(
    monkeypatch: pytest.MonkeyPatch, value: str | None, home: str | None
) -> None:
    for name, setting in (("HOME", home), ("XDG_DATA_HOME", value), ("XDG_CACHE_HOME", value)):
        if setting is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, setting)
    for variable, default, theirs in (
        ("XDG_DATA_HOME", "~/.local/share", platformdirs.user_data_dir),
        ("XDG_CACHE_HOME", "~/.cache", platformdirs.user_cache_dir),
    ):
        ours = paths.linux_dir(variable, default)
        if ours is not None:
            assert ours == Path(theirs(paths.APP, appauthor=False)), (variable, value, home)
    if (value or "").startswith("/") or (home or "").startswith("/"):
        assert paths.default_cache_dir() == paths.linux_dir("XDG_CACHE_HOME", "~/.cache")
        assert paths.linux_dir("XDG_CACHE_HOME", "~/.cache") is not None


def test_android_is_left_to_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANDROID_DATA", "/data")
    monkeypatch.setenv("ANDROID_ROOT", "/system")
    assert paths.linux_dir("XDG_CACHE_HOME", "~/.cache") is None
