"""What `ot anchor`, `ot anchor attach` and `ot anchor list` print (RULES E5: anchoring)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from offline_tracker.i18n import t
from offline_tracker.render.jsonout import to_json, written_json
from offline_tracker.render.text import findings_json, message


def made_text(made: Any, tsq: Path | None) -> str:
    """The digest to hand to a third party, and (with --tsq) how to have the request stamped."""
    lines = [
        t("out.anchor", entry=made.entry_seq),
        f"\n    {made.digest}\n",
        t("out.anchor_full", seq=made.head_seq, hash=made.head_hash),
        t("out.anchor_later", digest=made.digest),
    ]
    if tsq is not None:  # from the request to the reply, by hand on a connected device
        lines += [
            "\n" + t("out.tsq_written", path=tsq, hash=made.head_hash),
            "\n    curl -H 'Content-Type: application/timestamp-query' "
            f"--data-binary @{tsq} URL -o reply.tsr\n",
            t("out.tsq_back"),
            "\n    ot anchor attach reply.tsr --ca ROOT.pem\n",
            t("out.tsq_ca"),
        ]
    return "\n".join(lines)


def made_json(written: Any, made: Any, tsq: Path | None) -> str:
    fields = {"head_seq": made.head_seq, "head_hash": made.head_hash, "digest": made.digest}
    request = {"request": str(tsq)} if tsq is not None else {}
    return written_json(written, action="anchor", **fields, **request)


def attached_text(done: Any) -> str:
    data = done.data
    nonce = "out.token_nonce_ok" if data["nonce_checked"] else "out.token_nonce_unknown"
    trust = "out.token_trusted" if data["trusted"] else "out.token_untrusted"
    lines = [t("out.token_attached", seq=done.entry_seq, anchor=data["anchor"])]
    lines += [f"  {line}" for line in (t("out.token_line", **data), t(nonce), t(trust))]
    return "\n".join([*lines, f"  {proves(data)}"])


def attached_json(written: Any, done: Any) -> str:
    late = findings_json(done.late)
    return written_json(written, action="anchor_attach", token=done.data, late=late)


def late_lines(done: Any) -> list[str]:
    """Entries recorded after the token's time: a contradiction, said on stderr."""
    return [f"{t('warning.prefix')}: {message(problem)}" for problem in done.late]


def proves(data: dict[str, Any]) -> str:
    return t("out.token_proves", head_seq=data["head_seq"], gen_time=data["gen_time"])


def anchors_json(listed: list[Any]) -> str:
    return to_json({"anchors": [_anchor_dict(a) for a in listed]})


def _anchor_dict(item: Any) -> dict[str, Any]:
    data, request = item.anchor.data, item.anchor.data.get("request")
    return {
        "seq": item.anchor.seq,
        "recorded_at": item.anchor.recorded_at,
        "head_seq": data["head_seq"],
        "head_hash": data["head_hash"],
        "digest": item.digest,
        "request": request if isinstance(request, dict) else None,
        "tokens": [
            {
                "seq": token.seq,
                "recorded_at": token.recorded_at,
                **{k: token.data.get(k) for k in _TOKEN_FIELDS},
                "token_sha256": token.data["token"]["sha256"],
                "ok": not problems,
                "problems": [message(p) for p in problems],
                "proves": proves(token.data),
            }
            for token, problems in item.tokens
        ],
    }


_TOKEN_FIELDS = ("authority", "serial", "gen_time", "policy", "nonce", "nonce_checked", "trusted")


def anchors_text(listed: list[Any]) -> str:
    return "\n".join(_anchor_text(item) for item in listed) if listed else t("out.no_anchors")


def _anchor_text(item: Any) -> str:
    data = item.anchor.data
    request = t(
        "out.anchor_request" if isinstance(data.get("request"), dict) else "out.anchor_no_request"
    )
    lines = [
        t(
            "out.anchor_item",
            seq=item.anchor.seq,
            at=item.anchor.recorded_at,
            head_seq=data["head_seq"],
            digest=item.digest,
            request=request,
        )
    ]
    if not item.tokens:
        lines.append("  " + t("out.anchor_no_token"))
    for token, problems in item.tokens:
        trust = t("out.token_root" if token.data["trusted"] else "out.token_no_root")
        lines.append("  " + t("out.token_item", seq=token.seq, trust=trust, **token.data))
        lines.append("    " + (proves(token.data) if not problems else t("out.token_bad")))
        lines += [f"    {message(p)}" for p in problems]
    return "\n".join(lines)
