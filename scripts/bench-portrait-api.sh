#!/usr/bin/env bash
# The portrait API under load (issue 5's benchmark): a demo store of N enterprises (100,000 by default),
# the release build of `kechuang serve`, an API token of an analyst, and wrk on loopback requesting the
# portraits of random enterprises. Needs wrk (Debian: apt-get install wrk) and python3.
#   scripts/bench-portrait-api.sh [DATA_DIR]      (N, YEARS, DURATION, CONNECTIONS, THREADS from the environment)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-/tmp/kechuang-bench}
N=${N:-100000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
PORT=${PORT:-18181}
BIN=target/release/kechuang
cargo build --release -q -p kechuang
DB="$DIR/demo/kechuang.db"
if [ ! -f "$DB" ]; then
    "$BIN" demo --enterprises "$N" --years "${YEARS:-2024-2025}" --data-dir "$DIR" --no-serve
    # The demo has just written a gigabyte: let the kernel write it back before measuring, so that
    # the run measures the server and not the disk catching up.
    sync
fi
KECHUANG_PASSWORD=bench-password-1 "$BIN" user add bench --role analyst --db "$DB" >/dev/null 2>&1 || true
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" 2>"$DIR/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
B="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -sf "$B/readyz" >/dev/null && break; sleep 0.1; done
JAR=$(mktemp)
CSRF=$(curl -sf -c "$JAR" -H 'content-type: application/json' \
    -d '{"name":"bench","password":"bench-password-1"}' "$B/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
export TOKEN=$(curl -sf -b "$JAR" -H "x-csrf-token: $CSRF" -H 'content-type: application/json' \
    -d '{"label":"bench","scopes":"read"}' "$B/api/v1/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
export CODES="$DIR/codes.txt"
# 5,000 enterprises spread over the ranking.
for page in $(seq 1 10); do
    curl -sf -H "authorization: Bearer $TOKEN" "$B/api/v1/enterprises?per_page=500&page=$((page * 19))"
    echo
done | python3 -c '
import json, sys
for line in sys.stdin:
    if line.strip():
        for r in json.loads(line)["items"]:
            print(r["credit_code"])' > "$CODES"
echo "$(wc -l < "$CODES") enterprises to request; $(nproc) cores; wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
curl -sf -o /dev/null -w 'one portrait: %{size_download} bytes, %{time_total} s\n' \
    -H "authorization: Bearer $TOKEN" "$B/api/v1/enterprises/$(head -1 "$CODES")/portrait"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/portrait.lua "$B"
