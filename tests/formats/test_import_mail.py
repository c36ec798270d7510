"""Mail import: .eml, mbox and Maildir samples written by hand with real-world quirks."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from offline_tracker.formats.importers import ImportOptions, parse
from offline_tracker.formats.importers.mail import messages_in_bytes, parse_messages, split_mbox
from tests.conftest import refused, said

DATA = Path(__file__).parent / "data"
ME = ImportOptions(zone="Asia/Shanghai", me=("WANG.WU@example.com",))
BOTH = ImportOptions(
    zone="Asia/Shanghai", me=ME.me, from_senders=("zhang.manager@corp.example.cn",)
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_eml_reply_with_encoded_folded_subject() -> None:
    result = parse("mail", DATA / "reply.eml", ME)
    assert result.problems == ()
    (rec,) = result.records
    assert rec.source_id == "mail:reply-0001@mail.example.com"
    assert rec.start == at("2025-10-01 15:40:12")  # 23:40:12 +0800
    assert rec.end == at("2025-10-01 15:45:12")  # default event minutes
    assert rec.text == "回复: 国庆节期间的报表"
    assert rec.direction == "replied" and rec.channel == "email" and rec.type == "event"
    assert (
        rec.counterpart
        == '张经理 <zhang.manager@corp.example.cn>, "Li, Si" <li.si@corp.example.cn>'
    )
    raw = (DATA / "reply.eml").read_bytes()
    assert rec.attachment == (f"mail-{hashlib.sha256(raw).hexdigest()[:16]}.eml", raw)


def test_mbox_three_messages_one_broken_across_us_dst_change() -> None:
    result = parse("mail", DATA / "sent.mbox", BOTH)
    sent, received = result.records
    assert (sent.start, sent.direction) == (at("2025-11-02 02:30"), "initiated")  # -0400 (EDT)
    assert sent.counterpart == "client@customer.example.com" and sent.line == 1
    assert (received.start, received.direction) == (at("2025-11-04 03:30"), "received")  # -0500
    assert received.text == "紧急：明天上午前交" and received.line == 3
    assert received.counterpart == "张经理 <zhang.manager@corp.example.cn>"
    (problem,) = result.problems
    assert problem.line == 2 and problem.severity == "error"
    assert "Date" in said(problem) and "line 12" in said(problem)


def test_mbox_keeps_body_from_lines_and_raw_bytes() -> None:
    data = (DATA / "sent.mbox").read_bytes()
    messages = list(split_mbox(data))
    assert [line for line, _ in messages] == [1, 12, 21]
    first = messages[0][1]
    assert b"From the top:" in first and b">From the archive" in first
    assert not first.startswith(b"From ") and first.endswith(b"archive, too.\n")


def test_received_mail_only_when_asked() -> None:
    result = parse("mail", DATA / "sent.mbox", ME)
    assert [r.direction for r in result.records] == ["initiated"]
    assert result.ignored == 1


def test_maildir_gb2312_subject_references_and_missing_message_id() -> None:
    result = parse("mail", DATA / "maildir", ME)
    assert result.problems == () and result.ignored == 1  # the shop's newsletter
    reply, status = result.records
    assert reply.text == "方案修改稿" and reply.direction == "replied"  # References, no Re:
    assert reply.counterpart == "客户 <client@customer.example.com>"
    assert reply.start == at("2025-10-02 14:05")
    raw = (DATA / "maildir" / "new" / "1759503600.M2P200.laptop").read_bytes()
    assert status.source_id == "mail:sha256:" + hashlib.sha256(raw).hexdigest()
    assert status.start == at("2025-10-03 15:00")  # -0000: UTC, zone unknown
    assert status.direction == "initiated"


def test_folder_of_eml_files(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes((DATA / "reply.eml").read_bytes())
    (tmp_path / "notes.txt").write_text("ignored")
    result = parse("mail", tmp_path, ME)
    assert [r.source_id for r in result.records] == ["mail:reply-0001@mail.example.com"]


@pytest.mark.parametrize(
    ("subject", "headers", "direction"),
    [
        ("Re: plan", "", "replied"),
        ("RE[2]: plan", "", "replied"),
        ("回复：计划", "", "replied"),
        ("答复: 计划", "", "replied"),
        ("Report", "In-Reply-To: <x@y>\n", "replied"),
        ("Report", "References: <x@y>\n", "replied"),
        ("Report", "", "initiated"),
        ("Fwd: Re plan", "", "initiated"),
    ],
)
def test_replied_or_initiated(subject: str, headers: str, direction: str) -> None:
    raw = (
        f"From: wang.wu@example.com\nTo: a@b.example\nDate: Wed, 01 Oct 2025 23:40:00 +0800\n"
        f"Subject: {subject}\n{headers}\nbody\n"
    ).encode()
    (rec,) = parse_messages(messages_in_bytes(raw), ME).records
    assert rec.direction == direction


def test_same_message_twice_is_one_record() -> None:
    raw = (DATA / "reply.eml").read_bytes()
    mbox = b"From x Wed Oct  1 00:00:00 2025\n" + raw + b"\nFrom x Wed Oct  1 00:00:00 2025\n" + raw
    result = parse_messages(messages_in_bytes(mbox), ME)
    assert len(result.records) == 1
    assert [(p.line, p.severity) for p in result.problems] == [(2, "skipped")]


def test_hostile_headers_never_raise() -> None:
    raw = (
        b'From: wang.wu@example.com\nTo: <<<@@@>>>, "unclosed\nDate: Wed, 01 Oct 2025 25:99:00\n'
        b"Subject: =?x-unknown?B?!!!?=\nMessage-ID: <<>>\n\n\xff\xfe"
    )
    result = parse_messages(messages_in_bytes(raw), ME)
    assert len(result.records) + len(result.problems) == 1


def test_unreadable_inputs_raise_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 JFIF")
    with refused("not mail"):
        parse("mail", tmp_path / "photo.jpg", ME)
    with refused("no messages"):
        parse("mail", tmp_path, ME)
    with refused("cannot read"):
        parse("mail", tmp_path / "missing.mbox", ME)
    with refused("--me"):
        parse("mail", DATA / "reply.eml", ImportOptions())


def _message(date: str, subject: str = "周报") -> bytes:
    return (
        f"From: wang.wu@example.com\nTo: boss@corp.example.cn\nSubject: {subject}\n"
        f"Date: {date}\nMessage-ID: <d@example.com>\n\nbody\n"
    ).encode()


@pytest.mark.parametrize(
    ("date", "start", "noted"),
    [
        ("Thu, 2 Oct 2025 00:10:00 +0800", "2025-10-01 16:10", False),
        ("Thu, 2 Oct 2025 00:10:00 -0000", "2025-10-02 00:10", False),  # RFC 5322: UTC
        ("Thu, 2 Oct 2025 00:10:00", "2025-10-01 16:10", True),  # no zone: the contract's
        ("2025-10-02 00:10:00", "2025-10-01 16:10", True),  # not RFC 5322 at all
        ("2025/10/2 0:10", "2025-10-01 16:10", True),
    ],
)
def test_dates_without_a_zone_are_local_with_a_note(date: str, start: str, noted: bool) -> None:
    result = parse_messages(messages_in_bytes(_message(date)), ME)
    (rec,) = result.records
    assert rec.start == at(start)
    notes = [p for p in result.problems if p.severity == "note"]
    assert len(notes) == noted and (not noted or "Asia/Shanghai" in said(notes[0]))


def test_an_unreadable_date_is_still_a_problem() -> None:
    result = parse_messages(messages_in_bytes(_message("next tuesday")), ME)
    assert result.records == () and result.problems[0].severity == "error"


def test_encoded_words_splitting_a_gbk_character() -> None:
    data = "方案修改稿".encode("gbk")
    pieces = [base64.b64encode(part).decode() for part in (data[:3], data[3:])]
    subject = f"=?gbk?B?{pieces[0]}?= =?GB2312?B?{pieces[1]}?="
    (rec,) = parse_messages(
        messages_in_bytes(_message("Thu, 2 Oct 2025 00:10:00 +0800", subject)), ME
    ).records
    assert rec.text == "方案修改稿"
