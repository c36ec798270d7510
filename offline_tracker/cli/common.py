"""What the typer commands and the fast path (cli/fast.py) share, free of typer and click: the
state a command line resolved, output, and a failure's one line and exit code."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

from offline_tracker.i18n import t

if TYPE_CHECKING:
    from offline_tracker.app import App
    from offline_tracker.domain.errors import Message


class State:
    """What the root options resolved (the ledger's location); commands open the app through it."""

    __slots__ = ("location",)

    def __init__(self, location: str) -> None:
        self.location = location

    def __eq__(self, other: object) -> bool:
        return isinstance(other, State) and other.location == self.location

    def __hash__(self) -> int:
        return hash(self.location)

    def __repr__(self) -> str:
        return f"State({self.location!r})"

    @contextmanager
    def app(self, create: bool = False) -> Iterator[App]:
        from offline_tracker.app import open_app
        from offline_tracker.clock import simulated, system_now

        with open_app(self.location, system_now, create, simulated()) as opened:
            yield opened


# click.echo's: a style code is left out of what is not a terminal.
_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


def echo(text: str, err: bool = False) -> None:
    """A line on stdout (stderr), written as click.echo writes text: on a stream whose encoding
    is ASCII (a misconfigured locale) as UTF-8, style codes only to a terminal, flushed."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    out = text + "\n"
    if not _isatty(stream):
        out = _ANSI.sub("", out)
    buffer = getattr(stream, "buffer", None)
    if buffer is not None and _is_ascii(getattr(stream, "encoding", None) or "ascii"):
        stream.flush()
        buffer.write(out.encode("utf-8", "replace"))
        buffer.flush()
        return
    stream.write(out)
    stream.flush()


def _isatty(stream: IO[Any]) -> bool:
    try:
        return stream.isatty()
    except Exception:  # a closed or odd stream is no terminal (click says the same)
        return False


def _is_ascii(encoding: str) -> bool:
    import codecs

    try:
        return codecs.lookup(encoding).name == "ascii"
    except LookupError:
        return False


def fail(text: str, code: int) -> int:
    """Say why a command failed, in one line on stderr; the exit code to end with."""
    echo(t("error.line", text=text), err=True)
    return code


def failed(exc: Exception) -> int:
    """The exit code of a command that raised (not a usage error: cli/root.py has those), after
    saying why in one line: 2 for input a user typed, 1 for a failed operation."""
    from offline_tracker.domain.errors import Failure, InputError, Refusal

    if isinstance(exc, InputError | Refusal):
        return fail(said(exc.message), 2 if isinstance(exc, InputError) else 1)
    if isinstance(exc, Failure):
        return fail(str(exc), 1)
    if isinstance(exc, OSError):
        from offline_tracker.domain.errors import os_reason

        return fail(t("error.os", reason=said(os_reason(exc)), path=exc.filename or ""), 1)
    if os.environ.get("OFFLINE_TRACKER_DEBUG"):
        raise exc
    return fail(t("error.internal", kind=type(exc).__name__, detail=str(exc)), 1)


def said(message: Message) -> str:
    """A message in the user's language, with the messages among its values (an importer's
    reason, what a source accepts) put in it too."""
    from offline_tracker.render import message as said

    return said(message)


def tell_traditional(explicit: str | None) -> None:
    """Tell a zh_TW / zh_HK user, once (a marker in the user's cache folder), that the Chinese
    interface is Simplified only; the marker missing or unwritable means being told again."""
    from offline_tracker.i18n import traditional_request

    try:
        asked = traditional_request(explicit)
    except ValueError:
        return
    if asked is None:
        return
    from offline_tracker.paths import default_cache_dir

    marker = default_cache_dir() / "told-zh-traditional"
    if marker.exists():
        return
    echo(t("notice.traditional", setting=asked), err=True)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass
