#!/usr/bin/env bash
# Whole-platform benchmark: cold start to a healthy gateway (fresh data: initdb, RabbitMQ's first boot,
# migrations), warm start (same data), resident memory per resource when idle, and the whole platform's
# resident memory under gateway load (wrk through the gateway to identity).
#   bench/platform/run.sh [--record]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/lib/common.sh"
record=0; [ "${1:-}" = --record ] && record=1
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
dotnet build "$root/aspire.sln" -c Release -v quiet -nologo -clp:ErrorsOnly

data=$(mktemp -u /tmp/platform-bench-XXXXXX)
ports=(); args=(--data-dir "$data")
for name in gateway identity users pool promo postgres cache messaging; do
  port=$(free_port); args+=("--Ports:$name=$port"); [ $name = gateway ] && gateway=$port
done
apphost_pid=
stop() { [ -n "$apphost_pid" ] && kill -TERM "$apphost_pid" 2>/dev/null && wait "$apphost_pid" 2>/dev/null; apphost_pid=; }
trap 'stop; rm -rf "$data"' EXIT

start() { # sets started_in: seconds from launch to gateway /health 200
  local t0=$SECONDS started; started=$(date +%s.%N)
  # One client address under load: lift the gateway's per-IP limit for it.
  RateLimits__PerIpPerSecond=10000000 RateLimits__PerIpBurst=10000000 \
  NO_COLOR=1 dotnet "$root/AppHost/bin/Release/net10.0/AppHost.dll" "${args[@]}" > "$data.log" 2>&1 &
  apphost_pid=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$gateway/health" 2>/dev/null; do
    [ $((SECONDS - t0)) -gt 180 ] && { echo "not healthy in 180 s" >&2; tail -50 "$data.log" >&2; exit 1; }
    sleep 0.1
  done
  started_in=$(echo "$(date +%s.%N) $started" | awk '{printf "%.1f", $1 - $2}')
}

start; cold=$started_in; stop
start; warm=$started_in
sleep 10 # idle: let start-up garbage settle before reading resident memory
idle=$(python3 "$root/bench/platform/tree_rss.py" "$apphost_pid")

# A small anonymous identity endpoint. (The OpenAPI document, used before, was then generated afresh per request,
# and the load measured only that; it is cached now.)
url="http://127.0.0.1:$gateway/api/identity/oauth/providers"
peak=0
WRK_DURATION=20s wrk_run load "$url" > "$data.wrk" &
wrk_pid=$!
while kill -0 $wrk_pid 2>/dev/null; do
  total=$(python3 "$root/bench/platform/tree_rss.py" "$apphost_pid" | awk '$1=="TOTAL" {print $2}')
  [ "$total" -gt "$peak" ] && peak=$total
  sleep 1
done
load=$(cat "$data.wrk")

report=$(
  echo "Cold start to healthy (fresh data directory): ${cold} s; warm start (existing data): ${warm} s."
  echo
  echo '| resource | idle RSS MiB |'
  echo '|---|---|'
  awk '{printf "| %s | %s |\n", $1, $2}' <<<"$idle"
  echo
  echo "Under load (wrk -c50 through the gateway to identity, $(awk '{printf "%.0f", $2}' <<<"$load") requests/s): whole platform peak RSS ${peak} MiB."
)
echo "$report"
if [ $record = 1 ]; then
  { echo; echo "### Platform start and memory ($(date -u +%Y-%m-%d))"; echo; echo 'Command: `bench/platform/run.sh --record`'; echo; echo "$report"; } >> "$root/bench/RESULTS.md"
fi
