"""Hypothesis strategies for what a user types: times, durations, dates, schedules, mappings, files.

Each mixes forms the program accepts, near misses (out-of-range fields, huge numbers, wrong
separators) and arbitrary text, so that both the parsers' happy paths and their edges are hit.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import strategies as st

DATA = Path(__file__).resolve().parents[1] / "formats" / "data"

# Anything a shell can pass: every character but NUL (argv cannot hold it) and lone surrogates.
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=24)
NUMBER = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["0", "-0", "1e309", "nan", "inf", "0x10", "1_000", "١٢", "五", ".5", "5."]),
)
UNIT = st.sampled_from(["", "m", "h", "s", "d", "min", "hours", "分钟", "小时", "h30m", "H"])
# The plausible forms keep a fair share of examples on the paths past parsing (classification,
# storage), where a value that parses but surprises later code would show.
PLAUSIBLE_MINUTES = st.integers(1, 24 * 60).map(lambda n: f"{n}m" if n % 2 else str(n))
DURATION = st.one_of(PLAUSIBLE_MINUTES, st.builds("{}{}".format, NUMBER, UNIT), TEXT)
PLAUSIBLE_CLOCK = st.times().map(lambda t: t.strftime("%H:%M"))
CLOCK = st.one_of(
    PLAUSIBLE_CLOCK,
    st.builds("{}:{:02d}".format, st.integers(-1, 99), st.integers(0, 99)),
    st.sampled_from(["24:00", "23:59:60", "9:5", "12", "23.40", "２３:４０"]),
)
PLAUSIBLE_DAY = st.dates(date(2024, 1, 1), date(2025, 10, 8)).map(str)
DAY = st.one_of(
    PLAUSIBLE_DAY,
    st.builds(
        "{:04d}-{:02d}-{:02d}".format, st.integers(0, 10000), st.integers(0, 13), st.integers(0, 32)
    ),
)
DATE = st.one_of(
    DAY,
    st.sampled_from(["today", "yesterday", "昨天", "2025/10/1", "2025-W40", "tomorrow", "-1"]),
    TEXT,
)
WHEN = st.one_of(
    st.builds("{} {}".format, PLAUSIBLE_DAY, PLAUSIBLE_CLOCK),
    CLOCK,
    st.builds("{} {}".format, DATE, CLOCK),
    st.builds("{}T{}{}".format, DAY, CLOCK, st.sampled_from(["Z", "+08:00", "+25:00", "-99"])),
    st.builds("{} ago".format, DURATION),
    st.sampled_from(["now", "前天 9:00", "2025-03-30 02:30", "15分钟前", "yesterday 23:40"]),
    TEXT,
)
WEEKDAY = st.sampled_from(["mon", "tue", "fri", "sat", "sun", "xyz", "周一", "mon-fri", "sun-mon"])
SHIFT = st.builds("{}-{}".format, CLOCK, CLOCK)
PLAUSIBLE_SHIFT = st.builds(
    "{:02d}:{:02d}-{:02d}:00".format,
    st.integers(0, 11),
    st.sampled_from([0, 30]),
    st.integers(12, 23),
)
SCHEDULE = st.one_of(
    st.lists(
        st.builds(
            "{} {}".format,
            WEEKDAY,
            st.lists(PLAUSIBLE_SHIFT | SHIFT, min_size=1, max_size=3).map(",".join),
        ),
        min_size=1,
        max_size=3,
    ).map("; ".join),
    TEXT,
)
FIELD = st.sampled_from(["time", "end", "minutes", "text", "counterpart", "kind", "tags", "x"])
MAPPING = st.one_of(
    st.lists(st.builds("{}={}".format, FIELD, TEXT), max_size=4).map(",".join),
    TEXT,
)
ZONE = st.sampled_from(["Asia/Shanghai", "UTC", "Mars/Olympus", "", "+08:00", "../../etc"]) | TEXT
STRPTIME = st.sampled_from(["%Y-%m-%d %H:%M", "%d.%m.%Y", "%", "%Q", "%Y%", "%H"]) | TEXT

# Sample files of every import format (tests/formats/data) and the options they need.
IMPORT_SAMPLES = [
    ("csv", "wechat_gb18030.csv", ["--map-file", str(DATA / "wechat.map")]),
    ("csv", "dingtalk_bom.csv", ["--map", "time=开始时间,end=结束时间,text=事项,tags=标签"]),
    ("ics", "calendar.ics", ["--from", "2025-09-01", "--to", "2025-10-08"]),
    ("mail", "sent.mbox", ["--me", "me@example.com"]),
    ("mail", "reply.eml", []),
    ("watson", "watson_frames.json", []),
    ("timewarrior", "timew_export.json", []),
]


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with a few random cuts, flips, insertions and repeated spans."""
    out = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(out)))
        op = draw(st.sampled_from(["cut", "flip", "insert", "repeat", "truncate"]))
        if op == "cut":
            del out[at : at + draw(st.integers(1, 64))]
        elif op == "flip" and at < len(out):
            out[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            out[at:at] = draw(st.binary(max_size=16) | st.sampled_from([b"\n", b",", b'"', b":"]))
        elif op == "repeat":
            out[at:at] = out[at : at + draw(st.integers(1, 200))]
        else:
            del out[at:]
    return bytes(out)
