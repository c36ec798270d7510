"""Every importer's problems in the user's language (issue 17): under --lang zh a broken file,
whole or in a row, gives no English sentence; only names, paths and quoted library text."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import Ot

LATER = "2025-12-01T10:00:00+08:00"
_MESSAGE = (
    '{{"seq": {seq}, "time": "{time}", "talker": "wxid_a", "talkerName": "A",'
    ' "isChatRoom": false, "sender": "wxid_a", "senderName": "A", "isSelf": false,'
    ' "type": 1, "subType": 0, "content": "hi"}}'
)
CHATLOG = f"[{_MESSAGE.format(seq=1, time='not a time')}]".encode()
CHATLOG_ROW = (
    f"[{_MESSAGE.format(seq=1, time='2025-10-01T22:00:00+08:00')},"
    f" {_MESSAGE.format(seq=2, time='not a time')}]"
).encode()
CALLS = (
    b'<calls><call number="1" contact_name="A" date="1759327200000" type="1" duration="60"/>'
    b'<call number="1" contact_name="A" date="soon" type="1" duration="60"/></calls>'
)
AW = (
    b'{"buckets": {"aw-watcher-window_pc": {"id": "aw-watcher-window_pc", "type":'
    b' "currentwindow", "client": "aw", "hostname": "pc", "events": [{"timestamp": "soon",'
    b' "duration": 60, "data": {"app": "WeChat.exe", "title": "x"}}]}}}'
)
ICS_RRULE = (
    b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nDTSTART:20251001T120000Z\r\n"
    b"DTEND:20251001T130000Z\r\nRRULE:FREQ=SOMETIMES;COUNT=2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
MAIL = b"From: a@x.cn\nTo: b@x.cn\nDate: the day after\nSubject: s\n\nbody\n"
CHAT = ("--chat", "A")

# (source, file name, bytes, options): files that cannot be read at all ...
WHOLE = [
    ("csv", "a.csv", b"", ("--map", "time=t")),
    ("csv", "b.csv", b"x,y\n1,2\n", ("--map", "time=t")),
    ("csv", "c.csv", b"\xff\xfe\xfe", ("--map", "time=t")),
    ("mail", "a.eml", b"\x00\x01 not mail", ("--me", "a@x.cn")),
    ("ics", "a.ics", b"hello", ()),
    ("ics", "b.ics", b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\n" * 40, ()),
    ("git", "log.txt", b"not a log", ("--author", "a@x.cn")),
    ("watson", "frames", b"{", ()),
    ("watson", "frames2", b"{}", ()),
    ("timewarrior", "t.json", b"[" * 100_000, ()),
    ("wechat", "w.csv", b"a,b\n1,2\n", CHAT),
    ("wechat", "w.json", CHATLOG, ()),
    ("phone", "calls.xml", b"<calls><call", CHAT),
    ("phone", "bomb.xml", b'<!DOCTYPE x [<!ENTITY a "aa">]><calls>&a;</calls>', CHAT),
    ("phone", "root.xml", b"<contacts/>", CHAT),
    ("activitywatch", "aw.json", b'{"other": 1}', ()),
    ("activitywatch", "aw2.json", b'{"buckets": {"b": 3}}', ()),
]
# ... and files with a broken row (shown by --dry-run).
ROWS = [
    ("csv", "rows.csv", "t,x\n昨天晚上,y\n".encode(), ("--map", "time=t,text=x")),
    ("ics", "rule.ics", ICS_RRULE, ()),
    ("mail", "date.eml", MAIL, ("--me", "a@x.cn")),
    ("git", "log2.txt", b"abc\x1fnever\x1fa@x.cn\x1fs\x1e", ("--author", "a@x.cn")),
    ("watson", "frames3", b'[["x", 2, "p", "id", [], 3]]', ()),
    ("timewarrior", "t2.json", b'[{"start": "yesterday"}]', ()),
    ("wechat", "w2.json", CHATLOG_ROW, CHAT),
    ("phone", "calls2.xml", CALLS, CHAT),
    ("activitywatch", "aw3.json", AW, ()),
]
# Names that stay as they are in every language (menus of other tools, formats).
NAMES = ("Raw Data > Export all buckets", "SMS Backup & Restore")
_QUOTED = re.compile(r"“[^”]*”|'[^']*'|\"[^\"]*\"|`[^`]*`|<[^>]*>|--[a-z-]+|\S+=\S*")
_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")


def english(text: str, paths: tuple[str, ...]) -> list[str]:
    """Runs of three or more English words left once names, paths and quotes are taken out."""
    for name in (*paths, *NAMES):
        text = text.replace(name, " ")
    return _SENTENCE.findall(_QUOTED.sub(" ", text))


def _run(ot: Ot, tmp_path: Path, case: tuple[str, str, bytes, tuple[str, ...]], lang: str) -> str:
    source, name, data, options = case
    path = tmp_path / name
    path.write_bytes(data)
    result = ot("import", source, str(path), *options, "--dry-run", lang=lang)
    assert result.code in (0, 2), (result.code, result.out, result.err)
    return result.out + result.err


@pytest.fixture
def later(ledger: Ot) -> Ot:
    ledger.now = LATER
    return ledger


@pytest.mark.parametrize("case", WHOLE + ROWS, ids=lambda c: f"{c[0]}-{c[1]}")
def test_broken_files_speak_chinese(later: Ot, tmp_path: Path, case: tuple) -> None:
    zh = _run(later, tmp_path, case, "zh")
    assert re.search(r"[\u4e00-\u9fff]", zh), zh
    assert not english(zh, (str(tmp_path),)), zh
    # The same file in English does give English sentences: the check can see them.
    assert english(_run(later, tmp_path, case, "en"), (str(tmp_path),))


def test_files_that_cannot_be_read_at_all_speak_chinese(later: Ot, tmp_path: Path) -> None:
    fifo = tmp_path / "calls.fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.ics"
    folder.mkdir()
    for source, path, options in (("phone", fifo, CHAT), ("ics", folder, ())):
        result = later("import", source, str(path), *options, lang="zh")
        said = result.out + result.err
        assert result.code == 2 and str(path) in said, said
        assert not english(said, (str(path),)), said


def test_library_text_is_quoted_inside_a_chinese_sentence(later: Ot, tmp_path: Path) -> None:
    said = _run(later, tmp_path, ("watson", "f.json", b"[1, }", ()), "zh")
    quoted = re.search(r"不是有效的 JSON（“([^”]+)”）", said)
    assert quoted and "line 1 column" in quoted.group(1), said
    rule = _run(later, tmp_path, ("ics", "r.ics", ICS_RRULE, ()), "zh")
    assert re.search(r"事件 'x' 未导入：“[^”]+”", rule), rule


def test_a_path_that_cannot_be_opened_is_one_chinese_line(tmp_path: Path) -> None:
    from offline_tracker import i18n
    from offline_tracker.formats.importers import ImportFormatError
    from offline_tracker.formats.importers.base import read_file
    from offline_tracker.render import message

    gone = tmp_path / "gone.ics"
    gone.symlink_to(tmp_path / "nowhere")
    with pytest.raises(ImportFormatError) as caught:
        read_file(gone)
    i18n.set_language("zh")
    try:
        said = message(caught.value.message)
    finally:
        i18n.set_language("en")
    assert said.startswith(f"无法读取 {gone}（“") and not english(said, (str(gone),)), said
