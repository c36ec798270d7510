"""`ot import wechat|phone`: chosen chats only, bursts, acks (E1), provenance, stable keys."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Ot, Result
from tests.formats import chatdata as c

LATER = "2025-10-08T09:30:00+08:00"
# Per format: the file bytes, the --chat values naming the work group and the boss, and who
# the group's first two bursts are with (PyWxDump writes the sender's wxid, not a name).
FORMATS = {
    "wechatmsg": (c.wechatmsg_csv, ("18", "王经理"), ["张经理", "李工"]),
    "pywxdump": (c.pywxdump_csv, ("4451@chatroom", "wxid_boss"), ["wxid_zhang", "wxid_li"]),
    "chatlog": (c.chatlog_json, ("项目群", "王经理"), ["张经理", "李工"]),
}


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _run(ot: Ot, source: str, path: Path, *extra: str, lang: str = "en") -> Result:
    return ot("import", source, str(path), *extra, lang=lang)


def _chats(*names: str) -> list[str]:
    return [arg for name in names for arg in ("--chat", name)]


def _records(ot: Ot) -> list[dict[str, Any]]:
    result = ot("list", "--from", "2025-09-01", "--to", "2025-10-31", "--json")
    records: list[dict[str, Any]] = result.json()["records"]
    return sorted(records, key=lambda r: r["start"])


def _entries(ot: Ot) -> int:
    return int(sqlite3.connect(ot.db).execute("SELECT count(*) FROM ledger").fetchone()[0])


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_imports_the_chosen_chats_in_bursts(
    ledger: Ot, tmp_path: Path, fmt: str
) -> None:
    build, names, senders = FORMATS[fmt]
    path = _write(tmp_path, f"export.{'json' if fmt == 'chatlog' else 'csv'}", build(c.messages()))
    result = _run(ledger, "wechat", path, *_chats(*names), "--json")
    assert result.code == 0, result.err
    summary = result.json()
    # 妈妈's two messages and the pat (a system message) stay out.
    assert (summary["added"], summary["ignored"], summary["rejected"]) == (4, 3, 0)
    records = _records(ledger)
    assert [r["kind"] for r in records] == ["ack", None, None, "ack"]  # RULES E1
    assert [r["direction"] for r in records] == ["replied", "replied", "initiated", "replied"]
    assert [r["counterpart"] for r in records][:2] == senders
    assert all(r["channel"] == "wechat" and r["type"] == "event" for r in records)
    assert [(r["start"][11:16], r["end"][11:16]) for r in records] == [
        ("21:00", "21:05"),  # 21:00 and 21:03 (< 10 min apart), plus the 2 min tail
        ("21:30", "21:37"),
        ("21:50", "21:52"),
        ("23:10", "23:14"),
    ]
    assert not any("妈妈" in json.dumps(r, ensure_ascii=False) for r in records)
    again = _run(ledger, "wechat", path, *_chats(*names), "--json").json()
    assert (again["added"], again["duplicate"]) == (0, 4)


def test_nothing_is_imported_without_a_chosen_chat(ledger: Ot, tmp_path: Path) -> None:
    path = _write(tmp_path, "m.csv", c.wechatmsg_csv(c.messages()))
    before = _entries(ledger)
    result = _run(ledger, "wechat", path)
    assert result.code == 2 and "--chat" in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    missing = _run(ledger, "wechat", path, "--chat", "没有这个群")
    assert missing.code == 2 and "--list-chats" in missing.err
    assert _entries(ledger) == before


def test_list_chats_shows_counts_share_and_dates_and_imports_nothing(
    ledger: Ot, tmp_path: Path
) -> None:
    # One more message from the boss on a workday inside hours: his chat is 2/3 outside.
    inside = c.Msg(
        *c.BOSS, False, "wxid_boss", "王经理", False, "2025-09-30 10:00:00", 1, "早", 200
    )
    path = _write(tmp_path, "all.json", c.chatlog_json([inside, *c.messages()]))
    before = _entries(ledger)
    result = _run(ledger, "wechat", path, "--list-chats", "--json")
    assert result.code == 0, result.err
    chats = {chat["name"]: chat for chat in result.json()["chats"]}
    assert set(chats) == {"项目群", "王经理", "妈妈"}
    boss = chats["王经理"]
    assert (boss["messages"], boss["outside_hours"], boss["group"]) == (3, 2, False)
    assert (boss["first"], boss["last"]) == ("2025-09-30", "2025-10-02")
    assert chats["项目群"]["group"] and chats["项目群"]["messages"] == 5
    text = _run(ledger, "wechat", path, "--list-chats", lang="zh")
    assert "王经理 [wxid_boss] 联系人：3 条消息，67% 在工作时间以外" in text.out
    assert _entries(ledger) == before


def test_a_longer_export_and_a_renamed_contact_add_nothing_twice(
    ledger: Ot, tmp_path: Path
) -> None:
    first = _write(tmp_path, "a.csv", c.wechatmsg_csv(c.messages()[:7]))
    assert _run(ledger, "wechat", first, *_chats("18", "王经理")).code == 0
    assert len(_records(ledger)) == 4
    later = c.Msg(
        *c.BOSS, False, "wxid_boss", "王经理", False, "2025-10-05 09:00:00", 1, "周一开会", 204
    )
    # The boss renamed himself (NickName and Remark change); his chat id and message ids do not.
    longer = c.wechatmsg_csv([*c.messages(), later], rename={"王经理": "王总"})
    result = _run(
        ledger, "wechat", _write(tmp_path, "b.csv", longer), *_chats("18", "王总"), "--json"
    )
    assert result.code == 0, result.err
    assert (result.json()["added"], result.json()["duplicate"]) == (1, 4)
    assert _records(ledger)[-1]["counterpart"] == "王总"


def test_a_one_chat_wechatmsg_file_is_named_after_the_chat(ledger: Ot, tmp_path: Path) -> None:
    group = [m for m in c.messages() if m.chat == c.GROUP[0]]
    path = _write(tmp_path, "项目群_utf8.csv", c.wechatmsg_csv(group))
    # A member's name does not select the group; the group's own name does.
    assert _run(ledger, "wechat", path, "--chat", "张经理").code == 2
    assert _run(ledger, "wechat", path, "--chat", "项目群").code == 0
    assert [r["counterpart"] for r in _records(ledger)] == ["张经理", "李工", "项目群"]


def test_provenance_file_items_show_and_pack(ledger: Ot, tmp_path: Path) -> None:
    data = c.pywxdump_csv(c.messages())
    path = _write(tmp_path, "wxid_boss_0_100.csv", data)
    assert _run(ledger, "wechat", path, "--chat", "wxid_boss").code == 0
    digest = hashlib.sha256(data).hexdigest()
    assert (ledger.db.parent / "evidence" / digest[:2] / digest).read_bytes() == data
    (record,) = _records(ledger)
    assert record["attachments"] == [digest]
    shown = ledger("show", str(record["id"]))
    assert digest in shown.out and "MsgSvrID:7000201, MsgSvrID:7000202" in shown.out
    pack = tmp_path / "pack.zip"
    out = ledger(
        "export", "evidence", "--from", "2025-10-01", "--to", "2025-10-07", "-o", str(pack)
    )
    assert out.code == 0, out.err
    with zipfile.ZipFile(pack) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("provenance.csv").decode())))
        assert archive.read(f"attachments/{digest}") == data
    assert rows == [
        {
            "record": str(record["id"]),
            "source_id": "wechat:wxid_boss:MsgSvrID:7000201",
            "file": "wxid_boss_0_100.csv",
            "sha256": digest,
            "items": "MsgSvrID:7000201 MsgSvrID:7000202",
        }
    ]
    assert ledger("verify", str(pack)).code == 0


def test_dry_run_shows_the_bursts_and_stores_nothing(ledger: Ot, tmp_path: Path) -> None:
    path = _write(tmp_path, "x.json", c.chatlog_json(c.messages()))
    result = _run(ledger, "wechat", path, "--chat", "王经理", "--dry-run", lang="zh")
    assert result.code == 0, result.err
    assert "王经理 · 已回复 · 仅确认（2 条消息）" in result.out
    assert not (ledger.db.parent / "evidence").exists()


def test_gap_tail_and_ack_words_are_options(ledger: Ot, tmp_path: Path) -> None:
    path = _write(tmp_path, "x.json", c.chatlog_json(c.messages()))
    options = ("--chat", "项目群", "--gap", "40m", "--tail", "5m", "--ack", "好的，我今晚改完发你")
    result = _run(ledger, "wechat", path, *options, "--dry-run", "--json")
    (burst,) = result.json()["records"]
    assert burst["start"][11:16] == "21:00" and burst["end"][11:16] == "21:55"
    # 收到, 好的，我今晚改完发你 (now an ack word) and a file: the file is not an acknowledgement.
    assert burst["kind"] is None


def test_future_messages_are_rejected(ledger: Ot, tmp_path: Path) -> None:
    ahead = c.Msg(
        *c.BOSS, False, "wxid_boss", "王经理", False, "2025-10-08 10:00:00", 1, "明天见", 209
    )
    path = _write(tmp_path, "f.json", c.chatlog_json([*c.messages(), ahead]))
    summary = _run(ledger, "wechat", path, "--chat", "王经理", "--json").json()
    assert (summary["added"], summary["rejected"]) == (1, 1)
    assert "future" in summary["problems"][0]["message"]
    assert all(r["end"] <= LATER for r in _records(ledger))


def test_a_burst_ending_now_is_cut_at_now(ledger: Ot, tmp_path: Path) -> None:
    now = c.Msg(*c.BOSS, False, "wxid_boss", "王经理", False, "2025-10-08 09:29:30", 1, "在吗", 210)
    path = _write(tmp_path, "n.json", c.chatlog_json([now]))
    assert _run(ledger, "wechat", path, "--chat", "王经理").code == 0
    assert _records(ledger)[0]["end"] == LATER


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"a,b,c\n1,2,3\n", "not a known WeChat export"),
        (b"[1, 2", "not valid JSON"),
        (b"", "not a known WeChat export"),
    ],
)
def test_a_file_that_is_no_export_is_one_line_exit_2(
    ledger: Ot, tmp_path: Path, data: bytes, words: str
) -> None:
    result = _run(ledger, "wechat", _write(tmp_path, "bad.csv", data), "--chat", "x")
    assert result.code == 2 and words in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_format_forces_the_reader(ledger: Ot, tmp_path: Path) -> None:
    path = _write(tmp_path, "x.csv", c.pywxdump_csv(c.messages()))
    forced = _run(ledger, "wechat", path, "--format", "wechatmsg", "--chat", "x", "--json")
    assert forced.code == 2  # every row lacks WeChatMsg's columns: no chat called x
    assert _run(ledger, "wechat", path, "--format", "pywxdump", "--chat", "wxid_boss").code == 0


def test_chat_options_are_refused_for_other_sources(ledger: Ot, tmp_path: Path) -> None:
    path = _write(tmp_path, "frames", b"[]")
    result = _run(ledger, "watson", path, "--chat", "x")
    assert result.code == 2 and "--chat" in result.err


# -- phone --------------------------------------------------------------------------------------
CALLS = [
    ("+86 138-0000-1111", "2025-10-02 22:00:00", 300, 1, "王经理"),
    ("13800001111", "2025-10-03 08:00:00", 45, 3, "王经理"),  # missed: its duration is ringing
    ("13900002222", "2025-10-03 19:00:00", 600, 1, "妈妈"),
    ("13800001111", "2025-10-04 10:00:00", 120, 2, "王经理"),
    ("13800001111", "2025-10-04 11:00:00", 0, 6, "王经理"),  # blocked
]


def test_calls_answered_placed_and_missed(ledger: Ot, tmp_path: Path) -> None:
    path = _write(tmp_path, "calls-20251008.xml", c.calls_xml(CALLS))
    result = _run(ledger, "phone", path, "--chat", "王经理", "--json")
    assert result.code == 0, result.err
    assert (result.json()["added"], result.json()["ignored"]) == (3, 2)
    records = _records(ledger)
    assert [r["minutes"] for r in records] == [5, 0, 2]
    assert [r["direction"] for r in records] == ["received", "received", "initiated"]
    assert {r["channel"] for r in records} == {"phone"} and {r["kind"] for r in records} == {"call"}
    assert records[0]["source_id"] == "phone:call:1759413600000:13800001111"
    assert records[1]["text"] == "[未接来电]"
    # The missed call is an off-hours contact of zero claimed time.
    report = ledger("report", "day", "2025-10-03")
    assert "Off-hours contacts          1" in report.out
    again = _run(ledger, "phone", path, "--chat", "13800001111", "--json").json()
    assert (again["added"], again["duplicate"]) == (0, 3)


def test_a_call_preview_counts_calls_not_messages(ledger: Ot, tmp_path: Path) -> None:
    path = _write(tmp_path, "calls-20251008.xml", c.calls_xml(CALLS))
    shown = _run(ledger, "phone", path, "--chat", "王经理", "--dry-run").out
    assert "(1 call)" in shown and not re.search(r"\(\d+ messages?\)", shown)
    zh = _run(ledger, "phone", path, "--chat", "王经理", "--dry-run", lang="zh").out
    assert "（1 次通话）" in zh


def test_sms_bursts_per_contact(ledger: Ot, tmp_path: Path) -> None:
    items = [
        ("13800001111", "2025-10-02 22:30:00", 1, "方案发我", "王经理"),
        ("13800001111", "2025-10-02 22:31:00", 2, "收到", "王经理"),
        ("13900002222", "2025-10-02 22:40:00", 1, "早点睡", "妈妈"),
    ]
    path = _write(tmp_path, "sms-20251008.xml", c.sms_xml(items))
    assert _run(ledger, "phone", path, "--chat", "王经理").code == 0
    (record,) = _records(ledger)
    assert (record["channel"], record["kind"], record["direction"]) == ("sms", "ack", "replied")
    assert record["end"][11:16] == "22:33"


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?>\n<!DOCTYPE c [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<calls><call number="&b;" duration="1" date="1759413600000" type="1"/></calls>',
        b'<?xml version="1.0"?>\n<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<calls><call number="&x;" duration="1" date="1759413600000" type="1"/></calls>',
        b"<calls><call number=",
        b"<html><body/></html>",
    ],
    ids=["entity bomb", "external entity", "broken", "other xml"],
)
def test_bad_phone_files_are_one_line_exit_2(ledger: Ot, tmp_path: Path, data: bytes) -> None:
    result = _run(ledger, "phone", _write(tmp_path, "calls.xml", data), "--chat", "x")
    assert result.code == 2 and "SMS Backup & Restore" in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1 and "passwd" not in result.out


def test_a_phone_list_counts_calls_and_texts_per_contact(ledger: Ot, tmp_path: Path) -> None:
    path = _write(tmp_path, "calls-20251008.xml", c.calls_xml(CALLS))
    shown = _run(ledger, "phone", path, "--list-chats").out
    assert shown.startswith("Contacts in the file") and "message" not in shown, shown
    assert re.search(r": 1 call or text, |: \d+ calls and texts, ", shown), shown
    assert re.search(r"^\d+ contacts?; nothing imported", shown, re.M), shown
    zh = _run(ledger, "phone", path, "--list-chats", lang="zh").out
    assert zh.startswith("文件中的联系人") and "次通话或短信" in zh and "个联系人；" in zh
