"""Text, rich tables and JSON from domain values, in the chosen language; no arithmetic.

One module per command group (records, terms, verify, doctor, imports, anchors; report,
offhours, heatmap, terms_sections for `ot report`), text.py for what they share, jsonout.py the
one writer of `--json`. This module only re-exports their names.
"""

from offline_tracker.domain.results import CATEGORY_NAMES
from offline_tracker.render.jsonout import to_json, written_json
from offline_tracker.render.records import (
    History,
    history,
    history_dict,
    history_json,
    records,
    records_json,
    saved,
    saved_dict,
    saved_json,
    status,
    status_json,
)
from offline_tracker.render.terms import (
    calendar,
    contract,
    contract_json,
    day_dict,
    day_line,
    day_note,
    day_type,
    days_json,
    versions_json,
    versions_text,
)
from offline_tracker.render.text import (
    SHOWN_BACK,
    breakdown,
    breakdown_dict,
    console,
    findings_json,
    hm,
    late_line,
    message,
    rendered,
    span,
    warnings,
)
from offline_tracker.render.verify import (
    check_lines,
    checked_json,
    pack_json,
    pack_text,
    replaced_lines,
    restore_json,
    verification,
    verification_json,
)

_render = rendered  # the name render/report.py and render/heatmap.py import

__all__ = [
    "CATEGORY_NAMES",
    "SHOWN_BACK",
    "History",
    "breakdown",
    "breakdown_dict",
    "calendar",
    "check_lines",
    "checked_json",
    "console",
    "contract",
    "contract_json",
    "day_dict",
    "day_line",
    "day_note",
    "day_type",
    "days_json",
    "findings_json",
    "history",
    "history_dict",
    "history_json",
    "hm",
    "late_line",
    "message",
    "pack_json",
    "pack_text",
    "records",
    "records_json",
    "rendered",
    "replaced_lines",
    "restore_json",
    "saved",
    "saved_dict",
    "saved_json",
    "span",
    "status",
    "status_json",
    "to_json",
    "verification",
    "verification_json",
    "versions_json",
    "versions_text",
    "warnings",
    "written_json",
]
