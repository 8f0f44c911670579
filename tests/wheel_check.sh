#!/usr/bin/env bash
# The built wheel installs and runs, not only `pip install -e` (issue #14). Builds the
# wheel from the working tree, installs it with its dependencies into a fresh venv, then
# from an empty folder, with nothing of the environment inherited:
#   - `territory-dashboard init-demo` + `kpis` print what the source checkout prints
#     (so data/ is in the wheel), and
#   - `territory-dashboard serve` answers / and files of assets/ (so assets/ is too).
# .ci/run calls it before the suite, so a wheel that lost its data fails CI loudly.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/td-wheel.XXXXXX)
SERVER_PID=""
SOURCE_PID=""
cleanup() {  # on failure the source run may still be going: stop it and the server
    if [ -n "$SOURCE_PID" ]; then pkill -P "$SOURCE_PID" 2>/dev/null || true; fi
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
    if [ -n "$SERVER_PID" ]; then tail -n 30 "$WORK/serve.log" >&2; fi
    echo "wheel check FAILED: $*" >&2
    exit 1
}
PIP_QUIET=(--quiet --disable-pip-version-check)
VENV="$WORK/venv"
EMPTY="$WORK/empty"
mkdir "$EMPTY" "$WORK/src"

# Build from a copy of what git sees (tracked and new files, nothing ignored): a build/
# left in the checkout would put deleted modules back into the wheel.
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard \
    | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$WORK/src"
python3 -m pip wheel "${PIP_QUIET[@]}" --no-deps -w "$WORK/dist" "$WORK/src" >/dev/null
# this pip installs into the venv (setting up a pip of its own takes longer), without
# byte-compiling every dependency, which was most of the install's time
python3 -m venv --without-pip "$VENV"
python3 -m pip --python "$VENV/bin/python" install "${PIP_QUIET[@]}" --no-compile \
    "$WORK"/dist/*.whl

# nothing of the caller's environment (DATABASE_URL, TD_*...): PATH, HOME, and the
# TD_INSTANCE_PATH each command is given
CLEAN_ENV=(env -i PATH="$VENV/bin:/usr/bin:/bin" HOME="$WORK")
run_in() {  # FOLDER INSTANCE CMD...: in FOLDER, whose files are the only ones on the path
    local folder=$1 instance=$2
    shift 2
    (cd "$folder" && exec "${CLEAN_ENV[@]}" TD_INSTANCE_PATH="$instance" "$@")
}
installed=$(run_in "$EMPTY" "$WORK/none" python -c "import dashboard; print(dashboard.__file__)")
[[ $installed == "$VENV"/* ]] || fail "the venv imports dashboard from $installed"

KPIS=(kpis --period 2026Q3 --level region)
from_source() {  # the same commands, the checkout's code (its app.py), the venv's libraries
    run_in "$REPO" "$WORK/source-instance" python app.py init-demo >/dev/null
    run_in "$REPO" "$WORK/source-instance" python app.py "${KPIS[@]}" >"$WORK/source.csv"
}
from_source &
SOURCE_PID=$!
run_in "$EMPTY" "$WORK/wheel-instance" territory-dashboard init-demo >/dev/null \
    || fail "init-demo from the wheel failed (its data/ is missing?)"
run_in "$EMPTY" "$WORK/wheel-instance" territory-dashboard "${KPIS[@]}" >"$WORK/wheel.csv" \
    || fail "kpis from the wheel failed"

PORT=$("$VENV/bin/python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); \
print(s.getsockname()[1])")
(cd "$EMPTY" && exec "${CLEAN_ENV[@]}" TD_INSTANCE_PATH="$WORK/wheel-instance" \
    territory-dashboard serve --host 127.0.0.1 --port "$PORT") >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 240); do
    curl -sf -o /dev/null "$URL/" && break
    kill -0 "$SERVER_PID" 2>/dev/null || fail "serve exited"
    sleep 0.5
done
curl -sf -o /dev/null "$URL/" || fail "serve does not answer within two minutes"
# / asks for a sign-in first: sign in as the demo leader (README: Demo accounts)
JAR="$WORK/cookies"
FIRST_TOKEN='/name="csrf_token"/{s/.*name="csrf_token" value="\([^"]*\)".*/\1/p;q}'
curl -sf -c "$JAR" -b "$JAR" -o "$WORK/login.html" "$URL/login" || fail "no sign-in page"
token=$(sed -n "$FIRST_TOKEN" "$WORK/login.html")
signed_in=$(curl -s -c "$JAR" -b "$JAR" -o /dev/null -w "%{http_code}" \
    --data-urlencode "csrf_token=$token" -d username=leader -d password=demo-pass -d next=/ \
    "$URL/login")
[ "$signed_in" = 302 ] || fail "signing in as the demo leader answered $signed_in"
curl -sf -b "$JAR" -o "$WORK/page.html" "$URL/" || fail "serve does not answer / signed in"
grep -q "<title>Territory Dashboard</title>" "$WORK/page.html" \
    || fail "serve does not answer / with the app's page"
curl -sf -b "$JAR" -o /dev/null "$URL/_dash-layout" \
    || fail "serve does not send the page's layout"
for asset in style.css map.js vendor/bootstrap.min.css; do
    curl -sf "$URL/assets/$asset" | cmp -s - "$REPO/assets/$asset" \
        || fail "serve does not send assets/$asset as the checkout holds it"
done
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

wait "$SOURCE_PID" || fail "init-demo or kpis from the source checkout failed"
SOURCE_PID=""
[ "$(wc -l <"$WORK/wheel.csv")" -gt 1 ] || fail "kpis from the wheel printed no rows"
diff "$WORK/source.csv" "$WORK/wheel.csv" >&2 \
    || fail "kpis from the wheel differs from the source checkout's (diff above)"
echo "wheel check: $(basename "$WORK"/dist/*.whl) installs; kpis as from source" \
    "($(($(wc -l <"$WORK/wheel.csv") - 1)) regions); serve answers / and assets/ (${SECONDS} s)"
