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

from offline_tracker.domain.errors import Refusal, os_reason
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
        raise Refusal("error.output_failed", path=str(path), reason=os_reason(exc)) from exc
    finally:
        temp.unlink(missing_ok=True)


def _check_target(path: Path, overwrite: bool) -> None:
    try:
        found = path.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise Refusal("error.output_failed", path=str(path), reason=os_reason(exc)) from exc
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


# Limits of `ot verify PACK` (a zip bomb fails fast, in bounded memory). The files a pack holds
# are far smaller: records and entries of a period, and the attachments of its records.
MEMBER_LIMIT: Final = 512 << 20  # any one file, inflated
TOTAL_LIMIT: Final = 2 << 30  # all files, inflated
KEPT_LIMIT: Final = 64 << 20  # manifest.json, SHA256SUMS, entries.jsonl: read into memory
_KEPT: Final = (MANIFEST, SUMS, ENTRIES)
_CHUNK: Final = 1 << 20


def check_pack(path: Path) -> PackCheck:
    """Every file matches the manifest and SHA256SUMS, none is missing or extra; entries re-hash.

    Members are hashed as they stream out of the zip, each bounded by its declared size and by
    the limits above; only the three small ledger files are kept. A duplicate name, a folder or
    a symbolic link in the zip is a problem of its own (an unpacker would overwrite or follow).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            digests, kept, problems = _read_members(archive)
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError) as exc:
        return PackCheck(None, problems=[PackProblem("unreadable", f"{path}: {exc}")])
    if any(p.code in ("too_large", "unreadable") for p in problems):
        return PackCheck(None, problems=problems)
    try:
        manifest = json.loads(kept[MANIFEST])
        listed = {str(f["path"]): str(f["sha256"]) for f in manifest["files"]}
    except (KeyError, TypeError, ValueError, RecursionError):
        return PackCheck(None, problems=[*problems, PackProblem("no_manifest", MANIFEST)])
    problems += _file_problems(digests, listed) + _sums_problems(digests, kept, listed)
    entries, entry_problems = _entries(kept.get(ENTRIES, b""))
    return PackCheck(manifest, entries, problems + entry_problems, len(digests))


def members(path: Path, prefix: str) -> dict[str, bytes]:
    """The files of a pack under `prefix` (its timestamps); empty when it cannot be read."""
    try:
        with zipfile.ZipFile(path) as archive:
            return {  # small files only: a member's declared size bounds what is read
                i.filename: archive.read(i)
                for i in archive.infolist()
                if i.filename.startswith(prefix) and i.file_size <= KEPT_LIMIT
            }
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError):
        return {}


def _read_members(
    archive: zipfile.ZipFile,
) -> tuple[dict[str, str], dict[str, bytes], list[PackProblem]]:
    """(name -> SHA-256, the small files' bytes, structural problems)."""
    digests: dict[str, str] = {}
    kept: dict[str, bytes] = {}
    problems: list[PackProblem] = []
    total = 0
    for info in archive.infolist():
        name = info.filename
        if info.is_dir() or stat.S_ISDIR(info.external_attr >> 16):
            problems.append(PackProblem("directory", name))
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.append(PackProblem("symlink", name))
            continue
        if name in digests:
            problems.append(PackProblem("duplicate", name))
            continue
        limit = min(KEPT_LIMIT if name in _KEPT else MEMBER_LIMIT, TOTAL_LIMIT - total)
        if info.file_size > limit:
            return digests, kept, [PackProblem("too_large", name)]
        digest, data, size = _stream(archive, info, limit, keep=name in _KEPT)
        if digest is None:
            return digests, kept, [PackProblem("too_large", name)]
        total += size
        digests[name] = digest
        if data is not None:
            kept[name] = data
    return digests, kept, problems


def _stream(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, keep: bool
) -> tuple[str | None, bytes | None, int]:
    """SHA-256 of one member read in chunks; None once it inflates past `limit` (a header
    that lies about the size is caught here, before it fills the memory or the time)."""
    digest, size, parts = hashlib.sha256(), 0, []
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                return None, None, size
            digest.update(chunk)
            if keep:
                parts.append(chunk)
    return digest.hexdigest(), b"".join(parts) if keep else None, size


def _file_problems(digests: Mapping[str, str], listed: Mapping[str, str]) -> list[PackProblem]:
    problems = []
    for name in sorted(set(listed) | (set(digests) - {MANIFEST, SUMS})):
        if name not in digests:
            problems.append(PackProblem("missing", name))
        elif name not in listed:
            problems.append(PackProblem("extra", name))
        elif digests[name] != listed[name]:
            problems.append(PackProblem("changed", name))
    return problems


def _sums_problems(
    digests: Mapping[str, str], kept: Mapping[str, bytes], listed: Mapping[str, str]
) -> list[PackProblem]:
    """SHA256SUMS also covers manifest.json, so a changed manifest is found too."""
    try:
        lines = kept[SUMS].decode("ascii").splitlines()
        sums = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    except (KeyError, UnicodeDecodeError, ValueError):
        return [PackProblem("changed", SUMS)]
    if set(sums) != set(digests) - {SUMS}:
        return [PackProblem("changed", SUMS)]
    problems = []
    for name, digest in sorted(sums.items()):
        actual = digests[name]
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
            if not 0 < seq < 2**63:  # a crafted number no ledger can hold (seq 10^23)
                raise ValueError(seq)
            fields = decode_body(body)
            good = (
                entry_hash(prev, body.encode("utf-8")) == entry["hash"]
                and fields["seq"] == seq
                and fields.get("at") == entry.get("recorded_at")
            )
        except (KeyError, TypeError, ValueError, RecursionError, AttributeError):
            problems.append(PackProblem("entry", f"{ENTRIES}:{number}"))
            continue
        if not good:
            problems.append(PackProblem("entry", f"{ENTRIES}:{number} (seq {seq})"))
        elif previous is not None and previous["seq"] + 1 == seq and previous["hash"] != prev:
            problems.append(PackProblem("link", f"{ENTRIES}:{number} (seq {seq})"))
        entries.append(entry)
        previous = entry
    return entries, problems
