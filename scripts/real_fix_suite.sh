#!/bin/bash
# One real suite for bench/REAL_FIXES.md: export it from its mirror, run its tests against real containers as
# written and after `tclint --fix --unsafe-fixes`, run `tclint verify`, and compare `ruff check --select F,I`
# on the fixed files. Everything is written under $REALFIX_RUNS (default /tmp/realfix-runs), never here.
#
#   scripts/real_fix_suite.sh OWNER+NAME COMMIT VENV [PYTEST_ARGS...]
#
# VENV has the suite's test dependencies (bench/real_fixes/OWNER+NAME.toml says which); STEPS picks steps
# (default: export copy before fix after verify ruff); TCLINT and RUFF name the commands.
set -u
NAME=$1; COMMIT=$2; VENV=$3; shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
R=${REALFIX_RUNS:-/tmp/realfix-runs}; D=$R/runs/$NAME; L=$R/logs
TCLINT=${TCLINT:-tclint}; RUFF=${RUFF:-ruff}; MIRROR=${MIRROR:-/work/.mirror/$NAME/repo}
export REALFIX_RUNS=$R TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CONNECTION_MODE=docker_host TC_HOST=localhost
mkdir -p "$L"
run_tests() { flock /tmp/tclint-docker.lock "$VENV/bin/python" "$HERE/real_fix_pytest.py" "$NAME-$1" "$D/$2" "$VENV/bin/python" "${@:3}"; }
for step in ${STEPS:-export copy before fix after verify ruff}; do
  case $step in
  export) rm -rf "$R/src/$NAME"; mkdir -p "$R/src/$NAME"; git -C "$MIRROR" archive "$COMMIT" | tar -x -C "$R/src/$NAME" ;;
  copy) rm -rf "$D"; mkdir -p "$D"; for v in orig fixed verify; do cp -a "$R/src/$NAME" "$D/$v"; done ;;
  before) run_tests before orig "$@" ;;
  fix) (cd "$D/fixed" && "$TCLINT" check --no-cache --fix --unsafe-fixes . >"$L/$NAME-fix.txt" 2>&1)
       (cd "$D" && diff -ruN orig fixed >"$L/$NAME-fix.diff"); tail -n 1 "$L/$NAME-fix.txt" ;;
  after) run_tests after fixed "$@" ;;
  verify) (cd "$D/verify" && flock /tmp/tclint-docker.lock "$TCLINT" verify --python "$VENV/bin/python" . >"$L/$NAME-verify.txt" 2>&1)
          grep -E "^(kept|rejected|unverified|suite|wrote)" "$L/$NAME-verify.txt" ;;
  ruff) changed=$(cd "$D" && diff -rqN orig fixed | awk '{print $2}' | sed 's#^orig/##' | grep '\.py$')
        for v in orig fixed; do
          echo "-- ruff check --select F,I ($v)"
          (cd "$D/$v" && for f in $changed; do [ -s "$f" ] && echo "$f"; done | xargs -r "$RUFF" check --no-cache --select F,I --output-format concise)
        done | tee "$L/$NAME-ruff.txt" ;;
  esac
done
