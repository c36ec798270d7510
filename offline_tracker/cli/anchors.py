"""`ot anchor [--tsq FILE]`, `ot anchor attach REPLY [--ca FILE ...]`, `ot anchor list [--json]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from offline_tracker.cli import options as o
from offline_tracker.cli.root import state
from offline_tracker.i18n import t

anchor_app = typer.Typer(help=t("help.cmd.anchor"))


def anchor(
    ctx: typer.Context,
    tsq: Annotated[
        Path | None,
        typer.Option("--tsq", metavar="FILE", dir_okay=False, help=t("help.opt.tsq")),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=t("help.opt.tsq_force"))] = False,
    as_json: o.Json = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        if tsq is not None:
            raise typer.BadParameter(t("error.tsq_with_subcommand"), param_hint="--tsq")
        return
    from offline_tracker import render
    from offline_tracker.app import evidence

    with state(ctx).app() as app:
        made = evidence.anchor(app, tsq, force)
    if as_json:
        fields = {"head_seq": made.head_seq, "head_hash": made.head_hash, "digest": made.digest}
        request = {"request": str(tsq)} if tsq is not None else {}
        typer.echo(render.written_json(app.written, action="anchor", **fields, **request))
        return
    typer.echo(t("out.anchor", entry=made.entry_seq))
    typer.echo(f"\n    {made.digest}\n")
    typer.echo(t("out.anchor_full", seq=made.head_seq, hash=made.head_hash))
    typer.echo(t("out.anchor_later", digest=made.digest))
    if tsq is not None:
        _how_to_send(tsq, made.head_hash)


def _how_to_send(tsq: Path, head_hash: str) -> None:
    """From the request to the reply, by hand on a connected device (docs/evidence.md)."""
    typer.echo("\n" + t("out.tsq_written", path=tsq, hash=head_hash))
    typer.echo(
        f"\n    curl -H 'Content-Type: application/timestamp-query' "
        f"--data-binary @{tsq} URL -o reply.tsr\n"
    )
    typer.echo(t("out.tsq_back"))
    typer.echo("\n    ot anchor attach reply.tsr --ca ROOT.pem\n")
    typer.echo(t("out.tsq_ca"))


def attach(
    ctx: typer.Context,
    reply: Annotated[
        Path, typer.Argument(metavar="REPLY.tsr", dir_okay=False, help=t("help.arg.reply"))
    ],
    ca: Annotated[
        list[Path] | None,
        typer.Option("--ca", metavar="FILE", dir_okay=False, help=t("help.opt.ca")),
    ] = None,
    as_json: o.Json = False,
) -> None:
    from offline_tracker import render
    from offline_tracker.app import timestamps

    with state(ctx).app() as app:
        done = timestamps.attach(app, reply, ca or [])
    data = done.data
    if as_json:
        late = render.findings_json(done.late)
        typer.echo(render.written_json(app.written, action="anchor_attach", token=data, late=late))
        return
    nonce = "out.token_nonce_ok" if data["nonce_checked"] else "out.token_nonce_unknown"
    trust = "out.token_trusted" if data["trusted"] else "out.token_untrusted"
    typer.echo(t("out.token_attached", seq=done.entry_seq, anchor=data["anchor"]))
    for line in (t("out.token_line", **data), t(nonce), t(trust), _proves(data)):
        typer.echo(f"  {line}")
    for problem in done.late:
        typer.echo(f"{t('warning.prefix')}: {render.message(problem)}", err=True)


def _proves(data: dict[str, Any]) -> str:
    return t("out.token_proves", head_seq=data["head_seq"], gen_time=data["gen_time"])


def list_anchors(ctx: typer.Context, as_json: o.Json = False) -> None:
    from offline_tracker.app import timestamps

    with state(ctx).app() as app:
        listed = timestamps.list_anchors(app)
    if as_json:
        typer.echo(
            json.dumps({"anchors": [_anchor_json(a) for a in listed]}, ensure_ascii=False, indent=2)
        )
        return
    if not listed:
        typer.echo(t("out.no_anchors"))
    for item in listed:
        typer.echo(_anchor_text(item))


def _anchor_json(item: Any) -> dict[str, Any]:
    from offline_tracker import render
    from offline_tracker.app.evidence import anchor_digest

    data, request = item.anchor.data, item.anchor.data.get("request")
    return {
        "seq": item.anchor.seq,
        "recorded_at": item.anchor.recorded_at,
        "head_seq": data["head_seq"],
        "head_hash": data["head_hash"],
        "digest": anchor_digest(data["head_seq"], data["head_hash"]),
        "request": request if isinstance(request, dict) else None,
        "tokens": [
            {
                "seq": token.seq,
                "recorded_at": token.recorded_at,
                **{k: token.data.get(k) for k in _TOKEN_FIELDS},
                "token_sha256": token.data["token"]["sha256"],
                "ok": not problems,
                "problems": [render.message(p) for p in problems],
                "proves": _proves(token.data),
            }
            for token, problems in item.tokens
        ],
    }


_TOKEN_FIELDS = ("authority", "serial", "gen_time", "policy", "nonce", "nonce_checked", "trusted")


def _anchor_text(item: Any) -> str:
    from offline_tracker import render
    from offline_tracker.app.evidence import anchor_digest

    data = item.anchor.data
    digest = anchor_digest(data["head_seq"], data["head_hash"])
    request = t(
        "out.anchor_request" if isinstance(data.get("request"), dict) else "out.anchor_no_request"
    )
    lines = [
        t(
            "out.anchor_item",
            seq=item.anchor.seq,
            at=item.anchor.recorded_at,
            head_seq=data["head_seq"],
            digest=digest,
            request=request,
        )
    ]
    if not item.tokens:
        lines.append("  " + t("out.anchor_no_token"))
    for token, problems in item.tokens:
        trust = t("out.token_root" if token.data["trusted"] else "out.token_no_root")
        lines.append("  " + t("out.token_item", seq=token.seq, trust=trust, **token.data))
        lines.append("    " + (_proves(token.data) if not problems else t("out.token_bad")))
        lines += [f"    {render.message(p)}" for p in problems]
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    anchor_app.callback(
        invoke_without_command=True, help=t("help.cmd.anchor"), epilog=t("example.anchor")
    )(anchor)
    anchor_app.command(
        "attach", help=t("help.cmd.anchor_attach"), epilog=t("example.anchor_attach")
    )(attach)
    anchor_app.command("list", help=t("help.cmd.anchor_list"), epilog=t("example.anchor_list"))(
        list_anchors
    )
    app.add_typer(anchor_app, name="anchor")
