"""The evidence report in a real headless browser: it renders, is not blank, and prints (A4).

Needs Debian's chromium. The session fixture installs it with apt-get when it is missing and this
is CI (CI=true) running as root; anywhere else the tests skip and say why.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.conftest import Ot

CHROMIUM = "/usr/bin/chromium"
# Flags that work on a machine without a display, sandbox or network (docs: env machines).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def _install() -> str | None:
    """Why chromium cannot be had here, or None once it is installed."""
    if os.environ.get("CI") != "true" or os.geteuid() != 0:
        return f"{CHROMIUM} is missing; CI=true as root installs it (apt-get install chromium)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"{' '.join(command)} failed: {done.stderr.strip()[-300:]}"
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        reason = _install()
        if reason is not None:
            pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def report(ledger: Ot, tmp_path: Path) -> Path:
    for args in [
        ("log", "Boss wants the slides", "--at", "2025-10-07 23:40", "--minutes", "40",
         "--channel", "wechat", "--who", "王经理", "--role", "supervisor", "--kind", "instruction"),
        ("add", "National day fix", "--from", "2025-10-02 10:00", "--to", "2025-10-02 12:30"),
        ("log", "<script>alert(1)</script>", "--at", "2025-09-30 20:00", "--minutes", "25"),
    ]:  # fmt: skip
        assert ledger(*args).code == 0
    pack = tmp_path / "pack.zip"
    assert ledger("export", "evidence", "-o", str(pack)).code == 0
    with zipfile.ZipFile(pack) as archive:
        archive.extract("report.html", tmp_path)
    return tmp_path / "report.html"


def _run(chromium: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / "profile"
    shutil.rmtree(profile, ignore_errors=True)  # a fresh profile each run
    command = [chromium, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def test_the_page_renders_with_its_key_figures(chromium: str, report: Path) -> None:
    done = _run(chromium, report.parent, "--dump-dom", report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "Evidence report: work outside contracted hours, 2025-09-30 to 2025-10-08" in dom
    assert "3h35m" in dom  # worked time: 40m + 2h30m + 25m
    # E2: 09-30, 10-02, 10-07 and 10-08 (the 23:40 call runs past midnight) had off-hours work.
    assert "4 of 9 days" in dom and "150 %: 25m, 200 %: 40m, 300 %: 2h30m" in dom
    assert "statutory maximum" in dom and "王经理" in dom
    assert "<script>alert(1)</script>" not in dom  # escaped: the note shows, never runs


def _png_pixels(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """A tiny PNG reader (8-bit RGB/RGBA, no interlace): width, height, channels, rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0
    channels = 3 if color == 2 else 4
    raw, stride, rows = zlib.decompress(b"".join(chunks)), width * channels, []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (
                    line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)
                ) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def test_a_screenshot_is_not_blank(chromium: str, report: Path) -> None:
    shot = report.parent / "shot.png"
    done = _run(
        chromium, report.parent, f"--screenshot={shot}", "--window-size=600,500", report.as_uri()
    )
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    width, height, channels, rows = _png_pixels(shot.read_bytes())
    grey = [sum(row[x : x + 3]) // 3 for row in rows for x in range(0, width * channels, channels)]
    mean = sum(grey) / len(grey)
    variance = sum((g - mean) ** 2 for g in grey) / len(grey)
    dark = sum(1 for g in grey if g < 128) / len(grey)
    assert (width, height) == (600, 500)
    assert variance > 200 and 0.005 < dark < 0.5, (variance, dark)  # text on a white page


def test_it_prints_to_a_pdf(chromium: str, report: Path) -> None:
    pdf = report.parent / "report.pdf"
    done = _run(
        chromium, report.parent, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report.as_uri()
    )
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 5000
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    boxes = re.findall(rb"/MediaBox ?\[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert pages >= 1 and boxes, data[:2000]
    # @page size A4: 210 x 297 mm is 595.3 x 841.9 pt.
    assert all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in boxes)
