"""`ot import SOURCE PATH`: evidence from mail, calendars, git, CSV, trackers, chats, phones."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from offline_tracker.cli import options as o
from offline_tracker.cli.root import state
from offline_tracker.cli.words import Words
from offline_tracker.domain.records import CHANNELS
from offline_tracker.i18n import t

# formats.importers.SOURCES, repeated so that `ot --help` does not import the parsers (a test
# keeps the two equal).
SOURCES = (
    "mail",
    "ics",
    "git",
    "csv",
    "watson",
    "timewarrior",
    "wechat",
    "phone",
    "activitywatch",
)
CHAT_FORMATS = ("wechatmsg", "pywxdump", "chatlog")
# Below this many records a bar would only flicker.
PROGRESS_THRESHOLD = 1000


def _opt(*names: str, key: str, **kwargs: Any) -> Any:
    return typer.Option(*names, help=t(key), **kwargs)


Source = Annotated[
    str,
    typer.Argument(
        metavar="SOURCE",
        help=t("help.arg.import_source"),
        click_type=Words(SOURCES, "source"),
    ),
]
PathArg = Annotated[Path, typer.Argument(metavar="PATH", help=t("help.arg.import_path"))]
DryRun = Annotated[bool, _opt("--dry-run", key="help.opt.dry_run")]
Strict = Annotated[bool, _opt("--strict", key="help.opt.strict")]
Me = Annotated[list[str] | None, _opt("--me", key="help.opt.import_me", metavar="ADDRESS")]
Sender = Annotated[
    list[str] | None, _opt("--from-sender", key="help.opt.from_sender", metavar="ADDRESS")
]
Author = Annotated[list[str] | None, _opt("--author", key="help.opt.author", metavar="EMAIL")]
GitMinutes = Annotated[str | None, _opt("--minutes", key="help.opt.import_minutes", metavar="N")]
Map = Annotated[str | None, _opt("--map", key="help.opt.map", metavar="FIELD=COLUMN,...")]
MapFile = Annotated[
    Path | None, _opt("--map-file", key="help.opt.map_file", metavar="FILE", dir_okay=False)
]
DateFormat = Annotated[
    str | None, _opt("--date-format", key="help.opt.date_format", metavar="STRPTIME")
]
Zone = Annotated[str | None, _opt("--zone", key="help.opt.import_zone", metavar="ZONE")]
Channel = Annotated[
    str | None,
    _opt(
        "--channel",
        key="help.opt.import_channel",
        click_type=Words(CHANNELS, "report.channel"),
    ),
]
WindowFrom = Annotated[str | None, _opt("--from", key="help.opt.window_from", metavar="DATE")]
WindowTo = Annotated[str | None, _opt("--to", key="help.opt.window_to", metavar="DATE")]
Chat = Annotated[list[str] | None, _opt("--chat", key="help.opt.chat", metavar="NAME")]
ListChats = Annotated[bool, _opt("--list-chats", key="help.opt.list_chats")]
Gap = Annotated[str | None, _opt("--gap", key="help.opt.gap", metavar="DURATION")]
Tail = Annotated[str | None, _opt("--tail", key="help.opt.tail", metavar="DURATION")]
Ack = Annotated[list[str] | None, _opt("--ack", key="help.opt.ack", metavar="WORD")]
Preset = Annotated[
    str | None,
    _opt("--preset", key="help.opt.preset", click_type=Words(("toggl", "clockify"), None)),
]
Where = Annotated[list[str] | None, _opt("--where", key="help.opt.where", metavar="COLUMN=VALUE")]
AppName = Annotated[list[str] | None, _opt("--app", key="help.opt.aw_app", metavar="NAME")]
Title = Annotated[list[str] | None, _opt("--title", key="help.opt.aw_title", metavar="TEXT")]
ChatFormat = Annotated[
    str | None,
    _opt(
        "--format",
        key="help.opt.chat_format",
        click_type=Words(CHAT_FORMATS, None),
    ),
]


def import_(
    ctx: typer.Context,
    source: Source,
    path: PathArg,
    dry_run: DryRun = False,
    strict: Strict = False,
    me: Me = None,
    from_sender: Sender = None,
    author: Author = None,
    minutes: GitMinutes = None,
    map_: Map = None,
    map_file: MapFile = None,
    date_format: DateFormat = None,
    zone: Zone = None,
    channel: Channel = None,
    date_from: WindowFrom = None,
    date_to: WindowTo = None,
    chat: Chat = None,
    list_chats: ListChats = False,
    gap: Gap = None,
    tail: Tail = None,
    ack: Ack = None,
    chat_format: ChatFormat = None,
    app_name: AppName = None,
    title: Title = None,
    preset: Preset = None,
    where: Where = None,
    as_json: o.Json = False,
) -> None:
    from offline_tracker.app.imports import ImportRequest, run_import
    from offline_tracker.render.imports import import_json, import_text

    req = ImportRequest(
        source=source, path=path, dry_run=dry_run, strict=strict, me=tuple(me or ()),
        from_senders=tuple(from_sender or ()), author=tuple(author or ()), minutes=minutes,
        mapping=map_, map_file=map_file, date_format=date_format, zone=zone, channel=channel,
        date_from=date_from, date_to=date_to, chats=tuple(chat or ()), list_chats=list_chats,
        gap=gap, tail=tail, ack_words=tuple(ack or ()), chat_format=chat_format,
        apps=tuple(app_name or ()), titles=tuple(title or ()), preset=preset,
        where=tuple(where or ()),
    )  # fmt: skip
    if list_chats:
        _list_chats(ctx, req, as_json)
        return
    with state(ctx).app() as app, _Bar(enabled=not as_json) as bar:
        report = run_import(app, req, progress=bar)
    typer.echo(import_json(report) if as_json else import_text(report))
    if report.failed:
        from offline_tracker.formats.units import count

        failed = t("error.import_strict", rows=count(report.rejected, "bad_row", t))
        typer.echo(t("error.line", text=failed), err=True)
        raise typer.Exit(1)


def _list_chats(ctx: typer.Context, req: Any, as_json: bool) -> None:
    from offline_tracker.app.chats import list_chats
    from offline_tracker.render.imports import chats_json, chats_text

    with state(ctx).app() as app:
        rows, tz = list_chats(app, req)
    typer.echo(chats_json(rows, tz) if as_json else chats_text(rows, tz, req.source))


class _Bar:
    """A rich progress bar on stderr, only on a terminal and for more than 1000 records."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= PROGRESS_THRESHOLD:
            return
        if self.progress is None:
            from rich.console import Console
            from rich.progress import Progress

            self.progress = Progress(console=Console(stderr=True), transient=True)
            self.progress.start()
            self.task = self.progress.add_task(t("out.import_progress"), total=total)
        self.progress.update(self.task, completed=done)


def register(app: typer.Typer) -> None:
    app.command("import", help=t("help.cmd.import"), epilog=t("example.import"))(import_)
