"""Every message key the domain raises exists in both catalogs and renders with its parameters."""

from __future__ import annotations

import ast
import json
import re
import string
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import offline_tracker.domain as domain_package
from offline_tracker import i18n
from offline_tracker.domain.calendar import CalendarOverride, parse_official_schedule
from offline_tracker.domain.contract import Contract, ContractHistory, contract_from_options
from offline_tracker.domain.errors import InputError
from offline_tracker.domain.schedule import parse_schedule
from tests.domain.engine_builders import day

DOMAIN = Path(domain_package.__file__).resolve().parent
LOCALES = Path(i18n.__file__).resolve().parent / "locales"
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
PREFIXES = ("schedule.", "contract.", "calendar.")
# The modules whose messages live in locales/<lang>/domain.json.
CONVERTED = ("schedule.py", "contract.py", "calendar.py")


def _fields(text: str) -> set[str]:
    """The `{name}` placeholders of a catalog text (conversions like !r left out)."""
    names = set()
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None:
            names.add(re.split(r"[.\[]", name, maxsplit=1)[0])
    return names


def _error_calls(path: Path) -> Iterator[ast.Call]:
    """Calls of a class whose name ends in Error (ValueError included)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name.endswith("Error"):
                yield node


def _raised_keys() -> dict[str, list[tuple[str, set[str]]]]:
    """key -> (where, keyword names passed) for every `XError("<area>.<name>", ...)` call."""
    found: dict[str, list[tuple[str, set[str]]]] = {}
    for path in sorted(DOMAIN.glob("*.py")):
        for call in _error_calls(path):
            first = call.args[0] if call.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            if KEY_RE.match(first.value):
                params = {kw.arg for kw in call.keywords if kw.arg is not None}
                where = f"{path.name}:{call.lineno}"
                found.setdefault(first.value, []).append((where, params))
    return found


def test_en_and_zh_have_the_same_keys_and_placeholders() -> None:
    en, zh = i18n.catalog("en"), i18n.catalog("zh")
    assert set(en) == set(zh)
    different = [key for key in en if _fields(en[key]) != _fields(zh[key])]
    assert different == []


def test_domain_catalog_files_have_the_same_keys() -> None:
    files = {
        lang: json.loads((LOCALES / lang / "domain.json").read_text(encoding="utf-8"))
        for lang in i18n.LANGUAGES
    }
    assert set(files["en"]) == set(files["zh"])
    assert all(key.startswith(PREFIXES) for key in files["en"])


def test_every_raised_key_is_in_both_catalogs() -> None:
    raised = _raised_keys()
    assert any(key.startswith(PREFIXES) for key in raised)  # the scan does find them
    for lang in i18n.LANGUAGES:
        messages = i18n.catalog(lang)
        missing = sorted(key for key in raised if key not in messages)
        assert missing == [], f"{lang}: {missing}"


def test_every_domain_catalog_key_is_raised() -> None:
    messages = json.loads((LOCALES / "en" / "domain.json").read_text(encoding="utf-8"))
    assert sorted(set(messages) - set(_raised_keys())) == []


def test_raise_sites_pass_every_placeholder() -> None:
    # A placeholder the call does not pass would be a KeyError when the CLI renders it.
    for key, sites in _raised_keys().items():
        for lang in i18n.LANGUAGES:
            needed = _fields(i18n.catalog(lang)[key])
            for where, params in sites:
                assert needed <= params, f"{where} {key} ({lang}) lacks {needed - params}"


@pytest.mark.parametrize("name", CONVERTED)
def test_converted_modules_raise_only_literal_keys(name: str) -> None:
    # Internal errors stay plain ValueError; every other error carries a literal catalog key.
    for call in _error_calls(DOMAIN / name):
        func = call.func
        if isinstance(func, ast.Name) and func.id == "ValueError":
            continue
        first = call.args[0] if call.args else None
        assert isinstance(first, ast.Constant) and isinstance(first.value, str), call.lineno
        assert first.value.startswith(PREFIXES) and KEY_RE.match(first.value), call.lineno


OFFICIAL = "jurisdiction: CN\nyear: 2027\n"

# (what raises, the key, the offending part the message must quote)
REAL_ERRORS: list[tuple[Callable[[], object], str, str]] = [
    (lambda: parse_schedule("mon-fri 25:00-18:00"), "schedule.bad_time_in_shift", "25:00"),
    (lambda: parse_schedule("xyz 09:00-10:00"), "schedule.unknown_day", "xyz"),
    (
        lambda: parse_schedule("mon 09:00-12:00,11:00-13:00"),
        "schedule.shifts_overlap",
        "11:00-13:00",
    ),
    (
        lambda: parse_schedule("mon 09:00-12:00; mon 11:00-13:00"),
        "schedule.day_overlap",
        "09:00-12:00",
    ),
    (
        lambda: parse_schedule("mon 22:00-06:00; tue 05:00-07:00"),
        "schedule.week_overlap",
        "tue 05:00-07:00",
    ),
    (lambda: parse_schedule("mon 09:00"), "schedule.bad_shift", "09:00"),
    (lambda: parse_schedule("mon-fri"), "schedule.cannot_read", "mon-fri"),
    (lambda: parse_schedule(";"), "schedule.empty", ";"),
    (lambda: parse_schedule("mon,,tue 09:00-10:00"), "schedule.empty_day", "mon,,tue"),
    (lambda: contract_from_options(None, tz="Asia/Shangai"), "contract.zone", "Asia/Shangai"),
    (lambda: contract_from_options(None, wage="ten"), "contract.wage_not_number", "ten"),
    (lambda: contract_from_options(None, wage="-5"), "contract.wage_not_positive", "-5"),
    (lambda: contract_from_options(None, system="lazy"), "contract.system", "lazy"),
    (
        lambda: contract_from_options(None, late_night="22:00"),
        "contract.late_night_format",
        "22:00",
    ),
    (
        lambda: contract_from_options(None, late_night="22:00-22:00"),
        "contract.late_night_empty",
        "22:00-22:00",
    ),
    (
        lambda: contract_from_options(None, week_start="someday"),
        "contract.week_start_day",
        "someday",
    ),
    (lambda: contract_from_options(None, jurisdiction="XX"), "contract.unknown_jurisdiction", "XX"),
    (lambda: contract_from_options(None, colour="red"), "contract.unknown_option", "colour"),
    (
        lambda: Contract.from_payload({**Contract().to_payload(), "colour": "red"}),
        "contract.unknown_fields",
        "colour",
    ),
    (
        lambda: parse_official_schedule(OFFICIAL + "feast 2027-01-01"),
        "calendar.unknown_kind",
        "feast",
    ),
    (
        lambda: parse_official_schedule(OFFICIAL + "holiday 2027-02-30"),
        "calendar.bad_date",
        "2027-02-30",
    ),
    (
        lambda: parse_official_schedule(OFFICIAL + "holiday 01/01/2027"),
        "calendar.cannot_read",
        "holiday 01/01/2027",
    ),
    (
        lambda: parse_official_schedule(OFFICIAL + "rest 2027-01-02..2027-01-01"),
        "calendar.range_reversed",
        "2027-01-02..2027-01-01",
    ),
    (lambda: parse_official_schedule("jurisdiction: CN\nyear: 27\n"), "calendar.header_year", "27"),
    (lambda: CalendarOverride(day("2025-10-08"), "sick_day"), "calendar.day_type", "sick_day"),
]


@pytest.mark.parametrize(("trigger", "key", "quoted"), REAL_ERRORS, ids=[e[1] for e in REAL_ERRORS])
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_real_errors_render_and_quote_the_offending_part(
    trigger: Callable[[], object], key: str, quoted: str, lang: str
) -> None:
    with pytest.raises(InputError) as caught:
        trigger()
    message = caught.value.message
    assert message.key == key
    assert all(isinstance(v, str | int) for v in message.params.values())
    text = i18n.t(message.key, lang=lang, **message.params)
    assert text != key and "{" not in text
    assert repr(quoted) in text


def test_line_numbers_render_in_both_languages() -> None:
    with pytest.raises(InputError) as caught:
        parse_official_schedule(OFFICIAL + "rest 2027-01-01\nholiday 2027-01-01")
    message = caught.value.message
    assert "line 4" in i18n.t(message.key, lang="en", **message.params)
    assert "第 4 行" in i18n.t(message.key, lang="zh", **message.params)


def test_uncovered_date_renders_both_dates() -> None:
    history = ContractHistory((contract_from_options(None, effective="2025-03-01"),))
    with pytest.raises(InputError) as caught:
        history.at(day("2025-02-28"))
    message = caught.value.message
    assert message.key == "contract.not_covered"
    for lang in i18n.LANGUAGES:
        text = i18n.t(message.key, lang=lang, **message.params)
        assert "2025-02-28" in text and "2025-03-01" in text
