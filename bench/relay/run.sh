#!/usr/bin/env bash
# Relay overhead and accounting under load: the same Messages request (POST /v1/messages, JSON answer with usage)
# straight to the upstream stand-in, and through the gateway and pool's relay with an API key (a per-key concurrency
# limit, so every request also takes and releases a slot in pooldb). The stand-in is nginx answering a fixed message,
# so the difference is what the relay path costs. Prints requests/s, p50/p99 and the added latency, then checks the
# usage pool recorded against the requests wrk completed (requests in flight when wrk stops may be recorded too).
#   bench/relay/run.sh [--duration 10s] [--connections 20] [--record]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/lib/common.sh"
record=0; export WRK_CONNECTIONS=${WRK_CONNECTIONS:-20}
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) export WRK_DURATION=$2; shift ;;
    --connections) export WRK_CONNECTIONS=$2; shift ;;
    --record) record=1 ;;
  esac
  shift
done
source "$root/scripts/prerequisites.sh"; ensure_platform_prerequisites
command -v wrk >/dev/null && command -v nginx >/dev/null || apt-get install -y -qq wrk nginx-light >/dev/null
dotnet build "$root/aspire.sln" -c Release -v quiet -nologo -clp:ErrorsOnly

# The AppHost creates the data directory itself, with folders its servers' users can reach.
work=$(mktemp -d); data=$(mktemp -u /tmp/relay-bench-XXXXXX)
upstream=$(free_port)
{ nginx_head "$work"; cat <<CONF; } >"$work/nginx.conf"
http {
  access_log off;
  server {
    listen 127.0.0.1:$upstream;
    location = /v1/messages {
      default_type application/json;
      return 200 '{"id":"msg_bench","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":10,"output_tokens":5,"cache_creation_input_tokens":2,"cache_read_input_tokens":1}}';
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!

apphost_ports "$data"
trap 'kill -TERM $apphost_pid $nginx_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work" "$data"' EXIT
RateLimits__PerIpPerSecond=10000000 RateLimits__PerIpBurst=10000000 \
RateLimits__PerCredentialPerSecond=10000000 RateLimits__PerCredentialBurst=10000000 \
Relay__UpstreamBaseUrl="http://127.0.0.1:$upstream" NO_COLOR=1 \
  dotnet "$root/AppHost/bin/Release/net10.0/AppHost.dll" "${args[@]}" > "$work/apphost.log" 2>&1 &
apphost_pid=$!
base="http://127.0.0.1:$gateway"
wait_http "$base/health" 180 || { tail -50 "$work/apphost.log"; exit 1; }

json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
sign_in() {
  curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "{\"channel\":\"email\",\"target\":\"$1\"}" "$base/api/identity/codes"
  local code; code=$(curl -fsS "$base/api/identity/dev/outbox?target=$1" | json '[0]["code"]')
  curl -fsS -H 'Content-Type: application/json' -d "{\"channel\":\"email\",\"target\":\"$1\",\"code\":\"$code\"}" "$base/api/identity/sign-in" | json '["accessToken"]'
}
post() { curl -fsS -H 'Content-Type: application/json' -H "Authorization: Bearer $1" ${3:+-H "X-Domain: $3"} -d "$4" "$base$2"; }
admin=$(sign_in admin@example.test)
group=$(post "$admin" /api/pool/pool-groups pool "{\"name\":\"relay-bench-$RANDOM\"}" | json '["id"]')
for i in 1 2 3; do
  post "$admin" /api/pool/mothers pool "{\"name\":\"m$i\",\"email\":\"m$i-$RANDOM$RANDOM@bench.test\",\"groupId\":\"$group\",\"accessToken\":\"bench-$i-$RANDOM\"}" >/dev/null
done
user=$(sign_in "relay-bench-$RANDOM@example.test")
# A relay plan roomy enough for the load (docs/relay.md "Plans"), then a key within it.
user_id=$(curl -fsS -H "Authorization: Bearer $user" "$base/api/identity/me" | json '["id"]')
curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' -H "Authorization: Bearer $admin" -H 'X-Domain: pool' \
  -d '{"dailyCost":1000000,"requestsPerMinute":1000000,"concurrency":1000}' "$base/api/pool/relay/plans/$user_id"
created=$(post "$user" /api/identity/api-keys "" '{"name":"bench","limits":{"concurrency":1000}}')
key=$(json '["key"]' <<<"$created"); key_id=$(json '["apiKey"]["id"]' <<<"$created")

cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
wrk.headers["x-api-key"] = "$key"
wrk.body = '{"model":"claude-sonnet-4-20250514","max_tokens":16,"system":"You are a benchmark.","messages":[{"role":"user","content":"hi"}]}'
LUA
run() { # run LABEL URL -> "LABEL rps p50 p99 completed non2xx"
  local out; out=$(wrk -t1 -c"$WRK_CONNECTIONS" -d"${WRK_DURATION:-10s}" --latency -s "$work/post.lua" "$2")
  awk -v label="$1" '
    /^Requests\/sec:/ { rps = $2 } $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
    / requests in / { done = $1 } /Non-2xx/ { bad = $NF }
    END { print label, rps, p50, p99, done, bad + 0 }' <<<"$out"
}
WRK_DURATION=3s run warm "$base/v1/messages" >/dev/null
direct=$(run direct "http://127.0.0.1:$upstream/v1/messages")
usage_requests() {
  curl -fsS -H "Authorization: Bearer $admin" "$base/api/pool/relay/usage?by=key&apiKeyId=$key_id" \
    | python3 -c "import sys, json; print(sum(i['requests'] for i in json.load(sys.stdin)['items']))"
}
before=$(usage_requests)
relayed=$(run relay "$base/v1/messages")
# Usage is written as each answer ends; answers in flight when wrk stopped finish just after: wait for the count to settle.
after=$(usage_requests); deadline=$((SECONDS + 10))
while [ $SECONDS -lt $deadline ]; do
  now=$(usage_requests); [ "$now" = "$after" ] && [ "$after" -ge $((before + $(awk '{print $5}' <<<"$relayed"))) ] && break
  after=$now
done

table=$(printf '| path | requests/s | p50 | p99 | completed | non-2xx |\n|---|---|---|---|---|---|\n'
  for row in "$direct" "$relayed"; do awk '{printf "| %s | %.0f | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6}' <<<"$row"; done)
completed=$(awk '{print $5}' <<<"$relayed"); recorded=$((after - before))
ratio=$(awk -v a="$direct" -v b="$relayed" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.2f", y[2] / x[2] }')
verdict=$([ "$recorded" -ge "$completed" ] && [ "$recorded" -le $((completed + WRK_CONNECTIONS)) ] && echo ok || echo MISMATCH)
echo "$table"
echo "relay/direct requests/s: $ratio"
echo "usage recorded: $recorded requests for wrk's $completed completed (+ at most $WRK_CONNECTIONS in flight): $verdict"
if [ $record = 1 ]; then
  { echo; echo "### Relay ($(date -u +%Y-%m-%d), wrk -t1 -c$WRK_CONNECTIONS -d${WRK_DURATION:-10s})"; echo
    echo "Command: \`bench/relay/run.sh --connections $WRK_CONNECTIONS --record\` (nginx answering a fixed Messages reply as the upstream; through the gateway and pool with an API key holding a concurrency limit)"
    echo; echo "$table"; echo
    echo "Relay/direct requests/s: $ratio. Usage recorded: $recorded requests for wrk's $completed completed: $verdict."; } >> "$root/bench/RESULTS.md"
fi
[ "$verdict" = ok ]
