#!/usr/bin/env bash
# Whole-platform benchmark on the Aspire AppHost, as ./run.sh starts it (dashboard included):
#   - cold start to all healthy (fresh data directory: initdb, RabbitMQ's first boot, migrations) and warm start
#     (same data): until the gateway's /health is 200 (every service answers, each Healthy or Degraded) and until it
#     says Healthy (every service and the gateway with their database, broker and cache connected);
#   - a timeline of each start: when each resource was Starting, Running and ready (its health checks passed), from
#     the AppHost's own debug log of resource states;
#   - memory (processes, RSS, PSS) of every resource: AppHost, orchestrator (DCP), dashboard, services, servers,
#     idle and at the peak of a mixed authenticated load through the gateway to all four services.
#   bench/platform/run.sh [--record]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/lib/common.sh"
record=0; [ "${1:-}" = --record ] && record=1
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
dotnet build "$root/aspire.sln" -c Release -v quiet -nologo -clp:ErrorsOnly

data=$(mktemp -u /tmp/platform-bench-XXXXXX)
gateway=$(free_port)
args=(--DataDirectory "$data" --Ports:gateway=$gateway)
for name in identity users pool promo identity-h2c users-h2c pool-h2c promo-h2c postgres cache messaging; do
  args+=("--Ports:$name=0")
done
# The dashboard as ./run.sh serves it, on free ports so the benchmark runs beside a running platform.
export DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true NO_COLOR=1
# The timeline's source: resource state changes and readiness in the AppHost's log, each line stamped as it comes.
args+=(--Logging:LogLevel:Aspire.Hosting.ApplicationModel.ResourceNotificationService=Debug
  --Logging:LogLevel:Aspire.Hosting.Health.ResourceHealthCheckService=Debug)
export ASPNETCORE_URLS="http://127.0.0.1:$(free_port)"
export ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$(free_port)"
export ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://127.0.0.1:$(free_port)"
# One client address and one token make all the load: lift the gateway's limits for them.
export RateLimits__PerIpPerSecond=10000000 RateLimits__PerIpBurst=10000000
export RateLimits__PerCredentialPerSecond=10000000 RateLimits__PerCredentialBurst=10000000

apphost_pid=
stop() { # SIGTERM to the AppHost, then wait until every process it and the orchestrator started has gone
  [ -n "$apphost_pid" ] || return 0
  local tree; tree=$(python3 "$root/bench/platform/tree_memory.py" --pids "$apphost_pid")
  kill -TERM "$apphost_pid" 2>/dev/null; wait "$apphost_pid" 2>/dev/null || true
  local deadline=$((SECONDS + 60)) pid
  for pid in $tree; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  done
  apphost_pid=
}
trap 'stop; cp "$data.log" /tmp/platform-bench.log 2>/dev/null; rm -rf "$data" "$data".*' EXIT

start() { # sets started_in (seconds from launch to /health 200), healthy_in (to Healthy), cpu (CPU seconds the
  # platform's processes used until then: the machine's other load does not change it) and timeline
  local t0=$SECONDS started; started=$(date +%s.%N)
  dotnet "$root/AppHost/bin/Release/net10.0/AppHost.dll" "${args[@]}" > >(python3 -u "$root/bench/platform/timeline.py" --stamp > "$data.log") 2>&1 &
  apphost_pid=$!
  started_in=
  until curl -fsS -o "$data.health" "http://127.0.0.1:$gateway/health" 2>/dev/null \
        && grep -q '^{"service":"gateway","status":"Healthy"' "$data.health"; do
    [ -z "$started_in" ] && [ -s "$data.health" ] && started_in=$(since "$started")
    [ $((SECONDS - t0)) -gt 600 ] && { echo "not healthy in 600 s" >&2; tail -50 "$data.log" >&2; exit 1; }
    rm -f "$data.health"
    sleep 0.1
  done
  healthy_in=$(since "$started")
  cpu=$(python3 "$root/bench/platform/tree_memory.py" --cpu "$apphost_pid")
  started_in=${started_in:-$healthy_in}
  timeline=$(python3 "$root/bench/platform/timeline.py" "$data.log" "$started")
}
since() { echo "$(date +%s.%N) $1" | awk '{printf "%.1f", $1 - $2}'; }

start; cold=$started_in; cold_healthy=$healthy_in; cold_cpu=$cpu; cold_timeline=$timeline; stop
start; warm=$started_in; warm_healthy=$healthy_in; warm_cpu=$cpu; warm_timeline=$timeline
sleep 20 # idle: let start-up work (first GCs, JIT, the dashboard's first page of telemetry) settle
idle=$(python3 "$root/bench/platform/tree_memory.py" "$apphost_pid")

# Mixed load with an administrator's token: each request goes through the gateway's authentication to one of the
# four services, which reads its database.
base="http://127.0.0.1:$gateway"
curl -fsS -o /dev/null -H 'content-type: application/json' -d '{"channel":"email","target":"admin@example.test"}' "$base/api/identity/codes"
code=$(curl -fsS "$base/api/identity/dev/outbox?target=admin%40example.test" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["code"])')
token=$(curl -fsS -H 'content-type: application/json' -d "{\"channel\":\"email\",\"target\":\"admin@example.test\",\"code\":\"$code\"}" \
  "$base/api/identity/sign-in" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
cat > "$data.lua" <<EOF
local paths = { "/api/identity/me", "/api/users?pageSize=20", "/api/pool/pool-groups", "/api/promo/products" }
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[i % #paths + 1], { ["Authorization"] = "Bearer $token" })
end
EOF
for path in /api/identity/me "/api/users?pageSize=20" /api/pool/pool-groups /api/promo/products; do
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$base$path" || { echo "load path $path fails" >&2; exit 1; }
done
wrk -t2 -c50 -d30s -s "$data.lua" "$base" > "$data.wrk" &
wrk_pid=$!
peak_total=0; peak=
while kill -0 $wrk_pid 2>/dev/null; do
  sample=$(python3 "$root/bench/platform/tree_memory.py" "$apphost_pid")
  total=$(awk '$1=="TOTAL" {print $4}' <<<"$sample")
  [ "$total" -gt "$peak_total" ] && { peak_total=$total; peak=$sample; }
  sleep 1
done
wait $wrk_pid
rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$data.wrk")
errors=$(awk '/Non-2xx|Socket errors/' "$data.wrk")

report=$(
  echo "Cold start (fresh data directory): /health 200 in ${cold} s, Healthy in ${cold_healthy} s, ${cold_cpu} CPU seconds;"
  echo "warm start (existing data): /health 200 in ${warm} s, Healthy in ${warm_healthy} s, ${warm_cpu} CPU seconds"
  echo "(CPU seconds: what the platform's processes used until Healthy, on $(nproc) cores; load average at the end:"
  echo "$(cut -d' ' -f1-3 /proc/loadavg))."
  echo
  echo "Timeline of the cold start (seconds from launch; ready = its health checks passed, as Aspire saw it):"
  echo
  echo "$cold_timeline"
  echo
  echo "Timeline of the warm start:"
  echo
  echo "$warm_timeline"
  echo
  echo "Memory in MiB, idle (20 s after a warm start) and at the whole platform's peak PSS under load (wrk -t2 -c50 -d30s,"
  echo "an administrator's bearer token, GET round-robin over identity /me, users, pool groups and promo products:"
  echo "${rps} requests/s${errors:+; $errors})."
  echo
  echo '| resource | processes | idle RSS | idle PSS | load RSS | load PSS |'
  echo '|---|---|---|---|---|---|'
  join -a1 -e- -o 0,1.2,1.3,1.4,2.3,2.4 <(sort <<<"$idle") <(sort <<<"$peak") \
    | awk '{ line = sprintf("| %s | %s | %s | %s | %s | %s |", $1, $2, $3, $4, $5, $6); gsub(/_/, " ", line)
             if ($1 == "TOTAL") total = line; else print line } END { print total }'
)
echo "$report"
if [ $record = 1 ]; then
  { echo; echo "### Platform start and memory on Aspire ($(date -u +%Y-%m-%d))"; echo; echo 'Command: `bench/platform/run.sh --record`'; echo; echo "$report"; } >> "$root/bench/RESULTS.md"
fi
