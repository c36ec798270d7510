"""Closed vocabularies on the command line (channels, roles, kinds, systems ...): typed as the
code or as its name in either language (`wechat`, `微信`), shown in the reader's language."""

from __future__ import annotations

from typing import Any

import click

from offline_tracker.cli import spec
from offline_tracker.i18n import language, t


class Words(click.Choice):  # type: ignore[type-arg]
    """A click.Choice whose values are codes named by the messages `<prefix>.<code>`; the value
    handed to the command is always the code."""

    def __init__(self, codes: tuple[str, ...] | list[str], prefix: str | None) -> None:
        super().__init__(tuple(codes), case_sensitive=False)
        self.prefix = prefix

    def name_of(self, code: str, lang: str | None = None) -> str:
        """The code's name in `lang` (the current language by default); names are the codes
        where the vocabulary has none (tool names: git, toggl)."""
        return spec.name_of(self.prefix, code, lang)

    def shown(self) -> list[str]:
        """What help and errors list: the names in Chinese, the codes in English."""
        if language() == "en":
            return list(map(str, self.choices))
        return [self.name_of(str(code)) for code in self.choices]

    # click passes these by keyword: the names are its API, not ours
    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:  # noqa: ARG002
        return f"[{'|'.join(self.shown())}]"

    def code_of(self, text: str) -> str | None:
        return spec.code_of(tuple(map(str, self.choices)), self.prefix, text)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        code = self.code_of(str(value))
        if code is not None:
            return code
        from offline_tracker.cli.localize import param_name

        option = param_name(param) if param is not None else ""
        shown = "、".join(self.shown()) if language() == "zh" else ", ".join(self.shown())
        self.fail(t("error.choice", option=option, value=str(value), choices=shown), param, ctx)

    def shell_complete(
        self,
        ctx: click.Context,  # noqa: ARG002 (click's signature)
        param: click.Parameter,  # noqa: ARG002
        incomplete: str,
    ) -> Any:
        from click.shell_completion import CompletionItem

        typed = incomplete.casefold()
        found = [
            n for n in [*map(str, self.choices), *self.shown()] if n.casefold().startswith(typed)
        ]
        return [CompletionItem(n) for n in dict.fromkeys(found)]
