#!/usr/bin/env bash
# Security load test (issue 11): every role reading portraits at once while ten maximum-size uploads
# run, against the release build of `kechuang serve` on loopback. Reports throughput, latency,
# server errors (must be 0) and the server's peak memory. Needs wrk (Debian: apt-get install wrk),
# curl and python3. Bounded: one wrk run of DURATION, ten uploads, then everything stops.
#   scripts/load-mixed.sh [DATA_DIR]     (N, DURATION, CONNECTIONS, UPLOADS from the environment)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-/tmp/kechuang-load}
N=${N:-20000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
UPLOADS=${UPLOADS:-10}
PORT=${PORT:-18282}
BIN=target/release/kechuang
cargo build --release -q -p kechuang
DB="$DIR/demo/kechuang.db"
if [ ! -f "$DB" ]; then
    "$BIN" demo --enterprises "$N" --years 2024-2025 --data-dir "$DIR" --no-serve >/dev/null
    sync
fi
add() { KECHUANG_PASSWORD=load-password-1 "$BIN" user add "$1" --role "$2" ${3:+--scope "$3"} --db "$DB" >/dev/null 2>&1 || true; }
add load-analyst analyst
add load-officer district_officer 120116
add load-bank bank 负载测试银行
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" 2>"$DIR/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
B="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -sf "$B/readyz" >/dev/null && break; sleep 0.1; done

# A session, then a read token, for an account; prints the token.
token() {
    local jar csrf
    jar=$(mktemp)
    csrf=$(curl -sf -c "$jar" -H 'content-type: application/json' \
        -d "{\"name\":\"$1\",\"password\":\"load-password-1\"}" "$B/api/v1/session" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
    echo "$jar $csrf"
}
read -r AJAR ACSRF < <(token load-analyst)
mint() { curl -sf -b "$1" -H "x-csrf-token: $2" -H 'content-type: application/json' \
    -d '{"label":"load","scopes":"read,write"}' "$B/api/v1/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
export T_ANALYST=$(mint "$AJAR" "$ACSRF")
read -r OJAR OCSRF < <(token load-officer)
export T_OFFICER=$(mint "$OJAR" "$OCSRF")
codes() { curl -sf -H "authorization: Bearer $1" "$B/api/v1/enterprises?per_page=500&page=$2" |
    python3 -c 'import json,sys; [print(r["credit_code"]) for r in json.load(sys.stdin)["items"]]'; }
export C_ANALYST="$DIR/c-analyst.txt" C_OFFICER="$DIR/c-officer.txt" C_BANK="$DIR/c-bank.txt" C_FIRM="$DIR/c-firm.txt"
for p in 1 5 9 13; do codes "$T_ANALYST" $p; done > "$C_ANALYST"
codes "$T_OFFICER" 1 > "$C_OFFICER"
# 200 enterprises consent to the bank; one enterprise account for the firm's own portrait.
head -200 "$C_ANALYST" > "$C_BANK"
while read -r c; do
    curl -sf -o /dev/null -b "$AJAR" -H "x-csrf-token: $ACSRF" -H 'content-type: application/json' \
        -d "{\"credit_code\":\"$c\",\"bank\":\"负载测试银行\"}" "$B/api/v1/consents"
done < "$C_BANK"
read -r BJAR BCSRF < <(token load-bank)
export T_BANK=$(mint "$BJAR" "$BCSRF")
FIRM_CODE=$(head -1 "$C_OFFICER")
add load-firm enterprise "$FIRM_CODE"
echo "$FIRM_CODE" > "$C_FIRM"
read -r FJAR FCSRF < <(token load-firm)
export T_FIRM=$(mint "$FJAR" "$FCSRF")

# Maximum-size uploads: a survey CSV just under the upload limit (the demo's rows, repeated: errors
# to report), and the 2 KB workbook with a cell at XFD1048576.
BIG="$DIR/upload-max.csv"
if [ ! -f "$BIG" ]; then
    python3 - "$DIR/demo" "$BIG" <<'PY'
import sys, glob
rows = []
for f in sorted(glob.glob(sys.argv[1] + "/survey-20*.csv")):
    with open(f, encoding="utf-8-sig") as fh:
        lines = fh.read().splitlines()
    header, rows = lines[0], rows + lines[1:]
limit = 64 * 1024 * 1024 - 4096
out, size, i = [header], len(header.encode()) + 1, 0
while True:
    line = rows[i % len(rows)]
    n = len(line.encode()) + 1
    if size + n > limit:
        break
    out.append(line); size += n; i += 1
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
fi
SPARSE="$DIR/sparse.xlsx"
python3 - "$SPARSE" <<'PY'
import sys, zipfile
parts = {
 "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
 "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
 "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
 "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
 "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>',
}
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in parts.items():
        z.writestr(name, text)
PY

# Peak memory of the server, sampled.
( peak=0; while kill -0 $SERVER 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/$SERVER/status 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" > "$DIR/peak-rss.kb"
    sleep 0.2; done ) &
echo "server RSS before: $(awk '/VmRSS/ {print $2}' /proc/$SERVER/status) kB; $(nproc) cores"
echo "uploads: $UPLOADS × $(du -h "$BIG" | cut -f1) CSV (dry run) and the sparse workbook; wrk -t$THREADS -c$CONNECTIONS -d$DURATION over four roles"
# The server's CPU time (user + system, in clock ticks) before and after the run: with the load
# generator on the same cores, this says what the server itself spent per request.
cpu_ticks() { awk '{print $14 + $15}' /proc/$SERVER/stat; }
CPU_BEFORE=$(cpu_ticks)
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/load-mixed.lua "$B" > "$DIR/wrk.txt" &
WRK=$!
sleep 2
UPS=()
for i in $(seq 1 "$UPLOADS"); do
    if [ $((i % 2)) = 0 ]; then
        curl -s -o /dev/null -w "upload $i (64 MB CSV): %{http_code} in %{time_total} s\n" -b "$AJAR" -H "x-csrf-token: $ACSRF" \
            --data-binary @"$BIG" "$B/api/v1/imports?file_name=big.csv&dry_run=true" &
        UPS+=($!)
    else
        curl -s -o /dev/null -w "upload $i (sparse xlsx): %{http_code} in %{time_total} s\n" -b "$FJAR" -H "x-csrf-token: $FCSRF" \
            --data-binary @"$SPARSE" "$B/api/v1/catalogue/imports?kind=demand&file_name=d.xlsx" &
        UPS+=($!)
    fi
done
wait $WRK
[ ${#UPS[@]} -gt 0 ] && wait "${UPS[@]}"
CPU_AFTER=$(cpu_ticks)
cat "$DIR/wrk.txt"
python3 - "$DIR/wrk.txt" "$CPU_BEFORE" "$CPU_AFTER" "$(getconf CLK_TCK)" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
requests = int(re.search(r"(\d+) requests in", text).group(1))
seconds = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[4])
print(f"server CPU: {seconds:.1f} s for {requests} requests = {seconds / requests * 1e6:.0f} µs a request "
      f"(uploads included); two cores to itself: {2 * requests / seconds:,.0f} requests/s")
PY
echo "server peak RSS: $(cat "$DIR/peak-rss.kb") kB; still up: $(curl -s "$B/healthz")"
grep -c '"level":"ERROR"\|ERROR' "$DIR/serve.log" | sed 's/^/server log errors: /' || true
