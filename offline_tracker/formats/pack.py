"""The evidence pack as a file: zip, manifest, SHA256SUMS, and checking all three (RULES E5)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import stat
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from glob import escape as glob_escape
from pathlib import Path
from string import Template
from typing import Any, BinaryIO, Final

from offline_tracker.domain.errors import Refusal
from offline_tracker.ledger.canonical import decode_body
from offline_tracker.ledger.chain import entry_hash

MANIFEST: Final = "manifest.json"
SUMS: Final = "SHA256SUMS"
ENTRIES: Final = "ledger/entries.jsonl"
HEAD: Final = "ledger/head.json"
TEMPLATES: Final = Path(__file__).parent / "templates"
EntryRow = tuple[int, str, str, str, str, str, str]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_private(path: Path, write: Callable[[BinaryIO], object], overwrite: bool = False) -> None:
    """Write a file readable by the owner only, whole or not at all (temp file, then rename).

    The target must be a regular file or not exist yet (a symlink, FIFO, device or folder is
    refused: `-o /dev/full` must not replace a device node), and an existing file is replaced
    only with `overwrite`. Errors name `path`, never the temporary file; a temporary file that
    an interrupted run left behind is removed first.
    """
    path = path.expanduser()
    _check_target(path, overwrite)
    _remove_stale_parts(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w+b") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        _check_target(path, overwrite)  # nothing took its place meanwhile
        os.replace(temp, path)
    except OSError as exc:
        raise Refusal("error.output_failed", path=str(path), reason=exc.strerror or exc) from exc
    finally:
        temp.unlink(missing_ok=True)


def _check_target(path: Path, overwrite: bool) -> None:
    try:
        found = path.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise Refusal("error.output_failed", path=str(path), reason=exc.strerror or exc) from exc
    if not stat.S_ISREG(found.st_mode):
        raise Refusal(f"error.output_{_file_kind(found.st_mode)}", path=str(path))
    if not overwrite:
        raise Refusal("error.output_exists", path=str(path))


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISLNK, "symlink"),
        (stat.S_ISDIR, "folder"),
        (stat.S_ISFIFO, "fifo"),
        (stat.S_ISCHR, "device"),
        (stat.S_ISBLK, "device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return name
    return "other"


def _remove_stale_parts(path: Path) -> None:
    """`.NAME.<pid>.part` files of processes that no longer run (killed mid-write)."""
    try:
        leftovers = list(path.parent.glob(f".{glob_escape(path.name)}.*.part"))
    except OSError:
        return
    for part in leftovers:
        pid = part.name[len(path.name) + 2 : -len(".part")]
        if pid.isdecimal() and not _running(int(pid)):
            with suppress(OSError):
                part.unlink()


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # an earlier run with this pid (recycled): it is not writing any more
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: leave its file alone
    return True


# -- building ----------------------------------------------------------------------------------
def entries_jsonl(entries: Sequence[EntryRow]) -> bytes:
    """One ledger entry a line; `body` is the stored text, so anyone can re-hash it."""
    keys = ("seq", "entry_id", "recorded_at", "kind", "body", "prev_hash", "hash")
    lines = [json.dumps(dict(zip(keys, e, strict=True)), ensure_ascii=False) for e in entries]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def attachment_shas(bodies: Iterable[str]) -> list[str]:
    """SHA-256 digests of the attachments that entries name (added, or set by an amendment)."""
    found: dict[str, None] = {}
    for body in bodies:
        data = json.loads(body).get("data") or {}
        changes = data["changes"] if isinstance(data.get("changes"), dict) else {}
        for item in [*(data.get("attachments") or ()), *(changes.get("attachments") or ())]:
            sha = item.get("sha256") if isinstance(item, dict) else item
            if isinstance(sha, str) and len(sha) == 64:
                found[sha.lower()] = None
    return list(found)


def provenance_csv(entries: Sequence[EntryRow]) -> bytes:
    """Where each imported record came from: the source file and its items (RULES E4).

    One row per (record, file): the record id, its source id, the file's name and SHA-256 (the
    file itself is in attachments/), and the ids of the messages, calls or rows behind it.
    Empty (b"") when no record of the pack names items.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    rows = 0
    for seq, _, _, kind, body, _, _ in entries:
        data = json.loads(body).get("data") or {}
        for item in data.get("attachments") or () if kind == "record.add" else ():
            if isinstance(item, dict) and item.get("items"):
                if not rows:
                    writer.writerow(["record", "source_id", "file", "sha256", "items"])
                writer.writerow(
                    [seq, data.get("source_id", ""), item.get("name", ""), item.get("sha256"),
                     " ".join(map(str, item["items"]))]
                )  # fmt: skip
                rows += 1
    return out.getvalue().encode("utf-8")


def readme(lang: str, manifest: Mapping[str, Any], timestamps: str = "", unsound: str = "") -> str:
    """README.txt in `lang`; `timestamps`: the commands that check each token (app/timestamps);
    `unsound`: the warning line of a pack made from a ledger that failed verification (its
    first line)."""
    head, counts = manifest["chain_head"], manifest["counts"]
    unsound = f"{unsound}\n\n" if unsound else ""
    text = (TEMPLATES / f"README.{lang}.txt").read_text(encoding="utf-8")
    return Template(text).safe_substitute(
        period_from=manifest["period"]["from"],
        period_to=manifest["period"]["to"],
        head_seq=head["seq"],
        head_hash=head["hash"],
        anchor=head["anchor"],
        records=counts["records"],
        entries=counts["entries"],
        attachments=counts["attachments"],
        missing=counts["attachments_missing"],
        tool=manifest["tool"],
        timestamps=timestamps.rstrip("\n"),
        unsound=unsound,
    )


def write_pack(
    out: Path,
    files: Sequence[tuple[str, bytes]],
    manifest: dict[str, Any],
    when: datetime,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Zip `files` with manifest.json (every file's SHA-256) and SHA256SUMS (for sha256sum -c)."""
    listed = sorted(files)
    manifest = {
        **manifest,
        "files": [{"path": n, "sha256": sha256(d), "size": len(d)} for n, d in listed],
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    everything = [*listed, (MANIFEST, manifest_bytes)]
    sums = "".join(f"{sha256(d)}  {n}\n" for n, d in everything).encode("ascii")
    stamp = when.timetuple()[:6]

    def write(out: BinaryIO) -> None:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in [*everything, (SUMS, sums)]:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.external_attr = 0o600 << 16  # owner-only when unpacked, as the ledger
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)

    write_private(out, write, overwrite)
    return manifest


# -- checking ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PackProblem:
    """`code` names what failed (locales: pack.problem.<code>), `name` the file or entry."""

    code: str
    name: str


@dataclass(frozen=True)
class PackCheck:
    manifest: dict[str, Any] | None
    entries: list[dict[str, Any]] = field(default_factory=list)
    problems: list[PackProblem] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def check_pack(path: Path) -> PackCheck:
    """Every file matches the manifest and SHA256SUMS, none is missing or extra; entries re-hash."""
    try:
        with zipfile.ZipFile(path) as archive:
            contents = {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError) as exc:
        return PackCheck(None, problems=[PackProblem("unreadable", f"{path}: {exc}")])
    try:
        manifest = json.loads(contents[MANIFEST])
        listed = {str(f["path"]): str(f["sha256"]) for f in manifest["files"]}
    except (KeyError, TypeError, ValueError):
        return PackCheck(None, problems=[PackProblem("no_manifest", MANIFEST)])
    problems = _file_problems(contents, listed) + _sums_problems(contents, listed)
    entries, entry_problems = _entries(contents.get(ENTRIES, b""))
    return PackCheck(manifest, entries, problems + entry_problems, len(contents))


def members(path: Path, prefix: str) -> dict[str, bytes]:
    """The files of a pack under `prefix` (its timestamps); empty when it cannot be read."""
    try:
        with zipfile.ZipFile(path) as archive:
            return {
                i.filename: archive.read(i)
                for i in archive.infolist()
                if i.filename.startswith(prefix)
            }
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError):
        return {}


def _file_problems(contents: Mapping[str, bytes], listed: Mapping[str, str]) -> list[PackProblem]:
    problems = []
    for name in sorted(set(listed) | (set(contents) - {MANIFEST, SUMS})):
        if name not in contents:
            problems.append(PackProblem("missing", name))
        elif name not in listed:
            problems.append(PackProblem("extra", name))
        elif sha256(contents[name]) != listed[name]:
            problems.append(PackProblem("changed", name))
    return problems


def _sums_problems(contents: Mapping[str, bytes], listed: Mapping[str, str]) -> list[PackProblem]:
    """SHA256SUMS also covers manifest.json, so a changed manifest is found too."""
    try:
        lines = contents[SUMS].decode("ascii").splitlines()
        sums = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    except (KeyError, UnicodeDecodeError, ValueError):
        return [PackProblem("changed", SUMS)]
    if set(sums) != set(contents) - {SUMS}:
        return [PackProblem("changed", SUMS)]
    problems = []
    for name, digest in sorted(sums.items()):
        actual = sha256(contents[name])
        if name == MANIFEST and digest != actual:
            # Nothing else holds the manifest's digest: either of the two may have been changed.
            problems.append(PackProblem("disagree", f"{MANIFEST}, {SUMS}"))
        elif digest != actual and listed.get(name) == actual:
            problems.append(PackProblem("changed", SUMS))
    return problems


def _entries(raw: bytes) -> tuple[list[dict[str, Any]], list[PackProblem]]:
    """Each entry re-hashes (docs/ledger-format.md); neighbours in the pack link up."""
    entries, problems = [], []
    previous: dict[str, Any] | None = None
    for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), 1):
        try:
            entry = json.loads(line)
            seq, body, prev = int(entry["seq"]), str(entry["body"]), str(entry["prev_hash"])
            fields = decode_body(body)
            good = entry_hash(prev, body.encode("utf-8")) == entry["hash"] and fields["seq"] == seq
        except (KeyError, TypeError, ValueError):
            problems.append(PackProblem("entry", f"{ENTRIES}:{number}"))
            continue
        if not good:
            problems.append(PackProblem("entry", f"{ENTRIES}:{number} (seq {seq})"))
        elif previous is not None and previous["seq"] + 1 == seq and previous["hash"] != prev:
            problems.append(PackProblem("link", f"{ENTRIES}:{number} (seq {seq})"))
        entries.append(entry)
        previous = entry
    return entries, problems
