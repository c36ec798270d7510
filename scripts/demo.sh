#!/usr/bin/env bash
# `make run`: the main job on a throwaway ledger in a temporary directory, deleted afterwards.
set -euo pipefail
OT="$(dirname "$0")/../.venv/bin/ot"
DEMO_DIR="$(mktemp -d)"
trap 'rm -rf "$DEMO_DIR"' EXIT
export OFFLINE_TRACKER_DB="$DEMO_DIR/ledger.sqlite"
# A fixed "now" inside the week after China's 2025 National Day break, so the report has
# a statutory holiday, rest days of the break and an ordinary workday in it.
export OFFLINE_TRACKER_NOW="2025-10-09T09:00:00+08:00"
export COLUMNS="${COLUMNS:-100}"

# Show each command as a user would type it: `ot`, with quotes around words that have spaces.
step() {
  local shown="ot" arg
  for arg in "${@:2}"; do
    if [[ "$arg" == *" "* ]]; then shown+=" \"$arg\""; else shown+=" $arg"; fi
  done
  printf '\n\033[1m$ %s\033[0m\n' "$shown"
  "$@"
}

step "$OT" init --timezone Asia/Shanghai --schedule "mon-fri 09:00-12:00,13:00-18:00" --monthly-wage 10000
step "$OT" log "Boss wants the client slides by morning" --at 23:40 --minutes 40 \
  --channel wechat --who "Wang (manager)" --role supervisor --kind instruction
step "$OT" log "收到" --at "yesterday 23:41" --kind ack --channel wechat --who "Wang (manager)"
step "$OT" add "Evening release call" --from "2025-10-08 19:30" --to "2025-10-08 21:00" \
  --channel feishu --role client --kind call
step "$OT" add "Holiday hotfix" --from "2025-10-03 10:00" --to "2025-10-03 12:30" --kind deliverable
step "$OT" list --from 2025-10-01
step "$OT" report week 2025-10-08
step "$OT" verify
printf '\nThe demo ledger in %s is deleted now. Start your own with: ot init --help\n' "$DEMO_DIR"
