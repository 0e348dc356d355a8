#!/bin/sh
# Times pages for one account on a running server, as a browser asks for them (the session cookie
# from signing in): the first request (the server's views computed) and the best of three more.
# Usage: scripts/time-pages.sh BASE NAME PASSWORD PATH...
#   e.g. scripts/time-pages.sh http://127.0.0.1:8080 analyst demo-analyst-2026 / /ranking /tables
set -eu
B=$1; N=$2; P=$3; shift 3
J=$(mktemp)
curl -s -c $J -b $J -H 'content-type: application/json' -d "{\"name\":\"$N\",\"password\":\"$P\"}" $B/api/v1/session > /dev/null
for path in "$@"; do
  cold=$(curl -s -o /dev/null -b $J -w '%{http_code} %{time_total}' "$B$path")
  best=9; for i in 1 2 3; do t=$(curl -s -o /dev/null -b $J -w '%{time_total}' "$B$path"); best=$(echo "$t $best" | awk '{print ($1<$2)?$1:$2}'); done
  printf '%-40s %s cold %s s, warm best of 3 %s s\n' "$path" "$(echo $cold | cut -d' ' -f1)" "$(echo $cold | cut -d' ' -f2)" "$best"
done
rm -f $J
