"""The hot commands' parameters (`ot log`, `ot add`, `ot report week`) as plain data, free of
typer: cli/options.py makes typer's options of these declarations and cli/fast.py parses a
command line with the same ones, so that the two cannot name different options (issue 19)."""

from __future__ import annotations

from typing import Any

from offline_tracker.domain.records import CHANNELS, DIRECTIONS, KINDS, ROLES
from offline_tracker.i18n import LANGUAGES, t

# What a parameter takes. VALUE: one text; WORDS: a code of a closed vocabulary, typed as the
# code or as its name in either language (cli/words.py); FLAG: --x is True; SWITCH: --x/--no-x,
# None when neither; MANY: repeatable text; FILES: repeatable existing files; ARGUMENT: positional.
VALUE, WORDS, FLAG, SWITCH, MANY, FILES, ARGUMENT = (
    "value",
    "words",
    "flag",
    "switch",
    "many",
    "files",
    "argument",
)
REQUIRED: Any = ...  # the default of a parameter the user must give


class Opt:
    """One option (its flags, e.g. "--minutes", "-m"; a switch as "--x/--no-x") or argument."""

    __slots__ = ("help", "kind", "metavar", "names", "vocab")

    def __init__(
        self,
        *names: str,
        help: str,
        kind: str = VALUE,
        metavar: str | None = None,
        vocab: tuple[tuple[str, ...], str] | None = None,
    ) -> None:
        self.names, self.help, self.kind = names, help, kind
        self.metavar, self.vocab = metavar, vocab

    def flags(self) -> dict[str, bool]:
        """Every word that names this option; True for the one that turns a switch on."""
        found: dict[str, bool] = {}
        for name in self.names:
            on, _, off = name.partition("/")
            found[on] = True
            if off:
                found[off] = False
        return found


class Param:
    """A command's parameter: its name in the command function, what it is, its default."""

    __slots__ = ("default", "name", "opt")

    def __init__(self, name: str, opt: Opt, default: Any = None) -> None:
        self.name, self.opt, self.default = name, opt, default


def code_of(codes: tuple[str, ...], prefix: str | None, text: str) -> str | None:
    """The code of a closed vocabulary that `text` types (the code, or its name in English or
    Chinese, in any case); None when it is none of them."""
    typed = text.strip().casefold()
    for code in codes:
        names = {code.casefold(), *(name_of(prefix, code, lang).casefold() for lang in LANGUAGES)}
        if typed in names:
            return code
    return None


def name_of(prefix: str | None, code: str, lang: str | None = None) -> str:
    """A code's name (messages `<prefix>.<code>`); tool names have none but the code."""
    return code if prefix is None else t(f"{prefix}.{code.replace('-', '_')}", lang)


# -- the record options (RULES E1-E5), the same on `ot log`, `start`, `add` and `amend` ---------
AT = Opt("--at", help="help.opt.at", metavar="WHEN")
UNTIL = Opt("--until", help="help.opt.until", metavar="WHEN")
MINUTES = Opt("--minutes", "-m", help="help.opt.minutes", metavar="N")
CHANNEL = Opt(
    "--channel", "-c", help="help.opt.channel", kind=WORDS, vocab=(CHANNELS, "report.channel")
)
COUNTERPART = Opt("--counterpart", "--who", help="help.opt.counterpart", metavar="NAME")
ROLE = Opt("--role", help="help.opt.role", kind=WORDS, vocab=(ROLES, "role"))
DIRECTION = Opt(
    "--direction", help="help.opt.direction", kind=WORDS, vocab=(DIRECTIONS, "direction")
)
KIND = Opt("--kind", "-k", help="help.opt.kind", kind=WORDS, vocab=(KINDS, "kind"))
TAG = Opt("--tag", "-t", help="help.opt.tag", kind=MANY, metavar="TAG")
ATTACH = Opt("--attach", "-a", help="help.opt.attach", kind=FILES)
EMERGENCY = Opt("--emergency/--no-emergency", help="help.opt.emergency", kind=SWITCH)
ALLOW_FUTURE = Opt("--allow-future", help="help.opt.allow_future", kind=FLAG)
JSON = Opt("--json", help="help.opt.json", kind=FLAG)
TEXT = Opt(help="help.arg.text", kind=ARGUMENT)
INCLUDE_ACK = Opt("--include-ack", help="help.opt.include_ack", kind=FLAG)

TIMES = (Param("at", AT), Param("until", UNTIL), Param("minutes", MINUTES))
DESCRIPTION = (
    Param("channel", CHANNEL),
    Param("counterpart", COUNTERPART),
    Param("role", ROLE),
    Param("direction", DIRECTION),
    Param("kind", KIND),
    Param("tags", TAG),
    Param("attach", ATTACH),
    Param("emergency", EMERGENCY),
    Param("allow_future", ALLOW_FUTURE, False),
)
AS_JSON = Param("as_json", JSON, False)
# app.RecordInput's fields (not imported here: the app is imported when a command runs).
INPUT_FIELDS = ("text", "at", "until", "minutes", *(p.name for p in DESCRIPTION))

# A command's own parameters; a record command has DESCRIPTION and AS_JSON after them.
LOG = (Param("text", TEXT, REQUIRED), *TIMES)
ADD = (
    Param("text", TEXT, REQUIRED),
    Param("at", Opt("--from", help="help.opt.from", metavar="WHEN"), REQUIRED),
    Param("until", Opt("--to", help="help.opt.to", metavar="WHEN")),
    Param("minutes", MINUTES),
)
REPORT_WEEK = (
    Param("when", Opt(help="help.arg.week", kind=ARGUMENT, metavar="[WEEK|DATE]")),
    Param("week_opt", Opt("--week", help="help.arg.week")),
    AS_JSON,
    Param("include_ack", INCLUDE_ACK, False),
)


def record_params(own: tuple[Param, ...]) -> tuple[Param, ...]:
    """Every parameter of a record command but its context, in the order of its help."""
    return (*own, *DESCRIPTION, AS_JSON)
